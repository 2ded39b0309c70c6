"""Shared test set-up. The tests mirror the package: tests/<package>/ tests sim/<package>/ (tests/model/
tests sim/model.py; tests/ itself holds the cross-cutting ones). Shared constants and helpers
(``ROOT``, ``FIXTURES``, ``one_line``, ``Server``, ...) are in tests/helpers.py, importable as
``helpers`` everywhere because pyproject sets ``pythonpath = ["tests"]``."""

import helpers  # noqa: F401  # imported first so that helpers.SIM_AT_START hashes sim/ at session start


def pytest_sessionstart(session: object) -> None:
    """After a fresh clone, compile the engine's kernels on every core before the first test (one
    process would compile them all alone, about 40 s on the 2-core CI machine); on a warm cache,
    nothing."""
    from sim.runner.kernels import warm_here

    warm_here()

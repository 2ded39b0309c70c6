"""The choice kernel generated for the shipped utility terms (``sim.rules.terms_kernel``, written by
``sim.rules.terms_codegen``): current with the registry, used where its layout holds, and playing
exactly what the general kernel plays."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import toy_family
from helpers import ROOT

from sim.model import WargameModel
from sim.rules import registry, terms_codegen, terms_kernel
from sim.rules.families import choice

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"


def test_the_generated_kernel_is_current_with_the_registry() -> None:
    """Its file is what the generator writes for today's terms (else: run
    ``python -m sim.rules.terms_codegen``)."""
    assert terms_codegen.TARGET.read_text() == terms_codegen.source(*terms_codegen.shipped())


def _played(scenario: object, R: int, general: bool, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The results and every world's rungs of a run, with the general kernel or not."""
    monkeypatch.setattr(choice, "GENERATED", not general)
    m = WargameModel(scenario, R=R, rng=11, explain=False, trajectories=True)
    m.run()
    out = m.results()
    out["trajectory"] = np.stack(m.trajectory)
    out["peak"] = m.state.peak
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_plays_the_same_with_the_general_kernel(
    scenario: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for name in ("kernel", "kernel_serial"):  # the threaded form, where numba has threads
        written = getattr(terms_kernel, name)

        def spy(*args, _name=name, _f=written):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _f(*args)

        monkeypatch.setattr(terms_kernel, name, spy)
    fast = _played(scenario, 150, general=False, monkeypatch=monkeypatch)
    assert calls, "the shipped terms should play the generated kernel"
    calls.clear()
    slow = _played(scenario, 150, general=True, monkeypatch=monkeypatch)
    assert calls == []
    assert fast.keys() == slow.keys()
    for k in fast:
        assert np.array_equal(fast[k], slow[k]), k


def test_the_threaded_forms_play_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one core: no threaded form")
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        fast = _played(TAIWAN, 2 * choice.THREADED_FROM, False, monkeypatch)
        slow = _played(TAIWAN, 2 * choice.THREADED_FROM, True, monkeypatch)
    finally:
        numba.set_num_threads(before)
    one = _played(TAIWAN, 2 * choice.THREADED_FROM, False, monkeypatch)
    for k in fast:
        assert np.array_equal(fast[k], slow[k]), k
        assert np.array_equal(fast[k], one[k]), k


def test_other_terms_and_explanations_take_the_general_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plug-in family's term changes the layout, and an explained world records every term:
    both play the general kernel (the toy family's weariness still weighs on the moves)."""
    calls: list[int] = []
    monkeypatch.setattr(terms_kernel, "kernel_serial", lambda *a: calls.append(1))
    monkeypatch.setattr(terms_kernel, "kernel", lambda *a: calls.append(1))
    with registry.registered(toy_family.FAMILY):
        m = WargameModel(TAIWAN, R=20, rng=3, explain=False)
        assert not choice.layout_of(m.compiled, m.terms).written
        m.run()
    explained = WargameModel(TAIWAN, R=1, rng=3)
    explained.run()
    assert calls == []
    assert explained.log

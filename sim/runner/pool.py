"""Process pools whose workers never re-run the caller's ``__main__``.

A spawn-context worker normally re-imports the parent's main module before it runs a task (that is
how functions defined in a script reach the worker). A plain script or notebook cell without an
``if __name__ == "__main__":`` guard that calls ``sim.run`` would then run again in every worker,
start pools of its own and crash (Python's "bootstrapping phase" error). The engine's tasks
(``run_block``, ``run_points``) live in ``sim`` modules and need nothing from ``__main__``, so the
workers of these pools skip that step: ``multiprocessing.spawn.get_preparation_data`` is wrapped
once, and leaves out the main-module entries only for processes of the class below (recognised by
name, so other pools in the same program are not affected).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.spawn
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

WORKER_NAME = "WargameWorker"
_MAIN_KEYS = ("init_main_from_name", "init_main_from_path")
_install_lock = threading.Lock()


class WargameWorker(multiprocessing.context.SpawnProcess):
    """A spawn-context process started without the parent's ``__main__``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = f"{WORKER_NAME}-{':'.join(map(str, self._identity))}"


class WargameSpawnContext(multiprocessing.context.SpawnContext):
    """The spawn context, with :class:`WargameWorker` processes."""

    Process = WargameWorker  # type: ignore[assignment]


def _install() -> None:
    """Wrap ``spawn.get_preparation_data`` (once) so that it drops the main-module entries for
    :class:`WargameWorker` processes; every other process is prepared exactly as before."""
    with _install_lock:
        real = multiprocessing.spawn.get_preparation_data
        if getattr(real, "_wargame", False):
            return

        def get_preparation_data(name: str, *args: Any, **kwargs: Any) -> dict:
            data = real(name, *args, **kwargs)
            if str(name).startswith(WORKER_NAME + "-"):
                for key in _MAIN_KEYS:
                    data.pop(key, None)
            return data

        get_preparation_data._wargame = True  # type: ignore[attr-defined]
        multiprocessing.spawn.get_preparation_data = get_preparation_data


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawn processes that ignore Ctrl-C (the parent handles it and keeps
    what has finished) and do not re-run ``__main__`` (a script without a main guard works)."""
    _install()
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=WargameSpawnContext(), initializer=_ignore_sigint
    )

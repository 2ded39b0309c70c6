"""The rules' few matrix products (power and aligned power at setup, theatre companions) on one
BLAS thread while worlds play.

OpenBLAS shares a product among threads that then spin, waiting for the next one, for a while
after it: with a product every turn (committed power, since summed by a kernel,
``coalition._committed``), they kept the other core busy. Two worker processes on two cores then
played about 1.5x as fast as one; with one BLAS thread, about 1.7x (docs/performance.md,
sixteenth round). The products are small, so one thread loses nothing. One thread also keeps
their last bits from depending on the machine's cores: OpenBLAS sums in an order that changes
with its thread count (a float32 product of 4,000 rows by 16 terms differed in the last bit on 1
and 2 threads here; 1,000 or 2,000 rows did not).

A pool's worker process, which only plays, keeps one thread for good (:func:`for_good`). Elsewhere
the limit holds while any world plays in this process (:func:`one_thread` counts the blocks
playing at once, on any thread) and the library's own setting comes back after, so a program that
calls the engine keeps its BLAS threads for its own work. It is numpy's and SciPy's OpenBLAS (and
any other BLAS ``threadpoolctl`` finds), loaded by then: Mesa imports both. OpenBLAS ignores a
setting made on another thread once its main thread has made one, so blocks on a pool's threads
(``--workers 1``) keep BLAS's threads in a process whose main thread played worlds before; worker
processes play in their main thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_for_good = False  # this process is the engine's: one BLAS thread for its life (:func:`for_good`)
_playing = 0
_limit: Any = None
_controller: tuple[int, ThreadpoolController] | None = None


def _blas() -> ThreadpoolController:
    """This process's controller, made once (a fork's child makes its own)."""
    global _controller
    if _controller is None or _controller[0] != os.getpid():
        _controller = (os.getpid(), ThreadpoolController())
    return _controller[1]


def for_good() -> None:
    """One BLAS thread for the rest of this process: a pool's worker, which only plays. Setting
    it back between blocks woke OpenBLAS's threads each time, to spin as after a product."""
    global _for_good
    _blas().limit(limits=1, user_api="blas")
    _for_good = True


@contextmanager
def one_thread() -> Iterator[None]:
    """BLAS on one thread while the block runs; the first block in sets it, the last out restores
    it (about 0.02 ms each)."""
    global _playing, _limit
    with _lock:
        if _playing == 0 and not _for_good:
            _limit = _blas().limit(limits=1, user_api="blas")
        _playing += 1
    try:
        yield
    finally:
        with _lock:
            _playing -= 1
            if _playing == 0 and _limit is not None:
                _limit.restore_original_limits()
                _limit = None


def threads() -> list[int]:
    """The threads each BLAS library found would use now (a worker's task in the tests)."""
    return [lib.num_threads for lib in _blas().select(user_api="blas").lib_controllers]

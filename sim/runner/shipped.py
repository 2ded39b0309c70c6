"""A compiled scenario shipped to worker processes once, and the block task that reads it.

Sending a ``CompiledScenario`` with every block costs a pickle in the parent and an unpickle in the
worker per block (about 2.5 ms each for the Taiwan scenario, 126 KB). :func:`ship` pickles it once
into a :class:`Shipped` (its bytes and their hash); a worker unpickles a given hash once and keeps
it (a few at a time: a what-if alternates two scenarios), so later blocks of the same scenario cost
one copy of the bytes through the pipe and nothing else. The key is the content's hash, so a cache
entry can never be stale.

This module is the task's home for process pools and Dask: it is light (no Mesa, no pandas), so the
parent process that only submits blocks never imports the engine; the engine is imported in the
worker, on its first block (or by the pool's warm-up, ``sim.runner.pool``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

__all__ = ["CACHED", "Shipped", "compiled_of", "run_shipped_block", "ship"]

CACHED = 4
"""Compiled scenarios a process keeps (least recently used dropped first): the what-if needs two."""

_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Shipped:
    """A pickled ``CompiledScenario`` and the SHA-256 of its bytes (the cache key)."""

    key: str
    data: bytes


def ship(c: Any) -> Shipped:
    """Pickle ``c`` (a ``CompiledScenario``) once, to send with every block of a run.

    Values a model cached on ``c`` (its ``functools.cached_property`` attributes, e.g. the compiled
    stop conditions) are left out: a worker computes them again, and a scenario the classroom game
    has already played ships as the same bytes, under the same key, as a fresh one."""
    cls = type(c)
    cached = [k for k in vars(c) if isinstance(getattr(cls, k, None), functools.cached_property)]
    if cached:
        c = copy.copy(c)
        for k in cached:
            del c.__dict__[k]
    data = pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL)
    return Shipped(hashlib.sha256(data).hexdigest(), data)


def compiled_of(s: Shipped) -> Any:
    """The ``CompiledScenario`` in ``s``: unpickled on first use in this process, then cached.

    The engine never writes to a compiled scenario (every block of an in-process run shares one),
    so the cached object is safe to reuse across blocks and threads."""
    with _lock:
        c = _cache.get(s.key)
        if c is not None:
            _cache.move_to_end(s.key)
            return c
    c = pickle.loads(s.data)
    with _lock:
        _cache[s.key] = c
        while len(_cache) > CACHED:
            _cache.popitem(last=False)
    return c


def run_shipped_block(
    s: Shipped, index: int, size: int, seed: int, block: int, trajectories: bool = False
) -> dict:
    """Task: ``sim.runner.worker.run_block`` on the shipped scenario (same arguments, same result)."""
    from sim.runner.worker import run_block

    return run_block(compiled_of(s), index, size, seed, block, trajectories)


def run_shipped_blocks(
    s: Shipped, first: int, sizes: list[int], seed: int, block: int
) -> list[dict]:
    """Task: ``sim.runner.worker.run_blocks`` on the shipped scenario (same arguments and result)."""
    from sim.runner.worker import run_blocks

    return run_blocks(compiled_of(s), first, sizes, seed, block)

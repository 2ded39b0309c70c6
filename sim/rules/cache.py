"""Values computed once per compiled scenario, held beside it while it lives.

The engine never writes to a compiled scenario, so what a rule derives from it alone (the pairs,
the quiet rung, the vocabulary, a family's static tables) is computed on first use and kept, keyed
by the scenario's identity; a rule calls the function every turn at the cost of a dict lookup.
:func:`per_array` does the same for a value derived from one array of the worlds' state that no
rule writes into (a new turn, or a block's drop of its ended worlds, makes a new array), and
:func:`per_arrays` for one derived from several such arrays and other values.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def per_scenario(build: Callable[[Any], T]) -> Callable[[Any], T]:
    """Decorator: ``build(c)`` once per compiled scenario ``c`` (the value must not be written to).

    Two threads asking at once may both build it; they build the same value."""
    held: dict[int, tuple[weakref.ref, T]] = {}

    @functools.wraps(build)
    def of(c: Any) -> T:
        key = id(c)
        hit = held.get(key)
        if hit is not None and hit[0]() is c:
            return hit[1]
        value = build(c)
        held[key] = (weakref.ref(c, lambda _: held.pop(key, None)), value)
        return value

    return of


def per_array(build: Callable[[Any, Any], T]) -> Callable[[Any, Any], T]:
    """Decorator: ``build(array, c)`` once while ``array`` lives, for the same ``c`` (the array
    must not be written to while it lives, nor the value). Thread-safe as ``per_scenario``.
    ``f.keep(array, c, value)`` holds ``value`` as ``f(array, c)`` without building it: for the
    kernel that made ``array`` and computed the value in the same pass (it must be the value
    ``build`` gives: tests/rules/test_cache.py)."""
    held: dict[int, tuple[weakref.ref, int, T]] = {}

    def keep(array: Any, c: Any, value: T) -> T:
        key = id(array)
        held[key] = (weakref.ref(array, lambda _: held.pop(key, None)), id(c), value)
        return value

    @functools.wraps(build)
    def of(array: Any, c: Any) -> T:
        hit = held.get(id(array))
        if hit is not None and hit[0]() is array and hit[1] == id(c):
            return hit[2]
        return keep(array, c, build(array, c))

    of.keep = keep  # type: ignore[attr-defined]
    return of


def per_arrays(build: Callable[..., T]) -> Callable[..., T]:
    """Decorator: ``build(*args)`` once while the arrays among ``args`` live, for the same other
    arguments (compared by value). A value derived from per-world rule values (a stacked table,
    a per-turn chance) is then built once per block, and again after a drop of ended worlds (new
    arrays); one derived from a turn's array, once per turn for all its readers. The arrays must
    not be written to while they live, nor the value. Thread-safe as ``per_scenario``.

    A hit is one dict lookup keyed by the arrays' ids: an entry is removed as soon as one of its
    arrays is freed (a weak reference's callback, run before the array's memory is, so before its
    id can be reused), so an entry found belongs to the arrays in hand. Checking each array's
    weak reference again cost 4-6 us a call, a sixth of a small block's fixed cost a turn."""
    held: dict[tuple, tuple[list[weakref.ref], T]] = {}

    @functools.wraps(build)
    def of(*args: Any) -> T:
        key = tuple([id(a) if isinstance(a, np.ndarray) else a for a in args])
        hit = held.get(key)
        if hit is not None:
            return hit[1]
        value = build(*args)
        drop = lambda _: held.pop(key, None)  # noqa: E731 - any of them freed: forget the value
        held[key] = ([weakref.ref(a, drop) for a in args if isinstance(a, np.ndarray)], value)
        return value

    return of

"""Gathering worlds out of a block's state and scattering them back (a block's drops)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from helpers import ROOT

from sim.model import WargameModel
from sim.rules import worlds
from sim.rules.pipeline import compiled


def _per_world_arrays(s: worlds.WorldState) -> dict[str, np.ndarray]:
    """Every per-world array of ``s`` by a readable name (lists and dicts flattened)."""
    out = {}
    for f in fields(s):
        value = getattr(s, f.name)
        if value is None or not (
            worlds._per_world(f.metadata["shape"]) or f.name == "family_arrays"
        ):
            continue
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else [("", value)]
        )
        for k, v in items:
            out[f"{f.name}[{k}]"] = np.asarray(v)
    return out


def test_scatter_writes_every_field_of_the_gathered_worlds_back_in_place() -> None:
    """A drop gathers the running worlds and writes the ended ones back: every per-world array
    (1-D, 2-D and 3-D, of every dtype) gets exactly the part's rows at their places, the other
    worlds untouched, as numpy's indexed assignment would."""
    m = WargameModel(compiled(ROOT / "scenarios" / "taiwan_contingency.yaml"), R=40, rng=2)
    for _ in range(3):
        m.step()
    full = m.state
    where = np.array([1, 5, 6, 7, 20, 33, 39])
    part = worlds.gather(full, where)
    before = {k: v.copy() for k, v in _per_world_arrays(full).items()}
    changed = _per_world_arrays(part)
    for v in changed.values():  # new values in every row of the part
        if v.dtype == bool:
            np.logical_not(v, out=v)
        elif v.dtype != object:
            v += np.ones(1, v.dtype)
    worlds.scatter(full, part, where)
    after = _per_world_arrays(full)
    shapes = {v.ndim for v in after.values()}
    assert shapes >= {1, 2, 3}, shapes
    for k, want in before.items():
        want[where] = changed[k]
        assert after[k].dtype == want.dtype and np.array_equal(after[k], want), k

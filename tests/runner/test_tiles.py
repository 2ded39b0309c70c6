"""Blocks played in tiles (sim/runner/tiles.py): the block's results byte for byte, and tiles
only where several tasks share the cache."""

from __future__ import annotations

import os

import numpy as np
import pytest
from helpers import ROOT

import sim.runner.tiles as tiles
from sim.errors import RunError
from sim.model import WargameModel
from sim.rules import worlds
from sim.rules.pipeline import compiled
from sim.runner.pool import PEERS_ENV, process_pool, start_workers
from sim.runner.worker import run_block, thread_pool

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"


@pytest.fixture(scope="module")
def c() -> object:
    return compiled(TAIWAN)


def _models_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Worlds of every model ``tiles.play`` builds for its tiles."""
    built: list[int] = []

    class Counted(WargameModel):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            built.append(self.R)

    monkeypatch.setattr(tiles, "WargameModel", Counted)
    return built


@pytest.mark.parametrize("tile", [64, 150])
def test_a_block_in_tiles_gives_the_whole_blocks_results(
    c: object, tile: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tiles.TILE_ENV, "0")
    whole = run_block(c, 2, 300, 5, 300)  # type: ignore[arg-type]
    built = _models_built(monkeypatch)
    monkeypatch.setenv(tiles.TILE_ENV, str(tile))
    tiled = run_block(c, 2, 300, 5, 300)  # type: ignore[arg-type]
    n = -(-300 // tile)
    assert sum(built[:n]) == 300 and max(built[:n]) <= tile  # the tiles were played
    # then their running worlds together, from the turn where the first tile's fit its share
    assert len(built) == n + 1 and 0 < built[n] < 300
    assert whole["columns"].keys() == tiled["columns"].keys()
    for k, v in whole["columns"].items():
        assert np.array_equal(v, tiled["columns"][k]), k
    assert np.array_equal(whole["acted"], tiled["acted"])


def test_a_task_alone_plays_its_block_whole(c: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tiles.TILE_ENV, raising=False)
    monkeypatch.delenv(PEERS_ENV, raising=False)
    model = WargameModel(c, R=1000, rng=1)  # type: ignore[arg-type]
    assert tiles.peers() == 1
    assert tiles.tile_size(model.state) == 1000
    built = _models_built(monkeypatch)
    run_block(c, 0, 200, 1, 200)  # type: ignore[arg-type]
    assert built == []


def test_tasks_at_once_share_the_cache_by_the_size_of_their_worlds(
    c: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tasks on a 32 MiB cache: Taiwan's worlds (about 10 kB each) in tiles of a few hundred,
    a small scenario's worlds in tiles several times larger."""
    monkeypatch.delenv(tiles.TILE_ENV, raising=False)
    monkeypatch.setenv(PEERS_ENV, "2")
    monkeypatch.setattr(tiles, "cache_bytes", lambda: 32 << 20)
    monkeypatch.setattr(tiles.os, "cpu_count", lambda: 2)
    taiwan = WargameModel(c, R=1000, rng=1).state  # type: ignore[arg-type]
    small = WargameModel(ROOT / "tests" / "fixtures" / "model" / "security_dilemma.yaml", R=1000)
    assert 9_000 < worlds.bytes_per_world(taiwan) < 13_000
    assert 500 <= tiles.tile_size(taiwan) < 1000
    assert tiles.tile_size(small.state) > 2 * tiles.tile_size(taiwan)
    monkeypatch.setenv(tiles.TILE_ENV, "250")
    assert tiles.tile_size(taiwan) == 250
    monkeypatch.setenv(tiles.TILE_ENV, "half")
    with pytest.raises(RunError, match=r"^WARGAME_TILE=half: must be a whole number"):
        tiles.tile_size(taiwan)


def test_pools_tell_their_tasks_how_many_play_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PEERS_ENV, raising=False)
    with thread_pool(2) as threads:
        assert {threads.submit(tiles.peers).result() for _ in range(4)} == {
            min(2, os.cpu_count() or 1)
        }
    assert tiles.peers() == 1  # this thread is not one of the pool's
    workers = process_pool(2)
    try:
        start_workers(workers, 2)
        assert {workers.submit(tiles.peers).result() for _ in range(4)} == {
            min(2, os.cpu_count() or 1)
        }
    finally:
        workers.shutdown(wait=True)

"""Blocks played in tiles (sim/runner/tiles.py): the block's results byte for byte, and tiles
only where ``WARGAME_TILE`` asks for them."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

import sim.runner.tiles as tiles
from sim.errors import RunError
from sim.model import WargameModel
from sim.rules.pipeline import compiled
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


def test_blocks_play_whole_unless_a_tile_is_set(c: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several blocks at once on a pool's threads still play whole: tiles cost more than the cache
    they saved once BLAS stopped spinning beside them (docs/performance.md, seventeenth round)."""
    monkeypatch.delenv(tiles.TILE_ENV, raising=False)
    model = WargameModel(c, R=1000, rng=1)  # type: ignore[arg-type]
    assert tiles.tile_size(model.state) == 1000
    built = _models_built(monkeypatch)
    with thread_pool(2) as threads:
        # blocks of 1,000 Taiwan worlds: two at once were tiled by 500 before
        done = [threads.submit(run_block, c, i, 1000, 1, 1000) for i in range(2)]
        assert [f.result()["index"] for f in done] == [0, 1]
    assert built == []
    monkeypatch.setenv(tiles.TILE_ENV, "0")
    assert tiles.tile_size(model.state) == 1000
    monkeypatch.setenv(tiles.TILE_ENV, "250")
    assert tiles.tile_size(model.state) == 250
    monkeypatch.setenv(tiles.TILE_ENV, "half")
    with pytest.raises(RunError, match=r"^WARGAME_TILE=half: must be a whole number"):
        tiles.tile_size(model.state)

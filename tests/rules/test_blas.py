"""The rules' matrix products run on one BLAS thread while worlds play, and only then
(sim/rules/blas.py): OpenBLAS's spinning threads took the core of the other worker."""

from __future__ import annotations

import threading

import pytest
from threadpoolctl import threadpool_info

from sim.model import WargameModel
from sim.rules import blas


def _blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


@pytest.fixture
def several() -> set[int]:
    """BLAS's own setting (as it starts: OpenBLAS ignores a later setting from another thread once
    the main thread has made one, so the test does not make one)."""
    own = _blas_threads()
    if not own or own == {1}:
        pytest.skip("no BLAS library on several threads here")
    return own


def test_blas_is_on_one_thread_while_worlds_play_and_restored_after(
    several: set[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[set[int]] = []
    step = WargameModel.step

    def spy(self: WargameModel) -> None:
        seen.append(_blas_threads())
        step(self)

    monkeypatch.setattr(WargameModel, "step", spy)
    model = WargameModel("scenarios/taiwan_contingency.yaml", R=8, rng=1)
    model.run()
    assert seen and all(s == {1} for s in seen)
    assert _blas_threads() == several


def test_blocks_playing_at_once_keep_one_thread_until_the_last_ends(several: set[int]) -> None:
    """A block on another thread starts and ends while this one plays: still one thread here."""
    with blas.one_thread():
        done = threading.Event()

        def block() -> None:
            with blas.one_thread():
                pass
            done.set()

        other = threading.Thread(target=block)
        other.start()
        other.join(10)
        assert done.is_set()
        assert _blas_threads() == {1}
    assert _blas_threads() == several

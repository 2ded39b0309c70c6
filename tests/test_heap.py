"""The engine's processes keep freed arrays in the heap for the next turn (sim/heap.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

TURNS = """
import resource, sys
import numpy as np
from sim import heap
if sys.argv[1] == "keep":
    assert heap.keep_freed()
def turn():
    arrays = [np.empty(2**21 // 8) for _ in range(20)]  # 20 arrays of 2 MiB, as a turn's
    for a in arrays:
        a[:] = 1.0
turn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    turn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", TURNS, mode], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_arrays_are_reused_instead_of_faulted_in_again_every_turn() -> None:
    as_given, kept = _faults("as given"), _faults("keep")
    # as given, glibc returns each turn's 40 MiB to the system and faults it in again (10,240
    # pages a turn); kept, the turns reuse the heap
    assert as_given > 20_000, as_given
    assert kept < as_given // 10, (kept, as_given)

"""glibc's heap kept for reuse between turns, in the engine's own processes.

A turn allocates and frees some fifty arrays of a block's worlds (a 2,000-world block: 0.3 to
4.5 MB each). glibc's ``malloc`` serves large ones from fresh ``mmap`` pages and gives freed
memory at the top of its heap back to the system past a threshold (by default twice the largest
block it has served from ``mmap``, adjusted as it goes), so the next turn faults the same pages in
again, each one zeroed by the kernel: 1.4 to 2.2 page faults a world on Taiwan, 4.7 to 8.6 us of
system time a world (docs/performance.md, twenty-second round). With both thresholds fixed, arrays
under 32 MiB come from the heap and up to 128 MiB of freed memory stays there for the next turn:
0.1 to 0.6 faults and 1.4 to 3.5 us a world. Results do not change (memory's contents are never
read before they are written), only where the arrays live; a process holds at most 128 MiB more
than it uses (figures in docs/performance.md).

A process opts in with :func:`keep_freed` (the ``wargame`` command, the engine's pool workers);
a user's script or notebook calling the API keeps its allocator as it was. A no-op where the C
library is not glibc (macOS, musl).
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "keep_freed"]

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)
MMAP_THRESHOLD = 32 * 2**20
"""Allocations from this size on are mapped on their own (glibc's largest dynamic value)."""
TRIM_THRESHOLD = 128 * 2**20
"""Freed memory at the top of the heap kept for reuse, at most (assumption: a few turns' arrays of
the largest blocks the engine plays, 4,000 worlds a task, and small beside the 24 GiB here)."""

_done = False


def keep_freed() -> bool:
    """Fix glibc's thresholds in this process (see the module's docstring); whether they were set
    (False where the C library is not glibc). Idempotent."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)  # the C library this process runs on (find_library runs
        mallopt = libc.mallopt  # ldconfig in a subprocess: 14-16 ms a process, here)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl has mallopt but no thresholds
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    return _done

"""Counter-based random streams: every draw is a pure function of (key, site, world, turn, index).

``key`` is each world's (its block's, drawn from the block's generator, itself seeded by the block's
``SeedSequence``; worlds of several blocks may be stacked in one array, each with its own), ``site``
names the rule that draws (the constants below), ``world`` is the world's index in its block,
``turn`` the turn and ``index`` the dyad, pair, link or inject. No draw depends on which thread or in
what order worlds are played, so results are the same on one thread or many, and a block may drop
its ended worlds without changing the others (DESIGN.md, "A compiled kernel").

The hash is two independent 32-bit lanes of Wellons' ``lowbias32`` mixer, chained over the five
inputs (64 bits of output; a collision needs both lanes to collide). It uses only integer arithmetic
that is exact in Python (``NUMBA_DISABLE_JIT=1``) and in numba's int64 (every product is masked to
its low 32 bits at once), so compiled and plain runs draw the same numbers.
Source: C. Wellons, "Prospecting for hash functions" (2018), lowbias32 constants.
"""

from __future__ import annotations

import math

import numba
import numpy as np

M32 = 0xFFFFFFFF
SALT_A = 0x9E3779B9  # assumption: any two distinct odd salts separate the lanes
SALT_B = 0x85EBCA6B
TWO_PI = 2.0 * math.pi

# draw sites: one per rule that draws (changing a number changes every result of that rule)
CHOICE = 1  # the logit's uniform per dyad and turn (choice)
OBSERVE = 2  # observation noise per dyad and turn (perception)
RESOLVE = 3  # perceived resolve per dyad, once (perception)
HONOUR = 4  # the link's fixed uniform, once (commitments)
INJECT = 5  # whether an inject fires, once (injects)
BASING = 6  # whether hosts grant basing, once per alliance (basing)
THEATRE = 7  # exponential clocks of horizontal escalation, once (theatre)
MEDIATION = 8  # a third party starts mediating a pair (mediation)
SETTLE = 9  # a pair's confrontation ends this turn (settlement)
FORMAL = 10  # a settlement is a formal agreement (settlement)

__all__ = [
    "key_of",
    "normal",
    "normal_negative",
    "normals",
    "prefix",
    "uniform",
    "uniform64",
    "uniforms",
    "uniforms64",
]


@numba.njit(cache=True, nogil=True, inline="always")
def _mix(x: int) -> int:
    """lowbias32: a 32-bit integer hash with low bias (all arithmetic exact mod 2**32)."""
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def key_of(rng: np.random.Generator) -> np.ndarray:
    """The two 32-bit lane keys of a block, drawn once from its generator (int64, shape (2,))."""
    return rng.integers(0, 2**32, size=2, dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def prefix(key: np.ndarray, site: int, world: int, turn: int) -> tuple[int, int]:
    """Both lanes' state after (key, site, world, turn): what every draw of one world at one site
    and turn shares (a kernel computes it once per world and turn)."""
    a = _mix((int(key[0]) ^ SALT_A) & M32)
    b = _mix((int(key[1]) ^ SALT_B) & M32)
    a = _mix(a ^ (int(site) & M32))
    b = _mix(b ^ (int(site) & M32))
    a = _mix(a ^ (int(world) & M32))
    b = _mix(b ^ (int(world) & M32))
    a = _mix(a ^ (int(turn) & M32))
    b = _mix(b ^ (int(turn) & M32))
    return a, b


@numba.njit(cache=True, nogil=True, inline="always")
def _lane_b(pre: tuple[int, int], index: int) -> int:
    """The second 32-bit output of draw ``index`` after a prefix."""
    return _mix(pre[1] ^ ((int(index) + SALT_A) & M32))


@numba.njit(cache=True, nogil=True, inline="always")
def _bits(pre: tuple[int, int], index: int) -> tuple[int, int]:
    """The two 32-bit outputs of draw ``index`` after a prefix."""
    return _mix(pre[0] ^ (int(index) & M32)), _lane_b(pre, index)


@numba.njit(cache=True, nogil=True)
def uniform(pre: tuple[int, int], index: int) -> float:
    """A uniform in [0, 1) with 24 random bits (exactly representable as a float32)."""
    a, _ = _bits(pre, index)
    return (a >> 8) * (1.0 / 16777216.0)


@numba.njit(cache=True, nogil=True)
def uniform64(pre: tuple[int, int], index: int) -> float:
    """A uniform in [0, 1) with 53 random bits."""
    a, b = _bits(pre, index)
    return ((a << 21) | (b >> 11)) * (1.0 / 9007199254740992.0)


# cos(2 pi b / 2**32) of a 32-bit lane value b (``normal``'s angle): b's top two bits are the
# quadrant, the rest an angle within it, moved into [-pi/4, pi/4) where the sine and cosine are
# the polynomials of fdlibm's __kernel_sin and __kernel_cos (Sun Microsystems, 1993; error below
# one unit in the last place there). The reduction is exact (integer arithmetic) and only +, x run
# after it, so compiled and plain runs give the same bits; libm's cos of a random angle cost 27 ns
# of the normal's 40 (a branch per range), this about 4 ns.
_STEP = TWO_PI / 4294967296.0
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11


@numba.njit(cache=True, nogil=True, inline="always")
def cos_turn(b: int) -> float:
    """cos(2 pi b / 2**32) for a lane value b (see the constants above)."""
    q = b >> 30
    f = b & 0x3FFFFFFF
    if f >= 0x20000000:  # the upper half of the quadrant: an angle below the next one
        f -= 0x40000000
        q += 1
    x = f * _STEP
    z = x * x
    c = 1.0 - (0.5 * z - z * (z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))))
    s = x + z * x * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    q &= 3
    v = c if (q & 1) == 0 else s
    return -v if (q == 1 or q == 2) else v


@numba.njit(cache=True, nogil=True)
def normal(pre: tuple[int, int], index: int) -> float:
    """A standard normal (Box-Muller on the two lanes; float64 arithmetic in both modes)."""
    a, b = _bits(pre, index)
    u1 = (a + 1.0) * (1.0 / 4294967296.0)  # (0, 1]
    return math.sqrt(-2.0 * math.log(u1)) * cos_turn(b)


# lane b's values whose cosine in ``normal`` is surely negative: the angle 2 pi b / 2**32 lies in
# (pi/2, 3pi/2) with a margin of 8 steps of b (``cos_turn`` is negative on the whole open range)
_NEGATIVE_LOW, _NEGATIVE_HIGH = 2**30 + 8, 3 * 2**30 - 8


@numba.njit(cache=True, nogil=True, inline="always")
def cos_negative(b: int) -> bool:
    """Whether ``normal``'s cosine of lane value ``b`` is surely negative (see the bounds)."""
    return _NEGATIVE_LOW < b < _NEGATIVE_HIGH


@numba.njit(cache=True, nogil=True)
def normal_negative(pre: tuple[int, int], index: int) -> bool:
    """Whether ``normal(pre, index)`` is surely below zero, from the cosine's lane alone: a rule
    that reads only a draw's positive part skips the logarithm and cosine of half its draws (the
    rare draws at the boundary count as not negative and are drawn in full)."""
    return cos_negative(_lane_b(pre, index))


UNIFORM, UNIFORM64, NORMAL = 0, 1, 2


@numba.njit(cache=True, nogil=True)
def _fill(
    out: np.ndarray, key: np.ndarray, site: int, turn: int, world: np.ndarray, kind: int
) -> np.ndarray:
    """Fill the (R, n) ``out`` with draws of ``kind`` (:data:`UNIFORM`, :data:`UNIFORM64` or
    :data:`NORMAL`), row r from world ``world[r]``'s stream under key ``key[r]`` at one site and
    turn."""
    for r in range(world.shape[0]):
        pre = prefix(key[r], site, world[r], turn)
        for i in range(out.shape[1]):
            if kind == UNIFORM:
                out[r, i] = uniform(pre, i)
            elif kind == UNIFORM64:
                out[r, i] = uniform64(pre, i)
            else:
                out[r, i] = normal(pre, i)
    return out


@numba.njit(cache=True, nogil=True)
def uniforms(key: np.ndarray, site: int, turn: int, world: np.ndarray, n: int) -> np.ndarray:
    """(R, n) float32 uniforms of ``world`` (the worlds' indices) at one site and turn."""
    return _fill(np.empty((world.shape[0], n), np.float32), key, site, turn, world, UNIFORM)


@numba.njit(cache=True, nogil=True)
def uniforms64(key: np.ndarray, site: int, turn: int, world: np.ndarray, n: int) -> np.ndarray:
    """(R, n) float64 uniforms with 53 random bits."""
    return _fill(np.empty((world.shape[0], n), np.float64), key, site, turn, world, UNIFORM64)


@numba.njit(cache=True, nogil=True)
def normals(key: np.ndarray, site: int, turn: int, world: np.ndarray, n: int) -> np.ndarray:
    """(R, n) float32 standard normals."""
    return _fill(np.empty((world.shape[0], n), np.float32), key, site, turn, world, NORMAL)

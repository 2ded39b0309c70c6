"""Cross-validation folds over the deck's fitted cases; the held-out cases are in none of them.

Every fitted case (the deck less the spec's ``held_out``) is in the test set of exactly one fold and
in the training set of every other; a fold is fitted on its training cases only and scored on its
test cases. The held-out cases are in no fold: the final fit (on every fitted case) is scored on them
once, at the end. Assignment is a seeded shuffle, dealt round-robin, so folds differ in size by at
most one and do not depend on the executor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import RunError

LOO_UP_TO = 10
"""Leave-one-out up to this many fitted cases, else ``DEFAULT_K`` folds (assumption: with ten cases
or fewer every case counts, and leave-one-out costs at most ten fits; above that, five folds keep
the cost at six fits while each fit still sees four fifths of the deck)."""
DEFAULT_K = 5
FOLD_KEY = 0xF01D
"""Spawn key of the fold shuffle's random stream (apart from the worlds' and the optimiser's)."""


@dataclass(frozen=True)
class Fold:
    """One fold: the cases it is fitted on and the cases it is scored on."""

    index: int
    train: tuple[str, ...]
    test: tuple[str, ...]


def default_folds(n: int) -> int:
    """The number of folds for ``n`` fitted cases: leave-one-out for a small deck, else 5."""
    return n if n <= LOO_UP_TO else DEFAULT_K


def make_folds(
    cases: list[str], held_out: list[str], k: int | None, seed: int
) -> tuple[list[str], list[Fold]]:
    """The fitted cases (deck order) and their ``k`` folds (``k`` >= their number: leave-one-out)."""
    held = set(held_out)
    fit = [c for c in cases if c not in held]
    if len(fit) < 2:
        raise RunError(f"{len(fit)} case(s) left to fit after held_out: need 2 or more")
    k = default_folds(len(fit)) if k is None else min(k, len(fit))
    if k < 2:
        raise RunError(f"folds {k}: give 2 or more")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(FOLD_KEY,)))
    order = rng.permutation(len(fit)) if k < len(fit) else np.arange(len(fit))
    which = np.empty(len(fit), dtype=int)
    which[order] = np.arange(len(fit)) % k
    folds = []
    for f in range(k):
        test = tuple(c for c, w in zip(fit, which, strict=True) if w == f)
        train = tuple(c for c, w in zip(fit, which, strict=True) if w != f)
        folds.append(Fold(f, train, test))
    check_folds(fit, held_out, folds)
    return fit, folds


def check_folds(fit: list[str], held_out: list[str], folds: list[Fold]) -> None:
    """Refuse folds that leak: a case both fitted and scored in one fold, a held-out case in any
    fold, or a fitted case scored by no fold or by two."""
    held = set(held_out)
    tested: list[str] = []
    for f in folds:
        if set(f.train) & set(f.test):
            raise RunError(f"fold {f.index}: cases both fitted and scored (a leak)")
        if (set(f.train) | set(f.test)) & held:
            raise RunError(f"fold {f.index}: a held-out case is in the fold (a leak)")
        if set(f.train) | set(f.test) != set(fit):
            raise RunError(f"fold {f.index}: does not cover the fitted cases")
        tested += f.test
    if sorted(tested) != sorted(fit):
        raise RunError("every fitted case must be scored by exactly one fold")

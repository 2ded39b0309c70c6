"""Uncertain parameters: a number, or a distribution sampled once per replicate.

Any field typed ``Uncertain`` accepts a plain number or one of these mappings, e.g.
``credibility: {dist: beta, a: 8, b: 2}``. Sampling is vectorised: one call per parameter per block.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# Largest magnitude of any number in a scenario (assumption: every default lies in 0-4, and a weight of
# 1e6 already makes its term outweigh all others). The rules multiply at most three such numbers and
# work in float32 (largest 3.4e38), so no product can overflow; NaN and infinity are refused too.
MAX_NUMBER = 1e6
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Positive = Annotated[float, Field(gt=0, le=MAX_NUMBER)]
NonNegativeNumber = Annotated[float, Field(ge=0, le=MAX_NUMBER)]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover - abstract
        raise TypeError("abstract distribution")

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can produce."""
        raise TypeError("abstract distribution")  # pragma: no cover


class Fixed(_Dist):
    """A constant, written as a distribution (handy when a sweep replaces it)."""

    dist: Literal["fixed"] = Field(description="Distribution kind.")
    value: Number = Field(description="The constant value.")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` copies of the value."""
        return np.full(n, self.value, dtype=np.float64)

    @property
    def bounds(self) -> tuple[float, float]:
        """The value twice: nothing varies."""
        return (self.value, self.value)


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"] = Field(description="Distribution kind.")
    low: Number = Field(description="Lower bound.")
    high: Number = Field(description="Upper bound.")

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from ``rng``."""
        return rng.uniform(self.low, self.high, n)

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest value a draw can take, checked against the field's range."""
        return (self.low, self.high)


class Normal(_Dist):
    """Normal with mean and sd, clipped to optional bounds [low, high]."""

    dist: Literal["normal"] = Field(description="Distribution kind.")
    mean: Number = Field(description="Mean.")
    sd: NonNegativeNumber = Field(description="Standard deviation (>= 0).")
    low: Number | None = Field(default=None, description="Values below are clipped to this bound.")
    high: Number | None = Field(
        default=None,
        description="Values above are clipped to this bound (without bounds: clipped at 6 sd).",
    )

    @model_validator(mode="after")
    def _order(self) -> Normal:
        if self.low is not None and self.high is not None and self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from ``rng``, clipped to ``bounds``."""
        x = rng.normal(self.mean, self.sd, n)
        lo, hi = self.bounds  # 6 sd when unbounded: the values checked against the field's range
        return np.clip(x, lo, hi)

    @property
    def bounds(self) -> tuple[float, float]:
        """``low``/``high`` if given, else 6 sd either side of the mean (checked against
        the field's range)."""
        lo = self.mean - 6 * self.sd if self.low is None else self.low
        hi = self.mean + 6 * self.sd if self.high is None else self.high
        return (lo, hi)


class Beta(_Dist):
    """Beta(a, b) on [0, 1], the natural choice for probabilities such as credibility."""

    dist: Literal["beta"] = Field(description="Distribution kind.")
    a: Positive = Field(description="First shape parameter (> 0).")
    b: Positive = Field(description="Second shape parameter (> 0).")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from ``rng``."""
        return rng.beta(self.a, self.b, n)

    @property
    def bounds(self) -> tuple[float, float]:
        """A beta draw lies in [0, 1]."""
        return (0.0, 1.0)


class Triangular(_Dist):
    """Triangular with low, mode and high."""

    dist: Literal["triangular"] = Field(description="Distribution kind.")
    low: Number = Field(description="Lower bound.")
    mode: Number = Field(description="Most likely value.")
    high: Number = Field(description="Upper bound.")

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError("need low <= mode <= high and low < high")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from ``rng``."""
        return rng.triangular(self.low, self.mode, self.high, n)

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest value a draw can take, checked against the field's range."""
        return (self.low, self.high)


class Choice(_Dist):
    """One of a list of values, with optional weights (normalised)."""

    dist: Literal["choice"] = Field(description="Distribution kind.")
    values: list[Number] = Field(min_length=1, description="The possible values.")
    weights: list[NonNegativeNumber] | None = Field(
        default=None, description="Relative weights, one per value (default: equal)."
    )

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have one entry per value")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from ``rng``, by ``weights`` if given, else equally likely."""
        p = None
        if self.weights is not None:
            w = np.asarray(self.weights, dtype=np.float64)
            p = w / w.sum()
        return rng.choice(np.asarray(self.values, dtype=np.float64), size=n, p=p)

    @property
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest of the values, checked against the field's range."""
        return (min(self.values), max(self.values))


Distribution = Annotated[
    Fixed | Uniform | Normal | Beta | Triangular | Choice, Field(discriminator="dist")
]
Uncertain = float | Distribution


def is_distribution(value: object) -> bool:
    """True for a distribution object (as opposed to a plain number)."""
    return isinstance(value, _Dist)


def bounded(low: float | None, high: float | None) -> object:
    """An ``Uncertain`` type whose number, or every value its distribution can take, lies in range."""

    def check(value: object) -> object:
        lo, hi = value.bounds if is_distribution(value) else (value, value)  # type: ignore[attr-defined]
        if (low is not None and lo < low) or (high is not None and hi > high):
            rng = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
            raise ValueError(f"values must lie in {rng}; this one reaches [{lo:g}, {hi:g}]")
        return value

    return Annotated[Annotated[float, Field(ge=low, le=high)] | Distribution, AfterValidator(check)]


Probability = bounded(0.0, 1.0)
Unit = Probability
NonNegative = bounded(0.0, MAX_NUMBER)

"""Driving the model with ``mesa.batch_run`` (one replicate per model), on Mesa 3.3 to 3.5.

``BatchModel`` is ``WargameModel`` at R = 1 with the rows a ``batch_run`` user needs: each row names
the world's outcome and the actor it describes. Its reporters are attribute names, not lambdas, and
the class is importable, so ``number_processes > 1`` works.

Mesa 3.4 added an ``rng`` argument to ``batch_run`` (and deprecated ``iterations``); 3.3 takes the
seed as an ordinary model parameter. ``batch_run`` here hides the difference.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sim import mesa_core
from sim.model import WargameModel

mesa = mesa_core.whole()  # batch_run and DataCollector: Mesa whole (sim/mesa_core.py)

MODEL_REPORTERS = {"outcome": "outcome_name", "turn": "turn", "max_rung": "max_rung"}
AGENT_REPORTERS = {"actor": "name", "peak_rung": "peak_rung"}


class BatchModel(WargameModel):
    """One world (R = 1) whose ``batch_run`` rows carry ``outcome`` and each agent's ``actor`` name.

    Mesa 3.3's ``batch_run`` reads the collector's record before the last one (mesa issue #2514),
    so the model takes one extra step once its world has ended, recording the final state again:
    whichever of the two records a Mesa version reads, the row shows how the world ended.
    """

    def __init__(
        self,
        scenario: Any,
        rng: Any = None,
        overrides: Mapping[str, Any] | Iterable[str] | None = None,
        **_: Any,
    ) -> None:
        super().__init__(scenario, R=1, rng=rng, overrides=overrides, explain=False)
        self.datacollector = mesa.DataCollector(
            model_reporters=MODEL_REPORTERS, agent_reporters=AGENT_REPORTERS
        )
        self.datacollector.collect(self)
        self._ended = False

    @property
    def outcome_name(self) -> str | None:
        """The outcome of the world, or None while it is still running."""
        code = int(self.outcome[0])
        return self.outcome_names[code] if code >= 0 else None

    def step(self) -> None:
        """One turn; after the world's last turn, one more step that only records the end."""
        if self._ended:
            self.running = False
            self.datacollector.collect(self)
            return
        super().step()
        if not self.running:
            self._ended = True
            self.running = True


def batch_run(
    scenario: str | os.PathLike[str],
    seeds: Iterable[int],
    overrides: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    number_processes: int | None = 1,
    max_steps: int = 1000,
) -> list[dict[str, Any]]:
    """Run one ``BatchModel`` per seed (and per overrides mapping, if a list is given) through
    ``mesa.batch_run``; return its rows, one per actor and world: ``rng`` (the seed),
    ``overrides``, ``outcome``, ``turn``, ``max_rung``, ``actor``, ``peak_rung``, Mesa's ``RunId``,
    ``iteration``, ``Step`` and ``AgentID``. The same seeds give the same rows."""
    params: dict[str, Any] = {"scenario": str(scenario)}
    if isinstance(overrides, Mapping):
        params["overrides"] = [dict(overrides)]  # one value: batch_run iterates lists
    elif overrides is not None:
        params["overrides"] = [dict(o) for o in overrides]
    seeds = list(seeds)
    kwargs: dict[str, Any] = {
        "number_processes": number_processes,
        "max_steps": max_steps,
        "display_progress": False,
    }
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.4 and later
        return mesa.batch_run(BatchModel, params, rng=seeds, **kwargs)
    return mesa.batch_run(BatchModel, {**params, "rng": seeds}, **kwargs)  # Mesa 3.3

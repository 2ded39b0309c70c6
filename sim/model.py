"""The Mesa model: R independent worlds of one scenario, advanced turn by turn.

``WargameModel`` holds every world's state in numpy arrays with a leading replicate axis; each actor
is an ``ActorAgent`` whose ``step`` decides for all R worlds at once. R = 1 is the interactive case
(a person may set an actor's moves, and every decision is explained); R = thousands is Monte Carlo.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from sim import mesa_core
from sim.rules import blas, registry, vocabulary, worlds
from sim.rules.compile import LEVEL, RULE_KEYS, CompiledScenario
from sim.rules.events import Event
from sim.rules.explain import describe_decision
from sim.rules.families import theatre
from sim.rules.families.choice import MOVES, Decision, decide
from sim.rules.pipeline import compiled  # the pipeline's front door, re-exported here
from sim.rules.state import WorldState, release
from sim.scenario import Scenario

Agent, Model = mesa_core.core()  # mesa.Agent, mesa.Model (sim/mesa_core.py)
TERMS = tuple(registry.listed_terms(registry.families()))  # the shipped utility terms
DROP_AT_LEAST = 32
"""Ended worlds a model drops at once, at least (``WargameModel.run``): a drop copies every
per-world array, about 0.5 ms of fixed cost for Taiwan's 150, which fewer worlds do not repay
(blocks of 100: 1,571-1,642 replicates/s dropping from 17 ended, 1,683-1,692 from 32; 128 was
slower again; docs/performance.md, thirteenth round)."""


class ActorAgent(Agent):
    """One actor (state or organisation); ``step`` chooses its rung toward each rival in all worlds."""

    def __init__(self, model: WargameModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.compiled.actors[index]
        self.dyads = model.compiled.dyads_of[index]
        d = self.dyads  # its dyads as a slice where they are consecutive (they are, as compiled):
        consecutive = d.size > 0 and bool((np.diff(d) == 1).all())  # views, not copies, per turn
        self._cols = slice(int(d[0]), int(d[-1]) + 1) if consecutive else d
        self.peak_rung = 0  # reporter for DataCollector (world 0)

    def step(self) -> None:
        """This turn's rung on each of the actor's dyads: the engine's choice, already in the
        model's next rungs, or a team's move in its place (and, explaining, the reasons)."""
        m: WargameModel = self.model  # type: ignore[assignment]
        if self.dyads.size == 0:
            return
        s, c = m.state, m.compiled
        assert m.decision is not None, "the model computes the decisions before its agents step"
        human = m.pending_moves.pop(self.name, None)  # the engine's choices are in place (step)
        for target, rung in (human or {}).items():
            col = int(np.flatnonzero(c.dst[self.dyads] == c.actors.index(target))[0])
            s.next_rung[:, self.dyads[col]] = rung
        if s.explain:
            decision = m.decision.of(self._cols)
            s.log.extend(
                describe_decision(s, c, m.families, self.index, self.dyads, decision, human or {})
            )
        if m.world0 and m.collect:
            self.peak_rung = int(s.peak[0, self._cols].max())


class WargameModel(Model):
    """R worlds of one scenario. ``step()`` plays one turn; ``running`` is false when all have ended.

    The worlds' state is ``model.state`` (sim/rules/state.py); the rule families that play them
    are ``model.families`` (the registry when the model was built).

    Args:
        scenario: path to a scenario YAML file, a ``Scenario`` or a ``CompiledScenario``.
        R: number of independent worlds (replicates) advanced together.
        rng: seed or ``numpy.random.Generator``; every random draw of the run comes from it.
        overrides: ``--set`` style overrides ("path=value" strings or a mapping).
        explain: record a readable reason for every decision (default: on when R == 1).
        trajectories: keep each actor's highest rung after every turn (``model.trajectory``).
        collect: record world 0's highest rung and each actor's peak rung after every turn in
            ``model.datacollector`` (Mesa's ``DataCollector``, which the viz and ``batch_run``
            read). Monte Carlo blocks, which never read it, pass False: collecting cost about 7%
            of a block of 100 worlds and 3% of one of 1,000.
        state: worlds already created for ``scenario`` (e.g. ``sim.rules.worlds.stack`` of a sweep
            batch's points); ``R``, ``rng`` and ``explain`` are then theirs.
    """

    def __init__(
        self,
        scenario: str | os.PathLike[str] | Scenario | CompiledScenario,
        R: int = 1,
        rng: Any = None,
        overrides: Mapping[str, Any] | Iterable[str] | None = None,
        explain: bool | None = None,
        trajectories: bool = False,
        state: WorldState | None = None,
        collect: bool = True,
        **_: Any,
    ) -> None:
        super().__init__(rng=rng if state is None else state.rng)
        self.compiled = c = compiled(scenario, overrides)
        self.R = int(R) if state is None else state.worlds
        self.families = registry.families()
        self.terms = registry.terms(self.families)
        self.record_trajectories = trajectories
        self.collect = bool(collect)
        self.trajectory: list[np.ndarray] = []  # per turn: (R, N) highest rung of each actor
        self.pending_moves: dict[str, dict[str, int]] = {}
        self.decision: Decision | None = None  # this turn's choices on every dyad
        self.world0 = True  # world 0 is among the worlds being played (see ``run``)
        self._where: np.ndarray | None = None  # block index of each world played (``run``)
        explain = (self.R == 1) if explain is None else bool(explain)
        if state is None:
            state = worlds.create_worlds(c, self.R, self.rng, self.families, explain)
        self.state: WorldState = state
        self.agent_list = [ActorAgent(self, i) for i in range(c.n_actors)]
        self.max_rung = 0
        self._datacollector: Any = None
        if self.collect:
            self.datacollector.collect(self)

    @property
    def datacollector(self) -> Any:
        """Mesa's ``DataCollector`` of world 0's highest rung and each actor's peak rung (see
        ``collect``), made on first use: its module imports pandas (0.2 s), which a Monte Carlo
        block never needs (``sim/mesa_core.py``)."""
        if self._datacollector is None:
            self._datacollector = mesa_core.whole().DataCollector(
                model_reporters={"max_rung": "max_rung", "turn": "turn"},
                agent_reporters={"peak_rung": "peak_rung"},
            )
        return self._datacollector

    @datacollector.setter
    def datacollector(self, collector: Any) -> None:
        """Use ``collector`` instead (``sim.runner.batch.BatchModel`` records more)."""
        self._datacollector = collector

    # -- the state, read-only views --------------------------------------------------------------
    @property
    def c(self) -> CompiledScenario:
        """Compatibility alias of ``compiled`` (prefer ``compiled``)."""
        return self.compiled

    @property
    def turn(self) -> int:
        """Turns played so far."""
        return self.state.turn

    @property
    def explain(self) -> bool:
        """Whether world 0's decisions are recorded with reasons."""
        return self.state.explain

    @property
    def log(self) -> list[Event]:
        """Events of world 0 (when explaining)."""
        return self.state.log

    @property
    def sampled(self) -> dict[str, np.ndarray]:
        """Value of every uncertain parameter per world, by path."""
        return self.state.sampled

    @property
    def rung(self) -> np.ndarray:
        """(R, P) current rung of each dyad."""
        return self.state.rung

    @property
    def peak(self) -> np.ndarray:
        """(R, P) highest rung so far."""
        return self.state.peak

    @property
    def threat(self) -> np.ndarray | None:
        """(R, P) threat perception of each dyad's source (None before turn 1)."""
        return self.state.threat

    @property
    def outcome(self) -> np.ndarray:
        """(R,) outcome index of each world (-1 while running)."""
        return self.state.outcome

    @property
    def end_turn(self) -> np.ndarray:
        """(R,) turn each world ended."""
        return self.state.end_turn

    @property
    def acted_dyad(self) -> np.ndarray:
        """(P,) the dyad's rung was ever changed by a move (``state.acted``)."""
        return self.state.acted

    @property
    def outcome_names(self) -> list[str]:
        """Outcome names, with the catch-all ``other`` when the scenario has none."""
        return self.compiled.endings.outcome_names

    # -- people in the loop -------------------------------------------------------------------
    def options(self, actor: str) -> dict[str, list[str]]:
        """Rungs ``actor`` may choose now toward each rival (world 0), after doctrine masks."""
        c, s = self.compiled, self.state
        worlds.prepare_turn(s, c, self.families)
        out = {}
        for d in c.dyads_of[c.actors.index(actor)]:
            cur = int(s.rung[0, d])
            ok = [
                cur + int(mv)
                for mv in MOVES
                if 0 <= cur + mv <= c.top and (cur + mv <= s.highest_rung[0, d] or mv <= 0)
            ]
            out[c.actors[c.dst[d]]] = [c.rung_names[r] for r in ok]
        return out

    def set_move(self, actor: str, target: str, rung: str | int) -> None:
        """Replace the engine's choice for ``actor`` toward ``target`` this turn (R = 1 only)."""
        c = self.compiled
        if self.R != 1:
            raise ValueError("moves can be set only when R == 1")
        allowed = self.options(actor).get(target)
        if allowed is None:
            raise ValueError(f"{actor} has no rivalry with {target}")
        if isinstance(rung, int) and not 0 <= rung <= c.top:
            raise ValueError(f"rung {rung} is off the ladder (0-{c.top})")
        name = rung if isinstance(rung, str) else c.rung_names[rung]
        if name not in allowed:
            raise ValueError(
                f"{actor} may not choose {name} toward {target} now; allowed: {', '.join(allowed)}"
            )
        self.pending_moves.setdefault(actor, {})[target] = c.rung_index(name)

    def force_inject(self, name: str) -> None:
        """Fire inject ``name`` at the start of the next turn in every world, whatever its schedule
        and probability (a facilitator's call)."""
        if name not in self.compiled.scenario.injects:
            raise ValueError(f"unknown inject {name!r}")
        worlds.force_inject(self.state, self.compiled, self.families, name)

    # -- the turn -----------------------------------------------------------------------------
    def step(self) -> None:
        """Play one turn in every world still running."""
        if not self.running:
            return
        s, c = self.state, self.compiled
        worlds.prepare_turn(s, c, self.families)
        before = s.rung
        # every dyad's choice in one pass of the choice family's kernel, taken in one copy (an
        # actor's columns one by one were strided copies: 0.23 ms a turn at 2,000 worlds); each
        # actor then puts a team's moves in place of its own
        self.decision = decide(s, c, self.terms, explain=s.explain)
        s.next_rung = self.decision.rung.copy()
        for agent in self.agent_list:
            agent.step()
        worlds.finish_turn(s, c, self.families, before)
        self.running = bool(s.alive.any())
        if self.world0:  # else world 0 has ended and its rungs are as they were
            self.max_rung = int(s.rung[0].max()) if s.rung.size else 0
        if self.record_trajectories:
            highest = c.dyads_by_actor.max(s.rung)
            if len(highest) < self.R:  # ended worlds dropped (run): theirs are as they were
                last = self.trajectory[-1].copy()
                last[self._where] = highest
                highest = last
            self.trajectory.append(highest)
        if self.collect:
            self.datacollector.collect(self)

    def run(self, until: Callable[[WargameModel], bool] | None = None) -> None:
        """Play every world to its end, or until ``until(self)`` holds after a turn (the model can
        then be run on: ``sim.runner.tiles`` pauses its tiles at a common turn to join them).

        Worlds that have ended are dropped from the arrays as they go (once a fifth of those played,
        and at least ``DROP_AT_LEAST``, have ended: a gather costs about a quarter of a turn),
        so the turns cost what the running worlds cost; the state is whole again at the end. The
        results are the same as stepping the whole block (every draw is keyed by the world's index,
        sim/rules/streams.py); with ``explain`` (world 0's event log) the block stays whole."""
        full = self.state
        with blas.one_thread():  # OpenBLAS's spinning threads took the other core (sim/rules/blas)
            while self.running and not (until is not None and until(self)):
                alive = self.state.alive
                ended = len(alive) - int(alive.sum())
                if 5 * ended >= len(alive) and ended >= DROP_AT_LEAST and not self.state.explain:
                    self._drop_ended(full)  # just before a turn, which sets the per-turn fields
                self.step()
        if self.state is not full:
            worlds.scatter(full, self.state, self._where)
            self.state, self.world0, self._where = full, True, None

    def _drop_ended(self, full: WorldState) -> None:
        """Keep playing only the running worlds (``full`` keeps the ended ones' final state). The
        fields every turn assigns anew are copied neither way (``gather``'s ``per_turn``): the
        running worlds' are assigned by the coming turn, and an ended world's hold no result
        (from the turn after its end they were a dead world's zeros, for as many turns as it
        waited for a drop)."""
        s = self.state
        keep = np.flatnonzero(s.alive)
        if s is full:  # the first drop: the ended worlds' state is already in place
            where = np.arange(self.R)
        else:  # only the worlds that leave are written back (the others are at the end)
            where = self._where
            ended = np.flatnonzero(~s.alive)
            worlds.scatter(full, worlds.gather(s, ended, per_turn=False), where[ended])
        self.state, self._where = worlds.gather(s, keep, per_turn=False), where[keep]
        self.world0 = bool(self._where[0] == 0)

    def release(self) -> None:
        """Let the model be freed. Mesa 3.3 keeps every model ever built alive in a class-level
        ``Agent._ids`` mapping (one id counter per model); a long Monte Carlo run would grow by one
        model per block, so blocks call this when done. A no-op where Mesa has no such mapping."""
        ids = getattr(Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        # the model and its agents form reference cycles; drop the large arrays now rather than
        # wait for the cycle collector (a full collection per block cost more than the block)
        release(self.state)

    def take_worlds(self) -> WorldState:
        """This model's worlds, to play in another (``worlds.stack``: a sweep's points, a run's
        blocks two at a time); the model is released without freeing them."""
        s, self.state = self.state, WorldState()
        self.release()
        return s

    @property
    def vocab(self) -> vocabulary.Vocab:
        """The scenario's standard vocabulary (rung classes, stop endings, pairs that can fight)."""
        return vocabulary.vocab_of(self.compiled)

    # -- results ------------------------------------------------------------------------------
    def results(self) -> dict[str, np.ndarray]:
        """Per-replicate outcome columns (call after ``run``)."""
        c, s = self.compiled, self.state
        out: dict[str, np.ndarray] = {
            "outcome": np.array(self.outcome_names, dtype=object)[s.outcome],
            "turn_ended": s.end_turn.copy(),
        }
        for i, a in enumerate(c.actors):
            d = c.dyads_of[i]
            out[f"peak.{a}"] = s.peak[:, d].max(axis=1) if d.size else np.zeros(self.R, np.int8)
        for rel in dict.fromkeys(c.link_relation):
            ks = [k for k, r in enumerate(c.link_relation) if r == rel]
            out[f"triggered.{rel}"] = s.triggered[:, ks].any(axis=1)
            out[f"honoured.{rel}"] = (s.triggered[:, ks] & s.honoured[:, ks]).any(axis=1)
            for k in ks:  # per link: the support level decided (-1: never triggered), honoured
                g, p = c.actors[c.link_g[k]], c.actors[c.link_p[k]]
                out[f"link.{rel}.{g}.{p}.support"] = np.where(
                    s.triggered[:, k], s.decided_level[:, k], -1
                ).astype(np.int8)
                out[f"link.{rel}.{g}.{p}.honoured"] = s.triggered[:, k] & s.honoured[:, k]
        out.update(theatre.result_columns(s, c))
        for path, values in s.sampled.items():
            out[f"param.{path}"] = values
        v = (s.peak, s.violent_turns, s.stop_reason, s.end_turn, s.ending)
        out.update(vocabulary.classify(vocabulary.vocab_of(c), *v))
        return out

    def outcome_shares(self) -> dict[str, float]:
        """Share of worlds ending in each outcome (all outcomes listed, summing to 1)."""
        outcome = self.state.outcome
        counts = np.bincount(outcome[outcome >= 0], minlength=len(self.outcome_names))
        total = max(int(counts.sum()), 1)
        return {n: float(counts[i] / total) for i, n in enumerate(self.outcome_names)}


__all__ = ["LEVEL", "RULE_KEYS", "TERMS", "ActorAgent", "WargameModel", "compiled"]

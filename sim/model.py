"""The Mesa model: R independent worlds of one scenario, advanced turn by turn.

``WargameModel`` holds every world's state in numpy arrays with a leading replicate axis; each actor
is an ``ActorAgent`` whose ``step`` decides for all R worlds at once. R = 1 is the interactive case
(a person may set an actor's moves, and every decision is explained); R = thousands is Monte Carlo.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.rules import shared
from sim.rules.compile import DOMAIN_WEIGHTS, LEVEL, CompiledScenario, compile_scenario
from sim.rules.decision import MOVES, TERMS, choose
from sim.rules.explain import Event, describe_choice
from sim.rules.predicates import compile_predicate
from sim.rules.segments import Segments
from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import SUPPORT_LEVELS, Rules

F32 = np.float32
RULE_KEYS = tuple(k for k in Rules.model_fields if k not in ("sources", "assumption"))


_CACHE: dict[tuple, CompiledScenario] = {}


def compiled(
    scenario: str | os.PathLike[str] | Scenario | CompiledScenario,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> CompiledScenario:
    """Compile a scenario given as a path, a ``Scenario`` or already compiled.

    Scenarios read from a file are cached by path, modification time and overrides, so that
    ``mesa.batch_run`` building one model per replicate does not re-read the YAML every time.
    """
    if isinstance(scenario, CompiledScenario):
        if overrides:
            raise ValueError(
                "pass overrides with the scenario path or Scenario, not a compiled scenario"
            )
        return scenario
    if isinstance(scenario, Scenario):
        if overrides:
            from sim.scenario.loader import validate_data
            from sim.scenario.yamlsource import Located

            data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
            scenario = validate_data(Located(data), scenario.name, overrides)
        return compile_scenario(scenario)
    path = Path(scenario)
    items = list(overrides.items()) if isinstance(overrides, Mapping) else list(overrides or ())
    key = (str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0, repr(items))
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = compile_scenario(load_scenario(path, overrides))
    return _CACHE[key]


class ActorAgent(mesa.Agent):
    """One actor (state or organisation); ``step`` chooses its rung toward each rival in all worlds."""

    def __init__(self, model: WargameModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.c.actors[index]
        self.dyads = model.c.dyads_of[index]
        self.peak_rung = 0  # reporter for DataCollector (world 0)

    def step(self) -> None:
        m: WargameModel = self.model  # type: ignore[assignment]
        if self.dyads.size == 0:
            return
        choice = choose(m, self.dyads, explain=m.explain)
        new = choice.rung
        human = m.pending_moves.pop(self.name, None)
        if human:
            new = new.copy()
            for target, rung in human.items():
                col = int(np.flatnonzero(m.c.dst[self.dyads] == m.c.actors.index(target))[0])
                new[:, col] = rung
        m.next_rung[:, self.dyads] = new
        if m.explain:
            m.log.extend(describe_choice(m, self, choice, human or {}))
        self.peak_rung = int(m.peak[0, self.dyads].max())


class WargameModel(mesa.Model):
    """R worlds of one scenario. ``step()`` plays one turn; ``running`` is false when all have ended.

    Args:
        scenario: path to a scenario YAML file, a ``Scenario`` or a ``CompiledScenario``.
        R: number of independent worlds (replicates) advanced together.
        rng: seed or ``numpy.random.Generator``; every random draw of the run comes from it.
        overrides: ``--set`` style overrides ("path=value" strings or a mapping).
        explain: record a readable reason for every decision (default: on when R == 1).
        trajectories: keep each actor's highest rung after every turn (``model.trajectory``).
    """

    def __init__(
        self,
        scenario: str | os.PathLike[str] | Scenario | CompiledScenario,
        R: int = 1,
        rng: Any = None,
        overrides: Mapping[str, Any] | Iterable[str] | None = None,
        explain: bool | None = None,
        trajectories: bool = False,
        **_: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.c = c = compiled(scenario, overrides)
        self.R = int(R)
        self.explain = (self.R == 1) if explain is None else bool(explain)
        self.turn = 0
        self.record_trajectories = trajectories
        self.trajectory: list[np.ndarray] = []  # per turn: (R, N) highest rung of each actor
        self.log: list[Event] = []
        self.pending_moves: dict[str, dict[str, int]] = {}
        self.forced_injects: set[str] = set()
        arrays, self.sampled = c.sample(self.rng, self.R)
        n, P, K = c.n_actors, len(c.src), len(c.link_g)
        R = self.R
        # attributes (R, N)
        pd = arrays["power_dom"]
        w = np.array(list(DOMAIN_WEIGHTS.values()))
        self.power = (pd @ w).astype(F32) + F32(1e-3)
        self.resolve = arrays["resolve"].astype(F32)
        self.risk = arrays["risk"].astype(F32)
        self.domestic = arrays["domestic"].astype(F32)
        self.relax = arrays["relax"].astype(F32)
        self.sea_lanes = arrays["sea_lanes"].astype(F32)
        self.survival = arrays["survival"].astype(F32)
        self.hostility = arrays["hostility"].astype(F32)
        self.dependence = arrays["dependence"].astype(F32)
        self.claim = arrays["claim"].astype(F32)
        self.defend = arrays["defend"].astype(F32)
        self.cred = arrays["cred"].astype(F32)
        rules = c.scenario.rules
        self.p = {k: self._rule(k, rules) for k in RULE_KEYS}
        # a temperature below float32's normal range (a beta draw near 0) would make 1/T infinite:
        # such a world chooses its best move, as at temperature 0
        t = self.p["temperature"]
        self.p_temperature = np.where(t < np.finfo(F32).tiny, F32(0), t).astype(F32)
        self.p_obs_noise = self.p["observation_noise"]
        self.p_security_dilemma = self.p["security_dilemma"]
        self.p_inertia = self.p["inertia"]
        self.p_memory = self.p["threat_memory"]
        self.p_audience = self.p["audience_cost"]
        # per-replicate draws fixed for the whole game (common random numbers across settings)
        self.honour_u = self.rng.random((R, K), dtype=F32)
        self.honoured = self.honour_u < self.cred
        self.perceived_resolve = np.clip(
            self.resolve[:, c.dst]
            + self.p["resolve_noise"][:, None] * self.rng.standard_normal((R, P), dtype=F32),
            0,
            1,
        ).astype(F32)
        inj = list(c.scenario.injects.values())
        self.inject_draw = (
            np.stack(
                [
                    self.rng.random(R) < self._value(f"injects.{name}.probability", i.probability)
                    for name, i in c.scenario.injects.items()
                ],
                axis=1,
            )
            if inj
            else np.zeros((R, 0), dtype=bool)
        )
        self.inject_fired = np.zeros((R, len(inj)), dtype=bool)
        self.basing_pairs = []
        self.basing_factor = np.ones((R, K), dtype=F32)
        for b in c.basing:
            granted = self.rng.random(R) < arrays[b["key"]]
            self.basing_factor[:, b["links"]] = np.where(granted, 1.0, 1.0 - b["share"])[:, None]
            seg = Segments(b["pairs"][:, 0], P)
            self.basing_pairs.append({**b, "granted": granted.astype(F32), "segments": seg})
            self.sampled.setdefault(f"{b['key']}_granted", granted.astype(np.float64))
        # state
        self.rung = np.zeros((R, P), dtype=np.int8)
        for who, targets in c.scenario.initial.items():
            for t, ref in targets.items():
                self.rung[:, c.dyad_index(who, t)] = c.rung_index(ref)
        self.peak = self.rung.copy()
        self.next_rung = self.rung.copy()
        self.perceived = self.rung.astype(F32)
        self.threat: np.ndarray | None = None
        self.fired = np.zeros((R, K), dtype=bool)
        self.newly_fired = self.fired.copy()
        self.support = np.zeros((R, K), dtype=np.int8)
        self.support_peak = self.support.copy()
        self.alive = np.ones(R, dtype=bool)
        self.end_turn = np.zeros(R, dtype=np.int16)
        self.stop_reason = np.full(R, -1, dtype=np.int16)
        self.acted_dyad = np.zeros(P, dtype=bool)
        calm_keys: list[tuple[int, int]] = []
        self.stop_checks = [
            (s.after_turn, compile_predicate(c, s.when, calm_keys))
            for s in c.scenario.stop.values()
        ]
        outs = list(c.scenario.outcomes.items())
        self.outcome_names = [name for name, _ in outs]
        self.outcome_checks = [
            None if o.when is None else compile_predicate(c, o.when, calm_keys) for _, o in outs
        ]
        if self.outcome_checks and self.outcome_checks[-1] is not None:
            self.outcome_names.append("other")
            self.outcome_checks.append(None)
        self.calm_count = {r: np.zeros(R, dtype=np.int16) for _, r in calm_keys}
        self.outcome = np.full(R, -1, dtype=np.int16)
        self.agent_list = [ActorAgent(self, i) for i in range(n)]
        self.max_rung = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={"max_rung": "max_rung", "turn": "turn"},
            agent_reporters={"peak_rung": "peak_rung"},
        )
        shared.static(self)
        shared.coalition(self)  # so the first turn's threat sees the committed coalition
        self.datacollector.collect(self)

    # -- helpers ------------------------------------------------------------------------------
    def _rule(self, key: str, rules: Any) -> np.ndarray:
        return self._value(f"rules.{key}", getattr(rules, key)).astype(F32)

    def _value(self, path: str, value: Any) -> np.ndarray:
        """A number for every world: sampled (and recorded) if ``value`` is a distribution."""
        from sim.scenario.distributions import is_distribution

        if is_distribution(value):
            v = value.sample(self.rng, self.R)
            self.sampled[path] = v
            return v
        return np.full(self.R, float(value))

    def max_threat(self) -> np.ndarray:
        """Each actor's highest perceived threat (R, N), used by domestic opinion."""
        if self.threat is None:
            return np.zeros((self.R, self.c.n_actors), dtype=F32)
        return self.c.seg_src.max(self.threat)

    def combat_barred_link(self) -> np.ndarray:
        """(R, K): the guarantor's doctrine bars combat for this link now (Three New Conditions)."""
        c = self.c
        g = c.link_g
        barred = np.broadcast_to(
            c.defence_oriented[g] & (c.csd_mode[g] != 0), self.fired.shape
        ).copy()
        if len(c.oblig_dyad) and self.threat is not None:
            guard = np.maximum(c.trig_guard, 0)
            surv = self.threat[:, guard] >= self.survival[:, c.link_g[c.trig_link]]
            ok = c.seg_trigger.any(surv & (c.trig_guard >= 0))
            barred &= ~(ok & (c.csd_mode[g] == 1))
        return barred

    # -- people in the loop -------------------------------------------------------------------
    def options(self, actor: str) -> dict[str, list[str]]:
        """Rungs ``actor`` may choose now toward each rival (world 0), after doctrine masks."""
        self._prepare()
        out = {}
        for d in self.c.dyads_of[self.c.actors.index(actor)]:
            cur = int(self.rung[0, d])
            ok = [
                cur + int(mv)
                for mv in MOVES
                if 0 <= cur + mv <= self.c.top and (cur + mv <= self.amax[0, d] or mv <= 0)
            ]
            out[self.c.actors[self.c.dst[d]]] = [self.c.rung_names[r] for r in ok]
        return out

    def set_move(self, actor: str, target: str, rung: str | int) -> None:
        """Replace the engine's choice for ``actor`` toward ``target`` this turn (R = 1 only)."""
        if self.R != 1:
            raise ValueError("moves can be set only when R == 1")
        allowed = self.options(actor).get(target)
        if allowed is None:
            raise ValueError(f"{actor} has no rivalry with {target}")
        if isinstance(rung, int) and not 0 <= rung <= self.c.top:
            raise ValueError(f"rung {rung} is off the ladder (0-{self.c.top})")
        name = rung if isinstance(rung, str) else self.c.rung_names[rung]
        if name not in allowed:
            raise ValueError(
                f"{actor} may not choose {name} toward {target} now; allowed: {', '.join(allowed)}"
            )
        self.pending_moves.setdefault(actor, {})[target] = self.c.rung_index(name)

    def force_inject(self, name: str) -> None:
        """Fire inject ``name`` at the start of the next turn in every world, whatever its schedule
        and probability (a facilitator's call)."""
        if name not in self.c.scenario.injects:
            raise ValueError(f"unknown inject {name!r}")
        self.forced_injects.add(name)
        if getattr(self, "_prepared_turn", None) == self.turn:  # already prepared: apply it now
            if self._apply_injects(self.turn + 1, only=name):
                shared.update_commitments(self)
            shared.static(self)
            shared.coalition(self)
            shared.threat(self)
            shared.masks(self)
            shared.terms(self)

    # -- the turn -----------------------------------------------------------------------------
    def _prepare(self) -> None:
        if getattr(self, "_prepared_turn", None) == self.turn:
            return
        if self._apply_injects(self.turn + 1):
            shared.update_commitments(self)  # an inject may itself be an armed attack
        shared.perceive(self)
        shared.coalition(self)
        shared.threat(self)
        shared.masks(self)
        shared.terms(self)
        self._prepared_turn = self.turn

    def _apply_injects(self, turn: int, only: str | None = None) -> bool:
        """Fire this turn's injects (or just ``only``); True if any changed a rung."""
        c = self.c
        moved = False
        for i, (name, inj) in enumerate(c.scenario.injects.items()):
            if only is not None and name != only:
                continue
            forced = name in self.forced_injects
            if inj.turn != turn and not forced:
                continue
            fire = (self.inject_draw[:, i] | forced) & self.alive
            self.inject_fired[:, i] |= fire
            if self.explain and fire[0]:
                self.log.append(
                    Event(turn, "inject", "", f"Inject {name}: {inj.description or name}")
                )
            for eff in inj.effects:
                if eff.type == "adjust":
                    arr = {
                        "resolve": self.resolve,
                        "risk_tolerance": self.risk,
                        "domestic_constraint": self.domestic,
                    }[eff.attribute]
                    a = c.actors.index(eff.actor)
                    arr[:, a] = np.where(fire, np.clip(arr[:, a] + eff.by, 0, 1), arr[:, a])
                    if fire.any():
                        shared.static(self)
                else:
                    d = c.dyad_index(eff.actor, eff.toward)
                    to = c.rung_index(eff.to)
                    moved = moved or bool(fire.any())
                    if eff.type == "escalate":
                        self.rung[:, d] = np.where(
                            fire, np.maximum(self.rung[:, d], to), self.rung[:, d]
                        )
                    else:
                        self.rung[:, d] = np.where(
                            fire, np.minimum(self.rung[:, d], to), self.rung[:, d]
                        )
        self.forced_injects.clear()
        np.maximum(self.peak, self.rung, out=self.peak)
        return moved

    def step(self) -> None:
        """Play one turn in every world still running."""
        if not self.running:
            return
        self._prepare()
        self.next_rung = self.rung.copy()
        before = self.rung
        for agent in self.agent_list:
            agent.step()
        alive = self.alive[:, None]
        self.rung = np.where(alive, self.next_rung, before).astype(np.int8)
        self.acted_dyad |= ((self.rung != before) & alive).any(axis=0)
        np.maximum(self.peak, self.rung, out=self.peak)
        self.turn += 1
        fired_before = self.fired.copy()
        shared.update_commitments(self)
        if self.explain:
            self._log_triggers(fired_before)
        self._update_calm()
        self._check_stops()
        self.max_rung = int(self.rung[0].max()) if self.rung.size else 0
        if self.record_trajectories:
            self.trajectory.append(self.c.seg_src.max(self.rung))
        self.datacollector.collect(self)

    def _update_calm(self) -> None:
        top = self.rung.max(axis=1) if self.rung.size else np.zeros(self.R, np.int8)
        for r, count in self.calm_count.items():
            self.calm_count[r] = np.where(top <= r, count + 1, 0).astype(np.int16)

    def _check_stops(self) -> None:
        c = self.c
        ending = np.zeros(self.R, dtype=bool)
        for i, (after, check) in enumerate(self.stop_checks):
            if self.turn > after:
                hit = check(self) & self.alive & ~ending
                self.stop_reason[hit] = i
                ending |= hit
        if self.turn >= c.scenario.turns.limit:
            ending |= self.alive
        if ending.any():
            self.end_turn[ending] = self.turn
            self._classify(ending)
            self.alive &= ~ending
            if self.explain and ending[0]:
                reason = (
                    list(c.scenario.stop)[self.stop_reason[0]]
                    if self.stop_reason[0] >= 0
                    else "turn limit"
                )
                self.log.append(
                    Event(
                        self.turn,
                        "end",
                        "",
                        f"World ends ({reason}); outcome: {self.outcome_names[self.outcome[0]]}",
                    )
                )
        self.running = bool(self.alive.any())

    def _classify(self, mask: np.ndarray) -> None:
        left = mask.copy()
        for i, check in enumerate(self.outcome_checks):
            hit = left if check is None else check(self) & left
            self.outcome[hit] = i
            left &= ~hit

    def _log_triggers(self, before: np.ndarray) -> None:
        c = self.c
        for k in np.flatnonzero(self.fired[0] & ~before[0]):
            g, p = c.actors[c.link_g[k]], c.actors[c.link_p[k]]
            verdict = "honours it" if self.honoured[0, k] else "does not honour it"
            lvl = SUPPORT_LEVELS[self.support[0, k]]
            self.log.append(
                Event(
                    self.turn,
                    "trigger",
                    g,
                    f"Trigger of {c.link_relation[k]} fired ({p} attacked): {g} {verdict} (support: {lvl})",
                )
            )

    def run(self) -> None:
        """Play every world to its end."""
        while self.running:
            self.step()

    def release(self) -> None:
        """Let the model be freed. Mesa 3.3 keeps every model ever built alive in a class-level
        ``Agent._ids`` mapping (one id counter per model); a long Monte Carlo run would grow by one
        model per block, so blocks call this when done. A no-op where Mesa has no such mapping."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        # the model and its agents form reference cycles; drop the large arrays now rather than
        # wait for the cycle collector (a full collection per block cost more than the block)
        for key, value in list(vars(self).items()):
            if isinstance(value, np.ndarray) and value.size > 64:
                setattr(self, key, None)

    # -- results ------------------------------------------------------------------------------
    def results(self) -> dict[str, np.ndarray]:
        """Per-replicate outcome columns (call after ``run``)."""
        c = self.c
        out: dict[str, np.ndarray] = {
            "outcome": np.array(self.outcome_names, dtype=object)[self.outcome],
            "turn_ended": self.end_turn.copy(),
        }
        for i, a in enumerate(c.actors):
            d = c.dyads_of[i]
            out[f"peak.{a}"] = self.peak[:, d].max(axis=1) if d.size else np.zeros(self.R, np.int8)
        for rel in dict.fromkeys(c.link_relation):
            ks = [k for k, r in enumerate(c.link_relation) if r == rel]
            out[f"triggered.{rel}"] = self.fired[:, ks].any(axis=1)
            out[f"honoured.{rel}"] = (self.fired[:, ks] & self.honoured[:, ks]).any(axis=1)
        for path, values in self.sampled.items():
            out[f"param.{path}"] = values
        return out

    def outcome_shares(self) -> dict[str, float]:
        """Share of worlds ending in each outcome (all outcomes listed, summing to 1)."""
        counts = np.bincount(self.outcome[self.outcome >= 0], minlength=len(self.outcome_names))
        total = max(int(counts.sum()), 1)
        return {n: float(counts[i] / total) for i, n in enumerate(self.outcome_names)}


__all__ = ["LEVEL", "TERMS", "ActorAgent", "WargameModel", "compiled"]

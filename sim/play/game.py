"""A facilitated game: one world (R = 1) in which teams play some actors and the engine the rest.

The engine is the authority: every request carries a token, and moves are checked against the
game's tokens and against the doctrine masks of the acting actor. A turn is adjudicated when every
team has moved or the facilitator forces it; absent teams' actors fall back to the engine. Every
turn is appended to a transcript (JSON lines) from which a saved game can be reloaded and replayed.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import WargameError
from sim.files import write_text_atomic
from sim.model import WargameModel, compiled
from sim.rules.compile import CompiledScenario


class GameError(WargameError):
    """A refused request (wrong token, forbidden move, game over): the game state is unchanged."""


class TokenError(GameError):
    """A request carrying a wrong token, or a team token where the facilitator's is needed."""


class InputError(GameError):
    """A request with a value out of range or of the wrong kind (HTTP 400, not 409)."""


MAX_SEED = 2**63 - 1
"""assumption: the largest seed, so that a seed fits a signed 64-bit integer in every output."""


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None, so that it is valid JSON (an
    engine value beyond float32's range becomes infinite; JSON has no word for that)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def check_seed(seed: object) -> int:
    """``seed`` if it is a whole number from 0 to :data:`MAX_SEED`, else :class:`InputError`."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError(f"seed {seed!r}: give a whole number from 0 to {MAX_SEED}")
    return seed


PUBLIC_EVENTS = ("inject", "trigger", "end")
"""Event kinds every team sees; moves are seen only through the observed rungs."""


def same_token(expected: str, given: object) -> bool:
    """Constant-time comparison that refuses (rather than fails on) non-text or non-ASCII input."""
    if not isinstance(given, str):
        return False
    return secrets.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


@dataclass
class Team:
    """One team of a game: the actors it plays, its seat token, and its moves of this turn."""

    name: str
    actors: list[str]
    token: str
    pending: dict[str, dict[str, str]] = field(default_factory=dict)  # actor -> target -> rung
    submitted: bool = False


class Game:
    """One facilitated game. Thread-safe: a web server may call it from several sessions."""

    def __init__(
        self,
        scenario: str | Path,
        teams: dict[str, list[str]],
        seed: int = 0,
        overrides: list[str] | None = None,
        facilitator_token: str | None = None,
        tokens: dict[str, str] | None = None,
    ) -> None:
        self.scenario_path = str(scenario)
        self.overrides = list(overrides or [])
        self.seed = check_seed(seed)
        self.c: CompiledScenario = compiled(scenario, self.overrides or None)
        self.model = WargameModel(self.c, R=1, rng=seed, explain=True, collect=False)
        self.facilitator_token = facilitator_token or secrets.token_urlsafe(16)
        self.teams: dict[str, Team] = {}
        taken: set[str] = set()
        for name, actors in teams.items():
            for a in actors:
                if a not in self.c.actors:
                    raise GameError(
                        f"team {name}: unknown actor {a!r} (actors: {', '.join(self.c.actors)})"
                    )
                if a in taken:
                    raise GameError(f"actor {a!r} is assigned to two teams")
                if not self.c.scenario.actors[a].playable:
                    raise GameError(f"actor {a!r} is not playable in this scenario")
                taken.add(a)
            token = (tokens or {}).get(name) or secrets.token_urlsafe(16)
            self.teams[name] = Team(name, list(actors), token)
        self.transcript: list[dict[str, Any]] = [
            {
                "kind": "start",
                "scenario": self.scenario_path,
                "overrides": self.overrides,
                "seed": seed,
                "teams": {t.name: t.actors for t in self.teams.values()},
            }
        ]
        self.paused = False
        self._lock = threading.RLock()
        self._events: list[dict[str, Any]] = []  # model.log as dicts, converted once each
        self._prepare()
        self.frames: list[dict[str, Any]] = [self._frame()]

    def _prepare(self) -> None:
        """Draw this turn's perceptions and doctrine masks now rather than at the first view or
        move, so that a live game and its replay apply a fired inject at the same point."""
        if not self.over:
            self.model.options(self.c.actors[0])

    def events(self) -> list[dict[str, Any]]:
        """Every event of the game as a dict (each event is converted once, not at every view)."""
        with self._lock:
            log = self.model.log
            if len(self._events) < len(log):
                self._events.extend(json_safe(e.to_dict()) for e in log[len(self._events) :])
            return self._events

    # -- access ---------------------------------------------------------------------------------
    def team_of(self, token: str) -> Team:
        """The team holding ``token``; a ``TokenError`` if no team does."""
        for t in self.teams.values():
            if same_token(t.token, token):
                return t
        raise TokenError("unknown or wrong token")

    def check_facilitator(self, token: str) -> None:
        """Refuse (``TokenError``) unless ``token`` is the facilitator's."""
        if not same_token(self.facilitator_token, token):
            raise TokenError("this needs the facilitator's token")

    @property
    def over(self) -> bool:
        """Whether the game has ended: no more turns can be played."""
        return not self.model.running

    @property
    def turn(self) -> int:
        """Turns played so far."""
        return self.model.turn

    # -- what a team may do ---------------------------------------------------------------------
    def options(self, token: str) -> dict[str, dict[str, list[str]]]:
        """For each of the team's actors: the rungs its doctrine allows toward each rival, this turn."""
        team = self.team_of(token)
        with self._lock:
            return {a: self.model.options(a) for a in team.actors}

    def submit(self, token: str, actor: str, moves: dict[str, str]) -> None:
        """Record a team's move for one actor (all its rivals). Resubmitting before the turn is
        adjudicated replaces the earlier move; an identical resubmission changes nothing."""
        team = self.team_of(token)
        with self._lock:
            if self.over:
                raise GameError("the game is over")
            if not isinstance(moves, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in moves.items()
            ):
                raise GameError("moves must map each rival's name to a rung name")
            if actor not in team.actors:
                raise GameError(f"team {team.name} does not play {actor}")
            self._check_move(actor, moves)
            team.pending[actor] = dict(moves)
            team.submitted = all(a in team.pending for a in team.actors)

    def _check_move(self, actor: str, moves: dict[str, str]) -> None:
        allowed = self.model.options(actor)
        for target, rung in moves.items():
            if target not in allowed:
                raise GameError(f"{actor} has no rivalry with {target!r}")
            if rung not in allowed[target]:
                raise GameError(
                    f"{actor} may not choose {rung!r} toward {target} now "
                    f"(allowed: {', '.join(allowed[target])})"
                )

    def waiting_for(self) -> list[str]:
        """Teams that have not moved this turn (names only: pending moves are never shown)."""
        return [t.name for t in self.teams.values() if not t.submitted]

    # -- facilitator ----------------------------------------------------------------------------
    def adjudicate(self, token: str, force: bool = False) -> list[dict[str, Any]]:
        """Play the turn. Without ``force``, every team must have moved."""
        self.check_facilitator(token)
        with self._lock:
            if self.over:
                raise GameError("the game is over")
            if self.paused:
                raise GameError("the game is paused")
            missing = self.waiting_for()
            if missing and not force:
                raise GameError(
                    f"waiting for {', '.join(missing)} (force the turn to let the engine play them)"
                )
            return self._play_turn()

    def set_paused(self, token: str, paused: bool) -> None:
        """Pause or resume (facilitator only): while paused, teams submit but no turn is played."""
        self.check_facilitator(token)
        with self._lock:
            self.paused = paused

    def fire_inject(self, token: str, name: str) -> None:
        """Fire a scenario inject now (at the start of the next turn), whatever its schedule."""
        self.check_facilitator(token)
        with self._lock:
            injects = self.c.scenario.injects
            if name not in injects:
                raise GameError(f"unknown inject {name!r} (injects: {', '.join(injects)})")
            self.model.force_inject(name)
            self.transcript.append({"kind": "inject", "turn": self.turn + 1, "name": name})

    def _play_turn(self) -> list[dict[str, Any]]:
        moves: dict[str, dict[str, str]] = {}
        for t in self.teams.values():
            for actor, targets in t.pending.items():
                moves[actor] = targets
                for target, rung in targets.items():
                    self.model.set_move(actor, target, rung)
        start = len(self.model.log)
        self.model.step()
        events = [dict(e) for e in self.events()[start:]]
        self.transcript.append(
            {"kind": "turn", "turn": self.turn, "moves": moves, "events": events}
        )
        for t in self.teams.values():
            t.pending = {}
            t.submitted = False
        self._prepare()
        self.frames.append(self._frame())
        if self.over:
            self.transcript.append({"kind": "end", "turn": self.turn, "outcome": self.outcome})
        return events

    # -- views ----------------------------------------------------------------------------------
    @property
    def outcome(self) -> str | None:
        """The outcome's name once the game has one, else None."""
        o = int(self.model.outcome[0])
        return self.model.outcome_names[o] if o >= 0 else None

    def _frame(self) -> dict[str, Any]:
        """The state after a turn (turn 0 = the start): rungs and commitments, for replay."""
        return {"turn": self.turn, "rungs": self.rungs(), "commitments": self.commitments()}

    def actor_rungs(self, frame: dict[str, Any] | None = None) -> dict[str, int]:
        """Each actor's highest rung toward any rival, in a frame (default: now)."""
        out = dict.fromkeys(self.c.actors, 0)
        for r in (frame or self._frame())["rungs"]:
            out[r["actor"]] = max(out[r["actor"]], self.c.rung_index(r["rung"]))
        return out

    def rungs(self) -> list[dict[str, Any]]:
        """Every actor's current rung toward each other actor it faces, by name."""
        c = self.c
        return [
            {
                "actor": c.actors[c.src[d]],
                "toward": c.actors[c.dst[d]],
                "rung": c.rung_names[int(self.model.rung[0, d])],
            }
            for d in range(len(c.src))
        ]

    def team_view(self, token: str) -> dict[str, Any]:
        """What a team sees: its briefing, its actors' rungs, what they observe of rivals (with the
        scenario's observation noise), its own actors' explained moves and the public events
        (injects, alliance triggers, the end), and its own pending move: never another team's."""
        team = self.team_of(token)
        with self._lock:
            c = self.c
            mine = set(team.actors)
            options = {a: self.model.options(a) for a in team.actors} if not self.over else {}
            own = [r for r in self.rungs() if r["actor"] in mine]
            observed = []
            for d in range(len(c.src)):
                src, dst = c.actors[c.src[d]], c.actors[c.dst[d]]
                if dst in mine and src not in mine:
                    seen = float(self.model.state.perceived_rung[0, d])
                    seen = seen if math.isfinite(seen) else (c.top if seen > 0 else 0)
                    observed.append(
                        {
                            "actor": src,
                            "toward": dst,
                            "observed": c.rung_names[int(min(max(round(seen), 0), c.top))],
                        }
                    )
            events: list[dict[str, Any]] = []  # the last 40 this team may see, newest last
            for e in reversed(self.events()):
                if e["actor"] in mine or e["kind"] in PUBLIC_EVENTS:
                    events.append(e)
                    if len(events) == 40:
                        break
            events.reverse()
            return {
                "team": team.name,
                "actors": team.actors,
                "turn": self.turn,
                "over": self.over,
                "outcome": self.outcome,
                "briefing": c.scenario.briefing,
                "own": own,
                "observed": observed,
                "events": events,
                "pending": {a: dict(m) for a, m in team.pending.items()},
                "submitted": team.submitted,
                "options": options,
            }

    def facilitator_view(self, token: str) -> dict[str, Any]:
        """Everything the facilitator sees (true rungs, teams, waiting, events,
        commitments), as JSON-ready data; facilitator only."""
        self.check_facilitator(token)
        with self._lock:
            return {
                "turn": self.turn,
                "over": self.over,
                "outcome": self.outcome,
                "paused": self.paused,
                "waiting_for": self.waiting_for(),
                "teams": {t.name: t.actors for t in self.teams.values()},
                "rungs": self.rungs(),
                "events": self.events()[-80:],
                "commitments": self.commitments(),
                "injects": list(self.c.scenario.injects),
            }

    def commitments(self) -> list[dict[str, Any]]:
        """Every commitment link: its relation, guarantor, protected actor, whether it
        is triggered and the support chosen."""
        c = self.c
        from sim.scenario.schema import SUPPORT_LEVELS

        out = []
        for k in range(len(c.link_g)):
            out.append(
                {
                    "relation": c.link_relation[k],
                    "guarantor": c.actors[c.link_g[k]],
                    "protects": c.actors[c.link_p[k]],
                    "triggered": bool(self.model.state.triggered[0, k]),
                    "support": SUPPORT_LEVELS[int(self.model.state.support[0, k])],
                }
            )
        return out

    # -- transcript -----------------------------------------------------------------------------
    def transcript_text(self) -> str:
        """The transcript as JSON lines (no tokens in it: it is safe to share)."""
        with self._lock:
            return "".join(json.dumps(r, default=str) + "\n" for r in self.transcript)

    def save(self, path: str | Path) -> Path:
        """Write the transcript as JSON lines (temporary name, then rename)."""
        return write_text_atomic(self.transcript_text(), Path(path))

    def live_state(self) -> dict[str, Any]:
        """What the transcript does not hold: the teams' submitted-but-unplayed moves (secret until
        the turn is played, so kept out of the shareable transcript) and whether the game is paused.
        Saved beside the transcript after every change; see :meth:`restore_live_state`."""
        with self._lock:
            return {
                "turn": self.turn,
                "paused": self.paused,
                "pending": {t.name: t.pending for t in self.teams.values() if t.pending},
            }

    def restore_live_state(self, state: dict[str, Any]) -> None:
        """Put back what :meth:`live_state` saved. Pending moves count only if they were made for
        this turn (a state saved before the last turn was played holds moves already played) and
        are still allowed; anything else in ``state`` is ignored rather than trusted."""
        with self._lock:
            self.paused = bool(state.get("paused", False))
            pending = state.get("pending")
            if state.get("turn") != self.turn or not isinstance(pending, dict) or self.over:
                return
            for name, moves in pending.items():
                team = self.teams.get(name)
                if team is None or not isinstance(moves, dict):
                    continue
                for actor, targets in moves.items():
                    if actor not in team.actors or not isinstance(targets, dict):
                        continue
                    try:
                        self._check_move(actor, targets)
                    except GameError:
                        continue
                    team.pending[actor] = dict(targets)
                team.submitted = all(a in team.pending for a in team.actors)

    @classmethod
    def replay(cls, path: str | Path, **kwargs: Any) -> Game:
        """Rebuild a saved game by replaying its transcript (same seed, same team moves).

        ``kwargs`` go to the constructor (e.g. ``facilitator_token`` and team ``tokens``)."""
        try:
            records = [
                json.loads(line)
                for line in Path(path).read_text(encoding="utf-8").splitlines()
                if line
            ]
        except (OSError, ValueError) as exc:
            raise GameError(f"{path}: not a game transcript ({exc})") from None
        if not records or records[0].get("kind") != "start":
            raise GameError(f"{path}: not a game transcript (no start record)")
        try:
            start = records[0]
            game = cls(
                start["scenario"],
                start["teams"],
                seed=start["seed"],
                overrides=start.get("overrides"),
                **kwargs,
            )
            for rec in records[1:]:
                if rec["kind"] == "inject":
                    game.model.force_inject(rec["name"])
                    game.transcript.append(rec)
                elif rec["kind"] == "turn":
                    game._replay_turn(rec["moves"])
        except WargameError as exc:
            raise GameError(f"{path}: cannot replay this transcript: {exc}") from None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise GameError(
                f"{path}: not a game transcript ({type(exc).__name__}: {exc})"
            ) from None
        return game

    def _replay_turn(self, moves: dict[str, dict[str, str]]) -> None:
        """Play a saved turn with the teams' saved moves, recorded again as the teams' moves (so
        that the transcript saved after a reload still holds them, and a second reload too)."""
        team_of = {a: t for t in self.teams.values() for a in t.actors}
        for actor, targets in moves.items():
            if actor not in team_of:
                raise GameError(f"turn {self.turn + 1}: {actor!r} is played by no team")
            if not isinstance(targets, dict):
                raise GameError(f"turn {self.turn + 1}: the moves of {actor} are not a mapping")
            self._check_move(actor, targets)
            team_of[actor].pending[actor] = dict(targets)
        self._play_turn()

"""The server's state: one facilitated game at a time, shared by every browser session and the API.

The facilitator's token is the server's (printed at start, like Jupyter's); team tokens are made per
game. Every change bumps ``version`` and wakes the pages waiting in :meth:`GameHost.wait`, so a team's
move shows at once on the facilitator's page without anyone reloading. After every change the game is
saved under ``games_dir/<id>/`` (transcript and seat tokens), so a server restart loses nothing: the
facilitator reloads the game and the teams' links still work.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sim.errors import WargameError
from sim.outputs.rundir import write_text_atomic
from sim.play.game import Game, GameError, InputError, TokenError, check_seed, same_token
from sim.rules.pipeline import compiled
from sim.serve.distributions import Distributions, key_of
from sim.serve.jobs import WHATIF_RUNS, Job, distribution_job, whatif_block


class NoGame(GameError):
    """A request about the game while none is running."""


FLOAT32_MAX = 3.4028234663852886e38
"""The largest number the engine's float32 arrays hold (numpy.finfo(numpy.float32).max)."""


def check_override_numbers(overrides: list[str]) -> None:
    """Refuse an override whose value holds a number beyond float32's range: the engine would store
    it as infinity and every view of the game would carry non-JSON numbers."""
    import yaml

    def numbers(value: Any) -> list[float]:
        if isinstance(value, bool):
            return []
        if isinstance(value, int | float):
            return [float(value)] if abs(value) < 1e400 else [math.inf]
        if isinstance(value, dict):
            return [x for v in value.values() for x in numbers(v)]
        if isinstance(value, list):
            return [x for v in value for x in numbers(v)]
        if isinstance(value, str):  # YAML reads 3.5e38 (no exponent sign) as text; pydantic won't
            try:
                return [float(value)]
            except ValueError:
                return []
        return []

    for text in overrides:
        _, sep, raw = text.partition("=")
        if not sep:
            continue  # the scenario loader says what is wrong with it
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            continue
        for x in numbers(value):
            if not math.isfinite(x) or abs(x) > FLOAT32_MAX:
                raise InputError(
                    f"override {text.strip()!r}: {x:g} is beyond what the engine holds "
                    f"(numbers up to {FLOAT32_MAX:.4g} in size)"
                )


def scenario_files(root: str | Path) -> list[str]:
    """Scenario files directly under ``root`` (library and sweep files excluded), sorted."""
    root = Path(root)
    return sorted(str(p) for p in root.glob("*.yaml")) if root.is_dir() else []


def playable(scenario: str, overrides: list[str] | None = None) -> list[str]:
    """Actors of ``scenario`` a team may play."""
    c = compiled(scenario, overrides or None)
    return [a for a in c.actors if c.scenario.actors[a].playable]


def default_teams(scenario: str) -> dict[str, list[str]]:
    """Two teams for a first game: the first playable actor and its first playable rival."""
    c = compiled(scenario)
    ok = playable(scenario)
    if not ok:
        return {}
    first = ok[0]
    i = c.actors.index(first)
    rivals = [c.actors[int(j)] for s, j in zip(c.src, c.dst, strict=True) if int(s) == i]
    second = next((r for r in rivals if r in ok), ok[1] if len(ok) > 1 else None)
    return {a: [a] for a in (first, second) if a}


LIVE = "live.json"
"""Beside the transcript: the pending moves, pause and clock (see :meth:`GameHost.live_state`)."""


class GameHost:
    """What the web app serves. Thread-safe; every method taking ``token`` checks it."""

    def __init__(
        self,
        scenario: str | None = None,
        scenarios_dir: str | Path = "scenarios",
        games_dir: str | Path = "runs/games",
        token: str | None = None,
        aar_runs: int = 10_000,
        auto_play: bool = True,
        turn_seconds: int = 0,
        workers: int = 1,
    ) -> None:
        self.scenario = scenario
        self.workers = max(1, int(workers))
        self.scenarios_dir = Path(scenarios_dir)
        self.games_dir = Path(games_dir)
        self.token = token or secrets.token_urlsafe(16)
        self.aar_runs = aar_runs
        self.game: Game | None = None
        self.game_id: str | None = None
        self.version = 0
        self.jobs: dict[str, Job] = {}
        self.distributions: Distributions | None = None  # the game's Monte Carlo runs
        self.auto_play = auto_play
        self.turn_seconds = max(0, int(turn_seconds))
        self._deadline: float | None = None  # monotonic time at which the turn is forced
        self._left_when_paused: float | None = None
        self._cond = threading.Condition(threading.RLock())
        self._clock: threading.Thread | None = None
        self._live_saved: tuple[Path, str] | None = None  # last written: not rewritten unchanged
        self._live_at = 0.0  # when the timer thread last saved the time left

    # -- change notification --------------------------------------------------------------------
    def changed(self) -> None:
        """Bump ``version`` and wake every page waiting on it, so they redraw."""
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, version: int, timeout: float) -> int:
        """Block until ``version`` is stale or ``timeout`` passes; return the current version."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != version, timeout)
            return self.version

    # -- access ---------------------------------------------------------------------------------
    def check(self, token: object) -> None:
        """Refuse (``TokenError``) unless ``token`` is the facilitator's."""
        if not same_token(self.token, token):
            raise TokenError("this needs the facilitator's token")

    def need_game(self) -> Game:
        """The running game; ``NoGame`` if the facilitator has not started one."""
        if self.game is None:
            raise NoGame("no game is running: the facilitator has not started one")
        return self.game

    def role(self, token: object) -> str:
        """``facilitator``, a team's name, or raise :class:`TokenError`."""
        if same_token(self.token, token):
            return "facilitator"
        return self.need_game().team_of(token).name  # type: ignore[arg-type]

    def scenarios(self) -> list[str]:
        """The scenario files a facilitator can start (the served one first if it
        is outside the scenarios folder)."""
        found = scenario_files(self.scenarios_dir)
        if self.scenario and self.scenario not in found:
            found.insert(0, self.scenario)
        return found

    # -- the game's life ------------------------------------------------------------------------
    def start(
        self,
        token: object,
        scenario: str,
        teams: dict[str, list[str]],
        seed: int = 0,
        overrides: list[str] | None = None,
    ) -> Game:
        """Start a new game (replacing any other); team tokens are new."""
        self.check(token)
        check_seed(seed)
        check_override_numbers(list(overrides or []))
        known = {str(Path(s).resolve()): s for s in self.scenarios()}
        if str(Path(scenario).resolve()) not in known:
            raise GameError(
                f"unknown scenario {scenario!r} (choose one of: {', '.join(known.values())})"
            )
        teams = {n.strip(): a for n, a in teams.items() if n.strip() and a}
        if not teams:
            raise GameError("assign at least one actor to a team")
        game = Game(scenario, teams, seed=seed, overrides=overrides, facilitator_token=self.token)
        self._install(game, new_id=True)
        return game

    def load(self, token: object, transcript: str | Path, keep_seats: bool = True) -> Game:
        """Reload a saved game by replaying its transcript. Seat tokens saved beside it (autosaves)
        are kept so that the teams' links still work; otherwise new tokens are made."""
        self.check(token)
        transcript = Path(transcript)
        seats = transcript.with_name("seats.json")
        tokens = None
        if keep_seats and seats.is_file():
            try:
                tokens = json.loads(seats.read_text(encoding="utf-8"))
            except ValueError:
                tokens = None
        game = Game.replay(transcript, facilitator_token=self.token, tokens=tokens)
        same_folder = transcript.parent.parent.resolve() == self.games_dir.resolve()
        live = self._read_live(transcript) if keep_seats and same_folder else None
        if live is not None:
            game.restore_live_state(live)
        self._install(game, new_id=not same_folder, game_id=transcript.parent.name, live=live)
        return game

    @staticmethod
    def _read_live(transcript: Path) -> dict[str, Any] | None:
        """The live state saved beside a transcript (pending moves, pause, timer), if readable."""
        try:
            live = json.loads(transcript.with_name(LIVE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return live if isinstance(live, dict) else None

    def _install(
        self,
        game: Game,
        new_id: bool,
        game_id: str | None = None,
        live: dict[str, Any] | None = None,
    ) -> None:
        with self._cond:
            for job in self.jobs.values():
                job.cancel()
            self.jobs = {}
            self.game = game
            self._prefetch(game)
            if new_id or not game_id:
                stem = re.sub(r"[^A-Za-z0-9_-]+", "_", game.c.scenario.name)
                game_id = f"{stem}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(2)}"
            self.game_id = game_id
            self._autosave()
            seats = {t.name: t.token for t in game.teams.values()}  # fixed for the game
            write_text_atomic(json.dumps(seats), self.games_dir / game_id / "seats.json", 0o600)
            self._new_turn()
            if live is not None:
                self._restore_clock(live)
            self._save_live()
        self.changed()

    def _restore_clock(self, live: dict[str, Any]) -> None:
        """The auto-play switch and the turn timer as saved (time left as at the last save: the
        time the server was down does not count against the teams)."""
        game = self.need_game()
        if isinstance(live.get("auto_play"), bool):
            self.auto_play = live["auto_play"]
        seconds = live.get("turn_seconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
            return
        self.turn_seconds = seconds
        self._new_turn()
        left = live.get("seconds_left")
        if (
            (self._deadline is None and self._left_when_paused is None)
            or live.get("turn") != game.turn
            or not isinstance(left, int | float)
            or not 0 <= left <= seconds
        ):
            return  # no timer, or saved before the last turn was played: a full turn
        if game.paused:
            self._left_when_paused = float(left)
        else:
            self._deadline = time.monotonic() + float(left)

    def _autosave(self) -> None:
        """Save the transcript and then the live state (after every turn or inject); the seats are
        saved once, at install."""
        if self.game is None or self.game_id is None:
            return
        folder = self.games_dir / self.game_id
        folder.mkdir(parents=True, exist_ok=True)
        self.game.save(folder / "transcript.jsonl")
        self._save_live()

    def live_state(self) -> dict[str, Any]:
        """The game's live state (pending moves, pause) with the server's switch and clock."""
        state = self.need_game().live_state()
        left = self._left_when_paused
        if left is None and self._deadline is not None:
            left = max(0.0, self._deadline - time.monotonic())
        state.update(
            auto_play=self.auto_play,
            turn_seconds=self.turn_seconds,
            seconds_left=None if left is None else round(left, 1),
        )
        return state

    def _save_live(self) -> None:
        """Save what the transcript does not hold (after every change, and every second while a
        turn timer runs): a server killed at any point reloads to the game as it was. Private
        (mode 600) like the seats: it holds the teams' moves before they are played."""
        if self.game is None or self.game_id is None:
            return
        path = self.games_dir / self.game_id / LIVE
        text = json.dumps(self.live_state())
        if (path, text) != self._live_saved:
            write_text_atomic(text, path, 0o600)
            self._live_saved = (path, text)

    def saved_games(self) -> list[Path]:
        """Transcripts under ``games_dir``, newest first."""
        if not self.games_dir.is_dir():
            return []
        found = self.games_dir.glob("*/transcript.jsonl")
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    # -- requests -------------------------------------------------------------------------------
    def submit(self, token: object, actor: object, moves: object) -> bool:
        """Record a team's move; with ``auto_play``, the last team to move plays the turn.
        Returns whether the turn was played."""
        game = self.need_game()
        if not isinstance(actor, str):
            raise GameError("actor must be an actor's name")
        with self._cond:
            game.submit(token, actor, moves)  # type: ignore[arg-type]
            played = self._auto()
            if not played:
                self._save_live()
        if not played:
            self.changed()
        return played

    def _auto(self) -> bool:
        """Play the turn if every team has moved and the facilitator let the game run itself."""
        game = self.game
        if game and self.auto_play and not game.paused and not game.over and not game.waiting_for():
            self._play(force=False)
            return True
        return False

    def _play(self, force: bool) -> list[dict[str, Any]]:
        game = self.need_game()
        with self._cond:
            events = game.adjudicate(self.token, force=force)
            self._autosave()
            self._new_turn()
        self.changed()
        if game.over:
            self.start_aar(self.token)
        return events

    def adjudicate(self, token: object, force: bool = False) -> list[dict[str, Any]]:
        """Play the turn (``force``: the engine plays the teams that have not moved)."""
        self.check(token)
        return self._play(force)

    def set_paused(self, token: object, paused: bool) -> None:
        """Pause or resume; the turn timer stops while paused and goes on from where it was."""
        self.check(token)
        game = self.need_game()
        with self._cond:
            game.set_paused(self.token, paused)
            if paused and self._deadline is not None:
                self._left_when_paused = max(0.0, self._deadline - time.monotonic())
                self._deadline = None
            elif not paused and self._left_when_paused is not None:
                self._deadline = time.monotonic() + self._left_when_paused
                self._left_when_paused = None
            if not paused and self._auto():
                return
            self._save_live()
        self.changed()

    def set_auto_play(self, token: object, on: bool) -> None:
        """Turn auto-play on or off (facilitator only); switching it on plays a
        turn at once if every team has already moved."""
        self.check(token)
        with self._cond:
            self.auto_play = bool(on)
            if self._auto():
                return
            self._save_live()
        self.changed()

    # -- turn timer -----------------------------------------------------------------------------
    def set_timer(self, token: object, seconds: int) -> None:
        """Give each turn ``seconds`` (0: no limit); when time is up the engine plays the teams that
        have not moved. Applies from now to the current turn too."""
        self.check(token)
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
            raise GameError("the turn timer takes a whole number of seconds (0: no timer)")
        with self._cond:
            self.turn_seconds = seconds
            self._new_turn()
            self._save_live()
        self.changed()

    def seconds_left(self) -> int | None:
        """Whole seconds left in this turn, or None without a timer (or while paused: frozen)."""
        if self._left_when_paused is not None:
            return int(self._left_when_paused)
        deadline = self._deadline
        return None if deadline is None else max(0, int(deadline - time.monotonic() + 0.999))

    def _new_turn(self) -> None:
        game = self.game
        self._left_when_paused = None
        if not self.turn_seconds or game is None or game.over:
            self._deadline = None
            return
        self._deadline = time.monotonic() + self.turn_seconds
        if game.paused:
            self._left_when_paused, self._deadline = float(self.turn_seconds), None
        if self._clock is None or not self._clock.is_alive():
            self._clock = threading.Thread(target=self._tick, daemon=True, name="turn-timer")
            self._clock.start()

    def _tick(self) -> None:
        """The timer thread: forces the turn when its time is up; ends when no timer is running."""
        while True:
            time.sleep(0.25)
            with self._cond:
                deadline, game = self._deadline, self.game
                if (
                    game is None
                    or game.over
                    or (deadline is None and self._left_when_paused is None)
                ):
                    self._clock = None
                    return
                if deadline is None or time.monotonic() < deadline or game.paused:
                    if deadline is not None and time.monotonic() - self._live_at >= 1.0:
                        self._save_live()  # the time left, for a reload after a crash
                        self._live_at = time.monotonic()
                    continue
                try:
                    self._play(force=True)
                except GameError:  # e.g. over meanwhile: nothing to do
                    self._deadline = None

    def fire_inject(self, token: object, name: str) -> None:
        """Fire an inject now (facilitator only), then save the game."""
        self.check(token)
        game = self.need_game()
        with self._cond:
            game.fire_inject(self.token, name)
            self._autosave()
        self.changed()

    def team_view(self, token: object) -> dict[str, Any]:
        """What the team holding ``token`` sees, with the time left on the turn timer."""
        view = self.need_game().team_view(token)  # type: ignore[arg-type]
        view["seconds_left"] = self.seconds_left()
        return view

    def facilitator_view(self, token: object) -> dict[str, Any]:
        """The facilitator's view with the game id, the seat tokens, auto-play
        and the time left (facilitator only)."""
        self.check(token)
        view = self.need_game().facilitator_view(self.token)
        view["game_id"] = self.game_id
        view["seats"] = {t.name: t.token for t in self.need_game().teams.values()}
        view["auto_play"] = self.auto_play
        view["seconds_left"] = self.seconds_left()
        return view

    # -- Monte Carlo in the background ----------------------------------------------------------
    def start_aar(self, token: object, runs: int | None = None) -> Job:
        """The after-action review's Monte Carlo distribution, in a background thread."""
        self.check(token)
        game = self.need_game()
        from sim.play.aar import after_action, review_block, write_html

        runs = runs or self.aar_runs

        folder = self.games_dir / str(self.game_id)

        distributions = self._distributions()
        key = key_of(game.overrides, runs, game.seed, review_block(runs))

        def work(progress: Callable[[float], None], cancelled: threading.Event) -> dict[str, Any]:
            mc = distributions.run(key, game.c, progress, cancelled)
            result = after_action(game, runs=runs, mc=mc)
            if game is self.game:  # still this game: keep the report beside its transcript
                folder.mkdir(parents=True, exist_ok=True)
                write_html(game, result, folder / "aar.html")
            return result

        return self._job("aar", work)

    def start_whatif(
        self, token: object, overrides: list[str], runs: int = WHATIF_RUNS, seed: int | None = None
    ) -> Job:
        """Baseline and changed-parameter outcome distributions of the current game's scenario."""
        self.check(token)
        game = self.need_game()
        base = list(game.overrides)
        try:
            changed = compiled(game.scenario_path, base + list(overrides))
        except WargameError as exc:
            raise GameError(str(exc).splitlines()[0]) from None
        seed = game.seed if seed is None else seed
        work = distribution_job(
            self._distributions(),
            (base, game.c),
            (base + list(overrides), changed),
            runs,
            seed,
            list(overrides),
        )
        return self._job("whatif", work)

    def pool(self) -> Executor | None:
        """Where the what-if and the review run their blocks: the process's persistent worker
        pool (``sim.runner.pool.shared_pool``: started once, then the same warm processes for
        every request) with ``workers`` > 1, else None (the job's own thread)."""
        if self.workers <= 1:
            return None
        from sim.runner.pool import shared_pool

        return shared_pool(self.workers)

    def _prefetch(self, game: Game) -> None:
        """A new store of the game's distributions (the old game's stops computing); with a
        worker pool, it computes the what-if's baseline and the review's distribution while the
        room plays (``sim.serve.distributions``). Without one, nothing runs before it is asked
        for: the blocks would play in the server's own process, beside the pages."""
        from sim.play.aar import review_block

        if self.distributions is not None:
            self.distributions.close()
        self.distributions = Distributions(self.pool)
        if self.pool() is None:
            return
        o, seed, c = game.overrides, game.seed, game.c
        self.distributions.prefetch(
            [
                (key_of(o, WHATIF_RUNS, seed, whatif_block(WHATIF_RUNS)), c),
                (key_of(o, self.aar_runs, seed, review_block(self.aar_runs)), c),
            ]
        )

    def _distributions(self) -> Distributions:
        """The running game's distributions."""
        if self.distributions is None:  # pragma: no cover - made with every game
            self.distributions = Distributions(self.pool)
        return self.distributions

    def _job(self, name: str, work: Any) -> Job:
        """Start ``work`` in the background as job ``name``, cancelling an older one. Pages poll a
        running job's progress; its end bumps the version so that every page shows the result."""
        with self._cond:
            old = self.jobs.get(name)
            if old is not None:
                old.cancel()
            job = Job(work, on_done=self.changed)
            self.jobs[name] = job
        job.start()
        self.changed()
        return job


_current: GameHost | None = None
_current_lock = threading.Lock()


def current() -> GameHost:
    """The server's game host, made on first use from the ``WARGAME_*`` environment that
    ``wargame serve`` sets (scenario, scenarios folder, games folder, facilitator token)."""
    global _current
    with _current_lock:
        if _current is None:
            _current = GameHost(
                scenario=os.environ.get("WARGAME_SCENARIO") or None,
                scenarios_dir=os.environ.get("WARGAME_SCENARIOS_DIR", "scenarios"),
                games_dir=os.environ.get("WARGAME_GAMES_DIR", "runs/games"),
                token=os.environ.get("WARGAME_TOKEN") or None,
                aar_runs=int(os.environ.get("WARGAME_AAR_RUNS", "10000")),
                auto_play=os.environ.get("WARGAME_AUTO_PLAY", "1") != "0",
                turn_seconds=int(os.environ.get("WARGAME_TURN_SECONDS", "0")),
                workers=int(os.environ.get("WARGAME_WORKERS", "1")),
            )
            _current.pool()  # start the workers now: the first what-if finds them ready
        return _current

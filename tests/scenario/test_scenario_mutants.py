"""Mutation fuzzing of the shipped scenarios (issue 10, item 17).

Each mutant is a shipped scenario (or one of its library files) changed the way a user or an attacker
might: structure-aware edits of the parsed YAML (keys deleted, renamed, duplicated; values of the wrong
type, extreme numbers, swapped references, discriminators changed, subtrees moved) and byte-level edits
of the text (YAML tokens, control bytes, truncation). ``wargame validate`` and ``wargame run --runs 20``
must exit 0 or 2, print only one-line problems (never a traceback or a warning), and not hang.

The suite runs a fixed-seed sample in this process (a few in subprocesses). Run many more locally:

    PYTHONPATH=.:tests python tests/scenario/test_scenario_mutants.py --mutants 600 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import math
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from helpers import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
LIBRARY = sorted((ROOT / "scenarios" / "library").glob("*.yaml"))

EXTREME_NUMBERS: list[Any] = [
    0, 1, -1, 2, 0.5, -0.5, 1e-40, 5e-324, -0.0, 7, 8, 9, 100, 127, 128, 255, 256, 1000, 1001,
    32767, 32768, 2**31, 2**63, 2**64, -(2**63), 10**30, 1e6, 1000000.5, 1e7, 1e38, 3.5e38, 1e308,
    -1e308, math.nan, math.inf, -math.inf,
]  # fmt: skip
FIELD_NAMES = [
    "name", "title", "include", "turns", "limit", "step", "ladder", "rungs", "cost", "force", "cast",
    "actors", "kind", "nuclear", "capability", "resolve", "doctrine", "max_rung", "relations", "type",
    "members", "guarantors", "protects", "covers", "trigger", "credibility", "support", "holder",
    "claimants", "stake", "intensity", "dependence", "basing_hosts", "basing_share", "initial",
    "injects", "turn", "probability", "effects", "actor", "toward", "to", "attribute", "by", "rules",
    "temperature", "outcomes", "when", "stop", "after_turn", "peak", "current", "at_least",
    "at_most", "all", "any", "not", "inject", "calm", "turns", "triggered", "honoured", "sources",
    "seed", "quote", "reference", "dist", "a", "b", "low", "high", "mode", "mean", "sd", "values",
    "weights", "value",
]  # fmt: skip
KINDS = ["alliance", "partnership", "dispute", "rivalry", "economic", "escalate", "deescalate",
         "adjust", "fixed", "uniform", "normal", "beta", "triangular", "choice", "bogus"]  # fmt: skip
TOKENS = ["&a ", "*a", "!!python/object/apply:os.system ['true'] ", "!!binary ", "<<: ", "\t",
          "---\n", "...\n", "{", "}", "[", "]", ": ", ", ", "- ", "? ", "|\n", ">\n", "%YAML 1.1\n",
          "\x00", "\x1b", "\ufeff", "\u2028", '"', "'", "#", "~", "\\", "@"]  # fmt: skip
PROBLEM_LINE = re.compile(r"^(.+:\d+:\d+: .+|wargame: .+|\.\.\. and \d+ more errors)$")


# --- mutation ---------------------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _names(doc: Any) -> list[str]:
    """Names a reference may use: actors, relations, injects, outcomes, rungs, and strings in use."""
    out: set[str] = {"any", "", "Japn", "grey_zone", "nuclear_use", "combat", "senkaku"}
    for p in _paths(doc):
        if p and isinstance(p[-1], str):
            out.add(p[-1])
        v = _get(doc, p)
        if isinstance(v, str) and len(v) < 30:
            out.add(v)
    return sorted(out)


def _distribution(rng: random.Random) -> dict:
    kind = rng.choice(KINDS[8:])
    num = lambda: rng.choice([*EXTREME_NUMBERS, 0.1, 0.9, 0.3])  # noqa: E731
    shapes = {
        "fixed": {"value": num()},
        "uniform": {"low": num(), "high": num()},
        "normal": {
            "mean": num(),
            "sd": num(),
            **({"low": 0, "high": 1} if rng.random() < 0.5 else {}),
        },
        "beta": {"a": num(), "b": num()},
        "triangular": {"low": num(), "mode": num(), "high": num()},
        "choice": {"values": [num() for _ in range(rng.randint(0, 3))], "weights": [num(), num()]},
        "bogus": {"x": 1},
    }
    return {"dist": kind, **shapes[kind]}


def _value(rng: random.Random, old: Any, names: list[str], doc: Any) -> Any:
    """A replacement for ``old``: often of its own kind (so that many mutants stay valid and run),
    sometimes extreme, of another type, or a subtree from elsewhere."""
    r = rng.random()
    if isinstance(old, int | float) and not isinstance(old, bool) and r < 0.5:
        return rng.choice(
            [rng.random(), round(rng.uniform(0, 2), 3), old * 2, old / 2, rng.randint(0, 12), 0, 1]
        )
    if isinstance(old, str) and r < 0.5:
        return rng.choice(names)
    r = rng.random()
    if r < 0.3:
        return rng.choice(EXTREME_NUMBERS)
    if r < 0.45:
        return rng.choice(names)
    if r < 0.55:
        return _distribution(rng)
    if r < 0.65 and isinstance(old, int | float) and not isinstance(old, bool):
        return rng.choice([old * 10, -old, old + 1, old - 1, old * 1e300 if old else 1e300])
    if r < 0.75:  # a subtree from elsewhere in the document
        return copy.deepcopy(_get(doc, rng.choice(list(_paths(doc)))))
    return rng.choice(
        [None, True, False, [], {}, "text", [old], {"x": old}, [old, old], "1e999", "0x10",
         {"peak": {"at_least": rng.choice(names)}}, {"calm": {"turns": 3, "at_most": 0}},
         {"all": []}, {"any": [{"turn": {"at_least": 1001}}]}, [rng.choice(names)] * 30]
    )  # fmt: skip


def _typo(rng: random.Random, word: str) -> str:
    if not word:
        return "x"
    i = rng.randrange(len(word))
    return rng.choice(
        [word[:i] + word[i + 1 :], word + word[-1], word.upper(), word.capitalize(), word + "_2",
         word[:i] + "." + word[i:], word[:i] + " " + word[i:]]
    )  # fmt: skip


def mutate_data(doc: Any, rng: random.Random) -> Any:
    """One to four structure-aware edits of ``doc`` (a parsed YAML document), in place."""
    names = _names(doc)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return doc
        rules = [p for p in paths if not {"sources", "assumption", "description"} & set(p)]
        path = rng.choice(rules if rules and rng.random() < 0.9 else paths)
        parent, key = _get(doc, path[:-1]), path[-1]
        op = rng.choice(["set", "set", "set", "set", "delete", "delete", "rename", "duplicate",
                         "duplicate", "swap", "add", "kind", "empty"])  # fmt: skip
        if op == "set":
            parent[key] = _value(rng, parent[key], names, doc)
        elif op == "delete":
            del parent[key]
        elif op == "rename" and isinstance(parent, dict):
            new = rng.choice([_typo(rng, str(key)), rng.choice(FIELD_NAMES), rng.choice(names)])
            parent[new] = parent.pop(key)
        elif op == "duplicate":
            if isinstance(parent, list):
                parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
            else:
                parent[_typo(rng, str(key))] = copy.deepcopy(parent[key])
        elif op == "swap":
            other = rng.choice(paths)
            if other[: len(path)] != path and path[: len(other)] != other:
                op_parent, op_key = _get(doc, other[:-1]), other[-1]
                parent[key], op_parent[op_key] = op_parent[op_key], parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[rng.choice(FIELD_NAMES + names)] = _value(rng, None, names, doc)
        elif op == "kind":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target[rng.choice(["type", "dist"])] = rng.choice(KINDS)
        elif op == "empty":
            parent[key] = type(parent[key])() if isinstance(parent[key], dict | list) else None
    return doc


def mutate_gently(doc: Any, rng: random.Random) -> Any:
    """One edit a careful user might make, so that the mutant often still validates and runs: a
    number changed within reason, a name swapped for another, an entry deleted or duplicated."""
    paths = [p for p in _paths(doc) if p and not {"sources", "assumption", "description"} & set(p)]
    names = sorted({v for p in paths if isinstance(v := _get(doc, p), str) and len(v) < 30})
    numbers = [p for p in paths if isinstance(_get(doc, p), int | float)]
    words = [p for p in paths if isinstance(_get(doc, p), str)]
    op = rng.choice(["number", "number", "number", "name", "delete", "duplicate"])
    pool = {"number": numbers, "name": words}.get(op) or paths
    path = rng.choice(pool)
    parent, key = _get(doc, path[:-1]), path[-1]
    old = parent[key]
    if op == "number" and isinstance(old, int | float) and not isinstance(old, bool):
        parent[key] = rng.choice(
            [rng.random(), round(rng.uniform(0, 3), 2), old * 2, old / 2, rng.randint(0, 10),
             0, 1, old + 1, rng.choice(EXTREME_NUMBERS)]
        )  # fmt: skip
    elif op == "name" and isinstance(old, str):
        parent[key] = rng.choice(names)
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(old))
    else:
        del parent[key]
    return doc


def mutate_ladder(doc: Any, rng: random.Random) -> Any:
    """Give the scenario its own ladder: the default one with rungs dropped, moved, repeated or
    re-flagged (``force``, ``homeland``, ``nuclear``...), and costs changed."""
    from sim.scenario.ladder import DEFAULT_LADDER

    rungs = [r.model_dump(exclude_none=True) for r in DEFAULT_LADDER.rungs]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(rungs))
        op = rng.choice(["drop", "move", "flag", "flag", "cost", "repeat"])
        if op == "drop" and len(rungs) > 3:
            del rungs[i]
        elif op == "move":
            rungs.insert(rng.randrange(len(rungs)), rungs.pop(i))
        elif op == "flag":
            flag = rng.choice(["force", "homeland", "nuclear", "blockade", "sanctions"])
            rungs[i][flag] = not rungs[i].get(flag, False)
        elif op == "cost":
            rungs[i]["cost"] = rng.choice([0, 0.5, 10, 1e6, -1, rng.random()])
        elif op == "repeat":
            rungs.insert(i, {**rungs[i], "name": f"{rungs[i]['name']}_{i}"})
    doc["ladder"] = {"rungs": rungs}
    return doc


def mutate_bytes(text: str, rng: random.Random) -> bytes:
    """One to three byte-level edits: YAML tokens, random bytes, truncation, line shuffles."""
    data = text.encode("utf-8")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(data) + 1)
        op = rng.choice(["token", "token", "byte", "truncate", "line", "indent"])
        if op == "token":
            data = data[:i] + rng.choice(TOKENS).encode("utf-8") + data[i:]
        elif op == "byte":
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        elif op == "truncate":
            data = data[:i]
        else:
            lines = data.split(b"\n")
            j = rng.randrange(len(lines))
            if op == "line":
                lines.insert(rng.randrange(len(lines) + 1), lines[j])
            else:
                lines[j] = b" " * rng.choice([1, 2, 3, 8]) + lines[j]
            data = b"\n".join(lines)
    return data


@dataclass
class Mutant:
    """A scenario tree with one file changed, and the ``--set`` overrides to pass."""

    number: int
    scenario: str  # file name of the scenario to load, in scenarios/
    changed: str  # path of the changed file, relative to scenarios/
    content: bytes
    overrides: list[str]
    how: str


def make_mutant(number: int, rng: random.Random) -> Mutant:
    scenario = rng.choice(SCENARIOS)
    target = scenario if rng.random() < 0.8 else rng.choice(LIBRARY)
    text = target.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    how = rng.choice(["gentle", "gentle", "gentle", "gentle", "data", "data", "data", "ladder"])
    if how == "ladder" and target != scenario:
        how = "gentle"
    mutate = {"gentle": mutate_gently, "data": mutate_data, "ladder": mutate_ladder}[how]
    doc = mutate(doc, rng)
    out = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    content = out.encode("utf-8")
    if rng.random() < 0.12:
        content, how = mutate_bytes(out, rng), "data+bytes"
    elif rng.random() < 0.06:
        content, how = mutate_bytes(text, rng), "bytes"
    overrides = []
    if rng.random() < 0.15:
        paths = [p for p in _paths(yaml.safe_load(text)) if p]
        path = ".".join(map(str, rng.choice(paths)))
        value = _value(rng, None, _names(doc), doc)
        dumped = yaml.safe_dump(value, default_flow_style=True, width=10**6)
        overrides = [f"{path}={dumped.strip().removesuffix('...').strip()}"]
        how += "+set"
    changed = str(target.relative_to(ROOT / "scenarios"))
    return Mutant(number, scenario.name, changed, content, overrides, how)


# --- running ----------------------------------------------------------------------------------------


class Hang(Exception):
    """A command ran past its time limit."""


@dataclass
class Outcome:
    """What one command did: exit status, stderr, and the failure if any."""

    command: str
    status: int | None
    err: str
    failure: str | None


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def run_in_process(argv: list[str], timeout: float) -> Outcome:
    """``wargame ARGV`` in this process; a traceback, a warning, a bad exit or a hang is a failure."""
    from sim.cli import main

    err = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    status: int | None = None
    failure = None
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            warnings.simplefilter("error")
            status = main(argv)
    except Hang:
        failure = f"hang (over {timeout:.0f} s)"
    except BaseException as exc:  # any escape is the bug being looked for
        failure = "traceback: " + "".join(traceback.format_exception(exc))[-1500:]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(argv[0], status, err.getvalue(), failure or check(status, err.getvalue()))


def check(status: int | None, err: str) -> str | None:
    """Why an exit status and stderr break the error contract, or None."""
    if status not in (0, 2):
        return f"exit status {status}"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if status == 2 and not lines:
        return "exit 2 with nothing on stderr"
    if "Traceback" in err:
        return "traceback on stderr"
    bad = [ln for ln in lines if not PROBLEM_LINE.match(ln)]
    if bad:
        return f"not a one-line problem: {bad[0][:300]!r}"
    if len(lines) > 51:
        return f"{len(lines)} lines (the report is capped at 50 problems)"
    return None


@contextlib.contextmanager
def scenario_tree(m: Mutant) -> Iterator[Path]:
    """A copy of scenarios/ with the mutant's file written in."""
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        tree = Path(tmp) / "scenarios"
        shutil.copytree(ROOT / "scenarios", tree, ignore=shutil.ignore_patterns("sweeps"))
        (tree / m.changed).write_bytes(m.content)
        yield tree


def try_mutant(m: Mutant, timeout: float = 30.0) -> list[Outcome]:
    """Validate the mutant and run 20 replicates of it; every outcome, failing or not."""
    with scenario_tree(m) as tree:
        path = str(tree / m.scenario)
        sets = [a for s in m.overrides for a in ("--set", s)]
        outcomes = [run_in_process(["validate", path, *sets], timeout)]
        if outcomes[0].failure is None:
            out = str(tree.parent / "run")
            argv = ["run", path, "--runs", "20", "--workers", "1", "--quiet", "--out", out, *sets]
            outcomes.append(run_in_process(argv, timeout))
        return outcomes


def mutants(seed: int, count: int) -> Iterator[Mutant]:
    rng = random.Random(seed)
    for i in range(count):
        yield make_mutant(i, rng)


def _edited(
    number: int,
    how: str,
    data: Callable[[dict], object] | None = None,
    text: Callable[[str], str] | None = None,
) -> Mutant:
    """senkaku_grey_zone.yaml with a known edit of its parsed ``data`` (in place) or its ``text``."""
    name = "senkaku_grey_zone.yaml"
    doc = yaml.safe_load((ROOT / "scenarios" / name).read_text(encoding="utf-8"))
    if data is not None:
        data(doc)
    dumped = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    content = (text(dumped) if text is not None else dumped).encode("utf-8")
    return Mutant(number, name, name, content, [], how)


def _rules(**values: object) -> Callable[[dict], object]:
    return lambda doc: doc.setdefault("rules", {}).update(values)


def _relation(**values: object) -> Callable[[dict], object]:
    return lambda doc: doc.setdefault("relations", {}).update(values)


def corpus() -> list[Mutant]:
    """Mutants that once broke the contract (issue 10, items 14-17): always tried first."""
    weights = {"dist": "choice", "values": [0.1, 0.2], "weights": [1e308, 1e308]}
    trade = {"type": "economic", "members": ["Japan", "US"], "dependence": {"Japan": 0.3}}
    return [
        _edited(-1, "temperature beyond float32", data=_rules(temperature=3.5e38)),
        _edited(-2, "subnormal temperature", data=_rules(temperature=1e-40)),
        _edited(-3, "choice weights summing to infinity", data=_rules(temperature=weights)),
        _edited(-4, "key holding a newline", data=lambda doc: doc.update({"a\nb": 1})),
        _edited(-5, "NUL byte", text=lambda t: t.replace("briefing:", "briefing: \x00", 1)),
        _edited(-6, "trade tie between allies (no dyad)", data=_relation(ally_trade=trade)),
    ]


# --- the tests --------------------------------------------------------------------------------------

SUITE_SEED = 10
SUITE_MUTANTS = 100
SUITE_BUDGET = 25.0  # seconds: stop trying new mutants past this (a loaded machine runs fewer)


def test_mutants_of_the_shipped_scenarios_fail_cleanly_or_run() -> None:
    start = time.monotonic()
    tried, valid, failures = 0, 0, []
    for m in [*corpus(), *mutants(SUITE_SEED, SUITE_MUTANTS)]:
        if time.monotonic() - start > SUITE_BUDGET:
            break
        outcomes = try_mutant(m, timeout=20.0)
        tried += 1
        valid += outcomes[0].status == 0
        failures += [(m, o) for o in outcomes if o.failure]
    assert tried >= 10, f"only {tried} mutants in {SUITE_BUDGET:.0f} s"
    assert 0 < valid < tried, (valid, tried)  # some mutants validate and run, some are refused
    shown = [
        f"mutant {m.number} ({m.how}, {m.changed}) {o.command}: {o.failure}" for m, o in failures
    ]
    assert not failures, "\n".join(shown)


def test_mutants_in_a_subprocess_exit_0_or_2_with_one_line_problems() -> None:
    """The real command in its own process: validate a refused mutant, run a valid one."""
    picked: dict[bool, Mutant] = {}
    for m in mutants(SUITE_SEED + 1, 40):
        with scenario_tree(m) as tree:
            from sim.errors import ScenarioError
            from sim.scenario import load_scenario

            try:
                load_scenario(tree / m.scenario, m.overrides)
                ok = True
            except ScenarioError:
                ok = False
        picked.setdefault(ok, m)
        if len(picked) == 2:
            break
    assert set(picked) == {True, False}
    for ok, m in picked.items():
        with scenario_tree(m) as tree:
            sets = [a for s in m.overrides for a in ("--set", s)]
            cmd = [sys.executable, "-m", "sim.cli", "validate", str(tree / m.scenario), *sets]
            if ok:
                cmd[3:4] = ["run"]
                cmd += [
                    "--runs",
                    "20",
                    "--workers",
                    "1",
                    "--quiet",
                    "--out",
                    str(tree.parent / "r"),
                ]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
            assert proc.returncode == (0 if ok else 2), proc.stderr
            assert check(proc.returncode, proc.stderr) is None, proc.stderr


# --- many more, locally ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Try many mutants; print each failure and save the mutant to --keep for reproduction."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "mutants")
    args = parser.parse_args(argv)
    args.keep.mkdir(parents=True, exist_ok=True)
    tried = valid = failed = 0
    start = time.monotonic()
    for m in mutants(args.seed, args.mutants):
        outcomes = try_mutant(m, args.timeout)
        tried += 1
        valid += outcomes[0].status == 0
        for o in outcomes:
            if o.failure:
                failed += 1
                keep = args.keep / f"seed{args.seed}-{m.number}-{Path(m.changed).name}"
                keep.write_bytes(m.content)
                print(f"FAIL mutant {m.number} ({m.how}) {o.command} {keep} {m.scenario} "
                      f"{m.overrides}: {o.failure}", flush=True)  # fmt: skip
    took = time.monotonic() - start
    print(f"{tried} mutants ({valid} valid), {failed} failures, {took:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

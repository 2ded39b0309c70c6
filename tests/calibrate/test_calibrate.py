"""``wargame calibrate``: it recovers known weights from a deck the engine made, its folds never
leak a scored case, the same seed gives the same bytes on one and two workers, a calibration killed
with ``kill -9`` resumes to the same result, and a bad spec is one located line with exit status 2.

The deck: ten worlds of tests/fixtures/history/strait_standoff.yaml played at a known
``rules.direct_agreement`` (the share of unmediated settlements that are formal agreements), each
world written as one case's ``history:`` (sim/calibrate/synthetic.py)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers import FIXTURES, ROOT, assert_same_file, one_line

from sim.backtest.deck import load_deck
from sim.calibrate.folds import make_folds
from sim.calibrate.synthetic import make_synthetic_deck
from sim.cli import main
from sim.scenario import load_scenario

pytest.importorskip("cma")

TRUTH = 0.9
TOLERANCE = 0.2
"""The deck's nine or so settled cases each say "formal" with probability TRUTH: the share they
show has a standard error of about 0.1, so a fit within two standard errors of TRUTH is a
recovery (the optimiser's own error, with common random numbers, is far smaller)."""
ARGS = ["--runs", "60", "--budget", "12", "--folds", "2", "--seed", "3", "--quiet"]
OUTPUTS = ("history.parquet", "scores.parquet", "fitted.json", "calibrated.yaml")
TITLE = "Synthetic <script>alert(1)</script> & deck"
HELD = ("strait_standoff_08", "strait_standoff_09")


def spec_text(title: str = TITLE) -> str:
    return (
        f"title: {json.dumps(title)}\n"
        "parameters:\n"
        "  rules.direct_agreement: {low: 0.05, high: 0.99}\n"
        "  rules.fade_weeks: {low: 1, high: 12, prior: {dist: lognormal, median: 4, sigma: 0.5}}\n"
        f"held_out: [{HELD[0]}, {HELD[1]}]\n"
    )


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    make_synthetic_deck(
        FIXTURES / "history" / "strait_standoff.yaml",
        root / "deck",
        {"rules.direct_agreement": TRUTH},
        copies=10,
        seed=11,
    )
    (root / "spec.yaml").write_text(spec_text(), encoding="utf-8")
    return root


def calibrate(deck: Path, out: Path, *extra: str, spec: Path | None = None) -> int:
    spec = spec or deck.parent / "spec.yaml"
    return main(["calibrate", str(deck), "--params", str(spec), *ARGS, *extra, "--out", str(out)])


@pytest.fixture(scope="module")
def reference(deck: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The uninterrupted calibration on one worker, in this process; and, for each fit, every
    set of cases its search asked to be played (recorded as it ran)."""
    import sim.calibrate.run as run_mod
    from sim.calibrate.objective import Evaluator

    out = tmp_path_factory.mktemp("reference") / "cal"
    asked: list[tuple[str, tuple[str, ...]]] = []
    current = [""]
    real_fit, real_counts = run_mod.cma_fit, Evaluator.counts

    def fit(name: str, *args: object, **kwargs: object) -> object:
        current[0] = name
        try:
            return real_fit(name, *args, **kwargs)
        finally:
            current[0] = ""

    def counts(self: Evaluator, requests: list) -> list:
        asked.extend((current[0], tuple(names)) for _, names in requests if current[0])
        return real_counts(self, requests)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_mod, "cma_fit", fit)
        mp.setattr(Evaluator, "counts", counts)
        played = count_blocks(mp)
        assert calibrate(deck / "deck", out, "--workers", "1") == 0
    PLAYED["reference"] = len(played)
    return out, asked


PLAYED: dict[str, int] = {}


def count_blocks(mp: pytest.MonkeyPatch) -> list[int]:
    """Record every (case, block) task played in this process (one in-process worker)."""
    import sim.calibrate.objective as objective_mod

    played: list[int] = []
    real = objective_mod.run_case_block

    def wrapped(*args: object) -> object:
        played.append(1)
        return real(*args)

    mp.setattr(objective_mod, "run_case_block", wrapped)
    return played


def fitted(out: Path) -> dict:
    return json.loads((out / "fitted.json").read_text(encoding="utf-8"))


# --- recovery -------------------------------------------------------------------------------------


def test_recovers_the_weight_that_made_the_deck(reference: tuple) -> None:
    f = fitted(reference[0])
    da = next(p for p in f["parameters"] if p["path"] == "rules.direct_agreement")
    assert abs(f["fitted"]["rules.direct_agreement"] - TRUTH) <= TOLERANCE
    assert abs(da["hand_set"] - TRUTH) > TOLERANCE  # the search had somewhere to go
    # the fitted engine forecasts the deck better than the hand-set one, in and out of sample
    for scope in ("in_sample", "out_of_sample"):
        s = f["scores"][scope]
        assert s["fitted"]["score"] < s["defaults"]["score"]


def test_a_parameter_the_deck_cannot_see_is_reported_flat(reference: tuple) -> None:
    # nothing in strait_standoff waits for a crisis to fade: fade_weeks changes no world
    f = fitted(reference[0])
    fade = next(p for p in f["parameters"] if p["path"] == "rules.fade_weeks")
    assert fade["identified"] == "flat"
    assert fade["profile"]["rise_low"] in (None, 0.0) and fade["profile"]["rise_high"] in (
        None,
        0.0,
    )
    # ... while the weight that made the deck moves the objective (the check is not blind)
    da = next(p for p in f["parameters"] if p["path"] == "rules.direct_agreement")
    assert max(da["profile"]["rise_low"] or 0.0, da["profile"]["rise_high"] or 0.0) > 0.0


# --- outputs ---------------------------------------------------------------------------------------


def test_outputs_trace_the_fit_and_the_rules_file_can_be_included(
    reference: tuple, tmp_path: Path
) -> None:
    reference = reference[0]
    f = fitted(reference)
    prov = f["provenance"]
    assert prov["settings"]["seed"] == 3 and prov["settings"]["runs"] == 60
    assert len(prov["deck_sha256"]) == 64 and len(prov["cases"]) == 10
    assert prov["spec_content"]["parameters"]["rules.direct_agreement"]["high"] == 0.99
    assert set(f["scores"]["out_of_sample"]) >= {"fitted", "defaults", "base_rate", "uniform"}
    # the rules file, included by a scenario in a scenario tree, sets the fitted values
    tree = tmp_path / "tree"
    (tree / "library").mkdir(parents=True)
    shutil.copy(reference / "calibrated.yaml", tree / "library" / "calibrated.yaml")
    scenario = yaml.safe_load((FIXTURES / "history" / "strait_standoff.yaml").read_text())
    scenario["include"] = ["library/calibrated.yaml"]
    (tree / "s.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    s = load_scenario(tree / "s.yaml")
    assert s.rules.direct_agreement == f["fitted"]["rules.direct_agreement"]
    assert s.rules.fade_weeks == f["fitted"]["rules.fade_weeks"]
    assert "wargame calibrate" in s.rules.sources[0].reference
    # the report escapes every text it shows; the markdown report is written on request
    page = (reference / "calibration.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Reliability before and after" in page and "Scores by fold" in page
    assert main(["calibrate", "--resume", str(reference), "--format", "md", "--quiet"]) == 0
    assert "| out-of-sample |" in (reference / "calibration.md").read_text(encoding="utf-8")


# --- folds ----------------------------------------------------------------------------------------


def test_folds_cover_every_fitted_case_once_and_never_a_held_out_one() -> None:
    names = [f"c{i}" for i in range(13)]
    for k in (None, 2, 3, 5, 13, 40):
        fit, folds = make_folds(names, ["c4", "c9"], k, seed=7)
        assert fit == [n for n in names if n not in ("c4", "c9")]
        tested = [c for f in folds for c in f.test]
        assert sorted(tested) == sorted(fit)
        for f in folds:
            assert not set(f.train) & set(f.test)
            assert not {"c4", "c9"} & (set(f.train) | set(f.test))
            assert set(f.train) | set(f.test) == set(fit)
    assert len(make_folds(names, [], None, 0)[1]) == 5  # 13 cases: five folds
    assert len(make_folds(names[:8], [], None, 0)[1]) == 8  # 8 cases: leave-one-out


def test_a_fit_never_plays_a_case_it_is_scored_on_nor_a_held_out_one(reference: tuple) -> None:
    out, asked = reference
    m = json.loads((out / "manifest.json").read_text())
    assert m["held_out"] == list(HELD)
    fits = {f"fold {f['index']}": f for f in m["folds"]}
    assert len(fits) == 2 and {n for n, _ in asked} == {*fits, "final"}
    for name, cases in asked:
        assert not set(cases) & set(HELD)  # held-out cases: never in a search
        if name != "final":
            assert set(cases) == set(fits[name]["train"])  # only its training cases
            assert not set(cases) & set(fits[name]["test"])
    # the held-out cases are scored once, at the end, with the final fit
    import pandas as pd

    scores = pd.read_parquet(out / "scores.parquet")
    held = scores[scores["case"].isin(HELD)]
    assert set(held["role"]) == {"held_out"} and set(held["fit"]) == {"final"}
    tested = scores[scores["role"] == "test"]
    assert sorted(set(tested["case"])) == sorted(m["fitted_cases"])
    assert fitted(out)["scores"]["held_out"]["n"] == len(held)


# --- determinism and resume -----------------------------------------------------------------------


def test_same_seed_same_bytes_on_one_and_two_workers(
    reference: tuple, deck: Path, tmp_path: Path
) -> None:
    reference = reference[0]
    out = tmp_path / "two"
    assert calibrate(deck / "deck", out, "--workers", "2") == 0
    for name in OUTPUTS:
        assert_same_file(out / name, reference / name)


def _default_sigint() -> None:  # pragma: no cover - runs in the child before exec
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for p in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)  # the group of the one process this test started
        p.wait(timeout=30)


def test_kill_9_then_resume_gives_the_same_result(
    reference: tuple, deck: Path, tmp_path: Path, processes: list
) -> None:
    reference = reference[0]
    out = tmp_path / "cal"
    cmd = [sys.executable, "-m", "sim.cli", "calibrate", str(deck / "deck")]
    cmd += ["--params", str(deck / "spec.yaml"), *ARGS, "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    processes.append(proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(list((out / "evals").glob("*.json"))) >= 10:
            break
        if proc.poll() is not None:
            pytest.fail(f"calibration ended (status {proc.returncode}) early: {proc.stderr.read()}")
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "incomplete" and not (out / "fitted.json").exists()
    kept = len(list((out / "evals").glob("*.json")))
    assert kept >= 10

    with pytest.MonkeyPatch.context() as mp:
        played = count_blocks(mp)
        assert main(["calibrate", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    # what was stored is read back, not played again (every evaluation plays one case or more)
    assert len(played) <= PLAYED["reference"] - kept
    for name in OUTPUTS:
        assert_same_file(out / name, reference / name)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        (
            "parameters:\n  rules.setlement_rate: {low: 0.1, high: 0.5}\n",
            ":2:3: parameters.rules.setlement_rate:",
            "did you mean 'settlement_rate'?",
        ),
        (
            "parameters:\n  rules.settlement_rate: {low: 0.1, high: 1.5}\n",
            ":2:37: parameters.rules.settlement_rate.high:",
            "value 1.5 in case",
        ),
        (
            "parameters:\n  rules.weariness: {low: 0.5, high: 0.1}\n",
            ":2:3: parameters.rules.weariness:",
            "high must be greater than low",
        ),
        (
            "parameters:\n  rules.weariness: {low: 0.1, high: 1}\nheld_out: [strait_standof]\n",
            ":3:12: held_out.0:",
            "did you mean 'strait_standoff'?",
        ),
        (
            "parameters:\n  actors.Nordia.resolve: {low: 0.1, high: 0.9, cases: [border_war]}\n"
            "  actors.Nordiaa.resolve: {low: 0.1, high: 0.9}\n",
            ":3:3: parameters.actors.Nordiaa.resolve:",
            "unknown actor 'Nordiaa' (did you mean 'Nordia'?)",
        ),
        (
            "parameters:\n  rules.weariness: {low: 0.1, high: 1, prior: {dist: beta, a: 0.5, b: 2}}\n",
            ":2:60: parameters.rules.weariness.prior.a:",
            "greater than or equal to 1",
        ),
    ],
)
def test_bad_spec_is_one_located_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, where: str, words: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    deck = FIXTURES / "history"
    assert main(["calibrate", str(deck), "--params", str(spec), "--out", str(out)]) == 2
    line = one_line(capsys)
    assert f"spec.yaml{where}" in line and words in line, line
    assert not out.exists()


def test_every_deck_case_can_take_the_shipped_spec() -> None:
    from sim.calibrate.spec import load_spec

    cases, _ = load_deck(ROOT / "scenarios" / "history")
    cal = load_spec(ROOT / "scenarios" / "calibration" / "default.yaml", cases)
    assert all(p.path.startswith("rules.") for p in cal.params)
    assert set(cal.spec.held_out) <= {c.name for c in cases}


@pytest.mark.parametrize("dims", [1, 3])
def test_the_search_is_seeded_and_finds_a_known_minimum(dims: int) -> None:
    from sim.calibrate.optimise import cma_fit
    from sim.calibrate.spec import Param

    params = tuple(
        Param(f"rules.p{i}", 0.0, 2.0, {"dist": "uniform"}, 1.0, ("c",), "") for i in range(dims)
    )
    target = {p.path: 0.3 + 0.4 * i for i, p in enumerate(params)}

    def batch(cands: list[dict[str, float]]) -> list[float]:
        return [sum((v[k] - target[k]) ** 2 for k in target) for v in cands]

    a = cma_fit("a", params, batch, 80, seed=4, index=0)
    b = cma_fit("b", params, batch, 80, seed=4, index=0)
    c = cma_fit("c", params, batch, 80, seed=5, index=0)
    assert a.values == b.values and a.objectives == b.objectives  # same seed, same path
    assert a.values != c.values
    assert len(a.values) <= 80
    assert all(abs(a.best_values[k] - target[k]) < 0.05 for k in target)
    assert all(0.0 <= x <= 2.0 for v in a.values for x in v.values())

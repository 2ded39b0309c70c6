"""The crisis theatre, horizontal escalation, one-off incidents and theatre power weights, stated as
properties of runs through the public API (WargameModel, the CLI)."""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import subprocess
import sys

import numba
import numpy as np
import pytest
from helpers import ROOT

from sim.model import WargameModel
from sim.rules import streams
from sim.rules.families import theatre as theatre_family
from sim.rules.theatre import HORIZONTAL, KIND_WEIGHTS, SOURCE_GROUPS
from sim.rules.vocabulary import classify, vocab_of
from sim.scenario.loader import load_scenario_text

TAIWAN = ROOT / "scenarios/taiwan_contingency.yaml"

# Ostmark and Westland are at war from the start; Sudia has a rivalry with Westland outside the
# theatre, and is Ostmark's ally (a second front); Nordia is a bystander with a rivalry of its own.
FRONTS = """
name: fronts
turns: {limit: 8, days: 30}
actors:
  Ostmark: {capability: {land: 0.6}, resolve: 0.8}
  Westland: {capability: {land: 0.5}, resolve: 0.8}
  Sudia: {capability: {land: 0.4}}
  Nordia: {capability: {land: 0.4}}
relations:
  ow: {type: rivalry, members: [Ostmark, Westland], intensity: 0.9}
  sw: {type: rivalry, members: [Sudia, Westland], intensity: 0.6}
  sn: {type: rivalry, members: [Sudia, Nordia], intensity: 0.6}
  pact: {type: alliance, members: [Ostmark, Sudia], credibility: 0.0}
initial:
  Ostmark: {Westland: major_war}
  Westland: {Ostmark: major_war}
outcomes:
  any: {}
"""

INCIDENT = """
name: incident
turns: {limit: 6, days: 1}
actors:
  Ostmark: {capability: {maritime: 0.5}, resolve: 0.2}
  Westland: {capability: {maritime: 0.5}, resolve: 0.2}
relations:
  ow: {type: rivalry, members: [Ostmark, Westland], intensity: 0.1}
initial:
  Ostmark: {Westland: protest}
injects:
  ambush:
    turn: 1
    effects: [{type: EFFECT, actor: Ostmark, toward: Westland, to: limited_strikes}]
rules: {temperature: 0, observation_noise: 0, reciprocity: 0}
outcomes:
  any: {}
"""


def run(scenario, R: int = 200, seed: int = 3, **kw) -> WargameModel:
    m = WargameModel(scenario, R=R, rng=seed, explain=kw.pop("explain", False), **kw)
    m.run()
    return m


def test_a_world_with_no_crisis_uses_no_force() -> None:
    m = run(TAIWAN, overrides=["initial={}", "injects={}"])
    res = m.results()
    fought = [v for k, v in res.items() if k.startswith("fought.")]
    assert not np.any(fought)
    assert (res["theatre.active"] == 0).all()
    assert (res["violence"] == "none").all()


def test_no_force_outside_the_theatre_unless_a_rule_brought_the_dyad_in() -> None:
    m = run(TAIWAN, R=300)
    s, c = m.state, m.compiled
    used = s.peak >= c.first_force
    assert used.any()
    assert s.active[used].all()  # every dyad that used force is in play
    static = c.theatre.start | c.theatre.declared
    outside = used & ~static[None]
    assert (s.activated_by[outside] >= SOURCE_GROUPS.index("inject")).all()
    # the bystander of the issue: China on Vietnam only through a horizontal rule
    cv = c.dyad_index("China", "Vietnam")
    assert not static[cv]
    fought = m.results()["fought.China.Vietnam"]
    assert (s.activated_by[fought, cv] >= SOURCE_GROUPS.index("opportunism")).all()


def test_horizontal_rules_can_be_switched_off_and_are_reported() -> None:
    off = ["rules.opportunism=0", "rules.second_front=0", "rules.retaliation=0"]
    quiet = WargameModel(load_scenario_text(FRONTS + _rules(off)), R=100, rng=1)
    quiet.run()
    res = quiet.results()
    for name in HORIZONTAL:
        assert (res[f"horizontal.{name}"] == 0).all()
    sw = quiet.compiled.dyad_index("Sudia", "Westland")
    assert not quiet.state.active[:, sw].any()
    assert not res["fought.Sudia.Westland"].any() and not res["fought.Sudia.Nordia"].any()


def _rules(settings: list[str]) -> str:
    body = ", ".join(s.split("=")[0].split(".")[1] + ": " + s.split("=")[1] for s in settings)
    return "rules: {" + body + "}\n"


def test_second_front_opened_by_an_ally_is_named_in_the_log_and_the_table() -> None:
    text = FRONTS + _rules(["rules.second_front=1000", "rules.opportunism=0"])
    m = WargameModel(load_scenario_text(text), R=1, rng=2)
    m.run()
    events = [e for e in m.log if e.kind == "horizontal"]
    assert events and events[0].details["rule"] == "second_front"
    assert "Sudia-Westland" in events[0].text or "Westland-Sudia" in events[0].text
    many = WargameModel(load_scenario_text(text), R=50, rng=2)
    many.run()
    res = many.results()
    assert (res["horizontal.second_front"] == 2).all()  # both directions of Sudia-Westland
    assert (res["horizontal.opportunism"] == 0).all()
    sn = many.compiled.dyad_index("Sudia", "Nordia")
    assert not many.state.active[:, sn].any()  # Nordia is on nobody's side: stays dormant


def test_opportunism_wakes_a_rivalry_while_the_rival_is_at_war_elsewhere() -> None:
    text = FRONTS + _rules(["rules.second_front=0", "rules.opportunism=1000"])
    m = WargameModel(load_scenario_text(text), R=50, rng=2)
    m.run()
    res = m.results()
    assert (res["horizontal.opportunism"] >= 2).all()
    c = m.compiled
    assert (m.state.activated_by[:, c.dyad_index("Sudia", "Westland")] == 3).all()


def test_a_higher_hazard_never_activates_fewer_worlds() -> None:
    """Common random numbers: one exponential clock per world and dyad, drawn at setup."""
    shares = []
    for rate in (0.0, 0.05, 0.5, 5.0):
        m = WargameModel(
            load_scenario_text(FRONTS + _rules([f"rules.second_front={rate}"])), R=200, rng=7
        )
        m.run()
        shares.append(m.state.active[:, m.compiled.dyad_index("Sudia", "Westland")])
    for low, high in itertools.pairwise(shares):
        assert (high >= low).all()
    assert shares[-1].mean() > shares[0].mean()


@pytest.mark.parametrize("effect", ["incident", "escalate"])
def test_an_incident_is_an_event_not_a_rung_held(effect: str) -> None:
    # no crisis-ending rule in the first turn (a settlement would step the rungs down)
    ends = "reciprocity: 0, settlement_rate: 0, concession_rate: 0, imposition_rate: 0}"
    text = INCIDENT.replace("EFFECT", effect).replace("reciprocity: 0}", ends)
    m = WargameModel(load_scenario_text(text), R=20, rng=1)
    m.step()
    c, s = m.compiled, m.state
    d = c.dyad_index("Ostmark", "Westland")
    assert (s.peak[:, d] == c.rung_index("limited_strikes")).all()
    if effect == "incident":
        assert (s.rung[:, d] < c.first_force).all()  # not held: back to the actor's own rung
    else:
        assert (s.rung[:, d] >= c.first_force - 1).all()  # a floor that falls one rung a turn
    m.run()
    res = m.results()
    assert res["fought.Ostmark.Westland"].all()
    if effect == "incident":
        assert (res["violence"] == "minor_clashes").all()


def test_an_incident_licenses_the_targets_answer_and_is_logged() -> None:
    text = INCIDENT.replace("EFFECT", "incident").replace("reciprocity: 0", "reciprocity: 1")
    m = WargameModel(load_scenario_text(text), R=1, rng=1)
    m.step()
    assert any(e.kind == "inject" and "ambush" in e.text for e in m.log)
    c = m.compiled
    # during the incident's turn the target saw force used on it (self-defence licence)
    assert m.state.self_defence[0, c.dyad_index("Westland", "Ostmark")]


def test_unanswered_incidents_on_two_pairs_are_minor_clashes() -> None:
    c = WargameModel(load_scenario_text(FRONTS), R=1, rng=1).compiled
    v = vocab_of(c)
    peak = np.zeros((2, len(c.src)), dtype=np.int8)
    turns = np.zeros_like(peak, dtype=np.int16)
    ls = c.rung_index("limited_strikes")
    for a, b in (("Ostmark", "Westland"), ("Sudia", "Nordia")):
        peak[:, c.dyad_index(a, b)] = ls
        turns[:, c.dyad_index(a, b)] = 1
    peak[1, c.dyad_index("Westland", "Ostmark")] = ls  # world 1: one of them was answered
    turns[1, c.dyad_index("Westland", "Ostmark")] = 1
    out = classify(v, peak, turns, np.full(2, -1), np.full(2, 3))
    assert list(out["violence"]) == ["minor_clashes", "serious_clashes"]


def test_theatre_kind_sets_the_power_weights() -> None:
    land = WargameModel(load_scenario_text(FRONTS + "theatre: {kind: land}\n"), R=1, rng=1)
    sea = WargameModel(load_scenario_text(FRONTS), R=1, rng=1)
    cap = np.array([[0.0, 0.0, 0.0, 0.6]])  # Ostmark: land only
    w_land, w_sea = KIND_WEIGHTS["land"], KIND_WEIGHTS["maritime"]
    assert land.state.power[0, 0] == pytest.approx((cap @ np.array(w_land))[0] + 1e-3, rel=1e-5)
    assert sea.state.power[0, 0] == pytest.approx((cap @ np.array(w_sea))[0] + 1e-3, rel=1e-5)
    custom = FRONTS + "theatre: {power_weights: {maritime: 0, air: 0, missile: 0, land: 1}}\n"
    m = WargameModel(load_scenario_text(custom), R=1, rng=1)
    assert m.state.power[0, 0] == pytest.approx(0.6 + 1e-3, rel=1e-5)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("theatre.power_weights={maritime: 0.5, air: 0.5, missile: 0.5, land: 0}", "sum to 1"),
        ("theatre.disputes=[taiwn]", "did you mean 'taiwan'"),
        ("theatre.kind=desert", "theatre.kind"),
    ],
)
def test_bad_theatre_is_one_line_and_exit_2(setting: str, message: str) -> None:
    cmd = [sys.executable, "-m", "sim.cli", "validate", str(TAIWAN), "--set", setting]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in p.stderr


def test_commitment_chains_run_again_only_when_what_they_read_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chains run after the moves and at the next turn's start; the second run is skipped
    unless an inject changed a peak, a trigger or a support, and skipping changes nothing."""
    from sim.rules.families import theatre

    calls: list[int] = []
    real = theatre._chains
    monkeypatch.setattr(theatre, "_chains", lambda *a: calls.append(1) or real(*a))
    m = WargameModel(TAIWAN, R=200, rng=3, explain=False)
    s, c = m.state, m.compiled
    m.step()
    before = len(calls)
    theatre.chains(s, c)  # nothing read has changed since the end of the turn
    assert len(calls) == before
    seen = {k: v.copy() for k, v in s.family_arrays.items()}
    s.peak[:, 0] = np.maximum(s.peak[:, 0], c.first_force)  # as an inject would
    theatre.chains(s, c)
    assert len(calls) == before + 1
    again = {k: v.copy() for k, v in s.family_arrays.items()}
    theatre.chains(s, c)  # a run that would change nothing is skipped: nothing changes
    assert len(calls) == before + 1
    assert all((again[k] == v).all() for k, v in s.family_arrays.items())
    assert not all((seen[k] == v).all() for k, v in again.items())  # the forced peak did count


def test_the_crisis_starts_again_only_when_another_inject_fired(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the injects fired so far brought into the theatre stays there: with no inject fired
    since the last turn nothing is recomputed, and a new one brings its pairs in."""
    from sim.rules.families import theatre

    activated: list[int] = []
    real = theatre.activate
    monkeypatch.setattr(theatre, "activate", lambda *a: activated.append(1) or real(*a))
    m = WargameModel(TAIWAN, R=100, rng=4, explain=False)
    s, c = m.state, m.compiled
    for _ in range(3):
        m.step()
    assert s.inject_fired.any()
    before, active = len(activated), s.active.copy()
    theatre.start_crisis(s, c)  # nothing fired since the last turn
    assert len(activated) == before and (s.active == active).all()
    s.inject_fired[:, :] = True  # every inject fires in every world, as a facilitator may force
    theatre.start_crisis(s, c)
    assert len(activated) == before + 2
    named = (s.inject_fired.astype(np.float32) @ c.theatre.inject_dyads.astype(np.float32)) > 0
    assert s.active[named & s.alive[:, None]].all()


@pytest.mark.parametrize("actors", [5, 16, 40])
def test_the_sides_at_war_are_the_partners_enemies_and_their_partners(actors: int) -> None:
    """``sides`` (bit rows of 32 actors) against the definition, for random partnerships and
    fights, over one and two words: i's enemies are whom i's partners fight; its side against
    k holds where k is such an enemy or a partner of one."""
    from sim.rules.families.theatre import partner_bits, sides

    rng = np.random.default_rng(actors)
    partners = rng.random((actors, actors)) < 0.15
    partners = (partners | partners.T) & ~np.eye(actors, dtype=bool)
    src, dst = (a.ravel() for a in np.nonzero(~np.eye(actors, dtype=bool)))
    mates, mate_off, pbits = partner_bits(partners)
    for trial in range(20):
        rung = np.where(rng.random((1, len(src))) < 0.02 * (trial % 4), 6, 1).astype(np.int8)
        w, side = np.zeros_like(pbits), np.zeros_like(pbits)
        war = sides(
            0, rung, src, dst, 5, mates, mate_off, pbits, w, side, np.zeros(len(w[0]), np.int64)
        )
        fight = np.zeros((actors, actors), dtype=bool)
        fight[src[rung[0] >= 5], dst[rung[0] >= 5]] = True
        fight |= fight.T
        assert war == fight.any()
        if not war:
            continue
        enemies = (partners.astype(int) @ fight.astype(int)) > 0
        expected = enemies | ((enemies.astype(int) @ partners.astype(int)) > 0)
        bit = lambda m, i, k: bool((int(m[i, k // 32]) >> (k % 32)) & 1)  # noqa: E731
        assert [[bit(w, i, k) for k in range(actors)] for i in range(actors)] == fight.tolist()
        assert [
            [bit(side, i, k) for k in range(actors)] for i in range(actors)
        ] == expected.tolist()


@numba.njit(cache=True)
def _exponentials(u: np.ndarray) -> np.ndarray:
    out = np.empty_like(u)
    for i in range(u.shape[0]):
        out[i] = theatre_family.exponential(u[i])
    return out


def _libm_log1pf(u: np.ndarray) -> np.ndarray:
    """libm's float32 ``log1pf`` of each value (what numpy's float32 ``log1p`` calls unless it
    has an AVX-512 (SVML) loop of its own)."""
    f = ctypes.CDLL(ctypes.util.find_library("m")).log1pf
    f.argtypes, f.restype = [ctypes.c_float], ctypes.c_float
    return np.array([f(float(x)) for x in u], dtype=np.float32)


def test_a_clock_drawn_where_read_is_the_draw_numpy_made() -> None:
    """The horizontal rules' clocks, drawn in the kernel where a condition holds, are libm's
    float32 -log1p(-u): on a machine where numpy's float32 ``log1p`` is libm's (no AVX-512 loop),
    the bits of the (R, 3, P) array numpy made before, for every uniform a stream can give (all
    2**24); and each rule's clock on each dyad is the world's turn-0 draw at rule x P + dyad,
    passed at it and not one float below."""
    u = (np.arange(2**24, dtype=np.float64) / 2**24).astype(np.float32)
    ours = _exponentials(u)
    sample = u[:: 2**24 // 4096]
    assert np.array_equal(-_libm_log1pf(-sample), _exponentials(sample))
    plain = [theatre_family.exponential.py_func(x) for x in sample]  # NUMBA_DISABLE_JIT=1
    assert np.array_equal(np.array(plain, dtype=np.float32), _exponentials(sample))
    assert all(type(x) is np.float32 for x in plain)
    umath = getattr(np, "_core", None) or np.core  # numpy 2 / numpy 1.26
    if not umath._multiarray_umath.__cpu_features__.get("AVX512_SKX"):
        assert np.array_equal((-np.log1p(-u)).view(np.uint32), ours.view(np.uint32))
    assert (ours >= u * theatre_family._SURELY_BELOW).all()  # the shortcut below the clock
    key = np.tile(np.array([11, 29], dtype=np.int64), (4, 1))
    world = np.arange(4, dtype=np.int64)
    H, P = len(HORIZONTAL), 7
    drawn = streams.uniforms(key, streams.THEATRE, 0, world, H * P).reshape(4, H, P)
    for r, h, p in itertools.product(range(4), range(H), range(P)):
        pre = streams.prefix(key[r], streams.THEATRE, world[r], 0)
        clock = _exponentials(drawn[r, h, p : p + 1])[0]
        below = np.nextafter(clock, np.float32(-1))
        assert theatre_family._passed(clock, pre, h * P + p)
        assert not theatre_family._passed(below, pre, h * P + p)

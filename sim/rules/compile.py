"""Compile a validated scenario into flat numpy arrays the rules work on.

Structure (who can escalate toward whom, who is committed to whom) is fixed at compile time; numbers
that may be uncertain are sampled per replicate by ``CompiledScenario.sample``. The state is sparse:
only *dyads* (directed pairs an actor may escalate along) carry a rung, which keeps a turn's cost
proportional to the number of rivalries rather than to N².
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from sim.rules.segments import Segments
from sim.scenario.distributions import is_distribution
from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.schema import (
    SUPPORT_LEVELS,
    Alliance,
    Dispute,
    Interdependence,
    Partnership,
    Rivalry,
    Scenario,
)

# Weights of capability domains in an actor's overall power (assumption: the crises modelled are
# maritime, so sea power weighs most; documented in docs/model.md).
DOMAIN_WEIGHTS = {"maritime": 0.35, "air": 0.3, "missile": 0.2, "land": 0.15}
# Contribution of each support level to coalition power (assumption, docs/model.md).
SUPPORT_WEIGHT = np.array([0.0, 0.05, 0.12, 0.25, 0.4, 0.6, 1.0], dtype=np.float32)
LEVEL = {name: i for i, name in enumerate(SUPPORT_LEVELS)}


@dataclass(frozen=True)
class RungTables:
    """Lookups by rung index + 1 (see ``CompiledScenario.rung_tables``)."""

    frac: np.ndarray
    cost: np.ndarray
    blockade: np.ndarray
    sanctions: np.ndarray
    gain: np.ndarray
    off_ladder: np.ndarray


@dataclass
class Param:
    """One uncertain number: its dotted path, distribution, and where it lands in the arrays."""

    path: str
    dist: object
    key: str
    index: list[tuple[int, ...]]


@dataclass
class CompiledScenario:
    """Arrays and index lists for the rules; see docs/architecture.md for the layout."""

    scenario: Scenario
    actors: list[str]
    rung_names: list[str]
    rung_labels: list[str]
    rung_cost: np.ndarray
    first_force: int
    first_homeland: int
    first_nuclear: int
    flag_blockade: np.ndarray
    flag_sanctions: np.ndarray
    # per actor (N)
    kind_org: np.ndarray
    nuclear_ok: np.ndarray
    defence_oriented: np.ndarray
    counterstrike: np.ndarray
    csd_mode: np.ndarray  # 0 treaty, 1 three new conditions, 2 none
    rear_area: np.ndarray
    max_rung: np.ndarray
    # dyads (P)
    src: np.ndarray
    dst: np.ndarray
    reverse: np.ndarray
    dispute_of: np.ndarray  # dispute index for claimant->holder dyads, -1 otherwise
    # commitment links (K)
    links: list[dict]
    link_g: np.ndarray
    link_p: np.ndarray
    link_alliance: np.ndarray
    link_support: np.ndarray
    link_relation: list[str]
    trig_link: np.ndarray  # trigger tests (Q): link, attacker dyad, threshold
    trig_dyad: np.ndarray
    trig_rung: np.ndarray
    trig_guard: np.ndarray  # the guarantor's dyad toward the attacker, -1 if none
    oblig_dyad: np.ndarray  # obligation pairs (O): guarantor dyad, attacker dyad, link
    oblig_attack: np.ndarray
    oblig_link: np.ndarray
    basing: list[dict]  # per alliance with hosts: links, host-dyads
    coalition_static: np.ndarray  # (N, N): weight of k's alignment with j (security dilemma)
    dyads_of: list[np.ndarray]
    params: list[Param] = field(default_factory=list)
    base: dict[str, np.ndarray] = field(default_factory=dict)

    @functools.cached_property
    def seg_trigger(self) -> Segments:
        """Trigger tests grouped by commitment link."""
        return Segments(self.trig_link, len(self.link_g))

    @functools.cached_property
    def seg_oblig(self) -> Segments:
        """Obligation pairs grouped by the guarantor's dyad."""
        return Segments(self.oblig_dyad, len(self.src))

    @functools.cached_property
    def seg_src(self) -> Segments:
        """Dyads grouped by acting actor."""
        return Segments(self.src, self.n_actors)

    @functools.cached_property
    def link_to_protected(self) -> np.ndarray:
        """(K, N) one-hot: link k protects actor p (sums by matrix product)."""
        m = np.zeros((len(self.link_g), self.n_actors), dtype=np.float32)
        m[np.arange(len(self.link_g)), self.link_p] = 1.0
        return m

    @functools.cached_property
    def dyad_cap(self) -> np.ndarray:
        """(P,) highest rung per dyad: the actor's own cap, and no force against an organisation."""
        cap = self.max_rung[self.src].astype(np.int8)
        return np.where(self.kind_org[self.dst], np.minimum(cap, self.first_force - 1), cap).astype(
            np.int8
        )

    @functools.cached_property
    def gain_curve(self) -> np.ndarray:
        """Coercive value of each rung for a claimant, 0 to 1, flat from the last rung below
        homeland strikes: attacking a homeland or using nuclear weapons wins no territory."""
        goal = max(1, min(self.first_homeland - 1, self.top))
        return (np.minimum(np.arange(self.top + 1), goal) / goal).astype(np.float32)

    @functools.cached_property
    def rung_tables(self) -> RungTables:
        """Per-rung lookups padded by one rung below and two above the ladder (for the moves)."""
        n = self.top + 1

        def pad(values: np.ndarray, fill: float = 0.0) -> np.ndarray:
            return np.concatenate([[fill], values, [fill, fill]]).astype(np.float32)

        off = np.zeros(n, dtype=np.float32)
        return RungTables(
            frac=pad(np.arange(n) / self.top),
            cost=pad(self.rung_cost),
            blockade=pad(self.flag_blockade),
            sanctions=pad(self.flag_sanctions),
            gain=pad(self.gain_curve),
            off_ladder=pad(off, -np.inf),
        )

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def top(self) -> int:
        return len(self.rung_names) - 1

    def rung_index(self, ref: int | str) -> int:
        return ref if isinstance(ref, int) else self.rung_names.index(ref)

    def dyad_index(self, a: str, b: str) -> int:
        """Index of the dyad a -> b, or -1."""
        i, j = self.actors.index(a), self.actors.index(b)
        hit = np.flatnonzero((self.src == i) & (self.dst == j))
        return int(hit[0]) if hit.size else -1

    def sample(
        self, rng: np.random.Generator, n: int
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Arrays with a leading replicate axis, and the sampled value of every uncertain parameter."""
        arrays = {k: np.broadcast_to(v, (n, *v.shape)).copy() for k, v in self.base.items()}
        sampled: dict[str, np.ndarray] = {}
        for p in self.params:
            values = p.dist.sample(rng, n)
            for index in p.index:
                arrays[p.key][(slice(None), *index)] = values
            sampled[p.path] = values
        return arrays, sampled


class _Builder:
    def __init__(self) -> None:
        self.base: dict[str, np.ndarray] = {}
        self.params: list[Param] = []

    def array(self, key: str, shape: tuple[int, ...], fill: float = 0.0) -> None:
        self.base[key] = np.full(shape, fill, dtype=np.float64)

    def put(self, key: str, index: tuple[int, ...], value: object, path: str) -> None:
        if is_distribution(value):
            same = [p for p in self.params if p.path == path and p.key == key]
            if same:
                same[0].index.append(index)
            else:
                self.params.append(Param(path, value, key, [index]))
            lo, hi = value.bounds  # type: ignore[attr-defined]
            self.base[key][index] = (lo + hi) / 2
        else:
            self.base[key][index] = float(value)  # type: ignore[arg-type]


def compile_scenario(s: Scenario) -> CompiledScenario:
    """Turn a validated ``Scenario`` into arrays (see the module docstring)."""
    ladder = s.ladder or DEFAULT_LADDER
    rungs = ladder.rungs
    names = [r.name for r in rungs]
    top = len(rungs) - 1

    def first(flag: str) -> int:
        hits = [i for i, r in enumerate(rungs) if getattr(r, flag)]
        return hits[0] if hits else top + 1

    first_force = first("force")
    first_homeland = first("homeland")
    first_nuclear = first("nuclear")
    actors = list(s.actors)
    n = len(actors)
    ix = {a: i for i, a in enumerate(actors)}
    b = _Builder()

    # --- actors
    b.array("power_dom", (n, 4))
    for key in ("resolve", "risk", "domestic", "relax", "sea_lanes", "survival"):
        b.array(key, (n,))
    for a, act in s.actors.items():
        i = ix[a]
        for d, dom in enumerate(DOMAIN_WEIGHTS):
            b.put("power_dom", (i, d), getattr(act.capability, dom), f"actors.{a}.capability.{dom}")
        b.put("resolve", (i,), act.resolve, f"actors.{a}.resolve")
        b.put("risk", (i,), act.risk_tolerance, f"actors.{a}.risk_tolerance")
        b.put("domestic", (i,), act.domestic_constraint, f"actors.{a}.domestic_constraint")
        b.put("relax", (i,), act.opinion_relaxation, f"actors.{a}.opinion_relaxation")
        b.put("sea_lanes", (i,), act.economy.sea_lanes, f"actors.{a}.economy.sea_lanes")
        b.put(
            "survival",
            (i,),
            act.doctrine.survival_threshold,
            f"actors.{a}.doctrine.survival_threshold",
        )
    acts = list(s.actors.values())
    nuclear_ok = np.array([a.nuclear and not a.doctrine.non_nuclear for a in acts], dtype=bool)
    max_rung = np.array(
        [
            top
            if a.doctrine.max_rung is None
            else (
                a.doctrine.max_rung
                if isinstance(a.doctrine.max_rung, int)
                else names.index(a.doctrine.max_rung)
            )
            for a in acts
        ],
        dtype=np.int8,
    )
    max_rung = np.where(nuclear_ok, max_rung, np.minimum(max_rung, first_nuclear - 1)).astype(
        np.int8
    )

    # --- hostility, disputes, dyads
    dispute_of: dict[tuple[int, int], int] = {}
    dependence: dict[tuple[int, int], tuple[object, str]] = {}
    disputes = [name for name, r in s.relations.items() if isinstance(r, Dispute)]
    pairs: set[tuple[int, int]] = set()
    for name, rel in s.relations.items():
        if isinstance(rel, Rivalry):
            x, y = ix[rel.members[0]], ix[rel.members[1]]
            pairs |= {(x, y), (y, x)}
        elif isinstance(rel, Dispute):
            h = ix[rel.holder]
            for c in rel.claimants:
                ci = ix[c]
                pairs |= {(ci, h), (h, ci)}
                dispute_of[(ci, h)] = disputes.index(name)
        elif isinstance(rel, Interdependence):
            x, y = ix[rel.members[0]], ix[rel.members[1]]
            for u, v, who in ((x, y, rel.members[0]), (y, x, rel.members[1])):
                if who in rel.dependence:
                    dependence[(u, v)] = (rel.dependence[who], f"relations.{name}.dependence.{who}")

    links: list[dict] = []
    for name, rel in s.relations.items():
        if isinstance(rel, Alliance):
            for g in rel.guarantors or rel.members:
                for p in rel.protects or rel.members:
                    if g != p:
                        links.append(
                            {
                                "relation": name,
                                "g": ix[g],
                                "p": ix[p],
                                "alliance": True,
                                "support": LEVEL[rel.support],
                                "cred": rel.credibility,
                                "trigger": first_force
                                if rel.trigger is None
                                else (
                                    rel.trigger
                                    if isinstance(rel.trigger, int)
                                    else names.index(rel.trigger)
                                ),
                                "covers": {disputes.index(c) for c in rel.covers},
                                "weight": 1.0,
                            }
                        )
        elif isinstance(rel, Partnership):
            for g in rel.members:
                for p in rel.members:
                    if g != p:
                        links.append(
                            {
                                "relation": name,
                                "g": ix[g],
                                "p": ix[p],
                                "alliance": False,
                                "support": LEVEL[rel.support],
                                "cred": rel.credibility,
                                "trigger": first_force,
                                "covers": set(range(len(disputes))),
                                "weight": rel.weight,
                            }
                        )
    for who, targets in s.initial.items():
        for t in targets:
            pairs |= {(ix[who], ix[t]), (ix[t], ix[who])}
    for inj in s.injects.values():
        for eff in inj.effects:
            if hasattr(eff, "toward"):
                pairs |= {(ix[eff.actor], ix[eff.toward]), (ix[eff.toward], ix[eff.actor])}
    # extend dyads one step (not transitively): a committed actor may escalate toward the actors
    # that threaten the one it is committed to (a rivalry, or a claim on its territory) - never
    # toward its own allies and partners.
    direct = frozenset(pairs)
    hostile = {
        (ix[r.members[0]], ix[r.members[1]]) for r in s.relations.values() if isinstance(r, Rivalry)
    }
    hostile |= {(y, x) for x, y in hostile}
    hostile |= set(dispute_of)  # (claimant, holder)
    friends = {(lk["g"], lk["p"]) for lk in links} | {(lk["p"], lk["g"]) for lk in links}
    for link in links:
        if link["support"] >= LEVEL["sanctions"] or link["alliance"]:
            for x, y in direct:
                if (
                    y == link["p"]
                    and x != link["g"]
                    and (x, y) in hostile
                    and (link["g"], x) not in friends
                ):
                    pairs |= {(link["g"], x), (x, link["g"])}
    for rel in s.relations.values():
        if isinstance(rel, Alliance):  # an attacker may turn on the hosts of the guarantors' bases
            protected = {ix[p] for p in (rel.protects or rel.members)}
            for h in rel.basing_hosts:
                for x, y in direct:
                    if (
                        y in protected
                        and x != ix[h]
                        and (x, y) in hostile
                        and (ix[h], x) not in friends
                    ):
                        pairs |= {(x, ix[h]), (ix[h], x)}
    pairs = {(x, y) for x, y in pairs if x != y}
    dyads = sorted(pairs)
    P = len(dyads)
    src = np.array([d[0] for d in dyads], dtype=np.int64)
    dst = np.array([d[1] for d in dyads], dtype=np.int64)
    didx = {d: k for k, d in enumerate(dyads)}
    reverse = np.array([didx[(y, x)] for x, y in dyads], dtype=np.int64)
    b.array("hostility", (P,))
    b.array("dependence", (P,))
    for (x, y), (value, path) in dependence.items():
        if (x, y) in didx:  # a trade tie between actors that never escalate toward each other
            b.put("dependence", (didx[(x, y)],), value, path)  # costs nothing: no dyad to weigh
    for name, rel in s.relations.items():
        if isinstance(rel, Rivalry):
            x, y = ix[rel.members[0]], ix[rel.members[1]]
            for k in (didx[(x, y)], didx[(y, x)]):
                b.put("hostility", (k,), rel.intensity, f"relations.{name}.intensity")
    b.array("claim", (P,))
    b.array("defend", (P,))
    for name, rel in s.relations.items():
        if isinstance(rel, Dispute):
            h = ix[rel.holder]
            for c in rel.claimants:
                ci = ix[c]
                b.put(
                    "claim", (didx[(ci, h)],), rel.stake.get(c, 0.5), f"relations.{name}.stake.{c}"
                )
                b.put(
                    "defend",
                    (didx[(h, ci)],),
                    rel.stake.get(rel.holder, 0.5),
                    f"relations.{name}.stake.{rel.holder}",
                )
    disp = np.full(P, -1, dtype=np.int64)
    for (x, y), d in dispute_of.items():
        disp[didx[(x, y)]] = d

    # --- links: credibility and triggers
    K = len(links)
    b.array("cred", (K,))
    for k, link in enumerate(links):
        b.put("cred", (k,), link["cred"], f"relations.{link['relation']}.credibility")
    trig = []
    oblig = []
    for k, link in enumerate(links):
        g, p = link["g"], link["p"]
        for a in range(P):
            if dst[a] == p and src[a] != g:
                thr = link["trigger"]
                if disp[a] >= 0 and disp[a] not in link["covers"] and thr <= first_force:
                    thr = min(
                        first_force + 1, top
                    )  # an uncovered island clash is not an armed attack on the ally
                gd = didx.get((g, int(src[a])))
                trig.append((k, a, thr, -1 if gd is None else gd))
                if gd is not None:
                    oblig.append((gd, a, k))
    trig.sort()
    oblig.sort()
    basing = []
    for name, rel in s.relations.items():
        if isinstance(rel, Alliance) and rel.basing_hosts:
            ks = [k for k, lk in enumerate(links) if lk["relation"] == name]
            bi = len(basing)
            b.array(f"basing_access_{bi}", ())
            b.put(f"basing_access_{bi}", (), rel.basing_access, f"relations.{name}.basing_access")
            host_pairs = []  # (attacker->host dyad, guarantor->attacker dyad)
            for k in ks:
                g, p = links[k]["g"], links[k]["p"]
                for a in range(P):
                    if dst[a] == p and src[a] != g:
                        for h in rel.basing_hosts:
                            ah = didx.get((int(src[a]), ix[h]))
                            ga = didx.get((g, int(src[a])))
                            if ah is not None and ga is not None:
                                host_pairs.append((ah, ga))
            basing.append(
                {
                    "key": f"basing_access_{bi}",
                    "links": np.array(ks, dtype=np.int64),
                    "share": rel.basing_share,
                    "pairs": np.array(sorted(set(host_pairs)), dtype=np.int64).reshape(-1, 2),
                }
            )

    # security dilemma: static partner weight matrix W[j, k] = weight of k's alignment with j
    coal = np.zeros((n, n), dtype=np.float64)
    for link in links:
        coal[link["p"], link["g"]] = max(coal[link["p"], link["g"]], link["weight"])

    return CompiledScenario(
        scenario=s,
        actors=actors,
        rung_names=names,
        rung_labels=[r.label or r.name for r in rungs],
        rung_cost=np.array([r.cost for r in rungs], dtype=np.float32),
        first_force=first_force,
        first_homeland=first_homeland,
        first_nuclear=first_nuclear,
        flag_blockade=np.array([r.blockade for r in rungs], dtype=np.float32),
        flag_sanctions=np.array([r.sanctions for r in rungs], dtype=np.float32),
        kind_org=np.array([a.kind == "organisation" for a in acts], dtype=bool),
        nuclear_ok=nuclear_ok,
        defence_oriented=np.array([a.doctrine.defence_oriented for a in acts], dtype=bool),
        counterstrike=np.array([a.doctrine.counterstrike for a in acts], dtype=bool),
        csd_mode=np.array(
            [
                {"treaty": 0, "three_new_conditions": 1, "none": 2}[
                    a.doctrine.collective_self_defence
                ]
                for a in acts
            ],
            dtype=np.int8,
        ),
        rear_area=np.array([a.doctrine.rear_area_support for a in acts], dtype=bool),
        max_rung=max_rung,
        src=src,
        dst=dst,
        reverse=reverse,
        dispute_of=disp,
        links=links,
        link_g=np.array([lk["g"] for lk in links], dtype=np.int64),
        link_p=np.array([lk["p"] for lk in links], dtype=np.int64),
        link_alliance=np.array([lk["alliance"] for lk in links], dtype=bool),
        link_support=np.array([lk["support"] for lk in links], dtype=np.int8),
        link_relation=[lk["relation"] for lk in links],
        trig_link=np.array([t[0] for t in trig], dtype=np.int64),
        trig_dyad=np.array([t[1] for t in trig], dtype=np.int64),
        trig_rung=np.array([t[2] for t in trig], dtype=np.int8),
        trig_guard=np.array([t[3] for t in trig], dtype=np.int64),
        oblig_dyad=np.array([o[0] for o in oblig], dtype=np.int64),
        oblig_attack=np.array([o[1] for o in oblig], dtype=np.int64),
        oblig_link=np.array([o[2] for o in oblig], dtype=np.int64),
        basing=basing,
        coalition_static=coal,
        dyads_of=[np.flatnonzero(src == i) for i in range(n)],
        params=b.params,
        base=b.base,
    )

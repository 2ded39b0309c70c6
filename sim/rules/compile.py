"""Compile a validated scenario into flat numpy arrays the rules work on, section by section.

Structure (who can escalate toward whom, who is committed to whom) is fixed at compile time; numbers
that may be uncertain are recorded in ``Uncertainties`` (sim/rules/uncertain.py), the one place that
samples them per world. The state is sparse: only *dyads* (directed pairs an actor may escalate
along) carry a rung, which keeps a turn's cost proportional to the number of rivalries rather than
to N². Sections: ladder, actors, links, dyads, dyad values, triggers and obligations, basing, the
security-dilemma weights and the directly read numbers (rules, inject probabilities). What each
relation type contributes is in sim/rules/relations.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.rules import places
from sim.rules.relations import CommitmentLink, Context, DyadValue, Pair, rules_for
from sim.rules.segments import Segments
from sim.rules.theatre import TheatreTables, compile_theatre
from sim.rules.uncertain import Param, Uncertainties
from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.schema import SUPPORT_LEVELS, Rules, Scenario
from sim.scenario.vocabulary import ladder_violence

if TYPE_CHECKING:
    from sim.rules.conditions import Endings

# Weights of capability domains in an actor's overall power in a maritime theatre (the default; a
# scenario's ``theatre:`` sets its own, sim/rules/theatre.py and docs/model.md).
DOMAIN_WEIGHTS = {"maritime": 0.35, "air": 0.3, "missile": 0.2, "land": 0.15}
# Contribution of each support level to coalition power (assumption, docs/model.md).
SUPPORT_WEIGHT = np.array([0.0, 0.05, 0.12, 0.25, 0.4, 0.6, 1.0], dtype=np.float32)
LEVEL = {name: i for i, name in enumerate(SUPPORT_LEVELS)}
# doctrine.collective_self_defence, as a code per actor
TREATY, THREE_NEW_CONDITIONS, NO_COLLECTIVE_DEFENCE = 0, 1, 2
COLLECTIVE_DEFENCE = {
    "treaty": TREATY,
    "three_new_conditions": THREE_NEW_CONDITIONS,
    "none": NO_COLLECTIVE_DEFENCE,
}
# numbers placed on dyads, in the order they are recorded (the order of uncertain draws)
DYAD_VALUE_ORDER = {
    "trade_dependence": 0,
    "rivalry_intensity": 1,
    "claim_stake": 2,
    "holder_stake": 2,
}
RULE_KEYS = tuple(k for k in Rules.model_fields if k not in ("sources", "assumption"))

__all__ = ["LEVEL", "RULE_KEYS", "CompiledScenario", "Param", "RungTables", "compile_scenario"]


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
class Ladder:
    """The escalation ladder: rung names, labels, costs, flags and the first rung of each kind."""

    names: list[str]
    labels: list[str]
    cost: np.ndarray
    blockade: np.ndarray
    sanctions: np.ndarray
    first_force: int
    first_homeland: int
    first_nuclear: int

    @property
    def top(self) -> int:
        """Index of the last rung."""
        return len(self.names) - 1


@dataclass
class BasingAccess:
    """An alliance whose guarantors use bases on hosts' territory (access drawn per world)."""

    key: str  # uncertain array of the access probability; ``<key>_granted`` is reported
    links: np.ndarray  # the alliance's links (K indices)
    share: float  # share of the guarantor's power lost without access
    pairs: np.ndarray  # (n, 2): attacker -> host dyad, guarantor -> attacker dyad
    segments: Segments  # ``pairs`` grouped by the attacker -> host dyad


@dataclass
class Dyads:
    """The dyad section's result."""

    src: np.ndarray
    dst: np.ndarray
    reverse: np.ndarray
    index: dict[Pair, int]
    dispute_of: np.ndarray  # dispute index for claimant->holder dyads, -1 otherwise
    abroad: set[Pair]  # (attacker, guarantor) pairs that exist only for the guarantor's partner


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
    no_first_use: np.ndarray  # declared no-first-use of nuclear weapons
    defence_oriented: np.ndarray
    counterstrike: np.ndarray
    collective_defence_rule: np.ndarray  # TREATY, THREE_NEW_CONDITIONS or NO_COLLECTIVE_DEFENCE
    rear_area: np.ndarray
    max_rung: np.ndarray
    # dyads (P)
    src: np.ndarray
    dst: np.ndarray
    reverse: np.ndarray
    dispute_of: np.ndarray  # dispute index for claimant->holder dyads, -1 otherwise
    # commitment links (K)
    links: list[CommitmentLink]
    link_g: np.ndarray  # guarantor
    link_p: np.ndarray  # protected actor
    link_alliance: np.ndarray
    link_support: np.ndarray
    link_relation: list[str]
    trigger_link: np.ndarray  # trigger tests (Q): link, attacker dyad, threshold
    trigger_dyad: np.ndarray
    trigger_rung: np.ndarray
    trigger_guard: np.ndarray  # the guarantor's dyad toward the attacker, -1 if none
    trigger_place: list[str]  # where an attack at the threshold falls (sim/rules/places.py)
    places: places.Places
    obligation_dyad: np.ndarray  # obligation pairs (O): guarantor dyad, attacker dyad, link
    obligation_attack: np.ndarray
    obligation_link: np.ndarray
    basing: list[BasingAccess]
    coalition_static: np.ndarray  # (N, N): weight of k's alignment with j (security dilemma)
    dyads_of: list[np.ndarray]
    theatre: TheatreTables  # dyads in play, horizontal-escalation tables, power weights
    uncertain: Uncertainties = field(default_factory=Uncertainties)

    @property
    def params(self) -> list[Param]:
        """The uncertain numbers that land in arrays (scenario order)."""
        return self.uncertain.params

    @functools.cached_property
    def triggers_by_link(self) -> Segments:
        """Trigger tests grouped by commitment link."""
        return Segments(self.trigger_link, len(self.link_g))

    def _per_dispute_dyad(self, flag: str, none: bool) -> np.ndarray:
        """(P,) the disputes' boolean property ``flag`` on their claimant -> holder dyads (dispute
        index ``dispute_of``), ``none`` on dyads without a dispute."""
        disputes = [r for r in self.scenario.relations.values() if rules_for(r).territorial]
        values = np.array([getattr(d, flag) for d in disputes] + [none], dtype=bool)
        return values[self.dispute_of]  # -1 (no dispute) reads the last entry

    @functools.cached_property
    def war_rung(self) -> np.ndarray:
        """(L,) rungs of the full-scale-war class of the standard vocabulary (an invasion, a
        sustained campaign): the utility's cost of answering a war waged on an actor."""
        rungs = (self.scenario.ladder or DEFAULT_LADDER).rungs
        return np.array([v == "full_scale_war" for v in ladder_violence(rungs)], dtype=bool)

    @functools.cached_property
    def indivisible_dyad(self) -> np.ndarray:
        """(P,) claimant -> holder dyads whose dispute's stake a settlement cannot split
        (``Dispute.splits``: a detained crew, by default); False on every other dyad."""
        return ~self._per_dispute_dyad("splits", True)

    @functools.cached_property
    def claim_on_place(self) -> np.ndarray:
        """(P,) claimant -> holder dyads of a dispute over a place (``Dispute.has_place``): where
        the claimant's unanswered coercion is a fait accompli (sim/rules/families/settlement.py)."""
        return self._per_dispute_dyad("has_place", False)

    @functools.cached_property
    def place_defenders(self) -> dict[int, np.ndarray]:
        """Each claimant -> holder dyad of :attr:`claim_on_place` -> the dyads toward the claimant
        of the holder and of every guarantor committed to it: those that can answer a coercion."""
        index = {
            (int(x), int(y)): d for d, (x, y) in enumerate(zip(self.src, self.dst, strict=True))
        }
        out = {}
        for d in np.flatnonzero(self.claim_on_place):
            claimant, holder = int(self.src[d]), int(self.dst[d])
            guards = {holder} | {
                int(g) for g, p in zip(self.link_g, self.link_p, strict=True) if p == holder
            }
            near = sorted(index[(g, claimant)] for g in guards if (g, claimant) in index)
            out[int(d)] = np.array(near, dtype=np.int64)
        return out

    @functools.cached_property
    def link_dyad(self) -> np.ndarray:
        """(K,) the guarantor's dyad toward the protected actor, -1 if none (trade, decisions)."""
        index = {
            (int(x), int(y)): d for d, (x, y) in enumerate(zip(self.src, self.dst, strict=True))
        }
        pairs = zip(self.link_g, self.link_p, strict=True)
        return np.array([index.get((int(g), int(p)), -1) for g, p in pairs], dtype=np.int64)

    @functools.cached_property
    def link_reputation(self) -> np.ndarray:
        """(K,) reputation at stake: 1 - 1 / (1 + the weight of the guarantor's other commitments)
        (alliances weigh 1, partnerships their weight; docs/model.md, "Alliance decisions")."""
        w = np.array([1.0 if lk.alliance else lk.weight for lk in self.links], dtype=np.float64)
        out = np.zeros(len(self.links), dtype=np.float32)
        for k, lk in enumerate(self.links):
            others = (self.link_g == lk.guarantor) & (self.link_p != lk.protected)
            out[k] = 1 - 1 / (1 + w[others].sum())
        return out

    @functools.cached_property
    def obligations_by_dyad(self) -> Segments:
        """Obligation pairs grouped by the guarantor's dyad."""
        return Segments(self.obligation_dyad, len(self.src))

    @functools.cached_property
    def dyads_by_actor(self) -> Segments:
        """Dyads grouped by acting actor."""
        return Segments(self.src, self.n_actors)

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
            """One rung of ``fill`` below and two above."""
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

    @functools.cached_property
    def endings(self) -> Endings:
        """Stop conditions and outcomes compiled into checks on the world state."""
        from sim.rules.conditions import compile_endings  # conditions import this module

        return compile_endings(self)

    @property
    def n_actors(self) -> int:
        """Number of actors (N)."""
        return len(self.actors)

    @property
    def top(self) -> int:
        """Index of the last rung of the ladder."""
        return len(self.rung_names) - 1

    def rung_index(self, ref: int | str) -> int:
        """A rung given by index or name, as an index."""
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
        sampled: dict[str, np.ndarray] = {}
        return self.uncertain.sample(rng, n, sampled), sampled


def _ladder(s: Scenario) -> Ladder:
    """The scenario's ladder (or the default one)."""
    rungs = (s.ladder or DEFAULT_LADDER).rungs
    top = len(rungs) - 1

    def first(flag: str) -> int:
        """Index of the first rung with ``flag`` (past the top if none)."""
        hits = [i for i, r in enumerate(rungs) if getattr(r, flag)]
        return hits[0] if hits else top + 1

    return Ladder(
        names=[r.name for r in rungs],
        labels=[r.label or r.name for r in rungs],
        cost=np.array([r.cost for r in rungs], dtype=np.float32),
        blockade=np.array([r.blockade for r in rungs], dtype=np.float32),
        sanctions=np.array([r.sanctions for r in rungs], dtype=np.float32),
        first_force=first("force"),
        first_homeland=first("homeland"),
        first_nuclear=first("nuclear"),
    )


ACTOR_NUMBERS = (  # state field, attribute path within an actor
    ("resolve", "resolve"),
    ("risk_tolerance", "risk_tolerance"),
    ("domestic_constraint", "domestic_constraint"),
    ("opinion_relaxation", "opinion_relaxation"),
    ("sea_lanes", "economy.sea_lanes"),
    ("survival_threshold", "doctrine.survival_threshold"),
    ("existential_threshold", "doctrine.existential_threshold"),
)


def _actor_numbers(s: Scenario, u: Uncertainties) -> None:
    """Capabilities by domain and the per-actor numbers (uncertain ones recorded in order)."""
    n = len(s.actors)
    u.array("power_by_domain", (n, len(DOMAIN_WEIGHTS)))
    for key, _ in ACTOR_NUMBERS:
        u.array(key, (n,))
    for i, (a, act) in enumerate(s.actors.items()):
        for d, dom in enumerate(DOMAIN_WEIGHTS):
            u.place(
                "power_by_domain",
                (i, d),
                getattr(act.capability, dom),
                f"actors.{a}.capability.{dom}",
            )
        for key, attr in ACTOR_NUMBERS:
            value: Any = act
            for part in attr.split("."):
                value = getattr(value, part)
            u.place(key, (i,), value, f"actors.{a}.{attr}")


def _actor_flags(s: Scenario, ladder: Ladder) -> dict[str, np.ndarray]:
    """Per-actor doctrine flags and rung caps."""
    acts = list(s.actors.values())
    nuclear_ok = np.array([a.nuclear and not a.doctrine.non_nuclear for a in acts], dtype=bool)

    def cap(ref: int | str | None) -> int:
        """The doctrine's highest rung as an index (the top when not set)."""
        if ref is None:
            return ladder.top
        return ref if isinstance(ref, int) else ladder.names.index(ref)

    max_rung = np.array([cap(a.doctrine.max_rung) for a in acts], dtype=np.int8)
    max_rung = np.where(
        nuclear_ok, max_rung, np.minimum(max_rung, ladder.first_nuclear - 1)
    ).astype(np.int8)
    return {
        "kind_org": np.array([a.kind == "organisation" for a in acts], dtype=bool),
        "nuclear_ok": nuclear_ok,
        "no_first_use": np.array([a.doctrine.no_first_use for a in acts], dtype=bool),
        "defence_oriented": np.array([a.doctrine.defence_oriented for a in acts], dtype=bool),
        "counterstrike": np.array([a.doctrine.counterstrike for a in acts], dtype=bool),
        "collective_defence_rule": np.array(
            [COLLECTIVE_DEFENCE[a.doctrine.collective_self_defence] for a in acts], dtype=np.int8
        ),
        "rear_area": np.array([a.doctrine.rear_area_support for a in acts], dtype=bool),
        "max_rung": max_rung,
    }


def _links(s: Scenario, ctx: Context) -> list[CommitmentLink]:
    """Commitment links of every alliance and partnership, in relation order."""
    return [lk for name, rel in s.relations.items() for lk in rules_for(rel).links(name, rel, ctx)]


def _direct_pairs(s: Scenario, ctx: Context) -> tuple[set[Pair], dict[Pair, int]]:
    """Pairs from relations, ``initial:``, injects and campaigns; and (claimant, holder) -> dispute."""
    ix = ctx.index
    pairs: set[Pair] = set()
    dispute_of: dict[Pair, int] = {}
    for name, rel in s.relations.items():
        pairs |= rules_for(rel).escalation_pairs(rel, ctx)
        dispute_of.update(rules_for(rel).claims(name, rel, ctx))
    for who, targets in s.initial.items():
        for t in targets:
            pairs |= {(ix[who], ix[t]), (ix[t], ix[who])}
    for inj in s.injects.values():
        for eff in inj.effects:
            if hasattr(eff, "toward"):
                pairs |= {(ix[eff.actor], ix[eff.toward]), (ix[eff.toward], ix[eff.actor])}
    for camp in s.campaigns.values():
        pairs |= {(ix[camp.actor], ix[camp.toward]), (ix[camp.toward], ix[camp.actor])}
    return pairs, dispute_of


def _extended_pairs(
    s: Scenario, ctx: Context, links: list[CommitmentLink], direct: frozenset[Pair]
) -> tuple[set[Pair], set[Pair]]:
    """One step (not transitively): a committed actor may escalate toward the actors that
    threaten the one it is committed to (a rivalry, or a claim on its territory) - never toward
    its own allies and partners; an attacker may turn on the hosts of the guarantors' bases.
    Also returns the (attacker, guarantor) pairs added for a partner (the guarantor's forces
    abroad, sim/rules/places.py)."""
    ix = ctx.index
    hostile: set[Pair] = set()
    for rel in s.relations.values():
        hostile |= rules_for(rel).hostile_pairs(rel, ctx)
    friends = {(lk.guarantor, lk.protected) for lk in links}
    friends |= {(lk.protected, lk.guarantor) for lk in links}
    out: set[Pair] = set()
    abroad: set[Pair] = set()
    hosted: set[Pair] = set()
    for link in links:
        if link.support >= LEVEL["sanctions"] or link.alliance:
            g = link.guarantor
            for x, y in direct:
                if y == link.protected and x != g and (x, y) in hostile and (g, x) not in friends:
                    out |= {(g, x), (x, g)}
                    abroad.add((x, g))
    for rel in s.relations.values():
        handler = rules_for(rel)
        protected = {ix[p] for p in handler.protected(rel)}
        for h in (ix[name] for name in handler.basing_hosts(rel)):
            for x, y in direct:
                if y in protected and x != h and (x, y) in hostile and (h, x) not in friends:
                    out |= {(x, h), (h, x)}
                    hosted.add((x, h))  # an attack on a host falls on its territory
    return out, abroad - direct - hosted


def _dyads(s: Scenario, ctx: Context, links: list[CommitmentLink]) -> Dyads:
    """Every directed pair that can escalate, sorted; reverse index and disputes per dyad."""
    pairs, dispute_of = _direct_pairs(s, ctx)
    extended, abroad = _extended_pairs(s, ctx, links, frozenset(pairs))
    pairs |= extended
    dyads = sorted((x, y) for x, y in pairs if x != y)
    index = {d: k for k, d in enumerate(dyads)}
    disp = np.full(len(dyads), -1, dtype=np.int64)
    for pair, d in dispute_of.items():
        disp[index[pair]] = d
    return Dyads(
        src=np.array([d[0] for d in dyads], dtype=np.int64),
        dst=np.array([d[1] for d in dyads], dtype=np.int64),
        reverse=np.array([index[(y, x)] for x, y in dyads], dtype=np.int64),
        index=index,
        dispute_of=disp,
        abroad=abroad,
    )


def _dyad_values(s: Scenario, ctx: Context, dy: Dyads, u: Uncertainties) -> None:
    """Rivalry intensity, stakes and trade dependence on the dyads (in DYAD_VALUE_ORDER)."""
    P = len(dy.src)
    for key in DYAD_VALUE_ORDER:
        u.array(key, (P,))
    entries: list[DyadValue] = [
        v for name, rel in s.relations.items() for v in rules_for(rel).dyad_values(name, rel, ctx)
    ]
    # one trade dependence per direction: a later relation replaces an earlier one's value
    dependence = {v.pair: v for v in entries if v.key == "trade_dependence"}
    rest = [v for v in entries if v.key != "trade_dependence"]
    for v in [*dependence.values(), *sorted(rest, key=lambda v: DYAD_VALUE_ORDER[v.key])]:
        if v.pair in dy.index:  # a trade tie between actors that never escalate toward each other
            u.place(v.key, (dy.index[v.pair],), v.value, v.path)  # costs nothing: no dyad to weigh


def _triggers(s: Scenario, ctx: Context, links: list[CommitmentLink], dy: Dyads) -> dict[str, Any]:
    """Trigger tests (link, attacker dyad, threshold, guard) and obligation pairs, sorted. The
    threshold is the lowest rung at or above the link's trigger at which the attack falls on a
    place the link covers (sim/rules/places.py)."""
    pl = places.compile_places(s, ctx.index, ctx.disputes)
    rungs = places.Ladder.of(s)
    actors = list(s.actors)
    for link in links:
        places.coverage(link, s.relations[link.relation], pl, ctx.disputes)
    trig, oblig = [], []
    for k, link in enumerate(links):
        g, p = link.guarantor, link.protected
        for a in np.flatnonzero((dy.dst == p) & (dy.src != g)):
            a = int(a)
            thr, where = places.trigger_threshold(
                link, int(dy.src[a]), pl, rungs, dy.abroad, actors
            )
            gd = dy.index.get((g, int(dy.src[a])))
            trig.append((k, a, thr, -1 if gd is None else gd, where))
            if gd is not None:
                oblig.append((gd, a, k))
    trig.sort()
    oblig.sort()
    return {
        "places": pl,
        "trigger_link": np.array([t[0] for t in trig], dtype=np.int64),
        "trigger_dyad": np.array([t[1] for t in trig], dtype=np.int64),
        "trigger_rung": np.array([t[2] for t in trig], dtype=np.int8),
        "trigger_guard": np.array([t[3] for t in trig], dtype=np.int64),
        "trigger_place": [t[4] for t in trig],
        "obligation_dyad": np.array([o[0] for o in oblig], dtype=np.int64),
        "obligation_attack": np.array([o[1] for o in oblig], dtype=np.int64),
        "obligation_link": np.array([o[2] for o in oblig], dtype=np.int64),
    }


def _basing(
    s: Scenario, ctx: Context, links: list[CommitmentLink], dy: Dyads, u: Uncertainties
) -> list[BasingAccess]:
    """Alliances with basing hosts: access probability (uncertain) and host pairs."""
    out: list[BasingAccess] = []
    P = len(dy.src)
    for name, rel in s.relations.items():
        hosts = [ctx.index[h] for h in rules_for(rel).basing_hosts(rel)]
        if not hosts:
            continue
        ks = [k for k, lk in enumerate(links) if lk.relation == name]
        key = f"basing_access_{len(out)}"
        u.array(key, ())
        u.place(key, (), rel.basing_access, f"relations.{name}.basing_access")
        host_pairs = set()  # (attacker->host dyad, guarantor->attacker dyad)
        for k in ks:
            g, p = links[k].guarantor, links[k].protected
            for a in np.flatnonzero((dy.dst == p) & (dy.src != g)):
                for h in hosts:
                    ah = dy.index.get((int(dy.src[a]), h))
                    ga = dy.index.get((g, int(dy.src[a])))
                    if ah is not None and ga is not None:
                        host_pairs.add((ah, ga))
        pairs = np.array(sorted(host_pairs), dtype=np.int64).reshape(-1, 2)
        out.append(
            BasingAccess(
                key, np.array(ks, dtype=np.int64), rel.basing_share, pairs, Segments(pairs[:, 0], P)
            )
        )
    return out


def _coalition_weights(n: int, links: list[CommitmentLink]) -> np.ndarray:
    """Security dilemma: W[j, k] = weight of k's alignment with j."""
    coal = np.zeros((n, n), dtype=np.float64)
    for link in links:
        p, g = link.protected, link.guarantor
        coal[p, g] = max(coal[p, g], link.weight)
    return coal


def _direct_numbers(s: Scenario, u: Uncertainties) -> None:
    """Numbers the families draw themselves: rule parameters and inject probabilities."""
    for key in RULE_KEYS:
        u.declare(f"rules.{key}", getattr(s.rules, key))
    for name, inj in s.injects.items():
        u.declare(f"injects.{name}.probability", inj.probability)


def compile_scenario(s: Scenario) -> CompiledScenario:
    """Turn a validated ``Scenario`` into arrays (see the module docstring)."""
    ladder = _ladder(s)
    actors = list(s.actors)
    ctx = Context(
        index={a: i for i, a in enumerate(actors)},
        rung_names=ladder.names,
        first_force=ladder.first_force,
        disputes=[name for name, r in s.relations.items() if rules_for(r).territorial],
        levels=LEVEL,
    )
    u = Uncertainties()
    _actor_numbers(s, u)
    links = _links(s, ctx)
    dy = _dyads(s, ctx, links)
    _dyad_values(s, ctx, dy, u)
    u.array("credibility", (len(links),))
    for k, link in enumerate(links):
        u.place("credibility", (k,), link.credibility, f"relations.{link.relation}.credibility")
    basing = _basing(s, ctx, links, dy, u)
    _direct_numbers(s, u)
    return CompiledScenario(
        scenario=s,
        actors=actors,
        rung_names=ladder.names,
        rung_labels=ladder.labels,
        rung_cost=ladder.cost,
        first_force=ladder.first_force,
        first_homeland=ladder.first_homeland,
        first_nuclear=ladder.first_nuclear,
        flag_blockade=ladder.blockade,
        flag_sanctions=ladder.sanctions,
        **_actor_flags(s, ladder),
        src=dy.src,
        dst=dy.dst,
        reverse=dy.reverse,
        dispute_of=dy.dispute_of,
        links=links,
        link_g=np.array([lk.guarantor for lk in links], dtype=np.int64),
        link_p=np.array([lk.protected for lk in links], dtype=np.int64),
        link_alliance=np.array([lk.alliance for lk in links], dtype=bool),
        link_support=np.array([lk.support for lk in links], dtype=np.int8),
        link_relation=[lk.relation for lk in links],
        **_triggers(s, ctx, links, dy),
        basing=basing,
        coalition_static=_coalition_weights(len(actors), links),
        dyads_of=[np.flatnonzero(dy.src == i) for i in range(len(actors))],
        theatre=compile_theatre(s, ctx, dy.index, links),
        uncertain=u,
    )

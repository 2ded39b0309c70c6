"""The scenario language: pydantic models that are the single source of truth for the format.

The JSON Schema (``wargame schema``) and ``docs/scenario-format.md`` are generated from these classes.
Names of actors, relations, injects, outcomes and stop conditions are mapping keys, so that a scenario
can override any library entry field by field and ``--set relations.us_japan.credibility=0.9`` works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from sim.scenario.distributions import (
    MAX_NUMBER,
    NonNegative,
    Probability,
    Uncertain,
    Unit,
    bounded,
)
from sim.scenario.history import Ending, History, Violence
from sim.scenario.predicates import MAX_TURNS, Predicate
from sim.scenario.rule_parameters import RULE_PARAMETERS, RuleParameter

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
RungRef = int | str
SUPPORT_LEVELS = ("none", "statement", "sanctions", "intelligence", "logistics", "basing", "combat")
SupportLevel = Literal[
    "none", "statement", "sanctions", "intelligence", "logistics", "basing", "combat"
]


MERGE_DOC = (
    "Only when an included file defines an entry of the same name: `true` changes just the fields "
    "given here (the rest, and the relations naming it, come from the included file), `false` "
    "replaces that entry whole. Required then, refused otherwise, so that an entry never silently "
    "merges with a library one."
)


def _merge_field() -> bool | None:
    """The ``merge`` field of named entries (actors, relations, injects, outcomes, stop)."""
    return Field(default=None, description=MERGE_DOC)  # type: ignore[return-value]


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors (with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class SourceRef(Strict):
    """Where a number or rule comes from: a seed document quote or a public reference."""

    seed: str | None = Field(
        default=None, description="Seed file name in shared/seeds/, e.g. 000_a0e1ab9a6473f928.txt."
    )
    quote: str | None = Field(default=None, description="Short verbatim quote from the seed file.")
    reference: str | None = Field(
        default=None, description="Public reference: paper, treaty text, dataset."
    )
    about: str | None = Field(default=None, description="Which fields this source supports.")

    @model_validator(mode="after")
    def _some(self) -> SourceRef:
        if not (self.seed or self.reference):
            raise ValueError("a source needs `seed` (with `quote`) or `reference`")
        if self.seed and not self.quote:
            raise ValueError("a seed source needs a `quote`")
        return self


class Sourced(Strict):
    """Base of every entry that carries numbers: where they come from (``sources``), or
    why they were chosen without one (``assumption``)."""

    sources: list[SourceRef] = Field(
        default_factory=list, description="Where the entry's values come from."
    )
    assumption: str | None = Field(
        default=None,
        description="Why numbers without a source were chosen (marks them as assumptions).",
    )


# --- ladder ---------------------------------------------------------------------------------------


class Rung(Strict):
    """One rung of the escalation ladder. Rules read the flags, never the rung's position."""

    name: Name = Field(description="Short identifier used in outcomes, injects and overrides.")
    label: str | None = Field(default=None, description="Human-readable name for reports.")
    description: str = Field(default="", description="What acting at this rung means.")
    cost: float = Field(
        ge=0, le=MAX_NUMBER, description="Base cost of holding this rung for one turn (0 = free)."
    )
    force: bool = Field(
        default=False, description="Use of armed force: an armed attack for treaty triggers."
    )
    homeland: bool = Field(
        default=False, description="Strikes on the target's homeland (counterstrike rung)."
    )
    nuclear: bool = Field(
        default=False, description="Use of nuclear weapons: barred to non-nuclear actors."
    )
    blockade: bool = Field(
        default=False, description="Interdicts sea lanes: costs scale with sea-lane exposure."
    )
    sanctions: bool = Field(
        default=False, description="Economic measures: costs scale with trade ties."
    )
    coercive: bool = Field(
        default=False,
        description="Coercion beyond words short of a blockade or force (grey-zone pressure, a "
        "show of force): from the first rung that is coercive, a blockade or force, a pair's "
        "crisis is active; below it a crisis can fade (docs/model.md, 11).",
    )
    deployment: bool = Field(
        default=False,
        description="Puts forces into the theatre (exercises, deployments near the rival): an ally "
        "at or above the first such rung toward its partner's adversary has intervened for the "
        "partner, in the backtest's ally dimension (docs/validation.md).",
    )
    violence: Violence | None = Field(
        default=None,
        description="Violence class on the standard vocabulary (ICB scale plus nuclear use). Default "
        "from the flags: nuclear -> nuclear_use; no force -> none; the lowest force rung -> "
        "serious_clashes; higher force rungs and homeland rungs -> full_scale_war.",
    )


# Most rungs a ladder may have: the engine keeps rungs in int8 arrays (at most 127) and looks two
# rungs above the top (assumption: 100 leaves that margin; the default ladder has 9).
MAX_RUNGS = 100


class Ladder(Sourced):
    """The ordered rungs, from cooperation (first) to the most extreme (last)."""

    rungs: list[Rung] = Field(
        min_length=3, max_length=MAX_RUNGS, description="Ordered rungs, least to most escalatory."
    )

    @model_validator(mode="after")
    def _violence_order(self) -> Ladder:
        from sim.scenario.vocabulary import ladder_problem

        problem = ladder_problem(self.rungs)
        if problem:
            raise ValueError(problem)
        return self


# --- actors ---------------------------------------------------------------------------------------


class Capability(Strict):
    """Military capability by domain on a 0-1 scale relative to the strongest actor (assumption scale)."""

    maritime: Unit = Field(default=0.0, description="Naval and coast-guard power, 0-1.")
    air: Unit = Field(default=0.0, description="Air power, 0-1.")
    missile: Unit = Field(default=0.0, description="Missile strike and defence, 0-1.")
    land: Unit = Field(default=0.0, description="Ground forces, 0-1.")


class Economy(Strict):
    """Economic exposure that makes escalation costly."""

    sea_lanes: Unit = Field(
        default=0.0, description="Dependence on contested sea lanes (blockade costs), 0-1."
    )


class Doctrine(Strict):
    """Doctrine flags: masks on which rungs an actor may choose, and when."""

    defence_oriented: bool = Field(
        default=False,
        description="Exclusively defence-oriented: no force against an actor that has not used force "
        "against it or (under collective self-defence) against a close partner.",
    )
    counterstrike: bool = Field(
        default=True,
        description="May strike an attacker's homeland (Japan: from the 2022 strategy).",
    )
    non_nuclear: bool = Field(
        default=False, description="Never uses nuclear rungs (also implied by nuclear: false)."
    )
    no_first_use: bool = Field(
        default=False,
        description="Declared no-first-use of nuclear weapons: nuclear rungs only toward an actor "
        "that has used nuclear weapons against it (China since 16 October 1964; India since 2003).",
    )
    existential_threshold: Unit = Field(
        default=0.8,
        description="Threat level (0-1) at which strikes on the actor's homeland put its existence "
        "or regime in jeopardy: a nuclear-armed actor without a no-first-use pledge then weighs "
        "nuclear first use (rule `last_resort`).",
    )
    collective_self_defence: Literal["treaty", "three_new_conditions", "none"] = Field(
        default="treaty",
        description="When force may be used for an attacked partner: `treaty` (whenever a commitment is "
        "honoured), `three_new_conditions` (Japan: only when the partner's attacker also threatens "
        "Japan's survival), `none`.",
    )
    rear_area_support: bool = Field(
        default=False,
        description="Gives logistics and basing to a partner at war even when combat is barred.",
    )
    survival_threshold: Unit = Field(
        default=0.75,
        description="Threat level (0-1) at which an attack threatens the actor's survival "
        "(the second of Japan's Three New Conditions).",
    )
    max_rung: RungRef | None = Field(
        default=None,
        description="Highest rung the actor can ever take (organisations: e.g. sanctions).",
    )


class Actor(Sourced):
    """A state or an organisation that can act (statements, sanctions, exercises)."""

    merge: bool | None = _merge_field()

    full_name: str | None = Field(default=None, description="Display name.")
    kind: Literal["state", "organisation"] = Field(
        default="state", description="State or organisation."
    )
    side: str = Field(
        default="neutral", description="Free label for reports and team play (e.g. blue, red)."
    )
    playable: bool = Field(default=True, description="Whether a student team may play this actor.")
    nuclear: bool = Field(default=False, description="Possesses nuclear weapons.")
    capability: Capability = Field(default_factory=Capability, description="Capability by domain.")
    resolve: Unit = Field(default=0.5, description="Willingness to pay costs for its stakes, 0-1.")
    risk_tolerance: Unit = Field(
        default=0.5, description="Discount on escalation costs and risks, 0-1."
    )
    domestic_constraint: Unit = Field(
        default=0.0,
        description="Public and legal reluctance to escalate, 0-1; relaxes as threat grows.",
    )
    opinion_relaxation: NonNegative = Field(
        default=1.0, description="How fast the domestic constraint falls as perceived threat rises."
    )
    economy: Economy = Field(default_factory=Economy, description="Economic exposure.")
    doctrine: Doctrine = Field(default_factory=Doctrine, description="Doctrine masks.")
    mediation: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Standing as a mediator in crises it has no stake in, 0-1 (the weight of its "
        "offers of good offices). Default: a state's power relative to the stronger party; an "
        "organisation does not mediate unless this is set.",
    )


# --- relations ------------------------------------------------------------------------------------


class _Relation(Sourced):
    merge: bool | None = _merge_field()
    title: str | None = Field(
        default=None, description="Display name, e.g. 'US-Japan Security Treaty'."
    )
    members: list[Name] = Field(min_length=2, description="Actors taking part.")
    min_members: int = Field(
        default=2,
        ge=2,
        le=1000,
        description="Fewest members that must be in the cast for the relation to stay; with fewer it "
        "is dropped (default 2: a tie needs two parties).",
    )


class Coverage(Strict):
    """What a treaty covers, by administration: an armed attack counts for the trigger only where
    it falls on a covered place (docs/model.md, "Geography")."""

    administered_by: list[Name] = Field(
        default_factory=list,
        description="Actors whose administered territory is covered: their own territory and the "
        "places (disputed or not) they administer, e.g. [Japan] for US-Japan Article V.",
    )
    places: list[Name] = Field(
        default_factory=list,
        description="Further places (or disputes, meaning their place) covered by name.",
    )
    forces_abroad: bool = Field(
        default=False,
        description="An attack on a protected member's forces away from its territory counts.",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_name(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("administered_by"), str):
            return {**data, "administered_by": [data["administered_by"]]}
        return data


class Alliance(_Relation):
    """A defence treaty: guarantors come to the aid of protected members when the trigger fires."""

    type: Literal["alliance"] = Field(description="Relation kind.")
    guarantors: list[Name] | None = Field(
        default=None, description="Who commits to aid (default: all members)."
    )
    protects: list[Name] | None = Field(
        default=None, description="Whose territory is covered (default: all members)."
    )
    covers: list[Name] | Coverage = Field(
        default_factory=list,
        description="Where an armed attack counts for the trigger. A list of places (or disputes, "
        "meaning their place) covered besides the protected members' own territory and forces, "
        "e.g. [senkaku]; or a mapping such as `{administered_by: Japan}`: the territories under "
        "the named actors' administration (US-Japan Article V), plus `places` and `forces_abroad`.",
    )
    trigger: RungRef | None = Field(
        default=None,
        description="Rung of an attack on a protected member that fires the trigger (default: first force rung).",
    )
    credibility: Probability = Field(
        description="Probability a guarantor honours the commitment when triggered."
    )
    support: SupportLevel = Field(default="combat", description="Support given when honoured.")
    basing_hosts: list[Name] = Field(
        default_factory=list,
        description="Third actors whose bases the guarantors need to fight (e.g. Japan for a Taiwan defence).",
    )
    basing_access: Probability = Field(
        default=1.0, description="Probability the hosts grant basing access in a replicate."
    )
    basing_share: Unit = Field(
        default=0.0,
        description="Share of the guarantors' power lost without access; with access, the attacker "
        "treats the hosts as taking part.",
    )


class Partnership(_Relation):
    """A partnership or access agreement: graded support short of a defence guarantee."""

    type: Literal["partnership"] = Field(description="Relation kind.")
    support: SupportLevel = Field(
        default="statement", description="Most support a member gives another in a crisis."
    )
    credibility: Probability = Field(
        default=0.5,
        description="Probability a member gives that support when a partner is attacked.",
    )
    weight: Unit = Field(
        default=0.5,
        description="How much the partnership adds to the coalition adversaries perceive (security dilemma).",
    )


ISSUES = ("territory", "detained_persons", "navigation", "overflight")
"""What a dispute can be over (docs/model.md, "Stakes that are not territory")."""


class Dispute(Sourced):
    """A dispute: who holds what is at stake, who claims it, and what it is worth to each. Most
    are over territory; a detained crew, freedom of navigation or overflight can be the issue."""

    merge: bool | None = _merge_field()

    type: Literal["dispute"] = Field(description="Relation kind.")
    title: str | None = Field(
        default=None, description="Display name, e.g. 'Senkaku/Diaoyu Islands'."
    )
    issue: Literal["territory", "detained_persons", "navigation", "overflight"] = Field(
        default="territory",
        description="What is at stake: a territory (the default); persons the holder detains (a "
        "ship's crew, a captain; the claimant wants them back); freedom of navigation or of "
        "overflight (the holder restricts it, the claimant asserts it). Only a territory is a "
        "place of its own: a dispute over another issue has a place only if `place` names one.",
    )
    divisible: bool | None = Field(
        default=None,
        description="Whether a settlement can split the stake. Default: false for detained persons "
        "(a crew is released or it is not), true otherwise. Over an indivisible stake a deal "
        "gives the whole stake to one side, so it is the other side's unilateral concession "
        "(Fearon 1995, 'issue indivisibilities').",
    )
    holder: Name = Field(description="Actor administering the territory (or holding the stake).")
    claimants: list[Name] = Field(min_length=1, description="Actors claiming it.")
    place: Name | None = Field(
        default=None,
        description="The place in dispute (a name under `places:`, administered by the holder). "
        "Default for a territory: a territory named after the dispute, administered by the holder "
        "and claimed by the claimants; other issues have no place by default.",
    )
    stake: dict[Name, Unit] = Field(
        default_factory=dict, description="Value of what is at stake to each party, 0-1."
    )

    @property
    def has_place(self) -> bool:
        """Whether force over this dispute falls on a place of its own (a territory, or a place
        the dispute names)."""
        return self.place is not None or self.issue == "territory"

    @property
    def splits(self) -> bool:
        """Whether a settlement can split the stake (``divisible``, or the issue's default)."""
        return self.divisible if self.divisible is not None else self.issue != "detained_persons"


class Rivalry(Sourced):
    """A standing rivalry that raises threat perception in both directions."""

    merge: bool | None = _merge_field()

    type: Literal["rivalry"] = Field(description="Relation kind.")
    title: str | None = Field(default=None, description="Display name.")
    members: list[Name] = Field(min_length=2, max_length=2, description="The two rivals.")
    intensity: Unit = Field(default=0.5, description="Strength of the rivalry, 0-1.")


class Interdependence(Sourced):
    """Economic interdependence: escalation between the members costs each its trade tie."""

    merge: bool | None = _merge_field()

    type: Literal["economic"] = Field(description="Relation kind.")
    title: str | None = Field(default=None, description="Display name.")
    members: list[Name] = Field(min_length=2, max_length=2, description="The two economies.")
    dependence: dict[Name, Unit] = Field(
        default_factory=dict, description="Each member's exposure to the tie, 0-1."
    )


class Place(Sourced):
    """A territory or sea area: who administers it and who claims it. A use of force on a
    dispute's dyad below full-scale war happens at the dispute's place; treaties say which
    places they cover (docs/model.md, "Geography")."""

    merge: bool | None = _merge_field()

    title: str | None = Field(
        default=None, description="Display name, e.g. 'Northern Territories'."
    )
    kind: Literal["territory", "sea"] = Field(
        default="territory",
        description="A land territory (with its territorial sea) or a sea area.",
    )
    administered_by: Name | None = Field(
        default=None,
        description="Actor administering the place (none: e.g. the high seas). Leaving the cast "
        "drops the place.",
    )
    claimed_by: list[Name] = Field(
        default_factory=list, description="Actors claiming it besides the administrator."
    )


Relation = Annotated[
    Alliance | Partnership | Dispute | Rivalry | Interdependence, Field(discriminator="type")
]


# --- injects --------------------------------------------------------------------------------------


class Escalate(Strict):
    """Raise an actor's rung toward a target to at least a rung (e.g. an ordered blockade)."""

    type: Literal["escalate"] = Field(description="Effect kind.")
    actor: Name = Field(description="Who acts.")
    toward: Name = Field(description="Toward whom.")
    to: RungRef = Field(description="Rung floor set by the inject.")


class Deescalate(Strict):
    """Cap an actor's rung toward a target (e.g. a ceasefire or a hotline call)."""

    type: Literal["deescalate"] = Field(description="Effect kind.")
    actor: Name = Field(description="Who acts.")
    toward: Name = Field(description="Toward whom.")
    to: RungRef = Field(description="Rung ceiling set by the inject.")


class Adjust(Strict):
    """Shift one of an actor's attributes (clipped to 0-1)."""

    type: Literal["adjust"] = Field(description="Effect kind.")
    actor: Name = Field(description="Whose attribute.")
    attribute: Literal["resolve", "risk_tolerance", "domestic_constraint"] = Field(
        description="Which attribute."
    )
    by: float = Field(ge=-1, le=1, description="Amount added.")


class Incident(Strict):
    """A one-off use of force (a collision, an ambush, a shelling, a seizure): for the one turn the
    inject fires, ``actor`` counts as having acted toward ``toward`` at rung ``to`` (who fought whom,
    peak violence, triggers, the target's response), without setting a rung the actor then holds
    and lets fall one per turn."""

    type: Literal["incident"] = Field(description="Effect kind.")
    actor: Name = Field(description="Who acts.")
    toward: Name = Field(description="Against whom.")
    to: RungRef = Field(description="Rung of the incident (e.g. limited_strikes for a shooting).")


Effect = Annotated[Escalate | Deescalate | Adjust | Incident, Field(discriminator="type")]


class Inject(Strict):
    """A scheduled or probabilistic event."""

    merge: bool | None = _merge_field()

    description: str = Field(default="", description="What happens, for the timeline.")
    turn: int = Field(ge=1, le=MAX_TURNS, description="Turn at which the inject may fire.")
    probability: Probability = Field(default=1.0, description="Chance it fires in a replicate.")
    effects: list[Effect] = Field(min_length=1, description="What it does.")


class Campaign(Sourced):
    """A limited campaign: an actor's war aim toward one target is a campaign of planned length,
    which it ends on its own when the campaign has run its course, whatever the bargaining (a
    punitive expedition, 'teaching a lesson'; a coercive campaign of exercises and missile tests
    timed to an event). Paul, Asymmetric Conflicts (1994) on limited aims; Fravel, Strong Borders,
    Secure Nation (2008) on China's punitive border wars (docs/model.md, 11.5)."""

    merge: bool | None = _merge_field()

    actor: Name = Field(description="Who runs the campaign.")
    toward: Name = Field(description="Against whom.")
    aim: Literal["punish", "coerce"] = Field(
        default="punish",
        description="`punish`: a punitive campaign, whose clock starts at the actor's first use of "
        "force toward the target and which ends in its unilateral act (a declared ceasefire and "
        "withdrawal). `coerce`: a coercive campaign of exercises, tests and shows of force, whose "
        "clock starts at the actor's first move above the quiet level; it stays short of force "
        "unless the target uses force first, and ends with nothing agreed or conceded.",
    )
    weeks: float = Field(
        gt=0,
        le=520,
        description="Planned length in calendar weeks from the start. When it has run, the actor "
        "stands down: if it used force, the pair's confrontation ends by its unilateral act (ICB's "
        "form of outcome 4); if not, it simply ends (nothing agreed or conceded: the crisis "
        "fades). While it runs, the pair neither settles nor concedes: the campaign's aim is to "
        "punish or to signal, not a share of the issue.",
    )


# --- rules, outcomes, stops -----------------------------------------------------------------------


def rules_model(params: Sequence[RuleParameter], name: str = "RuleFields") -> type[Sourced]:
    """A model with one field per rule parameter, in order: a number or a distribution within the
    parameter's bounds, with its default and its meaning as the description."""
    fields: dict[str, Any] = {
        p.name: (bounded(*p.bounds), Field(default=p.default, description=p.meaning))
        for p in params
    }
    return create_model(name, __base__=Sourced, **fields)


# The fields are the rule families' declared parameters: a new parameter needs no edit here.
class Rules(rules_model(RULE_PARAMETERS)):  # type: ignore[misc]
    """Weights of the rule families (see docs/model.md for each equation)."""


THEATRE_KINDS = ("maritime", "land", "mixed")


class PowerWeights(Strict):
    """Weights of the capability domains in an actor's overall power (they must sum to 1)."""

    maritime: Unit = Field(description="Weight of naval and coast-guard power.")
    air: Unit = Field(description="Weight of air power.")
    missile: Unit = Field(description="Weight of missile strike and defence.")
    land: Unit = Field(description="Weight of ground forces.")

    @model_validator(mode="after")
    def _sum_to_one(self) -> PowerWeights:
        total = self.maritime + self.air + self.missile + self.land
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"power weights must sum to 1 (they sum to {total:g})")
        return self


class Theatre(Sourced):
    """The crisis theatre: which disputes and rivalries are in play and what kind of war it is.

    Dyads outside the theatre stay dormant (no escalation) unless a horizontal-escalation rule
    activates them (docs/model.md, "Theatre and horizontal escalation"). Pairs named in `initial:`
    above cooperation are always in play, and so are pairs named in an inject once it fires; a
    dispute or rivalry between such a pair comes with it (all of a dispute's claimant-holder pairs)."""

    kind: Literal["maritime", "land", "mixed"] = Field(
        default="maritime",
        description="What kind of theatre: `maritime` (power = .35 maritime + .3 air + .2 missile "
        "+ .15 land), `land` (a land border: .1, .25, .05, .6), `mixed` (.25 each).",
    )
    power_weights: PowerWeights | None = Field(
        default=None, description="Domain weights of power; default: those of `kind`."
    )
    disputes: list[Name] = Field(
        default_factory=list,
        description="Disputes in play from the start of the crisis besides those between pairs "
        "named in `initial:` or injects.",
    )
    rivalries: list[Name] = Field(
        default_factory=list,
        description="Rivalries in play from the start of the crisis besides those between pairs "
        "named in `initial:` or injects.",
    )


class Outcome(Strict):
    """A named outcome: the first outcome (in file order) whose predicate holds classifies a world."""

    merge: bool | None = _merge_field()

    description: str = Field(default="", description="What the outcome means.")
    when: Predicate | None = Field(
        default=None, description="Condition; omit for the catch-all (must be last)."
    )


class Stop(Strict):
    """A world ends at the first turn any stop condition holds (or at the turn limit)."""

    merge: bool | None = _merge_field()

    description: str = Field(default="", description="Why the world ends.")
    when: Predicate = Field(description="Condition, evaluated after each turn on the state so far.")
    after_turn: int = Field(
        default=0, ge=0, le=MAX_TURNS, description="Only checked after this turn."
    )
    ending: Ending | None = Field(
        default=None,
        description="How the crisis ended when this stop holds (standard ending types). Default: "
        "faded for a calm test, still_running otherwise (the model stopped watching).",
    )


class Turns(Strict):
    """Clock of the scenario."""

    limit: int = Field(default=40, ge=1, le=MAX_TURNS, description="Most turns a world plays.")
    step: str = Field(default="1 week", description="What one turn stands for (label only).")
    days: float | None = Field(
        default=None,
        gt=0,
        le=3650,
        description="Days one turn stands for; needed to turn end turns into durations (backtest).",
    )


class Scenario(Sourced):
    """A crisis scenario: actors, relations, injects, uncertainties, outcomes and stop conditions."""

    include: list[str] = Field(
        default_factory=list,
        description="Library files merged underneath this one (paths relative to this file).",
    )
    name: Name = Field(description="Short identifier, used in run folder names.")
    title: str | None = Field(default=None, description="Display title.")
    description: str = Field(default="", description="One-line summary.")
    briefing: str = Field(
        default="", description="Briefing paragraph for participants and reports."
    )
    turns: Turns = Field(
        default_factory=Turns, description="Turn limit and what a turn stands for."
    )
    ladder: Ladder | None = Field(
        default=None, description="Escalation ladder (default: the library's)."
    )
    cast: list[Name] | None = Field(
        default=None,
        description="Actors taking part (default: all defined). A relation keeps its members in the "
        "cast and is dropped when fewer than its `min_members` remain (a dispute: when its holder or "
        "every claimant is out).",
    )
    drop_relations: list[Name] = Field(
        default_factory=list,
        description="Relations of the included files to leave out, by name, e.g. [quad].",
    )
    actors: dict[Name, Actor] = Field(default_factory=dict, description="Actors by name.")
    relations: dict[Name, Relation] = Field(default_factory=dict, description="Relations by name.")
    places: dict[Name, Place] = Field(
        default_factory=dict,
        description="Territories and sea areas by name: who administers and who claims them.",
    )
    initial: dict[Name, dict[Name, RungRef]] = Field(
        default_factory=dict,
        description="Starting rung of actor toward target, e.g. {China: {Taiwan: grey_zone}}.",
    )
    injects: dict[Name, Inject] = Field(default_factory=dict, description="Events by name.")
    campaigns: dict[Name, Campaign] = Field(
        default_factory=dict,
        description="Limited campaigns by name: war aims of planned length (punitive or coercive).",
    )
    theatre: Theatre = Field(
        default_factory=Theatre,
        description="The crisis theatre: disputes and rivalries in play, kind and power weights.",
    )
    rules: Rules = Field(default_factory=Rules, description="Rule weights.")
    outcomes: dict[Name, Outcome] = Field(
        default_factory=dict, description="Outcomes in priority order."
    )
    stop: dict[Name, Stop] = Field(default_factory=dict, description="Stop conditions.")
    history: History | None = Field(
        default=None,
        description="For history-deck cases only: what happened in the real crisis, with sources.",
    )


# Names of the support levels in order, for rules and reports.
__all__ = [
    "SUPPORT_LEVELS",
    "Actor",
    "Alliance",
    "Campaign",
    "Coverage",
    "Dispute",
    "Incident",
    "Inject",
    "Interdependence",
    "Ladder",
    "Outcome",
    "Partnership",
    "Place",
    "Rivalry",
    "Rules",
    "Rung",
    "Scenario",
    "Theatre",
    "Uncertain",
    "rules_model",
]

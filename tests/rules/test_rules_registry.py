"""The rule families' registry (issue 11): a new family acts and explains itself with one module
and one registry entry; declarations agree with the scenario schema and the docs."""

from __future__ import annotations

import ast
from dataclasses import fields

import numpy as np
import pytest
import toy_family
from helpers import ROOT

from sim.model import WargameModel
from sim.rules import registry
from sim.rules.compile import CompiledScenario
from sim.rules.docs import DOCS, render
from sim.rules.explain import timeline
from sim.rules.state import WorldState
from sim.scenario.schema import Rules

SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


def peaks(model: WargameModel) -> np.ndarray:
    """Highest rung of every dyad in every world, after a full run."""
    model.run()
    return model.state.peak.astype(int)


def test_a_toy_family_changes_decisions_with_one_registry_entry() -> None:
    """Registered, war weariness makes worlds escalate less; unregistered, nothing changes."""
    before = peaks(WargameModel(SENKAKU, R=300, rng=4))
    with registry.registered(toy_family.FAMILY):
        weary = peaks(WargameModel(SENKAKU, R=300, rng=4))
    after = peaks(WargameModel(SENKAKU, R=300, rng=4))
    assert (after == before).all()
    assert weary.sum() < before.sum()


def test_a_toy_family_explains_itself() -> None:
    """Its term is among every decision's terms, and the timeline names it as a reason."""
    with registry.registered(toy_family.FAMILY):
        m = WargameModel(SENKAKU, R=1, rng=6)  # a world whose crisis runs ten turns
        m.run()
    moves = [e for e in m.log if e.kind in ("move", "hold")]
    assert moves and all("weariness" in e.details["terms"] for e in moves)
    assert "weariness -" in timeline(m.log, verbose=True)


def test_every_schema_rule_is_declared_once_by_a_family_with_its_default() -> None:
    """``rules:`` in the scenario format and the families' declarations agree."""
    declared = registry.parameters(registry.families())
    schema = {k: f for k, f in Rules.model_fields.items() if k not in ("sources", "assumption")}
    assert set(declared) == set(schema)
    for name, (_, p) in declared.items():
        assert p.default == schema[name].default, name
        assert p.meaning == schema[name].description, name
        assert p.source, name


def test_families_write_only_declared_state_and_each_field_has_one_owner() -> None:
    """A shipped family's state fields are WorldState fields, owned by one family only."""
    names = {f.name for f in fields(WorldState)}
    owners: dict[str, str] = {}
    for fam in registry.families():
        for field_name in fam.state_fields:
            assert field_name in names, f"{fam.name}: {field_name} is not declared"
            assert field_name not in owners, f"{field_name}: {owners[field_name]} and {fam.name}"
            owners[field_name] = fam.name


def test_an_undeclared_state_field_cannot_be_set() -> None:
    """WorldState has slots: rule code cannot invent attributes."""
    s = WorldState()
    try:
        s.not_a_field = 1  # type: ignore[attr-defined]
    except AttributeError:
        return
    raise AssertionError("an undeclared field was set")


def test_rules_do_not_import_the_mesa_model() -> None:
    """sim/rules/* never import sim.model (not even for type checking): no import circle."""
    for path in (ROOT / "sim" / "rules").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "sim.model", path
            if isinstance(node, ast.Import):
                assert all(a.name != "sim.model" for a in node.names), path


def test_generated_tables_in_the_docs_are_current() -> None:
    """docs/model.md and docs/architecture.md tables match the declarations
    (regenerate with ``python -m sim.rules.docs``)."""
    for name in DOCS:
        text = (ROOT / "docs" / name).read_text()
        assert "<!-- generated:" in text, name
        assert render(text) == text, f"docs/{name} is stale: run python -m sim.rules.docs"


def test_weights_skipped_on_dormant_dyads_change_no_decision() -> None:
    """The utility weighs a dormant dyad's cost only (the choice has one move there); weighing
    every dyad (as ``explain`` does) plays the same worlds, with the same weights where weighed."""
    taiwan = ROOT / "scenarios" / "taiwan_contingency.yaml"
    lean, full = (WargameModel(taiwan, R=60, rng=3, explain=e) for e in (False, True))
    skipped = 0
    for _ in range(12):
        ended = ~lean.state.alive  # before this turn: such a world weighs nothing (no move)
        lean.step()
        full.step()
        s, f = lean.state, full.state
        assert f.weighed[~ended].all()
        assert not s.weighed[ended].any() and not f.weighed[ended].any()
        w = s.weighed
        skipped += int((~w).sum())
        for name in ("gain_weight", "cost_weight", "pressure", "response_weight"):
            assert np.array_equal(getattr(s, name)[w], getattr(f, name)[w]), name
        assert np.array_equal(s.cost_weight, f.cost_weight)  # bargaining reads every dyad's
        assert (s.gain_weight[~w] == 0).all()
        assert np.array_equal(s.rung, f.rung)
    assert skipped > 0


class _WakesDormantDyads(toy_family.WarWeariness):
    """A family registered after the utility that allows every rung everywhere (misplaced)."""

    name = "wakes_dormant"
    terms = ()
    parameters = ()
    state_fields = ()

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Nothing to set up."""

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Lift every cap (after the utility weighed only the dyads then awake)."""
        s.highest_rung = np.full_like(s.highest_rung, c.top)


def test_a_family_that_wakes_dyads_after_the_utility_fails_loudly() -> None:
    """Woken after its weights were skipped, a dyad would be scored on zeros: the choice refuses
    and says where the family belongs."""
    with registry.registered(_WakesDormantDyads(), before="choice"):
        m = WargameModel(SENKAKU, R=20, rng=1, explain=False)
        with pytest.raises(RuntimeError, match="before 'utility'"):
            m.step()
    with registry.registered(_WakesDormantDyads(), before="utility"):
        WargameModel(SENKAKU, R=20, rng=1, explain=False).step()

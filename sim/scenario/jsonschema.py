"""JSON Schema of scenario files, generated from the pydantic models (never written by hand).

Files may be partial (a scenario overrides library entries field by field), so the schema checks every
field's name, type and range but requires only the discriminators (``type``, ``dist``) that choose a
branch; completeness and cross-references are ``wargame validate``'s job.
"""

from __future__ import annotations

import json
from typing import Any

from sim import __version__
from sim.scenario.schema import Scenario

_KEEP_REQUIRED = {"dist"}  # a relation may override a library entry without restating its type


def _relax(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "required":
                kept = [r for r in v if r in _KEEP_REQUIRED]
                if kept:
                    out[k] = kept
            elif k == "oneOf":
                out["anyOf"] = _relax(v)
            elif k == "discriminator":
                continue
            else:
                out[k] = _relax(v)
        return out
    if isinstance(node, list):
        return [_relax(v) for v in node]
    return node


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario or library file."""
    schema = _relax(Scenario.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://alliance-wargame.invalid/schema/scenario-{__version__}.json"
    schema["title"] = "alliance-wargame scenario"
    return schema


def schema_text() -> str:
    """The schema as stable, indented JSON text."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True) + "\n"

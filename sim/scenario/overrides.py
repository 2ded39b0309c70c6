"""Overrides: one resolver that every entry point uses, so that what the user asked for is what ran.

An override is a dotted path and a value (``actors.Japan.resolve=0.8``). Before it is applied, its path
must lead to something that exists in the scenario: each segment names a field of the schema at that
point, an existing entry of ``actors``, ``relations``, ``injects``, ``outcomes`` or ``stop``, an actor
(keys of ``initial``, ``stake``, ``dependence``), or an existing list item. Anything else fails with one
line and a did-you-mean instead of silently creating a new, unused entry (a misspelt ``actors.Japn``
would otherwise be a fourth actor that nothing refers to). Structural keys resolved while loading
(``include``, ``merge``) cannot be overridden. After the cast is applied, an override of an actor left
out of the cast, or of a relation the cast or ``drop_relations`` removed, is refused too.

Used by ``validate_data`` (hence ``--set`` in every subcommand, ``sim.run``, the classroom server and
sweep points) and directly by the sweep-file loader and the EMA adapter to name their own parameters.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sim.errors import Problem, ScenarioError
from sim.scenario.yamlsource import Located, parse_value

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

Overrides = Mapping[str, Any] | Iterable[str] | None

# Named sections: mapping key -> what an entry is called in messages.
SECTIONS = {
    "actors": "actor",
    "relations": "relation",
    "injects": "inject",
    "campaigns": "campaign",
    "outcomes": "outcome",
    "stop": "stop condition",
    "places": "place",
}
# Keys resolved while loading; an override of them would be stored and do nothing.
STRUCTURAL = {
    "include": "includes are resolved before overrides; edit the file's `include` instead",
    "merge": "`merge` only says how a file's entry combines with an included one; edit the file",
}

Ref = tuple[
    str, str
]  # ("actor", "Japan") or ("relation", "quad"): a named entry a path goes through


class PathError(ValueError):
    """A path that leads nowhere: ``where`` is the dotted prefix up to the failing segment."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest other choice, or nothing (never the word itself)."""
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _branches(ann: Any) -> list[Any]:
    """The alternatives of a type: ``Annotated`` and unions unwrapped, ``None`` left out."""
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return _branches(typing.get_args(ann)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [b for a in typing.get_args(ann) for b in _branches(a)]
    return [] if ann is type(None) else [ann]


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _fields(model: type[BaseModel]) -> dict[str, str]:
    """Names accepted in a file (aliases and Python names) -> Python field name."""
    out = {}
    for name, info in model.model_fields.items():
        out[name] = name
        out[info.alias or name] = name
    return out


def _tagged(models: list[type[BaseModel]], node: Any) -> list[type[BaseModel]]:
    """The branch of a tagged union (``type:`` or ``dist:``) that ``node`` chose, else all branches."""
    if len(models) < 2 or not isinstance(node, dict):
        return models
    for tag in ("type", "dist"):
        chosen = [
            m
            for m in models
            if tag in m.model_fields
            and node.get(tag) in typing.get_args(m.model_fields[tag].annotation)
        ]
        if chosen:
            return chosen
    return models


def _step(
    branches: list[Any], node: Any, seg: str, done: tuple[str, ...], data: dict
) -> tuple[list[Any], Any, Ref | None]:
    """Follow one segment: the next types, the next data node, and the named entry it names."""
    where = ".".join((*done, seg))
    here = ".".join(done) or "the scenario"
    models = _tagged([b for b in branches if _is_model(b)], node)
    dicts = [b for b in branches if typing.get_origin(b) is dict]
    lists = [b for b in branches if typing.get_origin(b) is list]
    if models and (isinstance(node, dict) or node is None):
        if seg in STRUCTURAL and any(seg in m.model_fields for m in models):
            raise PathError(where, f"{seg!r} cannot be overridden: {STRUCTURAL[seg]}")
        for m in models:
            names = _fields(m)
            if seg in names:
                info = m.model_fields[names[seg]]
                nxt = node.get(seg) if isinstance(node, dict) else None
                return _branches(info.annotation), nxt, None
        known = sorted({f.alias or k for m in models for k, f in m.model_fields.items()})
        raise PathError(where, f"unknown field {seg!r}{did_you_mean(seg, known)}")
    if dicts and (isinstance(node, dict) or node is None):
        value_type = typing.get_args(dicts[0])[1]
        entries = node if isinstance(node, dict) else {}
        if len(done) == 1 and done[0] in SECTIONS:
            kind = SECTIONS[done[0]]
            if seg not in entries:
                raise PathError(where, f"unknown {kind} {seg!r}{did_you_mean(seg, entries)}")
            return _branches(value_type), entries[seg], (kind, seg)
        actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
        if seg not in actors:
            raise PathError(where, f"unknown actor {seg!r}{did_you_mean(seg, actors)}")
        return _branches(value_type), entries.get(seg), ("actor", seg)
    if lists and (isinstance(node, list) or node is None):
        if node is None:
            raise PathError(
                where, f"{here} is not set, so it has no item {seg}: set the whole list"
            )
        if not seg.isdigit():
            raise PathError(where, f"{seg!r} is not an item number of the list {here}")
        if int(seg) >= len(node):
            raise PathError(
                where, f"item {seg} is out of range: {here} has {len(node)} item(s), from 0"
            )
        return _branches(typing.get_args(lists[0])[0]), node[int(seg)], None
    raise PathError(where, f"cannot descend into {here}: it holds a single value, set it whole")


def resolve(key: str, data: dict, root: type[BaseModel] | None = None) -> list[Ref]:
    """Check that ``key`` leads to a field, entry or item of ``data`` (merged scenario data); return
    the named entries it goes through. Raise ``PathError`` (with a did-you-mean) otherwise."""
    if root is None:
        from sim.scenario.schema import Scenario

        root = Scenario
    parts = key.split(".")
    if not key or any(p == "" for p in parts):
        raise PathError(key, "empty path segment")
    branches: list[Any] = [root]
    node: Any = data
    refs: list[Ref] = []
    for i, seg in enumerate(parts):
        branches, node, ref = _step(branches, node, seg, tuple(parts[:i]), data)
        if ref is not None:
            refs.append(ref)
    return refs


def fields_at(root: type[BaseModel], data: Any, path: tuple) -> list[str] | None:
    """Field names allowed at ``path`` of ``data`` (for a did-you-mean), or None if not a model."""
    branches: list[Any] = [root]
    node = data
    try:
        for i, seg in enumerate(path):
            done = tuple(str(p) for p in path[:i])
            branches, node, _ = _step(branches, node, str(seg), done, data)
    except PathError:
        return None
    models = _tagged([b for b in branches if _is_model(b)], node)
    return sorted({f.alias or k for m in models for k, f in m.model_fields.items()}) or None


def removed(refs: list[Ref], actors: Iterable[str], dropped: Mapping[str, str]) -> str | None:
    """Why an override no longer applies once the cast is applied: the first named entry it goes
    through that is gone (an actor out of the cast, a relation in ``dropped`` with its reason)."""
    actors = set(actors)
    for kind, name in refs:
        if kind == "actor" and name not in actors:
            return f"actor {name!r} is not in the cast: add it to `cast` to use it"
        if kind == "relation" and name in dropped:
            return f"relation {name!r} is not in the scenario: {dropped[name]}"
        if kind == "place" and f"places.{name}" in dropped:
            return f"place {name!r} is not in the scenario: {dropped[f'places.{name}']}"
    return None


def parse_overrides(overrides: Overrides) -> list[tuple[str, Any]]:
    """``["a.b=1", ...]`` or ``{"a.b": 1}`` to a list of (dotted path, value)."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        out = list(overrides.items())
        for i, (key, _) in enumerate(out, start=1):
            if not isinstance(key, str):
                raise ScenarioError(
                    [Problem("--set", i, 1, "", f"override paths are text, not {key!r}")]
                )
        return out
    if isinstance(overrides, str):
        overrides = [overrides]
    out = []
    for i, item in enumerate(overrides, start=1):
        if not isinstance(item, str) or "=" not in item:
            raise ScenarioError(
                [
                    Problem(
                        "--set",
                        i,
                        1,
                        str(item),
                        "expected PATH=VALUE, e.g. actors.Japan.resolve=0.8",
                    )
                ]
            )
        key, _, value = item.partition("=")
        try:
            parsed = parse_value(value)
        except ScenarioError as exc:
            raise ScenarioError(
                [Problem("--set", i, 1, key.strip(), p.message) for p in exc.problems]
            ) from None
        out.append((key.strip(), parsed))
    return out


def _set(located: Located, i: int, key: str, value: Any) -> None:
    """Set a resolved path (creating mappings for fields not written in the file)."""
    parts = key.split(".")
    node = located.data
    path: list[str | int] = []
    for part in parts[:-1]:
        idx: str | int = int(part) if isinstance(node, list) else part
        if isinstance(node, dict) and not isinstance(node.get(idx), dict | list):
            node[idx] = {}
            located.where[(*path, idx)] = ("--set", i, 1)
        elif isinstance(node, list) and not isinstance(node[idx], dict | list):
            node[idx] = {}  # an empty (null) list entry: the override writes into a new mapping
            located.where[(*path, idx)] = ("--set", i, 1)
        node = node[idx]
        path.append(idx)
    last: str | int = int(parts[-1]) if isinstance(node, list) else parts[-1]
    node[last] = value
    full = (*path, last)
    for p in [p for p in located.where if p[: len(full)] == full]:
        del located.where[p]
    located.where[full] = ("--set", i, 1)


def apply_overrides(
    located: Located, overrides: list[tuple[str, Any]]
) -> tuple[list, list[Problem]]:
    """Resolve and apply each override in order (recording ``--set:N`` as its source).

    Returns the applied overrides as (number, path, named entries) and the problems of the others,
    which are left out so that the rest of the scenario is still checked.
    """
    applied = []
    problems = []
    for i, (key, value) in enumerate(overrides, start=1):
        try:
            refs = resolve(key, located.data)
        except PathError as exc:
            problems.append(Problem("--set", i, 1, exc.where, exc.message))
            continue
        _set(located, i, key, value)
        applied.append((i, key, refs))
    return applied, problems


def unresolved(
    scenario_path: str | os.PathLike[str],
    keys: Iterable[str],
    resolved: Scenario,
    overrides: Overrides = None,
) -> dict[str, str]:
    """For entry points that name parameters by path (sweep files, the EMA adapter): the message of
    each key that does not lead to something in the scenario file (after its includes and
    ``overrides``), or that its cast removes; ``resolved`` is that scenario, loaded."""
    from sim.scenario.loader import load_merged

    located, _ = load_merged(Path(scenario_path))
    apply_overrides(located, parse_overrides(overrides))  # their own problems are reported on load
    relations = located.data.get("relations")
    dropped = {
        n: "the cast or drop_relations leaves it out"
        for n in (relations if isinstance(relations, dict) else {})
        if n not in resolved.relations
    }
    found = {}
    for key in keys:
        try:
            why = removed(resolve(key, located.data), resolved.actors, dropped)
        except PathError as exc:
            why = exc.message
        if why:
            found[key] = why
    return found

"""Load a scenario: read YAML safely, resolve includes, apply ``--set`` overrides and the cast,
validate with the pydantic models and check cross-references; report every problem with its location.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import MAX_SHOWN, Problem, ScenarioError
from sim.scenario.overrides import (
    SECTIONS,
    Overrides,
    apply_overrides,
    did_you_mean,
    fields_at,
    parse_overrides,
    removed,
)
from sim.scenario.references import check_references
from sim.scenario.schema import Scenario
from sim.scenario.yamlsource import Located, load_located, plain_copy

__all__ = ["Overrides", "apply_overrides", "load_scenario", "load_scenario_text", "parse_overrides"]


def find_root(path: Path) -> Path:
    """The scenario tree's root: nearest folder (from the file's own upward) holding ``library/``."""
    start = path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / "library").is_dir():
            return folder
    return start


def _path_fault(exc: Exception) -> str:
    """Why a path cannot be used, in words (a NUL byte, a symlink loop, an OS error)."""
    if isinstance(exc, ValueError):
        return "the path contains a NUL byte"
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "symlink loop"
    return getattr(exc, "strerror", None) or str(exc)


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; a symlink loop or an unusable name raises (as the OS says),
    on every Python (3.13's ``resolve`` and ``is_file`` no longer report loops)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def read_file(path: Path, shown: str) -> Located:
    """Read and parse one file, turning OS errors into located problems."""
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise ScenarioError([Problem(shown, 1, 1, "", "is not a regular file")])
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ScenarioError(
            [Problem(shown, 1, 1, "", "is a directory, not a scenario file")]
        ) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(
            [Problem(shown, 1, 1, "", f"cannot read file: {_path_fault(exc)}")]
        ) from None
    located = load_located(raw, shown)
    if not isinstance(located.data, dict):
        raise ScenarioError(
            [Problem(shown, 1, 1, "", "expected a mapping of fields at the top level")]
        )
    return located


def _merge(base: Any, top: Any) -> Any:
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for k, v in top.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return top


def _combine(base: Located, top: Located, shown: str, problems: list[Problem]) -> Located:
    """``top`` merged over ``base``. An entry of a named section (actors, relations, ...) that ``base``
    also defines must say ``merge: true`` (merge field by field) or ``merge: false`` (replace); the
    flag is consumed here. A flag with nothing below is kept for a later include to consume (see
    ``_leftover_flags``)."""
    data = dict(top.data)
    below_data = dict(base.data)
    where = dict(base.where)
    for section, kind in SECTIONS.items():
        entries, below = data.get(section), below_data.get(section)
        if not isinstance(entries, dict) or not isinstance(below, dict):
            continue
        entries, below = dict(entries), dict(below)
        for name, entry in entries.items():
            path = (section, name)
            if name not in below or base.where.get(path) == top.where.get(path):
                continue  # new here, or the same file reached twice (a diamond of includes)
            flag = entry.get("merge") if isinstance(entry, dict) else None
            if isinstance(flag, bool):
                entries[name] = {k: v for k, v in entry.items() if k != "merge"}
            if flag is False:
                del below[name]
                where = {p: w for p, w in where.items() if p[:2] != path}
            elif flag is not True:
                f, line, _ = base.locate(path, shown)
                problems.append(
                    Problem(
                        *top.locate(path, shown),
                        ".".join(path),
                        f"{kind} {name!r} is also defined at {f}:{line}: add `merge: true` to change "
                        "only the fields given here, or `merge: false` to replace it",
                    )
                )
        data[section], below_data[section] = entries, below
    return Located(_merge(below_data, data), {**where, **top.where})


def _leftover_flags(located: Located, shown: str) -> list[Problem]:
    """Remove the ``merge`` flags no include consumed; ``merge: true`` there had nothing to merge with."""
    problems = []
    for section, kind in SECTIONS.items():
        entries = located.data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, entry in list(entries.items()):
            if not isinstance(entry, dict) or "merge" not in entry:
                continue
            flag = entry.pop("merge")
            if flag is True:
                del entries[name]  # a change to nothing: its other problems would be noise
                problems.append(
                    Problem(
                        *located.locate((section, name, "merge"), shown),
                        f"{section}.{name}.merge",
                        f"no included file defines {kind} {name!r} to merge with"
                        + did_you_mean(name, _included_names(located, section, name)),
                    )
                )
            elif flag is not False:
                problems.append(
                    Problem(
                        *located.locate((section, name, "merge"), shown),
                        f"{section}.{name}.merge",
                        "expected true (merge with the included entry) or false (replace it)",
                    )
                )
    return problems


def _included_names(located: Located, section: str, name: str) -> list[str]:
    """Entries of ``section`` defined in another file than ``name`` (candidates for a did-you-mean)."""
    here = located.where.get((section, name), ("", 0, 0))[0]
    entries = located.data.get(section) or {}
    return [n for n in entries if located.where.get((section, n), ("", 0, 0))[0] != here]


def _resolve_includes(
    path: Path,
    root: Path,
    stack: tuple[Path, ...],
    shown: str,
    deferred: list[Problem] | None = None,
) -> Located:
    top = read_file(path, shown)
    includes = top.data.get("include", [])
    if includes in (None, []):
        return top
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        f, line, col = top.locate(("include",), shown)
        raise ScenarioError([Problem(f, line, col, "include", "expected a list of file paths")])
    merged = Located({})
    problems: list[Problem] = []
    clashes: list[Problem] = []  # entries defined twice without `merge`
    for i, inc in enumerate(includes):
        f, line, col = top.locate(("include", i), shown)
        try:
            target = (path.parent / inc).resolve()
            is_file = _is_file(target)
        except (OSError, RuntimeError, ValueError) as exc:
            problems.append(
                Problem(f, line, col, f"include.{i}", f"cannot include {inc!r}: {_path_fault(exc)}")
            )
            continue
        if os.path.isabs(inc) or not target.is_relative_to(root):
            problems.append(
                Problem(f, line, col, f"include.{i}", f"{inc!r} leaves the scenario tree ({root})")
            )
            continue
        if target in stack:
            chain = " -> ".join(p.name for p in (*stack, target))
            problems.append(Problem(f, line, col, f"include.{i}", f"include cycle: {chain}"))
            continue
        if not is_file:
            problems.append(
                Problem(f, line, col, f"include.{i}", f"included file {inc!r} not found")
            )
            continue
        try:
            sub = _resolve_includes(target, root, (*stack, target), _display(target), deferred)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        sub.data.pop("include", None)
        merged = _combine(merged, sub, _display(target), clashes)
    if problems:
        raise ScenarioError(problems)
    data = dict(top.data)
    data.pop("include")
    merged = _combine(merged, Located(data, top.where), shown, clashes)
    if deferred is not None:
        deferred.extend(clashes)  # reported with the other problems of the scenario
    elif clashes:
        raise ScenarioError(clashes)
    return merged


def display_path(path: Path) -> str:
    """How messages name a file: relative to the working folder when it is inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


_display = display_path  # the name used inside this module


def _apply_cast(located: Located, shown: str) -> tuple[list[Problem], dict[str, str]]:
    """Keep the actors of ``cast`` and the relations that still have enough of them; leave out the
    relations named in ``drop_relations``. Returns the problems and the dropped relations with why."""
    data = located.data
    relations = data.get("relations")
    problems: list[Problem] = []
    dropped: dict[str, str] = {}
    drop = data.get("drop_relations")
    if isinstance(drop, list) and isinstance(relations, dict):
        for i, name in enumerate(drop):
            if not isinstance(name, str):
                continue  # a type error: reported by validation
            if name not in relations:
                problems.append(
                    Problem(
                        *located.locate(("drop_relations", i), shown),
                        f"drop_relations.{i}",
                        f"unknown relation {name!r}{did_you_mean(name, relations)}",
                    )
                )
            else:
                dropped[name] = "drop_relations lists it"
        if not problems:
            relations = {k: v for k, v in relations.items() if k not in dropped}
            data["relations"] = relations
            data[
                "drop_relations"
            ] = []  # done: a resolved scenario holds the result, not the request
    problems += _cast(located, shown, dropped)
    _cast_places(data, dropped)
    relations = data.get("relations")
    if dropped and isinstance(relations, dict):
        gone = set(dropped) | {k.removeprefix("places.") for k in dropped}
        for rel in relations.values():
            if isinstance(rel, dict) and isinstance(rel.get("covers"), list):
                rel["covers"] = [c for c in rel["covers"] if c not in gone]
            elif isinstance(rel, dict) and isinstance(rel.get("covers"), dict):
                cov = rel["covers"] = dict(rel["covers"])
                if isinstance(cov.get("places"), list):
                    cov["places"] = [c for c in cov["places"] if c not in gone]
        theatre = data.get("theatre")  # a theatre's disputes and rivalries follow the cast too
        for key in ("disputes", "rivalries"):
            if isinstance(theatre, dict) and isinstance(theatre.get(key), list):
                theatre[key] = [n for n in theatre[key] if n not in dropped]
    return problems, dropped


def _cast_places(data: dict, dropped: dict[str, str]) -> None:
    """With a cast: drop the places administered by an actor outside it (recorded in ``dropped``
    as ``places.<name>``), keep the claimants and covering administrations in it."""
    places, actors, cast = data.get("places"), data.get("actors"), data.get("cast")
    if not isinstance(cast, list) or not isinstance(actors, dict):
        return
    if isinstance(places, dict):
        kept = {}
        for name, place in places.items():
            admin = place.get("administered_by") if isinstance(place, dict) else None
            if isinstance(admin, str) and admin not in actors:
                dropped[f"places.{name}"] = f"its administrator {admin!r} is not in the cast"
                continue
            if isinstance(place, dict) and isinstance(place.get("claimed_by"), list):
                place = {**place, "claimed_by": [a for a in place["claimed_by"] if a in actors]}
            kept[name] = place
        data["places"] = kept
    relations = data.get("relations")
    for rel in relations.values() if isinstance(relations, dict) else ():
        cov = rel.get("covers") if isinstance(rel, dict) else None
        if isinstance(cov, dict) and isinstance(cov.get("administered_by"), list | str):
            names = cov["administered_by"]
            names = [names] if isinstance(names, str) else names
            rel["covers"] = {**cov, "administered_by": [a for a in names if a in actors]}


def _cast(located: Located, shown: str, dropped: dict[str, str]) -> list[Problem]:
    """Apply ``cast``: keep its actors, shrink relations to them, drop those left too small."""
    data = located.data
    relations = data.get("relations")
    cast = data.get("cast")
    actors = data.get("actors")
    if cast is None or not isinstance(cast, list) or not isinstance(actors, dict):
        return []
    problems = []
    for i, name in enumerate(cast):
        if not isinstance(name, str):
            return []  # a type error: reported by validation
        if name not in actors:
            f, line, col = located.locate(("cast", i), shown)
            hint = did_you_mean(str(name), actors)
            problems.append(Problem(f, line, col, f"cast.{i}", f"unknown actor {name!r}{hint}"))
    if problems:
        return problems
    keep = set(cast)
    data["actors"] = {k: v for k, v in actors.items() if k in keep}
    if isinstance(relations, dict):
        kept = {}
        for rname, rel in relations.items():
            if not isinstance(rel, dict) or not _well_typed(rel):
                kept[rname] = rel  # malformed: left for validation to report
                continue
            rel = dict(rel)
            before = len(rel.get("members") or [])
            for key in ("members", "guarantors", "protects", "claimants", "basing_hosts"):
                if isinstance(rel.get(key), list):
                    rel[key] = [m for m in rel[key] if m in keep]
            for key in ("stake", "dependence"):
                if isinstance(rel.get(key), dict):
                    rel[key] = {m: v for m, v in rel[key].items() if m in keep}
            kind = rel.get("type")
            members = rel.get("members") or []
            need = rel.get("min_members", 2)
            if kind in ("alliance", "partnership") and need <= before and len(members) < need:
                dropped[rname] = (
                    f"fewer than its min_members ({need}) of its members are in the cast"
                )
                continue
            if kind in ("rivalry", "economic") and len(members) < 2:
                dropped[rname] = "one of its two members is not in the cast"
                continue
            if kind in ("alliance", "partnership") and (
                rel.get("guarantors") == [] or rel.get("protects") == []
            ):
                dropped[rname] = "none of its guarantors, or none it protects, is in the cast"
                continue
            if kind == "dispute" and (rel.get("holder") not in keep or not rel.get("claimants")):
                dropped[rname] = "its holder or every claimant is not in the cast"
                continue
            kept[rname] = rel
        data["relations"] = kept
    return []


def _well_typed(rel: dict) -> bool:
    """Fields the cast touches hold names (lists of strings, string-keyed mappings, a string holder)."""
    for key in ("members", "guarantors", "protects", "claimants", "basing_hosts", "covers"):
        v = rel.get(key)
        if key == "covers" and isinstance(v, dict):
            continue  # a coverage mapping (administered_by, places): validated by the schema
        if v is not None and not (isinstance(v, list) and all(isinstance(m, str) for m in v)):
            return False
    for key in ("stake", "dependence"):
        v = rel.get(key)
        if v is not None and not isinstance(v, dict):
            return False
    need = rel.get("min_members", 2)
    if not isinstance(need, int) or isinstance(need, bool):
        return False
    holder = rel.get("holder")
    return holder is None or isinstance(holder, str)


def _all_field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _models_in(info.annotation):
            names |= _all_field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        out.extend(_models_in(arg))
    for meta in getattr(annotation, "__metadata__", ()) or ():
        out.extend(_models_in(meta))
    return out


_FIELD_NAMES = sorted(_all_field_names(Scenario))
_TYPE_MISMATCH = {
    "float_type",
    "float_parsing",
    "int_type",
    "int_parsing",
    "model_attributes_type",
    "dict_type",
    "model_type",
    "union_tag_invalid",
    "union_tag_not_found",
    "bool_type",
    "string_type",
}


def _clean_loc(data: Any, loc: tuple) -> tuple[tuple, bool]:
    """Strip pydantic's union-branch labels from ``loc``, following the real data."""
    path: list = []
    node = data
    branch = False
    for part in loc:
        if (
            isinstance(node, dict)
            and part not in node
            and (
                part in (node.get("type"), node.get("dist"))
                or (isinstance(part, str) and part[:1].isupper())
            )
        ):
            branch = True  # discriminated-union tag (field names are lower case), not a key
        elif (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif (
            isinstance(node, dict)
            and not isinstance(part, int)
            and "[" not in str(part)
            and str(part) not in ("constrained-float", "float", "int", "str", "function-after")
        ):
            path.append(part)  # a missing or unknown key
            node = None
        else:
            branch = True
    return tuple(path), branch


def _unknown_field(
    path: tuple, data: Any, field_names: list[str] | None, model: type[BaseModel]
) -> str:
    """``unknown field 'x'`` with the closest field allowed at that place (else anywhere)."""
    word = str(path[-1])
    here = fields_at(model, data, path[:-1])
    return f"unknown field {word!r}{did_you_mean(word, here or field_names or _FIELD_NAMES)}"


def _no_tag(err: dict, path: tuple, data: Any) -> str:
    """A tagged union (relation, effect, distribution) given without its tag, said plainly."""
    tag = str(err.get("ctx", {}).get("discriminator", "'type'")).strip("'")
    tags = {
        "type": "alliance, partnership, dispute, rivalry or economic",
        "dist": "fixed, uniform, normal, beta, triangular or choice",
    }
    if path[:1] == ("injects",):
        tags["type"] = "escalate, deescalate or adjust"
    msg = f"`{tag}` is missing: expected {tags.get(tag, 'one of the kinds')}"
    if len(path) == 2 and path[0] == "relations" and isinstance(data.get("relations"), dict):
        others = [n for n in data["relations"] if n != path[1]]
        hint = did_you_mean(str(path[1]), others)
        if hint:
            msg += f"; or{hint.removesuffix(')').removeprefix(' (')} to change that relation?"
    return msg


def validation_problems(
    exc: ValidationError,
    located: Located,
    shown: str,
    field_names: list[str] | None = None,
    model: type[BaseModel] = Scenario,
) -> list[Problem]:
    """Turn pydantic errors into located problems, merging union branches sensibly.

    Linear in the number of errors: a path's deeper errors are found in a set of prefixes, and the
    "did you mean" (the costly part) is worked out only for the problems a message shows."""
    by_path: dict[tuple, list[dict]] = {}
    for err in exc.errors(include_url=False):
        path, _ = _clean_loc(located.data, tuple(err["loc"]))
        by_path.setdefault(path, []).append(err)
    has_deeper = {q[:i] for q in by_path for i in range(len(q))}  # every proper prefix
    problems = []
    unknown: list[tuple[int, tuple]] = []  # problems about an unknown field: hints are added below
    for path, errs in by_path.items():
        deeper = path in has_deeper
        if deeper and all(e["type"] in _TYPE_MISMATCH for e in errs):
            continue  # the other branch of a union (number or distribution) says more, deeper down
        meaningful = [e for e in errs if e["type"] not in _TYPE_MISMATCH]
        if meaningful:
            errs = meaningful
        elif len(errs) > 1:
            errs = (
                [
                    {
                        **errs[0],
                        "msg": "expected a number or a distribution such as {dist: beta, a: 8, b: 2}",
                    }
                ]
                if any(e["type"] == "float_type" for e in errs)
                else errs[:1]
            )
        for err in errs:
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown field {path[-1]!r}"
                unknown.append((len(problems), path))
            elif err["type"] == "union_tag_not_found":
                msg = _no_tag(err, path, located.data)
            elif err["type"] == "missing":
                msg = "required field is missing"
            f, line, col = located.locate(path, shown)
            problems.append(Problem(f, line, col, ".".join(map(str, path)), msg))
    shown_first = set(sorted(problems)[:MAX_SHOWN])
    for i, upath in unknown:
        p = problems[i]
        if p in shown_first:
            msg = _unknown_field(upath, located.data, field_names, model)
            problems[i] = dataclasses.replace(p, message=msg)
    return problems


def load_scenario(path: str | os.PathLike[str], overrides: Overrides = None) -> Scenario:
    """Load, merge, override and validate a scenario file; raise ``ScenarioError`` with every problem."""
    path = Path(path)
    located, clashes = load_merged(path)
    return validate_data(located, _display(path), overrides, clashes)


def load_merged(path: Path) -> tuple[Located, list[Problem]]:
    """A scenario file with its includes merged (before overrides and the cast), and the problems
    of entries defined twice without ``merge``, which do not stop the other checks."""
    shown = _display(path)
    try:
        real = path.resolve()
        os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        raise ScenarioError([Problem(shown, 1, 1, "", "file not found")]) from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise ScenarioError(
            [Problem(shown, 1, 1, "", f"cannot read file: {_path_fault(exc)}")]
        ) from None
    clashes: list[Problem] = []
    located = _resolve_includes(real, find_root(real), (real,), shown, clashes)
    return located, clashes


def load_scenario_text(
    text: str | bytes, overrides: Overrides = None, name: str = "<text>"
) -> Scenario:
    """Validate a scenario given as text (no includes allowed: there is no folder to resolve them)."""
    located = load_located(text, name)
    if not isinstance(located.data, dict):
        raise ScenarioError(
            [Problem(name, 1, 1, "", "expected a mapping of fields at the top level")]
        )
    if located.data.get("include"):
        f, line, col = located.locate(("include",), name)
        raise ScenarioError([Problem(f, line, col, "include", "includes need a file on disk")])
    return validate_data(located, name, overrides)


def validate_data(
    located: Located,
    shown: str,
    overrides: Overrides = None,
    problems: list[Problem] | None = None,
) -> Scenario:
    """Apply overrides and the cast to merged data, then validate and check references.

    Every problem is reported at once where the stages allow: a bad override is left out, a bad
    cast is not applied, and fields that fail validation are set aside so that the references of
    the rest are still checked (see ``_set_aside``)."""
    located = Located(plain_copy(located.data), dict(located.where))
    problems = list(problems or [])
    applied, bad = apply_overrides(located, parse_overrides(overrides))
    problems += bad
    problems += _leftover_flags(located, shown)
    cast_problems, dropped = _apply_cast(located, shown)
    problems += cast_problems
    actors = located.data.get("actors")
    gone: list[Problem] = []  # overrides of what the cast removed: said once, here
    if not cast_problems and isinstance(actors, dict):
        for i, key, refs in applied:
            why = removed(refs, actors, dropped)
            if why:
                gone.append(Problem("--set", i, 1, key, why))
    try:
        scenario: Scenario | None = Scenario.model_validate(located.data)
        cut: set[tuple] = set()
    except ValidationError as exc:
        problems += validation_problems(exc, located, shown)
        scenario, cut = _set_aside(located.data, exc)
    if scenario is not None:
        problems += [
            Problem(*located.locate(p, shown), ".".join(map(str, p)), msg)
            for p, msg in check_references(scenario)
            if not _hidden_by(p, msg, cut)
        ]
    if gone:
        refused = {p.line for p in gone}
        problems = [p for p in problems if p.file != "--set" or p.line not in refused] + gone
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario


def _set_aside(data: dict, exc: ValidationError) -> tuple[Scenario | None, set[tuple]]:
    """The scenario without the parts that failed validation, to check the references of the rest.

    First each failing field is removed (its default applies); what still fails takes its whole
    entry (an actor, a relation, ...) or top-level field with it. Returns None when that is not
    enough, and the removed paths."""
    data = plain_copy(data)
    cut: set[tuple] = set()
    for attempt in range(3):
        paths = {_clean_loc(data, tuple(e["loc"]))[0] for e in exc.errors(include_url=False)}
        for path in sorted(paths, key=lambda p: (-len(p), str(p))):
            if not path:
                return None, cut
            parent = _node(data, path[:-1])
            leaf = path[-1]
            if attempt == 0 and len(path) > 1 and isinstance(parent, dict) and leaf in parent:
                del parent[leaf]
                cut.add(path)
            elif path[0] in SECTIONS and len(path) > 1 and isinstance(data.get(path[0]), dict):
                data[path[0]].pop(path[1], None)
                cut.add(path[:2])
            elif path[0] == "name":
                data["name"] = "scenario"
                cut.add(path[:1])
            else:
                data.pop(path[0], None)
                cut.add(path[:1])
        try:
            return Scenario.model_validate(data), cut
        except ValidationError as again:
            exc = again
    return None, cut


def _node(data: Any, path: tuple) -> Any:
    for part in path:
        if (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        ):
            data = data[part]
        else:
            return None
    return data


def _hidden_by(path: tuple, message: str, cut: set[tuple]) -> bool:
    """Whether a reference problem may only come from a part set aside (so it is not reported)."""
    if not cut:
        return False
    if any(len(c) == 1 and c[0] in (*SECTIONS, "ladder") for c in cut):
        return True  # a whole section or the ladder is missing: every reference is in doubt
    if not path:  # "needs at least one actor/outcome" may only say that they were set aside
        return any(c[0] in ("actors", "outcomes") for c in cut)
    if any(path[: len(c)] == c for c in cut):
        return True
    names = {c[1] for c in cut if len(c) == 2 and c[0] in SECTIONS}
    if any(f"{n!r}" in message for n in names):
        return True
    return message.startswith("only the last outcome") and any(c[0] == "outcomes" for c in cut)

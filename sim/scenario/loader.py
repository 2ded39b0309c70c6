"""Load a scenario: read YAML safely, resolve includes, apply ``--set`` overrides and the cast,
validate with the pydantic models and check cross-references; report every problem with its location.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import errno
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import MAX_SHOWN, Problem, ScenarioError
from sim.scenario.references import check_references
from sim.scenario.schema import Scenario
from sim.scenario.yamlsource import Located, load_located, parse_value

Overrides = Mapping[str, Any] | Iterable[str] | None


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


def _resolve_includes(path: Path, root: Path, stack: tuple[Path, ...], shown: str) -> Located:
    top = read_file(path, shown)
    includes = top.data.get("include", [])
    if includes in (None, []):
        return top
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        f, line, col = top.locate(("include",), shown)
        raise ScenarioError([Problem(f, line, col, "include", "expected a list of file paths")])
    merged = Located({})
    problems: list[Problem] = []
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
            sub = _resolve_includes(target, root, (*stack, target), _display(target))
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        sub.data.pop("include", None)
        merged = Located(_merge(merged.data, sub.data), {**merged.where, **sub.where})
    if problems:
        raise ScenarioError(problems)
    data = dict(top.data)
    data.pop("include")
    return Located(_merge(merged.data, data), {**merged.where, **top.where})


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def parse_overrides(overrides: Overrides) -> list[tuple[str, Any]]:
    """``["a.b=1", ...]`` or ``{"a.b": 1}`` to a list of (dotted path, value)."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    out: list[tuple[str, Any]] = []
    for i, item in enumerate(overrides, start=1):
        if "=" not in item:
            raise ScenarioError(
                [Problem("--set", i, 1, item, "expected PATH=VALUE, e.g. actors.Japan.resolve=0.8")]
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


def apply_overrides(located: Located, overrides: list[tuple[str, Any]]) -> None:
    """Set each dotted path in place (creating mappings as needed); record ``--set`` as its source."""
    problems = []
    for i, (key, value) in enumerate(overrides, start=1):
        parts = [p for p in key.split(".")]
        if not key or any(p == "" for p in parts):
            problems.append(Problem("--set", i, 1, key, "empty path segment"))
            continue
        node = located.data
        path: list[str | int] = []
        ok = True
        for part in parts[:-1]:
            idx: str | int = int(part) if isinstance(node, list) and part.isdigit() else part
            if isinstance(node, dict):
                if idx not in node:
                    node[idx] = {}
                    located.where[(*path, idx)] = ("--set", i, 1)
                node = node[idx]
            elif isinstance(node, list) and isinstance(idx, int) and idx < len(node):
                node = node[idx]
            else:
                problems.append(
                    Problem(
                        "--set",
                        i,
                        1,
                        key,
                        f"cannot descend into {'.'.join(map(str, path)) or 'scenario'}",
                    )
                )
                ok = False
                break
            path.append(idx)
        if not ok:
            continue
        last: str | int = parts[-1]
        if isinstance(node, list) and str(last).isdigit() and int(last) < len(node):
            last = int(last)
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            problems.append(Problem("--set", i, 1, key, "path does not lead to a field"))
            continue
        full = (*path, last)
        for p in [p for p in located.where if p[: len(full)] == full]:
            del located.where[p]
        located.where[full] = ("--set", i, 1)
    if problems:
        raise ScenarioError(problems)


def _apply_cast(located: Located, shown: str) -> list[Problem]:
    data = located.data
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
            hint = _did_you_mean(str(name), actors)
            problems.append(Problem(f, line, col, f"cast.{i}", f"unknown actor {name!r}{hint}"))
    if problems:
        return problems
    keep = set(cast)
    data["actors"] = {k: v for k, v in actors.items() if k in keep}
    relations = data.get("relations")
    if isinstance(relations, dict):
        kept = {}
        for rname, rel in relations.items():
            if not isinstance(rel, dict) or not _well_typed(rel):
                kept[rname] = rel  # malformed: left for validation to report
                continue
            rel = dict(rel)
            for key in ("members", "guarantors", "protects", "claimants", "basing_hosts"):
                if isinstance(rel.get(key), list):
                    rel[key] = [m for m in rel[key] if m in keep]
            for key in ("stake", "dependence"):
                if isinstance(rel.get(key), dict):
                    rel[key] = {m: v for m, v in rel[key].items() if m in keep}
            kind = rel.get("type")
            members = rel.get("members") or []
            if kind in ("rivalry", "economic") and len(members) < 2:
                continue
            if kind in ("alliance", "partnership") and (
                len(members) < 2 or rel.get("guarantors") == [] or rel.get("protects") == []
            ):
                continue
            if kind == "dispute" and (rel.get("holder") not in keep or not rel.get("claimants")):
                continue
            kept[rname] = rel
        dropped = set(relations) - set(kept)
        data["relations"] = kept
        for rel in kept.values():
            if isinstance(rel, dict) and isinstance(rel.get("covers"), list):
                rel["covers"] = [c for c in rel["covers"] if c not in dropped]
    return []


def _well_typed(rel: dict) -> bool:
    """Fields the cast touches hold names (lists of strings, string-keyed mappings, a string holder)."""
    for key in ("members", "guarantors", "protects", "claimants", "basing_hosts", "covers"):
        v = rel.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(m, str) for m in v)):
            return False
    for key in ("stake", "dependence"):
        v = rel.get(key)
        if v is not None and not isinstance(v, dict):
            return False
    holder = rel.get("holder")
    return holder is None or isinstance(holder, str)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest other name, or nothing (never the word itself)."""
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


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


def validation_problems(
    exc: ValidationError, located: Located, shown: str, field_names: list[str] | None = None
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
    unknown: list[tuple[int, str]] = []  # problems about an unknown field: hints are added below
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
                unknown.append((len(problems), str(path[-1])))
            elif err["type"] == "missing":
                msg = "required field is missing"
            f, line, col = located.locate(path, shown)
            problems.append(Problem(f, line, col, ".".join(map(str, path)), msg))
    shown_first = set(sorted(problems)[:MAX_SHOWN])
    for i, word in unknown:
        p = problems[i]
        if p in shown_first:
            hint = _did_you_mean(word, field_names or _FIELD_NAMES)
            problems[i] = dataclasses.replace(p, message=p.message + hint)
    return problems


def load_scenario(path: str | os.PathLike[str], overrides: Overrides = None) -> Scenario:
    """Load, merge, override and validate a scenario file; raise ``ScenarioError`` with every problem."""
    path = Path(path)
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
    located = _resolve_includes(real, find_root(real), (real,), shown)
    return validate_data(located, shown, overrides)


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


def validate_data(located: Located, shown: str, overrides: Overrides = None) -> Scenario:
    """Apply overrides and the cast to merged data, then validate and check references."""
    located = Located(copy.deepcopy(located.data), dict(located.where))
    apply_overrides(located, parse_overrides(overrides))
    problems = _apply_cast(located, shown)
    if problems:
        raise ScenarioError(problems)
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, located, shown)) from None
    problems = [
        Problem(*located.locate(p, shown), ".".join(map(str, p)), msg)
        for p, msg in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    return scenario

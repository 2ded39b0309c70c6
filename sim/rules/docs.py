"""Tables of docs/model.md and docs/architecture.md generated from the rule families' declarations.

Each table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``.
``python -m sim.rules.docs`` rewrites them; tests/rules/test_rules_registry.py fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.rules.family import RuleFamily
from sim.rules.registry import families, listed_terms, terms
from sim.rules.state import field_table


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def parameter_table(fams: tuple[RuleFamily, ...]) -> str:
    """Every rule parameter: name, default, family, meaning, source."""
    rows = ["| parameter | default | family | meaning | source |", "|---|---|---|---|---|"]
    for f in fams:
        for p in f.parameters:
            rows.append(
                f"| `rules.{p.name}` | {p.default:g} | {f.name} | {_cell(p.meaning)} | "
                f"{_cell(p.source)} |"
            )
    return "\n".join(rows)


def term_table(fams: tuple[RuleFamily, ...]) -> str:
    """Every utility term in explanation order: name, sign, family, formula, source."""
    owner = {t.name: (f, t) for f in fams for t in f.terms}
    rows = ["| term | sign | family | what it weighs | source |", "|---|---|---|---|---|"]
    for name in listed_terms(fams):
        f, t = owner[name]
        sign = "+" if t.sign > 0 else "−"
        rows.append(f"| `{name}` | {sign} | {f.name} | {_cell(t.meaning)} | {_cell(t.source)} |")
    return "\n".join(rows)


def family_table(fams: tuple[RuleFamily, ...]) -> str:
    """The registry in order: family, what it does, its parameters, terms and state fields."""
    rows = ["| # | family | what it does | parameters | terms | state it writes |"]
    rows.append("|---|---|---|---|---|---|")
    for i, f in enumerate(fams, 1):
        params = ", ".join(p.name for p in f.parameters) or "–"
        names = ", ".join(t.name for t in f.terms) or "–"
        fields = ", ".join(f.state_fields) or "–"
        rows.append(f"| {i} | `{f.name}` | {_cell(f.summary)} | {params} | {names} | {fields} |")
    return "\n".join(rows)


def state_table() -> str:
    """Every declared field of ``WorldState``."""
    rows = ["| field | shape | dtype | meaning |", "|---|---|---|---|"]
    rows += [f"| `{n}` | {s or '–'} | {d} | {_cell(m)} |" for n, s, d, m in field_table()]
    return "\n".join(rows)


def tables() -> dict[str, str]:
    """Generated tables by marker name."""
    fams = families()
    assert terms(fams), "no utility terms registered"
    return {
        "rule-parameters": parameter_table(fams),
        "utility-terms": term_table(fams),
        "rule-families": family_table(fams),
        "world-state": state_table(),
    }


def render(text: str) -> str:
    """``text`` with every generated block replaced by the current table."""
    for name, table in tables().items():
        pattern = re.compile(
            rf"(<!-- generated: {name} -->\n).*?(<!-- end generated: {name} -->)", re.S
        )
        text = pattern.sub(lambda m, t=table: f"{m.group(1)}{t}\n{m.group(2)}", text)
    return text


DOCS = ("model.md", "architecture.md")


def main(folder: str = "docs") -> int:
    """Rewrite the generated tables of docs/model.md and docs/architecture.md."""
    for name in DOCS:
        path = Path(folder) / name
        text = path.read_text()
        new = render(text)
        if new != text:
            tmp = path.with_suffix(".md.tmp")
            tmp.write_text(new)
            tmp.replace(path)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

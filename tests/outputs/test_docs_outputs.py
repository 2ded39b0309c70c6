"""The outputs README.md and docs/*.md show are what the commands print today, and a newcomer can
follow the README: how to get ``wargame`` on the PATH, and which extra the sweeps need.

Quick shown outputs are re-run here; slow ones (10,000-replicate runs, sweeps) are regenerated and
checked by ``wargame docs --outputs`` / ``--check-outputs``; timings are given as measured figures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT

from sim.outputs import shown

QUICK = [s for s in shown.find() if not s.slow and not s.missing()]


def test_the_docs_have_quick_and_slow_shown_outputs() -> None:
    every = shown.find()
    assert {s.file for s in every} >= {"README.md", "docs/sweeps.md", "docs/performance.md"}
    assert len(QUICK) >= 3 and any(s.slow for s in every)


@pytest.fixture(scope="module")
def workdir():
    with shown.workdir() as tmp:
        yield Path(tmp)


@pytest.mark.parametrize("block", QUICK, ids=[s.label[:70] for s in QUICK])
def test_quick_shown_output_is_current(block: shown.Shown, workdir: Path) -> None:
    assert shown.render(block, workdir) == block.body, (
        f"{block.label}: the shown output is stale; run `wargame docs --outputs`"
    )


def console_blocks(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m[1]) for m in re.finditer(r"```console\n(.*?)```", text, re.S)]


@pytest.mark.parametrize("name", shown.FILES)
def test_every_shown_wargame_output_is_generated(name: str) -> None:
    """A console block that shows what a `wargame` command printed sits between output markers."""
    text = (ROOT / name).read_text(encoding="utf-8")
    spans = [(s.start, s.end) for s in shown.find(ROOT, (name,))]
    for start, body in console_blocks(text):
        lines = body.splitlines()
        shows_output = any(
            not ln.startswith(("$ ", "#")) and "$ " not in ln[:12] for ln in lines if ln.strip()
        )
        if any(ln.startswith("$ ") and "wargame" in ln for ln in lines) and shows_output:
            assert any(a <= start < b for a, b in spans), (
                f"{name}: a console block at offset {start} shows output that is not generated"
            )


def quick_start(readme: str) -> str:
    return readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_quick_start_is_two_commands_and_says_how_to_get_wargame_on_the_path() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = quick_start(readme)
    commands = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert len(commands) == 2 and all(len(c.strip().splitlines()) == 1 for c in commands)
    assert ". .venv/bin/activate" in section
    # before the first bare `wargame` command of the README
    first_bare = re.search(r"^\$ (yes 1 \| )?wargame ", readme, re.M)
    assert first_bare and readme.index(". .venv/bin/activate") < first_bare.start()


def test_sweep_sections_name_the_extra_they_need() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sweeps = readme.split("## Sweeps", 1)[1].split("\n## ", 1)[0]
    assert '".[sensitivity]"' in sweeps and "dask" in sweeps
    doc = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    assert '".[sensitivity]"' in doc
    # the README's sweep uses the saltelli design, which is what needs SALib
    spec = (ROOT / "scenarios" / "sweeps" / "taiwan_deterrence.yaml").read_text(encoding="utf-8")
    assert "design: saltelli" in spec
    from sim.sweeps import design

    assert '".[sensitivity]"' in Path(design.__file__).read_text(encoding="utf-8")

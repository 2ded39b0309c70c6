"""A classroom game in headless Chromium: the facilitator's page and two team seats, end to end.

Debian's ``chromium`` driven by Playwright (``executable_path=/usr/bin/chromium``; never
``playwright install``). Skipped where either is missing, unless ``WARGAME_REQUIRE_BROWSER=1`` (set
by ``.ci/run``), which turns the skip into a failure. Screenshots go to the test's temporary folder,
and also to ``$WARGAME_SCREENSHOTS`` when set (``docs/img`` for the README).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest
from helpers import ROOT, Server

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _need(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("WARGAME_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {why}")
        pytest.skip(why, allow_module_level=True)


_need(find_spec("solara") is not None, "solara is not installed (viz extra)")
_need(find_spec("playwright") is not None, "playwright is not installed (test extra)")
_need(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

TIMEOUT = 20_000
expect.set_options(timeout=TIMEOUT)  # a shared, loaded machine: pages may take seconds to redraw


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    games = tmp_path_factory.mktemp("classroom") / "games"
    s = Server(games, aar_runs=2000, scenario="scenarios/senkaku_grey_zone.yaml")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def set_timer(fac: Page, seconds: int) -> None:
    """Type the turn timer until the facilitator's page shows it running. The inject fired just
    before redraws the facilitator's card, and a redraw can take the box away under the first
    Enter (seen once, with the suite on both cores of a loaded machine): then the timer never
    started and the teams' pages never showed a clock."""
    for attempt in range(3):
        box = fac.get_by_label("Turn timer")
        box.fill(str(seconds))
        box.press("Enter")
        try:
            expect(fac.locator(".wg-clock")).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


@pytest.fixture
def shots(tmp_path: Path) -> Iterator:
    extra = os.environ.get("WARGAME_SCREENSHOTS")

    def shot(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(extra) / path.name)
        assert path.stat().st_size > 10_000  # a rendered page, not a blank one
        return path

    yield shot


def open_page(browser: Browser, url: str) -> Page:
    """A page in its own browser context: each team is another device."""
    page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    return page


def choose(page: Page, label: str) -> None:
    """Click the first toggle button with this rung label."""
    page.get_by_role("button", name=label, exact=True).first.click()


def test_classroom_game_end_to_end(browser: Browser, server: Server, shots, tmp_path) -> None:
    fac = open_page(browser, f"{server.url}/facilitator?token={server.token}")
    expect(fac.get_by_text("New game")).to_be_visible()
    shots(fac, "classroom-setup")
    fac.get_by_label("Changed parameters").fill("turns.limit=3")
    fac.get_by_label("Changed parameters").press("Tab")
    fac.get_by_role("button", name="Start game").click()
    expect(fac.get_by_text("Waiting for: Blue, Red")).to_be_visible()
    fac.get_by_text("play the turn as soon as every team has moved").click()  # keep control
    expect(fac.get_by_label("play the turn as soon as every team has moved")).not_to_be_checked()
    expect(fac.locator("a[href*='/team?token=']")).to_have_count(0)  # hidden from the projector
    fac.get_by_text("show the team links").click()
    links = {
        name: fac.locator("a[href*='/team?token=']").nth(i).get_attribute("href")
        for i, name in enumerate(["Blue", "Red"])
    }
    assert all(links.values()) and links["Blue"] != links["Red"]

    # wrong tokens are refused, on both kinds of page
    for url in (
        f"{server.url}/team?token=not-a-token",
        f"{server.url}/team",
        f"{server.url}/facilitator?token=wrong",
        f"{server.url}/facilitator?token={links['Blue'].split('token=')[1]}",
    ):
        bad = open_page(browser, url)
        expect(bad.locator(".wg-refused")).to_be_visible()
        expect(bad.get_by_role("button", name="Submit move")).to_have_count(0)
        expect(bad.get_by_role("button", name="Play turn")).to_have_count(0)
        bad.context.close()

    blue = open_page(browser, links["Blue"])
    red = open_page(browser, links["Red"])
    expect(blue.get_by_text("Team Blue: Japan")).to_be_visible()
    expect(red.get_by_text("Team Red: China")).to_be_visible()

    # Blue moves (twice: a double click is harmless); Red's page never shows it
    expect(blue.get_by_text("Japan toward China · now Diplomatic protest")).to_be_visible()
    red_before = red.inner_text("body")
    choose(blue, "Grey-zone coercion")  # the first row: toward China
    submit = blue.get_by_role("button", name="Submit move")
    submit.dblclick()
    submit.click()
    expect(blue.locator(".wg-pending")).to_contain_text("Japan toward China: Grey-zone coercion")
    expect(fac.locator(".wg-waiting")).to_contain_text("Waiting for: Red")
    shots(blue, "classroom-team-blue")
    red.wait_for_timeout(1000)  # give a leak the time to arrive
    assert red.inner_text("body") == red_before  # nothing of Blue's move reaches Red's page
    assert "Japan toward China" not in red.content()
    status, blue_view = server.request("GET", f"/api/view?token={links['Blue'].split('=')[1]}")
    assert status == 200
    assert list(blue_view["pending"]) == ["Japan"]  # one move for the turn, however many clicks
    assert blue_view["pending"]["Japan"]["China"] == "grey_zone"

    # Red closes its tab and comes back: nothing is lost, the server is fine
    red.context.close()
    red = open_page(browser, links["Red"])
    expect(red.get_by_text("Team Red: China")).to_be_visible()
    red.get_by_role("button", name="Submit move").click()
    expect(red.locator(".wg-pending")).to_be_visible()
    assert "Japan toward China" not in red.inner_text("body")
    shots(red, "classroom-team-red")

    # every team has moved: the facilitator plays the turn
    expect(fac.locator(".wg-waiting")).to_contain_text("Every team has moved")
    fac.get_by_role("button", name="Play turn").click()
    expect(fac.get_by_text(re.compile(r"turn 1 of 3"))).to_be_visible()
    expect(blue.get_by_text("Your move for turn 2")).to_be_visible()
    expect(blue.locator(".wg-log")).to_contain_text("Japan")  # its own explained move
    shots(fac, "classroom-facilitator")

    # a what-if with a changed parameter, with its progress and its table
    fac.get_by_label("Other changes").fill("rules.deterrence=2")
    fac.get_by_label("Other changes").press("Tab")
    fac.get_by_label("Simulated games").fill("400")
    fac.get_by_label("Simulated games").press("Tab")
    fac.get_by_role("button", name="Run what-if").click()
    expect(fac.locator(".wg-whatif-result")).to_contain_text("rules.deterrence=2")
    expect(fac.locator(".wg-whatif-result")).to_contain_text("baseline")

    # the game runs itself: the last team to move plays turn 2
    fac.get_by_text("play the turn as soon as every team has moved").click()
    blue.get_by_role("button", name="Submit move").click()
    expect(fac.locator(".wg-waiting")).to_contain_text("Waiting for: Red")
    red.get_by_role("button", name="Submit move").click()
    expect(fac.get_by_text(re.compile(r"turn 2 of 3"))).to_be_visible()

    # an inject, and a turn timer: when time is up the engine plays both (absent) teams
    fac.get_by_role("button", name="Fire inject").click()
    set_timer(fac, 3)
    expect(red.locator(".wg-clock")).to_contain_text("Time left this turn: 0:0")
    expect(fac.get_by_text("Game over after 3 turns")).to_be_visible(timeout=30_000)
    expect(fac.locator(".wg-aar")).to_contain_text("Your game ended in", timeout=60_000)
    expect(fac.get_by_role("button", name="After-action report (HTML)")).to_be_visible()
    expect(blue.get_by_text("The game is over")).to_be_visible()
    shots(fac, "classroom-after-action")

    with fac.expect_download() as dl:
        fac.get_by_role("button", name="Transcript (JSONL)").click()
    transcript = tmp_path / "transcript.jsonl"
    dl.value.save_as(transcript)
    lines = transcript.read_text().splitlines()
    assert '"kind": "start"' in lines[0] and '"kind": "end"' in lines[-1]

    # reload the saved game: same state, the teams' links still work, replay by turn
    fac.get_by_role("button", name="New game").click()
    fac.get_by_role("button", name="Reload").click()
    expect(fac.get_by_text("Game over after 3 turns")).to_be_visible()
    expect(fac.get_by_text("Replay: show turn")).to_be_visible()
    blue.reload()
    expect(blue.get_by_text("The game is over")).to_be_visible()
    assert server.alive()


IMG = "<img src=x onerror=\"window.__xss='img';alert(1)\">"
VUE = "{{ constructor.constructor('window.__xss=\"vue\"; alert(2)')() }}"
SCRIPT = "<script>window.__xss='script'</script>"


def hostile_scenario(folder: Path) -> Path:
    """Senkaku with script in its title, briefing and every description (injects, outcomes)."""
    import json

    shutil.copytree(ROOT / "scenarios" / "library", folder / "library")
    text = (ROOT / "scenarios" / "senkaku_grey_zone.yaml").read_text()
    briefing = re.search(r"^briefing: >\n(?:  .*\n)+", text, re.M)
    assert briefing
    text = text.replace(briefing.group(0), f"briefing: {json.dumps('Brief ' + VUE + SCRIPT)}\n")
    text = re.sub(r"^title: .*$", f"title: {json.dumps('Title ' + IMG)}", text, flags=re.M)
    text = re.sub(
        r"^(\s+)description: .*$",
        lambda m: f"{m.group(1)}description: {json.dumps('Said ' + IMG + VUE)}",
        text,
        flags=re.M,
    )
    path = folder / "hostile.yaml"
    path.write_text(text)
    return path


def test_user_and_scenario_text_is_shown_literally_never_run(
    browser: Browser, tmp_path: Path
) -> None:
    scenario = hostile_scenario(tmp_path)
    server = Server(tmp_path / "games", aar_runs=200, scenario=str(scenario))
    dialogs: list[str] = []

    def watch(page: Page) -> Page:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        return page

    def ran(page: Page) -> object:
        return page.evaluate("() => window.__xss")

    try:
        fac = watch(open_page(browser, f"{server.url}/facilitator?token={server.token}"))
        expect(fac.get_by_text("New game")).to_be_visible()
        fac.get_by_label("Team 1").fill(IMG)
        fac.get_by_label("Team 1").press("Tab")
        fac.get_by_label("Team 2").fill(VUE)
        fac.get_by_label("Team 2").press("Tab")
        fac.get_by_label("Changed parameters").fill("turns.limit=2")
        fac.get_by_label("Changed parameters").press("Tab")
        fac.get_by_role("button", name="Start game").click()
        expect(fac.locator(".wg-waiting")).to_contain_text(f"Waiting for: {IMG}, {VUE}")
        fac.get_by_text("play the turn as soon as every team has moved").click()
        fac.get_by_text("show the team links").click()
        link = fac.locator("a[href*='/team?token=']").first.get_attribute("href")
        assert link
        team = watch(open_page(browser, link))
        expect(team.locator("h1")).to_contain_text("Japan")
        team.wait_for_timeout(1000)
        for page in (fac, team):  # no script ran, no image was made of a name
            assert ran(page) is None, ran(page)
            expect(page.locator("img[src=x]")).to_have_count(0)
        assert dialogs == []

        expect(fac.locator(".wg-seat").first).to_contain_text(IMG)
        expect(fac.locator(".wg-seat").nth(1)).to_contain_text(VUE)
        expect(team.locator("h1")).to_contain_text(f"Team {IMG}: Japan")
        body = team.locator("body")
        expect(body).to_contain_text(f"Title {IMG}")
        expect(body).to_contain_text(f"Brief {VUE}{SCRIPT}")

        # an inject (its description in the event log) and a what-if with script in its text
        fac.get_by_role("button", name="Fire inject").click()
        fac.get_by_role("button", name="Force turn").click()
        expect(fac.get_by_text(re.compile(r"turn 1 of 2"))).to_be_visible()
        expect(fac.locator(".wg-log").first).to_contain_text(f"Said {IMG}{VUE}")
        expect(team.locator(".wg-log").first).to_contain_text(f"Said {IMG}{VUE}")
        whatif = f"rules.deterrence=2 # {IMG}{VUE}"
        fac.get_by_label("Other changes").fill(whatif)
        fac.get_by_label("Other changes").press("Tab")
        fac.wait_for_timeout(1000)  # the text box's value reaches the server
        fac.get_by_role("button", name="Run what-if").click()
        expect(fac.locator(".wg-whatif-result")).to_contain_text(f"changed: {whatif}")

        # the end: the review quotes the outcome's description
        fac.get_by_role("button", name="Force turn").click()
        expect(fac.locator(".wg-aar")).to_contain_text(f"Said {IMG}{VUE}", timeout=60_000)
        expect(team.locator(".wg-aar")).to_contain_text(f"Said {IMG}{VUE}", timeout=30_000)
        for page in (fac, team):
            expect(page.locator("img[src=x]")).to_have_count(0)
            assert ran(page) is None, ran(page)
        assert dialogs == []
    finally:
        server.stop()

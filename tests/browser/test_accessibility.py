"""Accessibility: axe-core on every page in both languages, and the keyboard alone.

axe-core (pinned, from the npm registry) checks the rendered page against WCAG rules;
serious and critical violations fail the test, with each rule, its impact and the
elements it found, so that the fix is easy to find.
"""

from __future__ import annotations

import re

import pytest
from conftest import wait_for_app
from playwright.sync_api import Page, expect

from tests.apptest import PAGES

pytestmark = pytest.mark.browser

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    count: v.nodes.length,
  }));
}"""
BLOCKING = ("serious", "critical")


def violations(page: Page, axe: str) -> list[dict]:
    page.add_script_tag(content=axe)
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(page: Page, app_url: str, axe: str, name, lang):
    page.goto(f"{app_url}/{name}?lang={lang}")
    wait_for_app(page)
    found = violations(page, axe)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    summary = "\\n".join(
        f"{v['impact']} {v['id']} ({v['count']}): {v['help']} {v['nodes']}" for v in found
    )
    print(f"{name} {lang}: {len(found)} rules violated\\n{summary}")
    assert not blocking, summary


FOCUSED = """() => {
  const e = document.activeElement;
  return [e.tagName, e.getAttribute("role") || "", e.getAttribute("aria-label") || "",
          (e.textContent || "").trim().slice(0, 40)].join(" | ");
}"""


def test_the_keyboard_alone_reaches_and_uses_every_control(page: Page, app_url: str):
    """Tab through the Prune page: the page links, the language, the model's controls, the
    strategy and the slider all take the focus; the arrows move the slider, and Enter on
    a page link changes the page."""
    page.goto(f"{app_url}/prune")
    wait_for_app(page)
    seen = []
    for _ in range(120):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if "Sparsity" in seen[-1]:
            break
    text = "\n".join(seen)
    for control in ("Curves", "English", "Hidden layers", "Seed", "Strategy", "Sparsity"):
        assert control in text, f"{control} never took the focus:\n{text}"
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "87%")
    expect(page.get_by_test_id("stMetric").filter(has_text="Sparsity").first).to_contain_text(
        "87.0%"
    )
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Curves").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Curves"))).to_be_visible()

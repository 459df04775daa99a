"""The dashboard in a real browser: slider, shared links, language, and every page."""

import io
import re

import numpy as np
import pytest
from conftest import wait_for_app, wait_until_still
from playwright.sync_api import Page, expect

from tests.apptest import PAGES

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # a classroom laptop under load is slow; waiting is not failing

METRIC = "[data-testid='stMetricValue']"


def live_chart(page: Page):
    chart = page.locator("[data-testid='stLiveChart']")
    chart.locator(".main-svg").first.wait_for(timeout=30_000)
    return chart


def counts_chart_text(page: Page) -> list[str]:
    """The density labels of the surviving-weights bars (labelled layout shapes)."""
    return live_chart(page).locator("text.shape-label-text").all_text_contents()


def test_slider_moves_accuracy_and_charts(page: Page, app_url: str):
    page.goto(f"{app_url}/prune")
    wait_for_app(page)
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    expect(slider).to_have_attribute("aria-valuetext", "90%")
    accuracy = page.locator(METRIC).first
    before_accuracy, before_bars = accuracy.inner_text(), counts_chart_text(page)
    chart = live_chart(page).element_handle()
    draws = int(chart.get_attribute("data-drawn"))
    slider.focus()
    for _ in range(40):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "50%")
    expect(accuracy).not_to_have_text(before_accuracy, timeout=30_000)
    wait_for_app(page)
    assert float(accuracy.inner_text().rstrip("%")) > float(before_accuracy.rstrip("%"))
    assert counts_chart_text(page) != before_bars
    assert "sparsity=50" in page.url
    # the chart was updated in place, not thrown away and drawn anew
    assert int(chart.get_attribute("data-drawn")) > draws
    assert chart.evaluate("node => node.isConnected")
    # the browser writes the sparsity into the address bar (a bound slider), and leaves
    # it out at the default, like every other control; steps add no history entries
    history = page.evaluate("history.length")
    page.keyboard.press("PageUp")  # +10%
    expect(page).to_have_url(re.compile(r"sparsity=60$"))
    for _ in range(3):
        page.keyboard.press("PageUp")
    expect(slider).to_have_attribute("aria-valuetext", "90%")
    expect(page).to_have_url(re.compile(r"/prune$"))
    assert page.evaluate("history.length") == history


def chart_pixels(page: Page) -> np.ndarray:
    from PIL import Image

    page.mouse.move(1, 1)  # no hover label in the picture
    png = live_chart(page).screenshot(animations="disabled")
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_a_chart_moved_in_place_looks_like_a_fresh_drawing(page: Page, app_url: str):
    """The live chart's fast path (Plotly.relayout of the shapes and images instead of a
    full redraw) must draw exactly what a full drawing of the same figure shows."""
    page.goto(f"{app_url}/prune")
    wait_for_app(page)
    chart = live_chart(page).element_handle()
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    slider.focus()
    for value in (89, 88, 87, 86):
        page.keyboard.press("ArrowLeft")
        expect(slider).to_have_attribute("aria-valuetext", f"{value}%")
        wait_for_app(page)
    page.wait_for_function("node => Number(node.dataset.moved) >= 3", arg=chart)
    wait_until_still(page, live_chart(page))
    moved = chart_pixels(page)
    page.goto(f"{app_url}/prune?sparsity=86")
    wait_for_app(page)  # waits until every chart is still
    fresh = chart_pixels(page)
    assert moved.shape == fresh.shape
    differs = np.abs(moved - fresh).max(axis=2) > 64  # beyond anti-aliasing
    assert differs.mean() < 0.001, f"{differs.sum()} pixels differ"


def test_hover_text_follows_fast_steps(page: Page, app_url: str):
    """The pixel map's hover counts are left out of a fast step and brought up to date
    when the pointer comes over the chart: the hover must show the new count."""
    page.goto(f"{app_url}/prune?sparsity=0")
    wait_for_app(page)
    chart = live_chart(page)
    pixels = chart.locator(".draglayer .x4y4 .nsewdrag")  # the pixel map's panel
    pixels.hover()
    hover = chart.locator(".hoverlayer .hovertext")
    expect(hover).to_contain_text("connections kept by this pixel: 100")  # unpruned: all 100 units
    page.mouse.move(1, 1)
    moved = int(chart.get_attribute("data-moved") or 0)
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    slider.focus()
    page.keyboard.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "100%")
    wait_for_app(page)
    assert int(chart.get_attribute("data-moved")) > moved  # a fast step, not a redraw
    pixels.hover()
    expect(hover).to_have_text(re.compile(r"connections kept by this pixel: 0$"))


def test_other_pages_keep_the_sparsity_in_their_link(page: Page, app_url: str):
    """The slider writes ``sparsity`` into the URL itself on /prune; on the other pages,
    where it is not drawn, the server writes it like every other control."""
    page.goto(f"{app_url}/prune?strategy=layer_magnitude")
    wait_for_app(page)
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"sparsity=85"))
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Inspect").click()
    expect(page.get_by_role("heading", name="Inspect")).to_be_visible()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/inspect\?.*sparsity=85"))
    assert "strategy=layer_magnitude" in page.url


def test_one_back_press_returns_to_the_previous_page(page: Page, app_url: str):
    """A page change is one history entry: the address updates that follow it replace it."""
    page.goto(f"{app_url}/prune?strategy=layer_magnitude&sparsity=70")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    for name in ("Inspect", "Curves"):
        nav.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1, name=re.compile(f"^{name}"))).to_be_visible()
        wait_for_app(page)
    page.go_back()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Inspect"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/inspect\?.*sparsity=70"))
    wait_for_app(page)
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Prune")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("slider", name=re.compile("Sparsity"))).to_have_attribute(
        "aria-valuetext", "70%"
    )
    expect(page.get_by_role("combobox", name="Strategy")).to_have_value("Magnitude, per layer")


def test_shared_link_restores_the_view(page: Page, app_url: str):
    page.goto(f"{app_url}/prune?strategy=layer_magnitude&sparsity=80")
    wait_for_app(page)
    expect(page.get_by_role("slider", name=re.compile("Sparsity"))).to_have_attribute(
        "aria-valuetext", "80%"
    )
    expect(page.get_by_role("combobox", name="Strategy")).to_have_value("Magnitude, per layer")
    assert page.url.endswith("/prune?strategy=layer_magnitude&sparsity=80")


def test_copy_link_copies_the_view(page: Page, app_url: str):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(f"{app_url}/prune?sparsity=80")
    wait_for_app(page)
    link = f"{app_url}/prune?sparsity=80"
    expect(page.get_by_role("textbox", name="Link to this view")).to_have_value(link)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    slider.focus()
    page.keyboard.press("ArrowLeft")  # the box follows the view, though it is not redrawn
    expect(page.get_by_role("textbox", name="Link to this view")).to_have_value(
        f"{app_url}/prune?sparsity=79"
    )


def test_hostile_link_falls_back_with_a_notice(page: Page, app_url: str):
    page.goto(f"{app_url}/prune?sparsity=%3Cscript%3Ealert(1)%3C/script%3E&strategy=nope")
    wait_for_app(page)
    expect(page.get_by_role("slider", name=re.compile("Sparsity"))).to_have_attribute(
        "aria-valuetext", "90%"
    )
    expect(page.get_by_text("was not valid").first).to_be_visible()
    assert page.locator("script:text('alert(1)')").count() == 0


def test_switch_to_chinese(page: Page, app_url: str, screenshots):
    page.goto(f"{app_url}/prune?strategy=layer_magnitude&sparsity=70")
    wait_for_app(page)
    page.get_by_role("radio", name="中文").click()
    expect(page.get_by_role("heading", name="剪枝")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("验证准确率").first).to_be_visible()
    # every label, including the chosen options of select boxes, and the state survive
    expect(page.get_by_role("combobox", name="剪枝策略")).to_have_value("按幅值，逐层")
    expect(page.get_by_role("combobox", name="数据集")).to_have_value("手写数字（8×8 图像）")
    expect(page.get_by_role("slider", name=re.compile("稀疏度"))).to_have_attribute(
        "aria-valuetext", "70%"
    )
    assert "lang=zh" in page.url
    whole_page_screenshot(page, screenshots / "prune-zh.png")


def whole_page_screenshot(page: Page, path) -> None:
    """Save the whole page for the README. Streamlit scrolls its main area inside the
    window, so a "full page" screenshot would show one window's height: the window is
    made as tall as the content first (at most 8000 px)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(8000, max(1000, height))})
    wait_for_app(page)  # charts follow the new size
    page.screenshot(path=path)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders(page: Page, app_url: str, screenshots, name):
    page.goto(f"{app_url}/{name}")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    if name == "lottery":  # the experiment runs on request only: run it for the picture
        page.get_by_role("button", name="Run the experiment").click()
        expect(page.locator("[data-testid='stPlotlyChart']")).to_be_visible(timeout=120_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
    whole_page_screenshot(page, screenshots / f"{name}.png")

"""Every screen in the room: phones, tablets, laptops and the projector, in both languages.

No text in any chart may overlap other text at any of the widths a classroom has; the
presenter view fits a 1280 x 720 projector; the slider works by touch on a phone. The
screenshots of Prune, Curves and Cost at 390 x 844 and 1280 x 720 are saved for a person
to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CHARTS, wait_for_app
from playwright.sync_api import Browser, Page, expect

from tests.apptest import PAGES

pytestmark = pytest.mark.browser

OVERLAPS = (Path(__file__).with_name("overlaps.js")).read_text(encoding="utf-8")
WIDTHS = (1400, 1280, 1024, 768, 390)  # desktop, laptop, small laptop, tablet, phone
RUN = {"en": "Run the experiment", "zh": "运行实验"}
METRICS = {
    "en": ("Validation accuracy", "Sparsity", "Compression"),
    "zh": ("验证准确率", "稀疏度", "压缩比"),
}


def overlaps_at_every_width(page: Page) -> dict[int, list]:
    """Text boxes that overlap in the page's charts, at each width (the page reflows)."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(100)  # the resize reaches the charts on the next frame
        wait_for_app(page)
        found[width] = page.evaluate(OVERLAPS, CHARTS)
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_overlaps_in_any_chart(page: Page, app_url: str, lang: str):
    """Titles, tick labels, axis titles, legends and annotations, every chart, every page
    (the lottery after its experiment has run), at 390 to 1400 px."""
    problems, charts = [], {}
    for name in PAGES:
        page.set_viewport_size({"width": WIDTHS[0], "height": 1000})
        page.goto(f"{app_url}/{name}?lang={lang}")
        wait_for_app(page)
        if name == "lottery":
            page.get_by_role("button", name=RUN[lang]).click()
            expect(page.locator("[data-testid='stPlotlyChart']")).to_be_visible(timeout=120_000)
            wait_for_app(page)
        charts[name] = page.locator(CHARTS).count()
        for width, pairs in overlaps_at_every_width(page).items():
            problems += [(name, width, *pair) for pair in pairs]
    # the check saw the charts it is about: every page that draws charts drew them
    drawing = ("prune", "train", "curves", "lottery", "inspect", "sensitivity", "cost")
    assert all(charts[name] >= 1 for name in drawing), f"{charts}"
    assert charts["inspect"] >= 4 and charts["cost"] >= 4, f"{charts}"
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_presenter_view_fits_a_projector(browser: Browser, app_url: str, lang: str):
    """``view=present`` at 1280 x 720: strategy, slider, the three numbers and the whole
    figure on the first screen, without scrolling."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/prune?view=present&lang={lang}")
    wait_for_app(page)
    screen = {"x": 0, "y": 0, "width": 1280, "height": 720}

    def inside(locator) -> None:
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= screen["width"], box
        assert box["y"] + box["height"] <= screen["height"], box

    main = page.get_by_test_id("stMain")
    inside(main.locator(CHARTS).first)
    inside(main.get_by_role("slider", name=re.compile("Sparsity|稀疏度")))
    inside(main.get_by_role("combobox").first)  # the strategy
    for label in METRICS[lang]:
        inside(page.get_by_test_id("stMetric").filter(has_text=label).first)
    assert page.evaluate("document.scrollingElement.scrollTop") == 0
    page.close()


def test_the_slider_works_by_touch_on_a_phone(browser: Browser, app_url: str):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{app_url}/prune")
    wait_for_app(page)
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    slider.scroll_into_view_if_needed()
    widget = page.get_by_test_id("stMain").get_by_test_id("stSlider").filter(has=slider)
    track = widget.locator("[data-orientation='horizontal'][style*='touch-action']").first
    box = track.bounding_box()
    page.touchscreen.tap(box["x"] + 0.3 * box["width"], box["y"] + box["height"] / 2)
    expect(slider).not_to_have_attribute("aria-valuetext", "90%")
    value = int(slider.get_attribute("aria-valuetext").rstrip("%"))
    assert 10 <= value <= 50  # where the finger was
    sparsity = page.get_by_test_id("stMetric").filter(has_text="Sparsity").first
    expect(sparsity).to_contain_text(f"{value}.0%")
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_of_every_screen(browser: Browser, app_url: str, screenshots, lang: str):
    """Prune, Curves and Cost on a phone and on the projector (presenter view), saved for
    a person to look at; each page renders without an error."""
    for (width, height), view in (((390, 844), "default"), ((1280, 720), "present")):
        mobile = width < 500
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
        )
        page = context.new_page()
        for name in ("prune", "curves", "cost"):
            page.goto(f"{app_url}/{name}?lang={lang}&view={view}")
            wait_for_app(page)
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=screenshots / f"screen-{width}x{height}-{name}-{lang}.png")
        context.close()


def test_a_class_uploads_its_own_table_and_prunes_it(
    page: Page, app_url: str, tmp_path, screenshots
):
    """The sidebar's "Your data": a 2,000-row, 50-feature CSV, from the file chooser to a
    pruned model on the Prune page (the time is printed, for the README)."""
    import time

    import numpy as np

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 2000)
    X = rng.normal(size=(2000, 50)) + labels[:, None] * 0.8
    lines = [",".join(f"f{j}" for j in range(50)) + ",grade"]
    lines += [",".join(f"{v:.3f}" for v in x) + f",g{y}" for x, y in zip(X, labels, strict=True)]
    path = tmp_path / "grades.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.goto(f"{app_url}/prune")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name=re.compile("Dataset")).click()
    page.get_by_role("option", name=re.compile("Your data")).click()
    wait_for_app(page)
    start = time.perf_counter()
    sidebar.locator("input[type='file']").set_input_files(path)
    sidebar.get_by_role("button", name="Use this table").click()
    expect(
        sidebar.get_by_text(re.compile("Read 2,000 rows: 50 features and 4 classes"))
    ).to_be_visible(timeout=120_000)
    # the Prune page on the new table: no pixel map, and its own chart and numbers
    expect(page.get_by_text("This dataset has no image inputs")).to_be_visible(timeout=120_000)
    expect(page.locator(CHARTS)).to_have_count(1, timeout=120_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Sparsity").first).to_contain_text(
        "90.0%"
    )
    seconds = time.perf_counter() - start
    print(f"2,000 x 50 CSV: upload to a pruned model on /prune in {seconds:.1f} s")
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator(CHARTS).count() == 1
    page.screenshot(path=screenshots / "own-data.png")

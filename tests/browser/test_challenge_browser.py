"""The class challenge in real browsers: entries appear on every open /challenge by themselves.

This module starts its own server (it overrides ``app_url``) so the board is a temporary
SQLite file, never the teacher's real one, whichever browser tests ran before.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import streamlit_server, wait_for_app
from playwright.sync_api import Browser, Page, expect

from classroom import Board

pytestmark = pytest.mark.browser
SMALL = "dataset=iris&hidden=5&epochs=50"  # a model that trains in a second or two
REFRESH_TIMEOUT = 15_000  # ms: the board refreshes every 5 s


@pytest.fixture(scope="module")
def board_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('board') / 'board.db'}"
    board = Board(url)
    board.set_settings(open=True, target=0.5, dataset="iris")
    board.dispose()
    return url


@pytest.fixture(scope="module")
def app_url(board_url):
    """Like conftest's ``app_url``, with ``PRUNING_BOARD_URL`` pointing at a temporary board."""
    with streamlit_server(env={"PRUNING_BOARD_URL": board_url}) as url:
        yield url


def players(page: Page):
    return (
        page.locator("[data-testid='stMetric']")
        .filter(has_text="Players")
        .locator("[data-testid='stMetricValue']")
    )


def test_a_new_entry_appears_without_reloading(browser: Browser, app_url, board_url):
    """Another student's entry (stored by the server) shows up on an open board by itself."""
    from pruning import load_dataset, train

    viewer = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = viewer.new_page()
    page.goto(f"{app_url}/challenge?{SMALL}")
    wait_for_app(page)
    before = int(players(page).inner_text())
    data = load_dataset("iris")
    net = train(data, hidden=(5,), max_iter=50)
    config = {"dataset": "iris", "hidden": "5", "activation": "relu", "solver": "sgd",
              "lr": 0.1, "epochs": 50, "seed": 0}  # fmt: skip
    Board(board_url).submit("Zhang 三", config, "layer_magnitude", 0.2, network=net, data=data)
    expect(players(page)).to_have_text(str(before + 1), timeout=REFRESH_TIMEOUT)
    expect(page.get_by_text("Zhang 三").first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    viewer.close()


def test_one_student_submits_and_another_sees_it(browser: Browser, app_url, board_url):
    """Two browser contexts: one submits from the Prune page, the other watches /challenge.

    The student moves the slider first: the form sits outside the slider's fragment and
    must submit the slider's latest position, not the one it was drawn with."""
    student = browser.new_context(viewport={"width": 1400, "height": 1000})
    watcher = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = watcher.new_page()
    board.goto(f"{app_url}/challenge?{SMALL}")
    wait_for_app(board)
    before = int(players(board).inner_text())

    prune = student.new_page()
    prune.goto(f"{app_url}/prune?{SMALL}&sparsity=40")
    wait_for_app(prune)
    nickname = prune.get_by_role("textbox", name="Nickname")
    nickname.wait_for(timeout=30_000)
    nickname.fill("Ada <b>")  # refused: the server says why
    prune.get_by_role("button", name="Submit").click()
    expect(prune.get_by_text("may hold only letters")).to_be_visible(timeout=30_000)
    slider = prune.get_by_role("slider", name="Sparsity: share of weights removed")
    slider.focus()
    for _ in range(5):
        prune.keyboard.press("ArrowRight")
    expect(slider).to_have_value("45")
    link = prune.get_by_role("textbox", name="Link to this view")
    expect(link).to_have_value(re.compile(r"/prune\?.*sparsity=45"))
    query = dict(parse_qsl(urlsplit(link.input_value()).query))
    assert query == {"dataset": "iris", "hidden": "5", "epochs": "50", "sparsity": "45"}
    nickname.fill("Ada")
    prune.get_by_role("button", name="Submit").click()
    expect(prune.get_by_text("is #")).to_be_visible(timeout=30_000)
    [ada] = [e for e in Board(board_url).standings() if e.nickname == "Ada"]
    assert ada.requested_sparsity == pytest.approx(0.45)

    expect(players(board)).to_have_text(str(before + 1), timeout=REFRESH_TIMEOUT)
    # the table is drawn on a canvas; its accessible grid carries the text
    cells = board.locator("[data-testid='stDataFrame'] td").filter(has_text=re.compile("^Ada$"))
    expect(cells.first).to_be_attached()
    # the student's own board marks the entry as theirs
    prune.get_by_role("link", name="See the leaderboard").click()
    wait_for_app(prune)
    expect(prune.get_by_text("Ada, you are #")).to_be_visible(timeout=30_000)
    student.close()
    watcher.close()

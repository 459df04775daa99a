"""A replica of the class deployment killed under a real browser (``deployment`` fixture:
PostgreSQL, Dask, two Streamlit replicas and HAProxy, as ``make class`` starts them)."""

from __future__ import annotations

import re
import signal
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from classroom import Board


@pytest.mark.browser
def test_a_replica_killed_mid_lesson_costs_its_students_seconds(deployment, browser):
    """kill -9 on the replica a student is on: the browser reconnects through the proxy
    to the other replica and shows the same view from its URL; the other replica's
    students notice nothing; the board loses nothing."""
    url, started, board_url = deployment
    Board(board_url).set_settings(open=True, target=0.0)
    lesson = f"{url}/prune?strategy=layer_magnitude&sparsity=80"
    pages = {}
    for replica in started:  # one student on each replica
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_cookies([{"name": "PLAYGROUND_REPLICA", "value": replica.name, "url": url}])
        page = context.new_page()
        page.goto(lesson)
        page.get_by_role("slider", name=re.compile("Sparsity")).wait_for(timeout=90_000)
        pages[replica.name] = page
    victim, bystander = started
    entered = pages[victim.name]  # the victim's student enters the challenge first
    entered.get_by_role("textbox", name="Nickname").fill("Ada")
    entered.get_by_role("button", name="Submit my pruning").click()
    entered.get_by_text(re.compile("Ada")).first.wait_for(timeout=60_000)
    board = Board(board_url)
    assert [e.nickname for e in board.standings()] == ["Ada"]
    victim.process.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 10
    for name in (bystander.name, victim.name):  # both students keep working, within 10 s
        page = pages[name]
        step_and_see(page, deadline)
        assert "strategy=layer_magnitude" in page.url, name
    assert bystander.process.poll() is None
    answer = pages[victim.name].request.get(f"{url}/_stcore/health")  # with its cookies
    assert answer.headers["x-replica"] == bystander.name  # the proxy moved it over
    assert [e.nickname for e in board.standings()] == ["Ada"]  # nothing lost
    board.dispose()


CONNECTED = "() => !document.querySelector('[data-testid=stStatusWidget]')"
SHOWS = (
    "(v) => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
    ".some(m => m.textContent.trim() === v)"
)


def step_and_see(page, deadline: float) -> None:
    """Move the slider one step and wait for the server's answer (the Sparsity number
    follows the slider), by ``deadline``. A killed replica's page reconnects to the live one
    and reloads from its URL (``pages/ui/reconnect.py``); a step taken meanwhile is lost,
    so the student tries again, as a student would."""
    slider = page.get_by_role("slider", name=re.compile("Sparsity"))
    while True:
        left = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            page.wait_for_function(CONNECTED, timeout=left)
            slider.focus(timeout=left)
            page.keyboard.press("ArrowLeft")
            value = slider.get_attribute("aria-valuetext", timeout=left).rstrip("%")
            page.wait_for_function(SHOWS, arg=f"{value}.0%", timeout=min(2000.0, left))
            return
        except PlaywrightError:  # a timeout, or the reload replaced the page meanwhile
            if time.monotonic() >= deadline:
                raise

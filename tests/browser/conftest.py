"""Real-browser fixtures: a fresh `streamlit run` on a free port, driven by Debian's Chromium.

Locally the tests skip, with a message, when /usr/bin/chromium is missing. In CI (CI=true)
they fail instead: a browser test that silently skips in CI proves nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests/perf imports this file from outside pytest
from deploy.processes import free_port, wait_until_healthy  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHARTS = "[data-testid='stPlotlyChart'], [data-testid='stLiveChart']"  # live_chart's own id


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium to run these")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1400, "height": 1000}, "locale": "en-US"}


@contextlib.contextmanager
def streamlit_server(script: str = "app.py", env: dict | None = None):
    """Run ``streamlit run script`` on a free port; yield its URL once /_stcore/health answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, f"streamlit run {script}", proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_app(page) -> None:
    """Wait until the script has finished, placeholders are gone and charts have drawn."""
    from playwright.sync_api import expect

    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=90_000)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=90_000)
    # work on the cluster shows a spinner or a progress bar until its chart arrives
    for busy in ("stSpinner", "stProgress"):
        expect(page.locator(f"[data-testid='{busy}']")).to_have_count(0, timeout=120_000)
    charts = page.locator(CHARTS)
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(timeout=60_000)
        wait_until_still(page, charts.nth(i))


# True once nothing inside ``node`` has changed for QUIET ms and the fonts are loaded.
STILL = """([node, quiet]) => {
  if (!node.__still) {
    node.__changed = performance.now();
    node.__still = new MutationObserver(() => { node.__changed = performance.now(); });
    node.__still.observe(node, {subtree: true, childList: true, attributes: true,
                                characterData: true});
  }
  return document.fonts.status === "loaded" && performance.now() - node.__changed > quiet;
}"""
QUIET = 300  # ms without a change: Plotly has finished drawing (it draws in bursts)


def wait_until_still(page, locator) -> None:
    """Wait until the element's drawing has settled: no DOM change for ``QUIET`` ms."""
    page.wait_for_function(STILL, arg=[locator.element_handle(), QUIET], timeout=60_000)


@pytest.fixture(scope="session")
def app_url():
    """The dashboard, started fresh for the browser tests."""
    with streamlit_server() as url:
        yield url


AXE_VERSION = "4.14.1"  # axe-core from the npm registry, pinned
AXE_DIR = ROOT / ".cache" / f"axe-core-{AXE_VERSION}"


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's browser script, installed once with npm into ``.cache`` (gitignored).

    A machine without npm fails the accessibility tests instead of skipping them.
    """
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility tests")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
             f"axe-core@{AXE_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

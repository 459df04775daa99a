"""The server settings a classroom relies on, read from ``.streamlit/config.toml``."""

import tomllib
from pathlib import Path

from pages.ui.figures import PALETTE

CONFIG = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())


def test_students_never_see_tracebacks_and_uploads_are_bounded():
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert 0 < CONFIG["server"]["maxUploadSize"] <= 50
    assert CONFIG["server"]["headless"] is True
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_one_server_core_is_spent_on_students_not_housekeeping():
    # Both cost the shared core time on every slider step (see the comments in the file).
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["runner"]["postScriptGC"] is False


def test_charts_use_the_colour_blind_safe_palette():
    assert CONFIG["theme"]["chartCategoricalColors"] == list(PALETTE)

"""What the app tests share: the page list, opening the app as a link would, reading metrics."""

from streamlit.testing.v1 import AppTest

PAGES = (
    "prune", "train", "curves", "lottery", "inspect", "sensitivity", "cost", "learn", "lessons",
    "challenge",
)  # fmt: skip


def app(**params) -> AppTest:
    """The app (not yet run) opened with these URL query parameters."""
    at = AppTest.from_file("../app.py", default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def open_page(page: str, **params) -> AppTest:
    """Open ``/<page>`` with URL ``params``, as a student following a link would.

    The language is chosen with the sidebar control instead of the URL: AppTest formats a
    selectbox's options outside the script run (so in English), and a Chinese first run
    would make the next run's widget lookup fail.
    """
    lang = params.pop("lang", None)
    at = app(**params).run()
    if lang is not None:
        at.segmented_control(key="lang").set_value(lang)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    """The displayed value of the metric with this label."""
    return next(m.value for m in at.metric if m.label == label)

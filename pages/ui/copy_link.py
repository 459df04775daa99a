"""A link students can copy with one click, even on a school network served over http.

``st.code`` has a copy button, but it pulls in Streamlit's syntax highlighter (about
0.7 s of the Prune page's first render on a classroom laptop) and relies on the clipboard
API, which browsers only offer on https or localhost pages. This small component shows
the link in a read-only box and copies it, falling back to the older copy command.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .i18n import t

CSS = """
.copy-link {
  display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; font-size: 0.875rem;
}
.copy-link span { color: #5c5e66; white-space: nowrap; }  /* 4.5:1 and more on white */
.copy-link input {
  flex: 1 1 14rem; min-width: 0;  /* in a narrow column the box takes a line of its own */
  font: inherit; font-size: 0.875rem; color: inherit;
  padding: 0.4rem 0.6rem; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
  background: rgba(240, 242, 246, 0.9);
}
.copy-link button {
  font: inherit; font-size: 0.875rem; padding: 0.4rem 0.9rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: white;
  color: inherit;
}
.copy-link button:hover, .copy-link button:focus-visible { border-color: #0072B2; color: #0072B2; }
"""

_component = st.components.v2.component(
    "copy_link", js=Path(__file__).with_suffix(".js").read_text(encoding="utf-8"), css=CSS
)


def copy_link(url: str | None, key: str, label: str | None = None) -> None:
    """Show ``label`` and ``url`` in a read-only box with a copy button.

    With ``url=None`` the box shows the browser's address bar and follows it. The Prune
    page keeps its state in the address bar on every slider step, so its link box can sit
    outside the slider's fragment and is never resent while the slider moves.
    """
    _component(
        data={
            "url": url,
            "label": label or t("common.copy_link"),
            "copy": t("common.copy"),
            "copied": t("common.copied"),
            "failed": t("common.copy_failed"),
        },
        key=key,
    )

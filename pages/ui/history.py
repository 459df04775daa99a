"""One Back press per page: address-bar updates replace the history entry, never add one.

Streamlit's frontend pushes a history entry for a page change, and another whenever the
server changes the query string (``state.sync_url`` writes the new page's controls right
after the change), so Back first returned to the same page with its previous query. This
turns a push that keeps the path into a replace; a push to another path (a page change)
stays a push, so Back returns to the previous page with the state its URL holds.
"""

import streamlit as st

PATCH = """<script>
(() => {
  if (window.__playgroundHistory) return;
  window.__playgroundHistory = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = (state, title, url) => {
    const next = url === undefined || url === null ? null : new URL(url, window.location.href);
    if (next && next.pathname === window.location.pathname) {
      window.history.replaceState(state, title, url);
    } else {
      push(state, title, url);
    }
  };
})();
</script>"""


def one_entry_per_page() -> None:
    """Install the patch (a no-op when this page load already has it)."""
    st.html(PATCH, unsafe_allow_javascript=True)

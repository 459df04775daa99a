"""One Back press per page: address-bar updates replace the history entry, never add one.

Streamlit's frontend pushes a history entry for a page change, and another whenever the
server changes the query string (``state.sync_url`` writes the new page's controls right
after the change), so Back first returned to the same page with its previous query. This
turns a push that keeps the path into a replace; a push to another path (a page change)
stays a push, so Back returns to the previous page with the state its URL holds. Leaving a
page, Streamlit first empties the address of the page being left (its URL-bound slider,
``state.bind``, included); that entry gets its full address back, or Back would reset
the slider.
"""

import streamlit as st

PATCH = """<script>
(() => {
  if (window.__playgroundHistory) return;
  window.__playgroundHistory = true;
  const push = window.history.pushState.bind(window.history);
  const replace = window.history.replaceState.bind(window.history);
  const target = (url) => (url === undefined || url === null ? null : new URL(url, location.href));
  let stripped = null;  // the address before the last update that only dropped parameters
  const note = (next) => {
    const before = new URLSearchParams(location.search);
    const drops = next && next.pathname === location.pathname
      && [...next.searchParams.keys()].every((k) => before.has(k))
      && [...before.keys()].some((k) => !next.searchParams.has(k));
    stripped = drops ? { href: location.href, at: performance.now() } : null;
  };
  window.history.replaceState = (state, title, url) => {
    note(target(url));
    replace(state, title, url);
  };
  window.history.pushState = (state, title, url) => {
    const next = target(url);
    if (next && next.pathname === location.pathname) {
      note(next);
      replace(state, title, url);  // the same page, a new address: no new entry
      return;
    }
    // Leaving a page drops its parameters from the address first; the entry being left
    // keeps them, so that Back returns to the page as it was.
    const recent = stripped && performance.now() - stripped.at < 2000;
    if (recent) replace(history.state, "", stripped.href);
    stripped = null;
    push(state, title, url);
  };
})();
</script>"""


def one_entry_per_page() -> None:
    """Install the patch (a no-op when this page load already has it)."""
    st.html(PATCH, unsafe_allow_javascript=True)

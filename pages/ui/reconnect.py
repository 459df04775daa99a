"""After a lost connection, reload the page from its URL, which holds the whole view.

When a student's server replica dies, HAProxy sends the reconnecting browser to another
replica, where a new session knows nothing of the old page: Streamlit's frontend
reconnects, but the slider's fragment reruns go to a session that never ran the page, and
nothing answers. A reload opens the same link afresh on the live replica (a restarted
single server is the same case). The watcher is installed once per page load.
"""

import streamlit as st

WATCH = """<script>
(() => {
  if (window.__playgroundReconnect) return;
  window.__playgroundReconnect = true;
  let lost = false;  // Streamlit's status widget says "Connecting" while the socket is down
  new MutationObserver(() => {
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status && /connecting/i.test(status.textContent)) lost = true;
    else if (lost && !status) window.location.reload();
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
})();
</script>"""


def reload_after_reconnect() -> None:
    """Install the watcher (a no-op when this page load already has it)."""
    st.html(WATCH, unsafe_allow_javascript=True)

"""Shared dashboard pieces: translations, URL state, cached models and pure figure builders.

Nothing here prunes: pruning lives in the ``pruning`` engine. These modules only connect
Streamlit widgets to it and turn its results into figures.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# Streamlit treats a folder named ``pages/`` as its legacy multipage layout until
# ``st.navigation`` has run once in the process, so a student whose request is the
# server's first and lands on a page URL (say /prune) would get that page without the
# router. app.py turns the legacy mode off before importing this package; if a page got
# here first, turn it off and rerun through app.py.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

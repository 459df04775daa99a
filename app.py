"""Pruning Playground: the router and the controls every page shares.

Each page is one thin file in ``pages/``; the engine is ``pruning``; the glue (URL
state, translations, cached models, figures) is ``pages/ui``.
"""

import gc

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

PagesManager.uses_pages_directory = False  # we route with st.navigation (see pages/ui)

from pages.ui import models, state  # noqa: E402
from pages.ui.i18n import LANGUAGES, t  # noqa: E402
from pruning import DATASETS  # noqa: E402
from pruning.network import ACTIVATIONS  # noqa: E402
from pruning.training import SOLVERS  # noqa: E402

st.set_page_config(page_title="Pruning Playground", page_icon="✂️", layout="wide")
state.read_url()

PAGES = (
    ("prune", "content_cut"),
    ("train", "model_training"),
    ("curves", "show_chart"),
    ("lottery", "confirmation_number"),
    ("inspect", "grid_on"),
    ("sensitivity", "tune"),
    ("cost", "memory"),
    ("learn", "school"),
    ("lessons", "cast_for_education"),
    ("challenge", "emoji_events"),
)


def sidebar() -> None:
    """The shared controls: language first, then the model every page works on.

    A teacher's link can hide any of them with ``hide=``; hidden controls keep the
    link's values.
    """
    with st.sidebar:
        st.segmented_control(
            t("common.language"),
            list(LANGUAGES),
            key="lang",
            format_func=LANGUAGES.get,
            on_change=state.reload_after_language_change,
            required=True,
        )
        st.subheader(t("common.model"))
        controls = {
            "dataset": lambda: st.selectbox(
                t("common.dataset"),
                list(DATASETS),
                key="dataset",
                format_func={k: t(f"datasets.{k}") for k in DATASETS}.get,
            ),
            "hidden": lambda: st.text_input(
                t("common.hidden"), key="hidden", max_chars=40, help=t("common.hidden_help")
            ),
            "activation": lambda: st.selectbox(
                t("common.activation"), ACTIVATIONS, key="activation"
            ),
            "solver": lambda: st.selectbox(t("common.solver"), SOLVERS, key="solver"),
            "lr": lambda: st.select_slider(
                t("common.learning_rate"), state.LEARNING_RATES, key="lr"
            ),
            "epochs": lambda: st.number_input(t("common.epochs"), 10, 1000, step=10, key="epochs"),
            "seed": lambda: st.number_input(
                t("common.seed"), 0, 9999, step=1, key="seed", help=t("common.seed_help")
            ),
        }
        for key, draw in controls.items():
            if not state.hidden(key):
                draw()
        try:
            st.session_state[state.HIDDEN_OK] = state.hidden_layers(state.value("hidden"))
        except ValueError:
            st.error(t("state.bad_hidden"))


@st.cache_resource(show_spinner=False)
def _freeze_after_warmup() -> bool:
    """Move start-up objects out of the garbage collector's view, once per process.

    Full collections walking the long-lived modules and the default model cost more than a
    page's own work under classroom load; frozen objects are never scanned again.
    """
    gc.collect()
    gc.freeze()
    return True


def _home() -> None:
    """``/`` forwards to ``/prune`` with the same query, so links can always say /prune."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


sidebar()
pages = [
    st.Page(
        f"pages/{name}.py", title=t(f"common.page_{name}"), icon=f":material/{icon}:", url_path=name
    )
    for name, icon in PAGES
]
page = st.navigation([st.Page(_home, title="home", default=True, visibility="hidden"), *pages])
state.show_notices()
# Train the model first (progress bar) for the pages that use it; the Train page trains
# with a live loss curve of its own; Learn and Lessons are text.
if page.url_path not in ("train", "learn", "lessons"):
    models.model(models.current_config())
_freeze_after_warmup()
state.new_run()
page.run()
state.sync_url()
state.reload_if_requested()

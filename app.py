"""Pruning Playground: the router and the controls every page shares.

Each page is one thin file in ``pages/``; the engine is ``pruning``; the glue (URL
state, translations, cached models, figures) is ``pages/ui``.
"""

import gc

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

PagesManager.uses_pages_directory = False  # we route with st.navigation (see pages/ui)

from pages.ui import history, models, own_data, state  # noqa: E402
from pages.ui.i18n import LANGUAGES, t  # noqa: E402
from pages.ui.reconnect import reload_after_reconnect  # noqa: E402
from pruning import FIELDS, Field, limit_blas_threads  # noqa: E402

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
        st.segmented_control(
            t("common.view"),
            state.VIEWS,
            key="view",
            format_func=lambda v: t(f"common.view_{v}"),
            required=True,
            help=t("common.view_help"),
        )
        st.subheader(t("common.model"))
        for f in FIELDS:
            if f.url and not state.hidden(f.url):
                model_control(f)
        # Only a configured scheduler can fail; a local cluster starts when work needs it.
        unreachable = models.scheduler_address() and models.cluster().unreachable
        if unreachable:  # the lesson goes on, on this server's own cores
            st.caption(t("common.scheduler_unreachable", address=unreachable))
        try:
            st.session_state[state.HIDDEN_OK] = state.hidden_layers(state.value("hidden"))
        except ValueError:
            st.error(t("state.bad_hidden", **state.BY_KEY["hidden"].hint_values))


def model_control(f: Field) -> None:
    """The sidebar widget of one model field, with the range ``ModelConfig`` declares."""
    label, key = t(state.BY_KEY[f.url].label), f.url
    if f.name == "hidden":
        st.text_input(label, key=key, max_chars=40, help=t("common.hidden_help"))
    elif f.name == "dataset":
        own_data.dataset_control(label)
    elif f.choices:
        st.selectbox(label, f.choices, key=key)
    elif f.steps:
        st.select_slider(label, f.steps, key=key)
    else:
        helps = {"seed": t("common.seed_help")}
        st.number_input(label, int(f.low), int(f.high), step=f.step, key=key, help=helps.get(key))


@st.cache_resource(show_spinner=False)
def _one_blas_thread() -> bool:
    """One BLAS thread for the whole server process, set once (see ``limit_blas_threads``)."""
    limit_blas_threads()
    return True


@st.cache_resource(show_spinner=False)
def _freeze_after_warmup() -> bool:
    """Move start-up objects out of the garbage collector's view, once per process.

    Full collections walking the long-lived modules and the default model cost more than a
    page's own work under classroom load; frozen objects are never scanned again.
    """
    gc.collect()
    gc.freeze()
    return True


def main() -> None:
    """One run: the shared controls, the model, the chosen page, then the address bar."""
    present = st.query_params.get("view") == "present"  # a link opens a projector's view
    st.set_page_config(
        page_title="Pruning Playground",
        page_icon="✂️",
        layout="wide",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    state.read_url()
    _one_blas_thread()
    sidebar()
    pages = [
        st.Page(
            f"pages/{name}.py",
            title=t(f"common.page_{name}"),
            icon=f":material/{icon}:",
            url_path=name,
        )
        for name, icon in PAGES
    ]

    def home() -> None:
        """``/`` forwards to ``/prune`` with the same query, so links can always say /prune."""
        st.switch_page(pages[0], query_params=st.query_params.to_dict())

    page = st.navigation([st.Page(home, title="home", default=True, visibility="hidden"), *pages])
    state.show_notices()
    # Train the model first (progress bar) for the pages that use it; the Train page trains
    # with a live loss curve of its own; Learn and Lessons are text.
    try:
        if page.url_path not in ("train", "learn", "lessons"):
            models.model(models.current_config())
        _freeze_after_warmup()
        state.new_run()
        page.run()
    except models.TrainingFailed as exc:  # no page without its network; the sidebar stays
        st.error(t("common.training_failed", reason=exc))
    state.sync_url()
    state.reload_if_requested()
    history.one_entry_per_page()
    reload_after_reconnect()


if __name__ == "__main__":  # Streamlit runs the script as __main__; an import only defines
    main()

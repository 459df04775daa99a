"""The dashboard's state as one declared schema, mirrored in the URL.

Like TensorFlow Playground's ``state.ts``: every lesson-relevant control is declared once
in ``PROPS`` with its default and a parser. On a session's first run the URL is read into
``st.session_state`` (a bad value gets a short notice and the default); afterwards the
session is the source of truth and ``sync_url`` writes every non-default value back, so
the address bar is always a link to the current view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import streamlit as st

from compute import tables
from pruning import DATASETS, FIELDS, STRATEGIES, Field
from pruning.checks import parse_number
from pruning.config import MAX_HIDDEN_LAYERS, MAX_UNITS, parse_hidden

from .i18n import LANGUAGES, t

MAX_PARAM_LENGTH = 120
# ``view=present``: the presenter view, for a projector (see ``presenting``)
VIEWS = ("default", "present")
MAX_WEIGHTS = 250_000  # what one shared classroom server trains in seconds, not minutes


def _choice(options) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError
        return text

    return parse


def hidden_layers(text: str) -> str:
    """``text`` as tidy hidden-layer sizes (``300-100``) small enough for a class's shared
    server: the engine's limits, and at most ``MAX_WEIGHTS`` weights (counting 100
    inputs); ValueError otherwise. A link can otherwise keep every page training for
    many minutes."""
    sizes = parse_hidden(text)
    if sum(a * b for a, b in pairwise((100, *sizes))) > MAX_WEIGHTS:
        raise ValueError(f"{sizes} is too big for a shared classroom server")
    return "-".join(map(str, sizes))


def _step(steps: tuple[float, ...]) -> Callable[[str], float]:
    """One of the values a select slider offers, written as a number."""

    def parse(text: str) -> float:
        value = float(text)
        if value not in steps:
            raise ValueError
        return value

    return parse


def _flag(text: str) -> bool:
    """``true``/``false`` (or 1/0), any case: a switch in the URL."""
    found = {"true": True, "1": True, "false": False, "0": False}.get(text.lower())
    if found is None:
        raise ValueError
    return found


def _hide(text: str) -> str:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not all(k in HIDEABLE for k in keys):
        raise ValueError
    return ",".join(dict.fromkeys(keys))


def _dataset(text: str) -> str:
    """A data set a link may name: a built-in one or a table in the teacher's folder (a
    link cannot carry a student's upload)."""
    if text not in DATASETS and text not in tables.teacher_tables():
        raise ValueError
    return text


def _sparsity(text: str) -> int:
    """A whole percent, as the slider holds it."""
    return parse_number(text, "sparsity", 0, 100, integer=True)


@dataclass(frozen=True)
class Prop:
    """One URL-backed control: its key (URL name and session key), default and parser,
    the i18n key of its label, and the notice (with its values) for a refused value."""

    key: str
    default: object
    parse: Callable[[str], object]
    hint: str
    label: str
    hint_values: dict = field(default_factory=dict)

    def text(self, value) -> str:
        """``value`` as it is written in the URL (switches as ``true``/``false``)."""
        return str(value).lower() if isinstance(self.default, bool) else str(value)


def _model_prop(f: Field) -> Prop:
    """The URL control of one ``ModelConfig`` field: its name, default and range come from
    the engine's declaration; a link may only pick what the sidebar offers."""
    label = f"common.{f.url}"
    if f.name == "hidden":
        limits = {"layers": MAX_HIDDEN_LAYERS, "units": MAX_UNITS, "weights": MAX_WEIGHTS}
        return Prop(f.url, f.text(f.default), hidden_layers, "state.bad_hidden", label, limits)
    if f.name == "dataset":  # a built-in set or a teacher's table; an upload stays home
        return Prop(f.url, f.default, _dataset, "state.bad_dataset", label)
    if f.choices:
        return Prop(f.url, f.default, _choice(f.choices), "state.bad_choice", label)
    if f.steps:
        return Prop(f.url, f.default, _step(f.steps), "state.bad_choice", label)
    bounds = {"low": int(f.low), "high": int(f.high)}
    return Prop(f.url, f.default, f.parse, "state.bad_whole", label, bounds)


PROPS: tuple[Prop, ...] = (
    *(_model_prop(f) for f in FIELDS if f.url),
    Prop(
        "strategy", "global_magnitude", _choice(STRATEGIES), "state.bad_choice", "lessons.strategy"
    ),
    Prop("sparsity", 90, _sparsity, "state.bad_sparsity", "lessons.sparsity"),
    Prop("init", False, _flag, "state.bad_flag", "prune.at_init"),
    Prop("lang", "en", _choice(LANGUAGES), "state.bad_choice", "common.language"),
    Prop("view", "default", _choice(VIEWS), "state.bad_choice", "common.view"),
    Prop("hide", "", _hide, "state.bad_hide", "lessons.hide"),
)
BY_KEY = {p.key: p for p in PROPS}
BOUND = "_bound"  # session key: controls whose widget is bound to the URL in this run
HIDDEN_OK = "_hidden_ok"  # session key: the last valid hidden layers, tidied
DATASET_OK = "_dataset_ok"  # session key: the data set in use (not "upload a file")
# Controls a teacher's link can hide with ``hide=a,b`` (as in TensorFlow Playground).
HIDEABLE = tuple(p.key for p in PROPS if p.key not in ("lang", "view", "hide"))


def read_url() -> list[str]:
    """Load URL values into the session on its first run; return i18n keys of notices."""
    if st.session_state.get("_state_ready"):
        return []
    bad = []
    params = st.query_params
    for prop in PROPS:
        raw = params.get(prop.key)
        value = prop.default
        if raw is not None:
            try:
                if len(raw) > MAX_PARAM_LENGTH:
                    raise ValueError
                value = prop.parse(raw)
            except (ValueError, TypeError):
                bad.append(prop)
        st.session_state.setdefault(prop.key, value)
    for prop in bad:  # before any widget reads it: a bound slider would take "50.5" as 50
        del params[prop.key]
    st.session_state["_state_ready"] = True
    st.session_state["_url_notices"] = [(p.key, p.hint, p.hint_values) for p in bad]
    return [p.key for p in bad]


def show_notices() -> None:
    """A short notice for each URL value that was refused (shown once)."""
    for key, hint, values in st.session_state.pop("_url_notices", []):
        st.toast(t("state.ignored", param=key) + " " + t(hint, **values), icon="⚠️")


def value(key: str):
    """The current value of a declared control (its default if the session lost it)."""
    found = st.session_state.get(key)
    return BY_KEY[key].default if found is None else found


def presenting() -> bool:
    """The presenter view: the Prune page's controls beside one shorter figure with larger
    text, all in the first screen of a 1280 x 720 projector, and the sidebar closed."""
    return value("view") == "present"


def hidden(key: str) -> bool:
    """Whether the link asked to hide the control for ``key``."""
    return key in str(value("hide")).split(",")


def new_run() -> None:
    """Start a full run: no control is bound to the URL until its widget says so."""
    st.session_state[BOUND] = set()


def bind(key: str) -> str:
    """``bind=`` for the widget of control ``key``: the browser then writes it into the URL
    itself at once, so a slider step needs no address-bar message from the server (which
    cost every step a re-render of the whole page). The widget's default must be the
    control's default here. ``sync_url`` leaves it alone for the rest of the run."""
    st.session_state.setdefault(BOUND, set()).add(key)
    return "query-params"


def sync_url() -> None:
    """Write every non-default control into the address bar, so the URL is a share link.

    Only what differs is written, so a run that changed nothing sends nothing. Controls
    whose widget is bound to the URL in this run (``bind``) are left alone: the browser
    writes them, and Streamlit refuses writes to them. On other pages they are written
    like the rest.
    """
    bound = st.session_state.get(BOUND, set())
    values = {p.key: value(p.key) for p in PROPS}
    # the hidden layers the model uses: the last valid text, tidied, not what is typed
    values["hidden"] = st.session_state.get(HIDDEN_OK, values["hidden"])
    values["dataset"] = st.session_state.get(DATASET_OK, values["dataset"])
    own = values["dataset"] not in DATASETS and values["dataset"] not in tables.teacher_tables()
    if own:  # a student's upload: the link cannot carry it (the page says so)
        values["dataset"] = BY_KEY["dataset"].default
    wanted = {p.key: p.text(values[p.key]) for p in PROPS if values[p.key] != p.default}
    params = st.query_params
    changed = {k: v for k, v in wanted.items() if k not in bound and params.get(k) != v}
    if changed:
        params.update(changed)
    for key in [k for k in params if k not in wanted and k not in bound]:
        del params[key]


def reload_after_language_change() -> None:
    """Ask for one browser reload after the language switch (a widget callback).

    A select box keeps showing its chosen option's old label when only the labels change,
    so after a switch the page reloads once from its URL, which holds the whole lesson
    state including ``lang``.
    """
    st.session_state["_reload"] = True


def reload_if_requested() -> None:
    """Emit the one reload asked for, after the URL already carries the new state."""
    if st.session_state.pop("_reload", False):
        st.html("<script>window.location.reload()</script>", unsafe_allow_javascript=True)

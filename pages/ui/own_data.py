"""The sidebar's data set choice, with "Your data": a student's own CSV file.

The choice lists the built-in sets, the teacher's tables (``compute.tables``, read from a
folder at start, which links may name) and the tables this session uploaded. An upload
stays in its session: it is listed only there, and a link cannot carry it. A broken file
gets ``from_csv``'s own message and changes nothing.
"""

from __future__ import annotations

import csv
import functools
import io

import streamlit as st

from compute import tables
from pruning import DATASETS
from pruning.data import MAX_COLUMNS, MAX_ROWS

from . import state
from .i18n import t

UPLOAD = "__upload__"  # the choice that opens the file form
MINE = "_own_tables"  # session key: this session's uploads, by name
FAILED = "_own_error"  # session key: why the last file was refused
MAX_MB = 20  # server.maxUploadSize


def label(name: str) -> str:
    """A data set's name for people: built-in ones translated, tables by their name."""
    if name == UPLOAD:
        return t("own.choice")
    return t(f"datasets.{name}") if name in DATASETS else name.split("#")[0]


def dataset_control(text: str) -> None:
    """The data set select; "Your data" shows the file form below it. The set in use is
    kept apart (``state.DATASET_OK``) while a file is being chosen."""
    mine = st.session_state.setdefault(MINE, {})
    options = [*DATASETS, *tables.teacher_tables(), *mine, UPLOAD]
    if state.value("dataset") not in options:  # e.g. a session of a restarted server
        st.session_state["dataset"] = state.BY_KEY["dataset"].default
    names = {name: label(name) for name in options}  # in this run's language
    chosen = st.selectbox(text, options, key="dataset", format_func=names.get)
    if chosen != UPLOAD:
        st.session_state[state.DATASET_OK] = chosen
        if chosen in mine:
            summary(chosen)
        return
    upload_form()


def upload_form() -> None:
    st.caption(t("own.limits", mb=MAX_MB, rows=MAX_ROWS, columns=MAX_COLUMNS))
    file = st.file_uploader(t("own.file"), type=["csv"], key="own_file")
    failed = st.session_state.get(FAILED)
    if failed:
        st.error(t("own.refused", reason=failed))
    if file is None:
        return
    raw = file.getvalue()
    columns = header(raw)
    if not columns:
        st.error(t("own.refused", reason=t("own.no_header")))
        return
    column = st.selectbox(t("own.label"), columns, index=len(columns) - 1, key="own_label")
    st.button(
        t("own.use"), key="own_use", type="primary", on_click=use, args=(raw, file.name, column)
    )


def header(raw: bytes) -> list[str]:
    """The column names of a CSV's first non-empty line (for the label choice)."""
    text = raw[:65536].decode("utf-8-sig", errors="replace")
    for row in csv.reader(io.StringIO(text), skipinitialspace=True):
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row][:MAX_COLUMNS]
    return []


def use(raw: bytes, file_name: str, column: str) -> None:
    """Read the file as the new data set (a button callback), or say why not."""
    table = tables.Table.upload(raw, file_name, column)
    try:
        table.dataset(0)
    except ValueError as exc:
        st.session_state[FAILED] = str(exc)
        return
    st.session_state.pop(FAILED, None)
    st.session_state[MINE][table.name] = tables.register(table)
    st.session_state["dataset"] = st.session_state[state.DATASET_OK] = table.name


@functools.lru_cache(maxsize=8)
def blank_lines(raw: bytes) -> int:
    """Empty lines after the header, which the CSV reader skips: counted once per file, not
    on every rerun (an upload may hold 20 MB)."""
    text = raw.decode("utf-8-sig", errors="replace")
    return sum(1 for line in text.splitlines()[1:] if not line.strip())


def summary(name: str) -> None:
    """What was read: rows, features and classes, the three parts, and what was left out."""
    table = st.session_state[MINE][name]
    data = tables.load(name, 0)
    sizes = data.sizes
    blank = blank_lines(table.raw)
    classes = ", ".join(data.class_names[:6]) + (" …" if data.n_classes > 6 else "")
    st.caption(
        t(
            "own.summary",
            rows=sum(sizes.values()),
            features=data.n_features,
            classes=data.n_classes,
            names=classes,
            label=table.label,
            **sizes,
        )
        + " "
        + t("own.dropped", blank=blank)
    )

"""Learn: what pruning is, how every strategy scores weights, what the papers found.

The text lives in ``locales/learn.toml``, the display formulas in ``ui/formulas.py``. The
strategy section follows the ``STRATEGIES`` registry, so a new strategy shows up
with its label, description and source even before it has a formula.
"""

import pandas as pd
import streamlit as st

from pages.ui.formulas import (
    ALL_PRUNED,
    COMPACT,
    CSR_BYTES,
    DENSITY,
    FORMULAS,
    MASK,
    SCHEDULES,
)
from pages.ui.i18n import DEFAULT_LANGUAGE, catalogue, registry_text, t
from pages.ui.measured import MEASURED, MEASURED_LEVELS, MEASURED_SEEDS
from pruning import DATASETS, STRATEGIES, load_dataset

PUBLISHED = ("han", "frankle", "snip", "shrinkbench")
SECTIONS = ("what", "strategies", "schedules", "struct", "results", "faq")


def has_text(name: str) -> bool:
    """Whether ``learn.<name>`` exists (the page skips optional notes it has no text for)."""
    return f"learn.{name}" in catalogue(DEFAULT_LANGUAGE)


@st.cache_data(show_spinner=False)
def split_sizes() -> pd.DataFrame:
    """Rows in each part of every built-in data set (the seed moves rows, not sizes)."""
    return pd.DataFrame([{"key": key} | load_dataset(key).sizes for key in DATASETS])


def header(name: str) -> None:
    st.header(t(f"learn.{name}_header"), anchor=name)


def try_it(page: str, text_key: str, icon: str) -> None:
    st.page_link(f"pages/{page}.py", label=t(f"learn.{text_key}"), icon=f":material/{icon}:")


def strategy_card(key: str) -> None:
    """One registry entry: label, what kind of pruning, description, formulas, source."""
    s = STRATEGIES[key]
    with st.container(border=True):
        st.subheader(registry_text(key, "label", s.label), anchor=f"strategy-{key}")
        colour = "orange" if s.neurons else "blue"
        st.markdown(
            f":{colour}-badge[{t(f'learn.tag_{s.granularity}')}] "
            f":gray-badge[{t(f'learn.tag_{s.scope}')}] "
            f":green-badge[{t(f'learn.tag_{s.needs}')}]"
        )
        text, maths = st.columns([4, 3], gap="large")
        with text:
            st.markdown(registry_text(key, "description", s.description))
            if has_text(f"{key}_note"):
                st.markdown(t(f"learn.{key}_note"))
        with maths:
            for formula in FORMULAS.get(key, ()):
                st.latex(formula)
            cite = t(f"learn.{key}_cite") if has_text(f"{key}_cite") else s.paper
            st.caption(t("learn.source", paper=cite))


st.title(t("learn.title"))
st.caption(t("learn.intro"))
st.markdown(
    f"**{t('learn.toc')}:** "
    + " · ".join(f"[{t(f'learn.{name}_header')}](#{name})" for name in SECTIONS)
)

# 1. What pruning is, and the three ways to say how much.
header("what")
st.markdown(t("learn.what_body"))
st.subheader(t("learn.measure_header"))
st.markdown(t("learn.measure_intro"))
st.latex(DENSITY)
for name in ("sparsity_def", "density_def", "compression_def"):
    st.markdown(f"- {t(f'learn.{name}')}")
st.info(t("learn.example") + "\n\n" + t("learn.example_more"))
try_it("prune", "try_prune", "content_cut")

# 2. Every strategy of the registry, then the schedules.
header("strategies")
st.markdown(t("learn.strategies_intro"))
st.latex(MASK)
st.markdown(t("learn.strategies_scope"))
for key in STRATEGIES:
    strategy_card(key)
try_it("curves", "try_curves", "show_chart")

header("schedules")
st.markdown(t("learn.schedules_intro"))
for name, formula, cited in SCHEDULES:
    with st.container(border=True):
        st.subheader(t(f"learn.{name}_title"), anchor=f"schedule-{name}")
        st.markdown(t(f"learn.{name}_body"))
        if formula:
            st.latex(formula)
        if cited:
            st.caption(t("learn.source", paper=t(f"learn.{name}_cite")))
try_it("lottery", "try_lottery", "confirmation_number")

# 3. Structured vs unstructured: what really saves bytes and time.
header("struct")
st.markdown(t("learn.struct_body"))
st.markdown(t("learn.struct_ways"))
st.markdown(t("learn.struct_csr"))
st.latex(CSR_BYTES)
st.markdown(t("learn.struct_gzip"))
st.markdown(t("learn.struct_compact"))
st.latex(COMPACT)
st.markdown(t("learn.struct_speed"))
try_it("cost", "try_cost", "memory")

# 4. Published results, then our own measurements on digits.
header("results")
st.markdown(t("learn.results_intro"))
st.table(
    pd.DataFrame(
        {
            t("learn.col_source"): [t(f"learn.src_{p}") for p in PUBLISHED],
            t("learn.col_result"): [t(f"learn.pub_{p}") for p in PUBLISHED],
        }
    ),
    hide_index=True,
)
st.subheader(t("learn.split_header"), anchor="split")
st.markdown(t("learn.split_intro"))
sizes = split_sizes()
st.table(
    pd.DataFrame(
        {
            t("learn.col_dataset"): [t(f"datasets.{k}") for k in sizes["key"]],
            **{t(f"learn.col_{part}"): sizes[part] for part in ("train", "val", "test")},
        }
    ),
    hide_index=True,
)
st.subheader(t("learn.measured_header"), anchor="measured")
st.markdown(t("learn.measured_intro", train=int(sizes.set_index("key").at["digits", "train"])))
measured = {
    t("learn.col_strategy"): [registry_text(k, "label", STRATEGIES[k].label) for k in MEASURED]
}
for i, level in enumerate(MEASURED_LEVELS):
    measured[t("learn.col_at", p=level)] = [row[i] for row in MEASURED.values()]
st.table(pd.DataFrame(measured), hide_index=True)
st.markdown(t("learn.measured_after"))
st.caption(t("learn.measured_caveat", seeds=MEASURED_SEEDS))

# 5. The seed document's questions, answered again, and its most common coding mistake.
header("faq")
st.markdown(t("learn.faq_intro"))
with st.expander(t("learn.faq_size_q")):
    st.markdown(t("learn.faq_size_a"))
    try_it("cost", "try_cost", "memory")
with st.expander(t("learn.faq_when_q")):
    for name in ("before", "during", "after", "finetune"):
        st.markdown(t(f"learn.faq_when_{name}"))
with st.expander(t("learn.faq_pick_q")):
    st.markdown(t("learn.faq_pick_a"))
    try_it("curves", "try_curves", "show_chart")
with st.expander(t("learn.faq_all_q")):
    st.markdown(t("learn.faq_all_a"))
    st.latex(ALL_PRUNED)
    st.warning(t("learn.faq_all_seed"))
    try_it("prune", "try_prune_all", "content_cut")
with st.expander(t("learn.faq_snip_q")):
    st.markdown(t("learn.faq_snip_a"))
    st.warning(t("learn.faq_snip_seed"))
    st.markdown(t("learn.faq_snip_points"))

with st.container(border=True):
    st.subheader(t("learn.mistake_title"), anchor="common-mistake")
    st.markdown(t("learn.mistake_body"))
    st.error(t("learn.wrong_label"))
    st.code(t("learn.wrong_code"), language="python")
    st.caption(t("learn.wrong_error"))
    st.success(t("learn.right_label"))
    st.code(t("learn.right_code"), language="python")
    st.markdown(t("learn.right_note"))

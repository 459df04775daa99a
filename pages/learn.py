"""Learn: what pruning is, how every strategy scores weights, what the papers found.

The text lives in ``locales/learn.toml``; display formulas live here because they read the
same in every language. The strategy section follows the ``STRATEGIES`` registry, so a new
strategy shows up with its label, description and source even before it has a formula.
"""

import pandas as pd
import streamlit as st

from pages.ui.i18n import DEFAULT_LANGUAGE, catalogue, registry_text, t
from pruning import STRATEGIES

# Display formulas per registry key (KaTeX). A key without an entry shows text only.
FORMULAS = {
    "random": [r"S_j = r_j, \qquad r_j \sim \mathcal{U}(0, 1)", r"\Pr[\,m_j = 0\,] = s"],
    "layer_magnitude": [
        r"S_j = |w_j|",
        r"m^{(l)}_j = \mathbb{I}\!\left[\,|w^{(l)}_j| \ge \tau_l\,\right]",
        r"\tau_l = \operatorname{quantile}_{s}\!\left(\{\, |w^{(l)}_j| \,\}_{j}\right)",
    ],
    "global_magnitude": [r"S_j = |w_j|", r"m_j = \mathbb{I}\!\left[\,|w_j| \ge \tau\,\right]"],
    "snip": [
        r"s_j = \frac{\left|\, w_j \, \dfrac{\partial L}{\partial w_j} \,\right|}"
        r"{\sum_k \left|\, w_k \, \dfrac{\partial L}{\partial w_k} \,\right|}"
    ],
    "obd": [
        r"\begin{aligned} \delta L = {} & \sum_k g_k\, \delta w_k"
        r" + \tfrac{1}{2} \sum_k h_{kk}\, \delta w_k^2 \\"
        r" & + \tfrac{1}{2} \sum_{k \ne l} h_{kl}\, \delta w_k\, \delta w_l"
        r" + O\!\left(\lVert \delta w \rVert^3\right) \end{aligned}",
        r"s_k = \tfrac{1}{2}\, h_{kk}\, w_k^2, \qquad h_{kk} = \frac{\partial^2 L}{\partial w_k^2}",
    ],
    "synflow": [
        r"R = \mathbf{1}^{\top} \Big( \prod_{l=1}^{L} \big|W^{[l]}\big| \Big) \mathbf{1}",
        r"S(w) = \frac{\partial R}{\partial w} \odot w",
        r"d_r = d^{\,r/n}, \qquad r = 1, \dots, n",
    ],
    "neuron_random": [r"S_j = r_j, \qquad r_j \sim \mathcal{U}(0, 1)", r"\Pr[\,u_j = 0\,] = s"],
    "neuron_l1": [r"S_j = \lVert W_{:,j} \rVert_1 = \sum_i |W_{ij}|"],
    "neuron_l2": [r"S_j = \lVert W_{:,j} \rVert_2 = \sqrt{\sum_i W_{ij}^2}"],
    "neuron_activation": [
        r"S_j = \frac{1}{N} \sum_{n=1}^{N} \big| a_j(x_n) \big|",
        r"\mathrm{APoZ}_j = \frac{1}{N} \sum_{n=1}^{N} \mathbb{I}\!\left[\, a_j(x_n) = 0 \,\right]",
    ],
}
MASK = r"m_j = \mathbb{I}\!\left[\, S_j \ge \tau \,\right], \qquad w_j \leftarrow m_j\, w_j"
DENSITY = r"s = \frac{\#\{\,j : w_j = 0\,\}}{\#\{\,j\,\}}, \qquad d = 1 - s, \qquad c = \frac{1}{d}"
SCHEDULES = (  # (text key prefix, formula or None, has a citation)
    ("one_shot", None, False),
    ("iterative", r"s_r = 1 - (1 - s)^{r/n}, \qquad r = 1, \dots, n", True),
    (
        "gradual",
        r"s_t = s_f + (s_i - s_f) \left( 1 - \frac{t - t_0}{n\, \Delta t} \right)^{3},"
        r" \qquad t \in \{ t_0,\ t_0 + \Delta t,\ \dots,\ t_0 + n\, \Delta t \}",
        True,
    ),
    ("lottery", r"\theta \leftarrow m \odot \theta_0, \qquad d_r \approx 0.8^{\,r}", True),
    ("at_init", None, False),
    ("sharing", r"B = N \, \lceil \log_2 k \rceil + 32\, k", True),
)
CSR_BYTES = r"B_{\mathrm{CSR}} = 4N + 4N + 4\,(R + 1) = 8N + 4\,(R + 1)"
COMPACT = (
    r"W_1 \in \mathbb{R}^{64 \times 100},\; W_2 \in \mathbb{R}^{100 \times 10}"
    r" \quad\longrightarrow\quad"
    r" W_1' \in \mathbb{R}^{64 \times 60},\; W_2' \in \mathbb{R}^{60 \times 10}"
)
ALL_PRUNED = (
    r"W_L = 0 \;\Rightarrow\; z = h\, W_L + b_L = b_L"
    r" \;\Rightarrow\; \hat{y} = \arg\max_c \, b_{L,c}"
)
# One-shot accuracy on digits with the default model (FACTS.md); "~" marks seed-dependent values.
MEASURED_LEVELS = (50, 80, 90, 95)
MEASURED = {
    "random": ("~0.40", "~0.24", "~0.24", "~0.11"),
    "layer_magnitude": ("0.96", "0.93", "0.63", "0.39"),
    "global_magnitude": ("0.96", "0.95", "0.86", "0.56"),
}
PUBLISHED = ("han", "frankle", "snip", "shrinkbench")
SECTIONS = ("what", "strategies", "schedules", "struct", "results", "faq")


def has_text(name: str) -> bool:
    """Whether ``learn.<name>`` exists (the page skips optional notes it has no text for)."""
    return f"learn.{name}" in catalogue(DEFAULT_LANGUAGE)


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
st.subheader(t("learn.measured_header"), anchor="measured")
st.markdown(t("learn.measured_intro"))
measured = {
    t("learn.col_strategy"): [registry_text(k, "label", STRATEGIES[k].label) for k in MEASURED]
}
for i, level in enumerate(MEASURED_LEVELS):
    measured[t("learn.col_at", p=level)] = [row[i] for row in MEASURED.values()]
st.table(pd.DataFrame(measured), hide_index=True)
st.markdown(t("learn.measured_after"))
st.caption(t("learn.measured_caveat"))

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

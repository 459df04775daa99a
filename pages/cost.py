"""Cost: what pruning really saves in bytes and milliseconds, measured rather than assumed.

Answers a question pruning libraries' issue trackers hear again and again: "why is my
pruned model not smaller or faster?" Every sentence here is chosen from numbers measured here.
"""

from collections.abc import Callable

import pandas as pd
import streamlit as st

import pruning
from pages.ui import cost_figures as figs
from pages.ui import cost_text as say
from pages.ui import models, state
from pages.ui.i18n import strategy_labels, t
from pruning import STRATEGIES
from pruning.cost import FORMATS, ROUNDS, TIMED

SWEEP = ("global_magnitude", "neuron_l1")  # unstructured against neuron-level
LEVELS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
FOCUS = 0.9  # the level the sweep's sentences quote
SHARING_K = (2, 4, 8, 16, 32)

config = models.current_config()
data = models.dataset(config.dataset, config.seed)
key = state.value("strategy")
sparsity = int(state.value("sparsity"))
strategy = STRATEGIES[key]
labels = strategy_labels()
format_labels = {f: t(f"cost.format_{f}") for f in (*FORMATS, "unpruned")}
run = st.session_state.get("_cost_run", 0)  # bumped by "Measure again"


def _steps(texts: list[str]) -> Callable[[float], str]:
    """A progress caption that reads ``texts[i]`` while the task runs step i of them."""
    return lambda fraction: texts[min(round(fraction * len(texts)), len(texts) - 1)]


@st.cache_data(max_entries=64, ttl=models.TTL, show_spinner=False)
def _repeats(config: pruning.ModelConfig, _network) -> int:
    """Timed runs per round for this network's size (the same for every measurement)."""
    return pruning.timing_repeats(_network, models.dataset(config.dataset, config.seed).X_test)


def _measured(points: list[tuple[str, float]], repeats: int, text) -> pd.DataFrame:
    """``pruning.measure`` of each (strategy, level) point on the cluster, one row each,
    computed once for every student (and again when someone presses Measure again)."""
    texts = [text(*p) for p in points] * ROUNDS
    return models.task_table(
        "measure", config, tuple(points), ROUNDS, repeats, run, text=_steps(texts)
    )


result = models.pruner(config, key).prune(sparsity / 100)
st.title(t("cost.title"))
st.caption(t("cost.intro"))
st.info(
    t(
        "cost.current_neuron" if strategy.neurons else "cost.current",
        strategy=labels[key],
        sparsity=sparsity,
        weights=result.weight_sparsity,
    )
)
st.page_link("pages/prune.py", label=t("cost.change"), icon=":material/content_cut:")
if st.button(t("cost.measure_again"), help=t("cost.measure_again_help"), key="cost_again"):
    st.session_state["_cost_run"] = run = run + 1

repeats = _repeats(config, models.model(config))
current = _measured(
    [(key, sparsity / 100), (key, 0.0)], repeats, lambda *_: t("cost.measuring_current")
)
now, unpruned = current.iloc[0], current.iloc[1]

# --- 1. the short answer, at the current setting ------------------------------------------
st.header(t("cost.answer_header"))
left, right = st.columns(2, gap="large")
sizes = {f: now[f"{f}_bytes"] for f in FORMATS}
with left:
    st.plotly_chart(
        figs.storage_bars({"unpruned": unpruned["dense_bytes"], **sizes}, format_labels, t),
        key="cost_storage",
        config=figs.CONFIG,
    )
    st.caption(say.storage_caption(sizes))
timings = {"unpruned": unpruned["dense_s"], **{f: now[f"{f}_s"] for f in TIMED}}
with right:
    st.plotly_chart(
        figs.latency_bars(timings, now["flops_speedup"], format_labels, t),
        key="cost_latency",
        config=figs.CONFIG,
    )
    theory = now["flops_speedup"]
    st.caption(say.latency_caption(timings, theory, ROUNDS, repeats, len(data.X_test)))

a, b, c = st.columns(3)
a.metric(t("cost.theory_metric"), say.times(theory), help=t("cost.theory_metric_help"))
b.metric(t("cost.csr_metric"), say.times(now["csr_speedup"]), help=t("cost.measured_help"))
c.metric(
    t("cost.compacted_metric"), say.times(now["compacted_speedup"]), help=t("cost.measured_help")
)
st.markdown(say.bullets(say.answer(now, sizes, timings, labels["neuron_l1"])))

# --- 2. against sparsity: zeroing weights versus removing neurons ----------------------------
st.header(t("cost.sweep_header"))
st.caption(t("cost.sweep_intro", unstructured=labels[SWEEP[0]], neuron=labels[SWEEP[1]]))
frame = _measured(
    [(s, level) for s in SWEEP for level in LEVELS],
    repeats,
    lambda s, level: t("cost.measuring", strategy=labels[s], level=round(100 * level)),
)
axis_titles = {
    s: t("cost.axis_neurons" if STRATEGIES[s].neurons else "cost.axis_weights") for s in SWEEP
}
st.plotly_chart(
    figs.cost_sweep(frame, SWEEP, labels, axis_titles, format_labels, t),
    key="cost_sweep",
    config=figs.CONFIG,
)
st.markdown(say.bullets(say.sweep_points(frame, labels, FOCUS, ROUNDS, repeats)))
st.plotly_chart(
    figs.speedup_sweep(frame, SWEEP, labels, axis_titles, t),
    key="cost_speedup",
    config=figs.CONFIG,
)
st.caption(say.speedup_caption(frame, SWEEP, labels, FOCUS))
with st.expander(t("cost.table")):
    st.dataframe(say.sweep_table(frame, labels, format_labels), hide_index=True)

# --- 3. weight sharing ---------------------------------------------------------------------
st.header(t("cost.sharing_header"))
st.caption(t("cost.sharing_intro"))
if result.nonzero == 0:
    st.info(t("cost.sharing_nothing"))
else:
    texts = [t("cost.clustering", k=k) for k in SHARING_K]
    table = models.task_table("sharing", config, key, sparsity / 100, SHARING_K, text=_steps(texts))
    float_accuracy = pruning.evaluate(result.network, data.X_val, data.y_val).accuracy
    st.plotly_chart(
        figs.sharing_curve(table, float_accuracy, t), key="cost_sharing", config=figs.CONFIG
    )
    st.caption(say.sharing_caption(table, float_accuracy))

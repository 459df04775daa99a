"""Cost: what pruning really saves in bytes and milliseconds, measured rather than assumed.

Answers the question every pruning library's tracker hears first: "why is my pruned model
not smaller or faster?" Every sentence on this page is chosen from numbers measured here.
"""

import pandas as pd
import streamlit as st

from pages.ui import inspect_figures as figs
from pages.ui import models, state
from pages.ui.i18n import strategy_labels, t
from pruning import STRATEGIES, compact, evaluate, flops, latency, share_weights, storage

SWEEP = ("global_magnitude", "neuron_l1")  # unstructured against neuron-level
LEVELS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
FOCUS = 0.9  # the level the sweep's sentences quote
SHARING_K = (2, 4, 8, 16, 32)
ROUNDS = 5  # timings are taken in rounds that visit every network in turn
MIN_RUNS, MAX_RUNS = 15, 60  # timed forward passes per network, over all rounds
BUDGET = 0.25  # seconds of dense forward passes per network; sets the runs
FORMATS = ("dense", "csr", "gzip", "compacted")

config = models.current_config()
data = models.dataset(config.dataset, config.seed)
key = state.value("strategy")
sparsity = int(state.value("sparsity"))
strategy = STRATEGIES[key]
labels = strategy_labels()
format_labels = {f: t(f"cost.format_{f}") for f in (*FORMATS, "unpruned")}
run = st.session_state.get("_cost_run", 0)  # bumped by "Measure again"


def _results() -> models.SharedStore:
    """Finished measurements, shared by all sessions, computed once per key under a lock
    (so a classroom does not time the same thing thirty times at once)."""
    return models.shared_store("cost", 32)


def _with_progress(key: tuple, jobs: list) -> list:
    """Run ``jobs`` (pairs of progress text and a function) once per ``key``, with a
    progress bar; later calls return the stored results at once."""

    def build() -> list:
        bar = st.progress(0.0, text=jobs[0][0])
        out = []
        for i, (text, job) in enumerate(jobs):
            bar.progress(i / len(jobs), text=text)
            out.append(job())
        bar.empty()
        return out

    return _results().get(key, build)


@st.cache_data(max_entries=64, ttl=models.TTL, show_spinner=False)
def _repeats(config: models.ModelConfig, _network) -> int:
    """Timed runs per round that fit the budget: many for small nets, a few for huge ones."""
    one = latency(_network, models.dataset(config.dataset, config.seed).X_test, 1)
    runs = min(MAX_RUNS, max(MIN_RUNS, BUDGET / max(one.dense, 1e-6)))
    return max(3, round(runs / ROUNDS))


def _sizes(config: models.ModelConfig, strategy: str, level: float) -> dict:
    """Bytes, FLOPs and removed neurons of one pruned network: most of a table row."""
    result = models.pruner(config, strategy).prune(level)
    size = storage(result.network)
    return {
        "strategy": strategy,
        "level": level,
        "weight_sparsity": result.weight_sparsity,
        **{f"{f}_bytes": getattr(size, f) for f in FORMATS},
        "flops_speedup": flops(result.masks).speedup,
        "removed_units": sum(result.network.hidden) - sum(compact(result.network).hidden),
        "hidden_units": sum(result.network.hidden),
    }


def _timing(config: models.ModelConfig, strategy: str, level: float, repeats: int):
    network = models.pruner(config, strategy).prune(level).network
    return latency(network, models.dataset(config.dataset, config.seed).X_test, repeats)


def _measured(tag: str, points: list, repeats: int, text) -> list[dict]:
    """Sizes of each (strategy, level) point and its timings, taken in ``ROUNDS`` rounds
    that visit every point in turn, so a burst of load on the shared machine hits all
    points alike instead of one; each time is the median over the rounds."""

    def build() -> list[dict]:
        bar = st.progress(0.0, text=text(*points[0]))
        rows = [_sizes(config, s, level) for s, level in points]
        timings = [[] for _ in points]
        steps = ROUNDS * len(points)
        for r in range(ROUNDS):
            for i, (s, level) in enumerate(points):
                bar.progress((r * len(points) + i) / steps, text=text(s, level))
                timings[i].append(_timing(config, s, level, repeats))
        bar.empty()
        return [{**row, **figs.median_times(ts)} for row, ts in zip(rows, timings, strict=True)]

    return _results().get((tag, config, tuple(points), repeats, run), build)


def _share(config: models.ModelConfig, strategy: str, level: float, k: int) -> dict:
    result = models.pruner(config, strategy).prune(level)
    shared = share_weights(result.network, k, models.dataset(config.dataset, config.seed))
    return {
        "k": k,
        "bits_per_weight": shared.bits_per_weight,
        "accuracy": shared.accuracy,
        "total_bits": shared.total_bits,
        "dense_bits": shared.dense_bits,
        "compression": shared.compression,
    }


def _word(ratio: float, area: str = "word") -> str:
    """A speedup in words: "1.4× faster", "2.0× slower" or "about the same"."""
    kind = figs.compare(ratio)
    return t(f"cost.{area}_{kind}", ratio=figs.times(1 / ratio if kind == "slower" else ratio))


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
now, unpruned = _measured(
    "current",
    [(key, sparsity / 100), (key, 0.0)],
    repeats,
    lambda *_: t("cost.measuring_current"),
)

# --- 1. the short answer, at the current setting ------------------------------------------
st.subheader(t("cost.answer_header"))
left, right = st.columns(2, gap="large")
sizes = {f: now[f"{f}_bytes"] for f in FORMATS}
with left:
    st.plotly_chart(
        figs.storage_bars({"unpruned": unpruned["dense_bytes"], **sizes}, format_labels, t),
        key="cost_storage",
        config=figs.CONFIG,
    )
    st.caption(
        t(
            "cost.storage_caption",
            **{f: figs.human_bytes(sizes[f]) for f in FORMATS},
            **{f"{f}_bytes": sizes[f] for f in FORMATS},
            **{f"{f}_pct": sizes[f] / sizes["dense"] for f in FORMATS},
        )
    )
timings = {
    "unpruned": unpruned["dense_s"],
    "dense": now["dense_s"],
    "csr": now["csr_s"],
    "compacted": now["compacted_s"],
}
with right:
    st.plotly_chart(
        figs.latency_bars(timings, now["flops_speedup"], format_labels, t),
        key="cost_latency",
        config=figs.CONFIG,
    )
    st.caption(
        t(
            "cost.latency_caption",
            rounds=ROUNDS,
            repeats=repeats,
            n=len(data.X_test),
            unpruned=figs.ms(timings["unpruned"]),
            dense=figs.ms(timings["dense"]),
            csr=figs.ms(timings["csr"]),
            compacted=figs.ms(timings["compacted"]),
            theory=figs.times(now["flops_speedup"]),
        )
    )

a, b, c = st.columns(3)
a.metric(
    t("cost.theory_metric"), figs.times(now["flops_speedup"]), help=t("cost.theory_metric_help")
)
b.metric(t("cost.csr_metric"), figs.times(now["csr_speedup"]), help=t("cost.measured_help"))
c.metric(
    t("cost.compacted_metric"), figs.times(now["compacted_speedup"]), help=t("cost.measured_help")
)

points = [
    t(
        "cost.say_dense",
        dense=figs.human_bytes(sizes["dense"]),
        now=figs.ms(timings["dense"]),
        before=figs.ms(timings["unpruned"]),
        word=_word(timings["unpruned"] / timings["dense"], "dense"),
    )
]
for fmt in ("csr", "gzip"):
    smaller = sizes[fmt] < sizes["dense"]
    points.append(
        t(
            f"cost.say_{fmt}_{'smaller' if smaller else 'larger'}",
            size=figs.human_bytes(sizes[fmt]),
            dense=figs.human_bytes(sizes["dense"]),
            ratio=figs.times(sizes["dense"] / max(sizes[fmt], 1)),
        )
    )
points.append(
    t(
        "cost.say_csr_time",
        csr=figs.ms(timings["csr"]),
        dense=figs.ms(timings["dense"]),
        word=_word(now["csr_speedup"]),
    )
    + (" " + t("cost.csr_slower_why") if figs.compare(now["csr_speedup"]) == "slower" else "")
)
if now["removed_units"] > 0:
    points.append(
        t(
            "cost.say_compacted",
            removed=now["removed_units"],
            units=now["hidden_units"],
            size=figs.human_bytes(sizes["compacted"]),
            pct=sizes["compacted"] / sizes["dense"],
            time=figs.ms(timings["compacted"]),
            ratio=figs.times(now["compacted_speedup"]),
            word=_word(now["compacted_speedup"]),
        )
    )
else:
    points.append(t("cost.say_no_compaction", neuron=labels["neuron_l1"]))
points.append(
    t(
        "cost.say_flops",
        theory=figs.times(now["flops_speedup"]),
        csr=figs.times(now["csr_speedup"]),
        compacted=figs.times(now["compacted_speedup"]),
    )
)
st.markdown("\n".join(f"- {p}" for p in points))

# --- 2. against sparsity: zeroing weights versus removing neurons ----------------------------
st.subheader(t("cost.sweep_header"))
st.caption(t("cost.sweep_intro", unstructured=labels[SWEEP[0]], neuron=labels[SWEEP[1]]))
frame = pd.DataFrame(
    _measured(
        "sweep",
        [(s, level) for s in SWEEP for level in LEVELS],
        repeats,
        lambda s, level: t("cost.measuring", strategy=labels[s], level=round(100 * level)),
    )
)
axis_titles = {
    s: t("cost.axis_neurons" if STRATEGIES[s].neurons else "cost.axis_weights") for s in SWEEP
}
st.plotly_chart(
    figs.cost_sweep(frame, SWEEP, labels, axis_titles, format_labels, t),
    key="cost_sweep",
    config=figs.CONFIG,
)
low, high = figs.ms(frame["dense_s"].min()), figs.ms(frame["dense_s"].max())
says = [
    t(
        "cost.sweep_dense" if low != high else "cost.sweep_dense_same",
        dense=figs.human_bytes(frame["dense_bytes"].max()),
        low=low,
        high=high,
        rounds=ROUNDS,
        repeats=repeats,
    )
]
for s in SWEEP:
    part = frame[frame["strategy"] == s].set_index("level")
    focus = part.loc[FOCUS]
    smaller = figs.from_level(part.index, part["csr_bytes"] < part["dense_bytes"])
    faster = figs.from_level(part.index, [figs.compare(x) == "faster" for x in part["csr_speedup"]])
    says.append(
        t(
            "cost.sweep_strategy",
            strategy=labels[s],
            level=round(100 * FOCUS),
            csr=figs.human_bytes(focus["csr_bytes"]),
            compacted=figs.human_bytes(focus["compacted_bytes"]),
            pct=focus["compacted_bytes"] / focus["dense_bytes"],
            time=figs.ms(focus["compacted_s"]),
            dense=figs.ms(focus["dense_s"]),
            ratio=figs.times(focus["compacted_speedup"]),
            word=_word(focus["compacted_speedup"]),
        )
        + " "
        + (
            t("cost.csr_smaller_from", level=round(100 * smaller))
            if smaller is not None
            else t("cost.csr_never_smaller")
        )
        + " "
        + (
            t("cost.csr_faster_from", level=round(100 * faster))
            if faster is not None
            else t("cost.csr_never_faster")
        )
    )
st.markdown("\n".join(f"- {p}" for p in says))

st.plotly_chart(
    figs.speedup_sweep(frame, SWEEP, labels, axis_titles, t),
    key="cost_speedup",
    config=figs.CONFIG,
)
focus = frame[frame["level"] == FOCUS].set_index("strategy")
st.caption(
    t(
        "cost.speedup_caption",
        level=round(100 * FOCUS),
        **{
            f"{name}_{col}": figs.times(focus.loc[s, f"{col}_speedup"])
            for name, s in (("u", SWEEP[0]), ("n", SWEEP[1]))
            for col in ("flops", "csr", "compacted")
        },
        unstructured=labels[SWEEP[0]],
        neuron=labels[SWEEP[1]],
    )
)
with st.expander(t("cost.table")):
    table = pd.DataFrame(
        {
            t("cost.col_strategy"): frame["strategy"].map(labels),
            t("cost.col_level"): (100 * frame["level"]).round().astype(int).astype(str) + "%",
            **{format_labels[f] + " (B)": frame[f"{f}_bytes"] for f in FORMATS},
            **{
                format_labels[f] + " (ms)": (1e3 * frame[f"{f}_s"]).round(3)
                for f in ("dense", "csr", "compacted")
            },
            t("cost.theory"): frame["flops_speedup"].map(figs.times),
        }
    )
    st.dataframe(table, hide_index=True)

# --- 3. weight sharing ---------------------------------------------------------------------
st.subheader(t("cost.sharing_header"))
st.caption(t("cost.sharing_intro"))
if result.nonzero == 0:
    st.info(t("cost.sharing_nothing"))
else:
    rows = pd.DataFrame(
        _with_progress(
            ("sharing", config, key, sparsity, SHARING_K),
            [
                (t("cost.clustering", k=k), lambda k=k: _share(config, key, sparsity / 100, k))
                for k in SHARING_K
            ],
        )
    )
    float_accuracy = evaluate(result.network, data.X_test, data.y_test).accuracy
    st.plotly_chart(
        figs.sharing_curve(rows, float_accuracy, t), key="cost_sharing", config=figs.CONFIG
    )
    close = rows[rows["accuracy"] >= float_accuracy - 0.01]
    pick = close.iloc[0] if len(close) else rows.iloc[-1]
    first = rows.iloc[0]
    st.caption(
        t(
            "cost.sharing_caption" if len(close) else "cost.sharing_caption_far",
            k=int(pick["k"]),
            bits=int(pick["bits_per_weight"]),
            acc=pick["accuracy"],
            float_acc=float_accuracy,
            size=figs.human_bytes(pick["total_bits"] / 8),
            dense=figs.human_bytes(pick["dense_bits"] / 8),
            ratio=figs.times(pick["compression"]),
            k_low=int(first["k"]),
            bits_low=int(first["bits_per_weight"]),
            acc_low=first["accuracy"],
        )
    )

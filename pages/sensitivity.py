"""Sensitivity: prune one layer at a time and see how much each layer tolerates."""

import pandas as pd
import streamlit as st

import pruning
from pages.ui import curve_figures as cf
from pages.ui import models, state
from pages.ui.i18n import registry_text, strategy_labels, t
from pruning import STRATEGIES
from pruning.strategies import Scope

LEVELS = tuple(i / 20 for i in range(21))
TOLERANCE = 1.0  # percentage points below dense accuracy that still count as unharmed

config = models.current_config()
net = models.model(config)
data = models.dataset(config.dataset, config.seed)
dense = models.dense_evaluation(config)
strategy_names = strategy_labels()


def layer_labels(neurons: bool) -> dict[str, str]:
    """``fc1`` → ``fc1 (64→100, 6,400 weights)``; ``hidden1`` → ``hidden1 (100 neurons)``."""
    sizes = net.layer_sizes
    if neurons:
        return {
            f"hidden{i}": t("sensitivity.label_neurons", name=f"hidden{i}", n=n)
            for i, n in enumerate(net.hidden, start=1)
        }
    return {
        name: t("sensitivity.label_weights", name=name, a=a, b=b, weights=f"{a * b:,}")
        for name, a, b in zip(net.layer_names, sizes[:-1], sizes[1:], strict=True)
    }


st.title(t("sensitivity.title"))
st.caption(t("sensitivity.intro"))

left, right = st.columns([1, 2], gap="large")
with left:
    options = list(STRATEGIES)
    key = st.selectbox(
        t("sensitivity.strategy"),
        options,
        index=options.index(state.value("strategy")),
        format_func=strategy_names.get,
        key="sens_strategy",
        persist_state="session",
    )
    strategy = STRATEGIES[key]
    st.caption(registry_text(key, "description", strategy.description))
    if strategy.scope is Scope.GLOBAL:  # with one layer pruned, global and per-layer agree
        st.caption(t("sensitivity.global_note"))

with right, st.spinner(t("sensitivity.computing")):
    frame = models.task_table("sensitivity", config, key, LEVELS)
labels = layer_labels(strategy.neurons)
ranking = pruning.layer_ranking(frame, dense.accuracy, TOLERANCE)
x_title = t("sensitivity.fig_x_neurons" if strategy.neurons else "sensitivity.fig_x")

with right:
    st.plotly_chart(
        cf.sensitivity_curves(frame, t, labels, dense.accuracy, x_title),
        key="sensitivity_chart",
        config=cf.CONFIG,
    )
    at = pruning.accuracy_at(frame, 0.9, by="layer")
    st.caption(
        t(
            "sensitivity.summary",
            dense=dense.accuracy,
            sparsity=float(at["sparsity"].iloc[0]),
            values=", ".join(f"{r.layer} {r.accuracy:.1%}" for r in at.itertuples(index=False)),
        )
    )

with left:
    st.markdown(f"**{t('sensitivity.readout_title', tol=TOLERANCE, dense=dense.accuracy)}**")
    best = pruning.sparsest_within(frame, dense.accuracy, TOLERANCE, by="layer")
    lines = [
        t("sensitivity.readout_none", layer=labels.get(r.layer, r.layer))
        if pd.isna(r.sparsity)
        else t("sensitivity.readout_line", layer=labels.get(r.layer, r.layer), sparsity=r.sparsity)
        for r in best.itertuples(index=False)
    ]
    st.markdown("\n".join(f"- {line}" for line in lines))

with right:
    st.markdown(t("sensitivity.explain"))
    if len(ranking) < 2:
        st.markdown(t("sensitivity.measured_single"))
    else:
        first, last = ranking.iloc[0], ranking.iloc[-1]
        if strategy.neurons:
            output_note = ""
        elif first["layer"] == net.layer_names[-1]:
            output_note = t("sensitivity.is_output")
        else:
            output_note = t("sensitivity.not_output", output=net.layer_names[-1])
        if first["sparsity"] != last["sparsity"]:
            message = t(
                "sensitivity.measured",
                most=first["layer"],
                most_s=first["sparsity"],
                least=last["layer"],
                least_s=last["sparsity"],
                is_output=output_note,
            )
        elif last["mean_accuracy"] - first["mean_accuracy"] >= 0.01:
            message = t(
                "sensitivity.measured_tie",
                sparsity=first["sparsity"],
                most=first["layer"],
                is_output=output_note,
            )
        else:
            message = t("sensitivity.measured_same", sparsity=first["sparsity"])
        st.markdown(message)
    if config.dataset == "digits" and not strategy.neurons:
        st.caption(t("sensitivity.digits_note"))

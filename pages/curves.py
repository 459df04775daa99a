"""Curves: accuracy against sparsity for several strategies, one-shot or fine-tuned."""

import pandas as pd
import streamlit as st

import pruning
from pages.ui import curve_figures as cf
from pages.ui import models
from pages.ui.i18n import strategy_labels, t
from pruning import STRATEGIES

ONE_SHOT_LEVELS = tuple(i / 20 for i in range(21))  # 0, 5, ..., 100 %
FINETUNED_LEVELS = tuple(i / 10 for i in range(11))  # fine-tuning costs epochs per level
DEFAULT_STRATEGIES = ["random", "layer_magnitude", "global_magnitude"]
MAX_FINETUNE_EPOCHS = 20
CAPTION_SPARSITY = 0.9

config = models.current_config()
dense = models.dense_evaluation(config)
labels = strategy_labels()

st.title(t("curves.title"))
st.caption(t("curves.intro"))


left, right = st.columns([1, 2], gap="large")
with left:
    strategies = st.pills(
        t("curves.strategies"),
        list(STRATEGIES),
        selection_mode="multi",
        default=DEFAULT_STRATEGIES,
        wrap=True,
        format_func=labels.get,
        key="curves_strategies",
        persist_state="session",
    )
    a, b = st.columns(2)
    epochs = a.number_input(
        t("curves.finetune_epochs"),
        0,
        MAX_FINETUNE_EPOCHS,
        0,
        step=1,
        key="curves_finetune",
        help=t("curves.finetune_help"),
        persist_state="session",
    )
    n_seeds = b.number_input(
        t("curves.seeds"),
        1,
        5,
        1,
        step=1,
        key="curves_seeds",
        help=t("curves.seeds_help"),
        persist_state="session",
    )
    x_axis = st.segmented_control(
        t("curves.x_axis"),
        ["sparsity", "compression"],
        default="sparsity",
        format_func=lambda k: t(f"curves.x_{k}"),
        required=True,
        key="curves_x",
        persist_state="session",
    )
    tolerance = st.number_input(
        t("curves.tolerance"),
        0.0,
        20.0,
        1.0,
        step=0.5,
        format="%.1f",
        key="curves_tolerance",
        help=t("curves.tolerance_help"),
        persist_state="session",
    )

if not strategies:
    with right:
        st.info(t("curves.pick_one"))
    st.stop()

epochs, seeds = int(epochs), tuple(range(int(n_seeds)))
with right:
    slot = st.empty()
    if epochs == 0:
        with slot, st.spinner(t("curves.computing")):
            frame = models.curve(config, tuple(strategies), ONE_SHOT_LEVELS, 0, seeds)
    else:
        with slot.container():
            frame = models.trained_curves(
                config,
                tuple(strategies),
                FINETUNED_LEVELS,
                epochs,
                lambda s, i, n: t(
                    "curves.progress",
                    strategy=labels[s],
                    i=i,
                    n=n,
                    levels=len(FINETUNED_LEVELS) * len(seeds),
                    epochs=epochs,
                ),
                seeds,
            )
    title = (
        t("curves.fig_title_finetuned", epochs=epochs) if epochs else t("curves.fig_title_oneshot")
    )
    # fine-tuned curves are drawn over the one-shot ones (cached: no extra wait)
    one_shot = (
        models.curve(config, tuple(strategies), ONE_SHOT_LEVELS, 0, seeds) if epochs else None
    )
    st.plotly_chart(
        cf.strategy_curves(
            frame, t, labels, dense.accuracy, float(tolerance), title, x=x_axis, one_shot=one_shot
        ),
        key="curves_chart",
        config=cf.CONFIG,
    )
    at = pruning.accuracy_at(frame, CAPTION_SPARSITY)
    st.caption(
        t(
            "curves.summary",
            dense=dense.accuracy,
            sparsity=float(at["sparsity"].iloc[0]),
            values=", ".join(
                f"{labels[r.strategy]} {r.accuracy:.1%}" for r in at.itertuples(index=False)
            ),
            seeds=len(seeds),
        )
    )
    if x_axis == "compression":
        st.caption(t("curves.compression_note"))
    st.download_button(
        t("curves.download"),
        pruning.named_by_part(frame).to_csv(index=False).encode("utf-8"),
        file_name=f"curves_{config.dataset}_{'-'.join(map(str, config.hidden))}.csv",
        mime="text/csv",
        key="curves_csv",
        on_click="ignore",
        icon=":material/download:",
    )

with left:
    st.markdown(f"**{t('curves.readout_title', tol=float(tolerance), dense=dense.accuracy)}**")
    best = pruning.sparsest_within(frame, dense.accuracy, float(tolerance))
    lines = []
    for r in best.itertuples(index=False):
        if pd.isna(r.sparsity):
            lines.append(t("curves.readout_none", strategy=labels[r.strategy]))
        else:
            lines.append(
                t(
                    "curves.readout_line",
                    strategy=labels[r.strategy],
                    sparsity=r.sparsity,
                    compression=r.compression,
                    accuracy=r.accuracy,
                    test=r.test_accuracy,
                )
            )
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("curves.choice_note"))
    if any(STRATEGIES[s].neurons for s in strategies):
        st.caption(t("curves.neuron_note"))
    if len(seeds) > 1 and epochs == 0 and any(STRATEGIES[s].deterministic for s in strategies):
        st.caption(t("curves.deterministic_note"))
    st.caption(t("curves.read_hint"))

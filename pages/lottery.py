"""Lottery: Frankle & Carbin's lottery-ticket experiment on the student's network."""

import pandas as pd
import streamlit as st

import pruning
from pages.ui import curve_figures as cf
from pages.ui import models
from pages.ui.i18n import t
from pages.ui.measured import LOTTERY_EPOCHS, LOTTERY_SPARSITIES

SPARSITY_OPTIONS = (20, 50, 80, 90, 95, 98, 99)
PRUNE_RATE = 0.2  # pruning.lottery's default: each round removes 20% of the survivors

config = models.current_config()
dense = models.dense_evaluation(config)
labels = {v: t(f"lottery.variant_{v}") for v in cf.LOTTERY_VARIANTS}

st.title(t("lottery.title"))
st.caption(t("lottery.intro"))
st.markdown(t("lottery.procedure", rate=PRUNE_RATE))


def run_experiment(levels: tuple[float, ...], epochs: int) -> pd.DataFrame:
    """``pruning.lottery`` as a task on the cluster, with a progress bar (seconds to
    minutes: never on page load)."""

    def caption(fraction: float) -> str:
        return t("lottery.progress", fraction=fraction)

    return models.task_table("lottery", config, levels, epochs, config.seed, text=caption)


left, right = st.columns([1, 2], gap="large")
with left:
    chosen = st.pills(
        t("lottery.sparsities"),
        SPARSITY_OPTIONS,
        selection_mode="multi",
        default=list(LOTTERY_SPARSITIES),
        wrap=True,
        format_func=lambda s: f"{s}%",
        key="lottery_sparsities",
        help=t("lottery.sparsities_help"),
        persist_state="session",
    )
    epochs = int(
        st.number_input(
            t("lottery.epochs"),
            1,
            100,
            LOTTERY_EPOCHS,
            step=5,
            key="lottery_epochs",
            help=t("lottery.epochs_help"),
            persist_state="session",
        )
    )
    levels = tuple(s / 100 for s in sorted(chosen))
    if levels:
        rounds, trainings = pruning.lottery_trainings(levels, PRUNE_RATE)
        st.caption(t("lottery.cost", rounds=rounds, trainings=trainings, epochs=epochs))
    clicked = st.button(
        t("lottery.run"),
        type="primary",
        key="lottery_run",
        disabled=not levels,
        icon=":material/play_arrow:",
    )

key = (levels, epochs, config.seed)  # the task's arguments
frame = models.stored_table("lottery", config, *key) if levels else None
with right:
    if clicked and levels and frame is None:
        frame = run_experiment(levels, epochs)
    stale = False
    if frame is not None:
        st.session_state["_lottery_last"] = (config, *key)
    else:  # keep showing this network's last run until the student presses Run again
        last = st.session_state.get("_lottery_last")
        if last is not None and last[0] == config:
            frame, stale = models.stored_table("lottery", config, *last[1:]), True
    if frame is None:
        st.info(t("lottery.press_run"), icon=":material/science:")
    else:
        if stale:
            st.warning(t("lottery.stale"), icon=":material/history:")
        st.plotly_chart(
            cf.lottery_curves(frame, t, labels, dense.accuracy),
            key="lottery_chart",
            config=cf.CONFIG,
        )
        means = pruning.lottery_means(frame)
        st.caption(
            t(
                "lottery.summary",
                dense=dense.accuracy,
                rows="; ".join(
                    t(
                        "lottery.summary_row",
                        sparsity=s,
                        rewind=row.get("rewind", float("nan")),
                        reinit=row.get("reinit", float("nan")),
                        trained=row.get("trained", float("nan")),
                    )
                    for s, row in means.iterrows()
                ),
            )
        )
        st.markdown(t("lottery.notice"))
        top = means.index.max()
        gap = means.loc[top, "rewind"] - means.loc[top, "reinit"]
        st.markdown(
            t(
                "lottery.measured_holds" if gap >= 0.01 else "lottery.measured_not",
                sparsity=top,
                rewind=means.loc[top, "rewind"],
                reinit=means.loc[top, "reinit"],
                gap=100 * gap,
            )
        )

"""The Prune page's controls outside the live view: the strategy and its switches, and the
fine-tuning action below the chart. They run on full reruns only, never on a slider step."""

import streamlit as st

from pruning import STRATEGIES, ModelConfig
from pruning.strategies import at_init_keys

from . import models, state
from .i18n import registry_text, t

FINETUNE_EPOCHS = 10  # the fine-tuning input's default (the lessons quote what it recovers)
AT_INIT_EPOCHS = 30  # after pruning at initialization: train the sparse network this long


def strategy_control(
    labels: dict[str, str], activation: str, stacked: bool = False
) -> tuple[str, bool, bool]:
    """The strategy select (``labels`` in the current language) with its explanation, the
    APoZ threshold switch (for ReLU networks: other units are never exactly zero) and the
    prune-at-initialization switch (for the strategies that can score θ0); side by side,
    or ``stacked`` in a narrow column."""
    pick, mode = (st.container(), st.container()) if stacked else st.columns([2, 1], gap="large")
    with pick:
        if state.hidden("strategy"):
            key = state.value("strategy")
            st.markdown(f"**{t('prune.strategy')}:** {labels[key]}")
        else:
            key = st.selectbox(
                t("prune.strategy"),
                list(STRATEGIES),
                key="strategy",
                format_func=labels.get,
                persist_state="session",
            )
        st.caption(registry_text(key, "description", STRATEGIES[key].description))
    threshold_mode = False
    if STRATEGIES[key].threshold is not None:
        relu = activation == "relu"
        threshold_mode = mode.toggle(
            t("prune.threshold_mode"),
            key="threshold_mode" if relu else "threshold_unavailable",
            disabled=not relu,
            help=None if relu else t("prune.threshold_needs_relu", activation=activation),
        )
        if not relu:
            mode.caption(t("prune.threshold_needs_relu", activation=activation))
    if not STRATEGIES[key].at_init:  # a stand-in: the student's choice waits for a strategy
        usable = ", ".join(labels[s] for s in at_init_keys())
        mode.toggle(
            t("prune.at_init"),
            False,
            key="init_unavailable",
            disabled=True,
            help=t("prune.at_init_unsupported", strategies=usable),
        )
        return key, threshold_mode, False
    if state.hidden("init"):
        return key, threshold_mode, bool(state.value("init"))
    at_init = mode.toggle(
        t("prune.at_init"), key="init", help=t("prune.at_init_help"), persist_state="session"
    )
    return key, threshold_mode, at_init


def finetune_action(view: dict, config: ModelConfig, dense: float) -> None:
    """Fine-tune the surviving weights of the current view (on the cluster) and show what
    it recovers against the ``dense`` accuracy.

    After pruning at initialization the same action trains the sparse network from θ0,
    which is exactly the prune-at-init schedule (and the curve's trained line).
    """
    result, at_init = view["result"], view["at_init"]
    text = "prune.train" if at_init else "prune.finetune"  # the i18n keys of this mode
    epochs = st.number_input(
        t(f"{text}_epochs"),
        1,
        50,
        AT_INIT_EPOCHS if at_init else FINETUNE_EPOCHS,
        key=f"{text}_epochs",  # two inputs, so each mode keeps its own default
    )
    token = (config, result.strategy, result.sparsity, result.threshold, at_init, epochs)
    if st.button(t(text, epochs=epochs), key="finetune"):
        accuracy = models.finetuned_accuracy(
            config, result, at_init, int(epochs), t(f"{text}_running")
        )
        st.session_state["_finetuned"] = (token, accuracy)
    done = st.session_state.get("_finetuned")
    if done and done[0] == token:
        st.success(
            t(
                f"{text}_done",
                epochs=epochs,
                sparsity=result.weight_sparsity,
                before=view["accuracy"],
                after=done[1],
                dense=dense,
            )
        )

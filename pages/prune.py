"""Prune: pick a strategy, move the sparsity slider, watch the network react."""

import streamlit as st

from pages.ui import challenge, figures, models, state, transfer
from pages.ui.i18n import registry_text, t
from pruning import STRATEGIES, evaluate, finetune, magnitude_thresholds, weight_histograms

CURVE_LEVELS = tuple(i / 20 for i in range(21))

config = models.current_config()
data = models.dataset(config.dataset, config.seed)
dense = models.dense_evaluation(config)
labels = {k: registry_text(k, "label", s.label) for k, s in STRATEGIES.items()}

st.title(t("prune.title"))
st.caption(t("prune.intro"))


@st.fragment
def live_view() -> None:
    """Everything the slider drives, rerun on its own when a control inside changes."""
    left, middle, right = st.columns([4, 4, 3], gap="large")
    with left:
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
        strategy = STRATEGIES[key]
        st.caption(registry_text(key, "description", strategy.description))
    with middle:
        threshold = None
        if strategy.threshold is not None and st.toggle(
            t("prune.threshold_mode"), key="threshold_mode"
        ):
            threshold = st.slider(
                t("prune.threshold"),
                0.0,
                1.0,
                0.9,
                0.01,
                key="threshold",
                help=t("prune.threshold_help"),
            )
        sparsity = state.value("sparsity")
        if not state.hidden("sparsity"):
            sparsity = st.slider(
                t(
                    "prune.sparsity_neuron"
                    if strategy.granularity == "neuron"
                    else "prune.sparsity"
                ),
                0,
                100,
                step=1,
                key="sparsity",
                format="%d%%",
                persist_state="session",
                disabled=threshold is not None,
            )

    result = transfer.uploaded_result(config, key)
    uploaded = result is not None
    if result is None:
        pruner = models.pruner(config, key)
        if threshold is not None:
            result = pruner.prune(threshold=threshold)
        else:
            result = pruner.prune(sparsity / 100)
    else:
        st.info(t("transfer.custom_note"))
    ev = evaluate(result.network, data.X_test, data.y_test)

    with right:
        st.metric(
            t("prune.accuracy"),
            f"{ev.accuracy:.1%}",
            delta=f"{100 * (ev.accuracy - dense.accuracy):+.1f} pt",
            help=t("prune.accuracy_help", dense=dense.accuracy),
        )
        c1, c2 = st.columns(2)
        c1.metric(t("prune.weight_sparsity"), f"{result.weight_sparsity:.1%}")
        c2.metric(
            t("prune.compression"), "∞" if result.nonzero == 0 else f"{result.compression:.1f}×"
        )
    if result.collapsed:
        reason = t(f"prune.collapse_{result.collapse.kind}", layer=result.collapse.layer)
        st.error(t("prune.collapsed", reason=reason))
    thresholds = (
        magnitude_thresholds(result.original, result.masks)
        if key.endswith("magnitude")
        else [None] * len(result.masks)
    )
    st.plotly_chart(
        figures.prune_overview(
            weight_histograms(result.original, result.masks),
            thresholds,
            result.layer_counts,
            result.masks[0],
            data.feature_shape,
            models.curve(config, (key,), CURVE_LEVELS),
            marker=(result.sparsity, ev.accuracy),
            dense=dense.accuracy,
            labels=labels,
            t=t,
        ),
        key="overview",
        config={"displayModeBar": False},
    )
    if data.feature_shape is None:
        st.caption(t("prune.no_pixels"))
    st.caption(
        t(
            "prune.summary",
            layers=", ".join(f"{c.layer} {c.nonzero}/{c.total}" for c in result.layer_counts),
        )
    )
    tune, link = st.columns(2, gap="large")
    with tune:
        _finetune_action(result, ev.accuracy)
    with link:
        st.caption(t("prune.link_hint"))
        st.code(state.share_link("prune"), language=None, wrap_lines=True)
    with st.expander(t("transfer.download_section")):
        transfer.downloads(result, ev.accuracy)
    custom = uploaded or threshold is not None
    challenge.submit_form(config, key, sparsity, masks=result.masks if custom else None)
    state.sync_url()


def _finetune_action(result, accuracy: float) -> None:
    """Fine-tune the surviving weights for a few epochs and show what it recovers."""
    epochs = st.number_input(t("prune.finetune_epochs"), 1, 50, 10, key="finetune_epochs")
    token = (config, result.strategy, result.sparsity, result.threshold, epochs)
    if st.button(t("prune.finetune", epochs=epochs), key="finetune"):
        with st.spinner(t("prune.finetuning")):
            tuned = finetune(result, data, int(epochs))
        st.session_state["_finetuned"] = (
            token,
            evaluate(tuned.network, data.X_test, data.y_test).accuracy,
        )
    done = st.session_state.get("_finetuned")
    if done and done[0] == token:
        st.success(t("prune.finetuned", epochs=epochs, before=accuracy, after=done[1]))


transfer.uploaded_banner()
live_view()
with st.expander(t("transfer.upload_section")):
    transfer.uploader()

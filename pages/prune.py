"""Prune: pick a strategy, move the sparsity slider, watch the network react.

Only what the slider changes lives in the fragment: the slider, the three numbers and
the chart (whose text alternative carries the per-layer counts); the share link below it
follows the address bar by itself. Every element a fragment run sends costs the one
shared server core and the browser time, so the rarely used actions (fine-tuning,
downloads, the challenge form) sit outside it. They are drawn on full runs and read the
current view when clicked.
"""

import pandas as pd
import streamlit as st

from pages.ui import challenge, figures, models, state, transfer
from pages.ui import prune_controls as controls
from pages.ui.copy_link import copy_link
from pages.ui.i18n import language, strategy_labels, t
from pages.ui.live_chart import live_chart
from pruning import STRATEGIES, evaluate, magnitude_thresholds, weight_histograms

CURVE_LEVELS = tuple(i / 20 for i in range(21))
AT_INIT_LEVELS = tuple(i / 10 for i in range(11))  # each level trains a network
AT_INIT_EPOCHS = controls.AT_INIT_EPOCHS
AT_INIT_CURVE = "at_init"  # the trained-from-θ0 line's key in the curve panel
VIEW = "_prune_view"
# The presenter view starts the page higher: the whole figure fits a 1280 x 720 screen.
PRESENT_CSS = "<style>[data-testid='stMainBlockContainer'] {padding: 2.5rem 1.5rem 4rem}</style>"
CURVES = "_prune_curves"

config = models.current_config()
data = models.dataset(config.dataset, config.seed)
dense = models.dense_evaluation(config)
labels = strategy_labels()


def accuracy_curves(key: str, at_init: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """The strategy's one-shot curve and its legend labels; pruning at initialization adds
    the curve of networks pruned at θ0 and then trained (a progress bar the first time)."""
    one_shot = models.curve(config, (key,), CURVE_LEVELS)
    if not at_init:
        return one_shot, labels
    trained = models.trained_curves(
        config,
        (key,),
        AT_INIT_LEVELS,
        AT_INIT_EPOCHS,
        lambda s, i, n: t("prune.at_init_progress", strategy=labels[s], epochs=AT_INIT_EPOCHS),
        schedule="prune_at_init",
    )
    names = {
        key: t("prune.curve_after_training", strategy=labels[key]),
        AT_INIT_CURVE: t("prune.curve_at_init", strategy=labels[key], epochs=AT_INIT_EPOCHS),
    }
    both = pd.concat([one_shot, trained.assign(strategy=AT_INIT_CURVE)], ignore_index=True)
    return both, names


def curve_panel(key: str, at_init: bool) -> tuple[tuple, dict[str, str]]:
    """``accuracy_curves`` as lines for the figure, kept in the session: the curves do not
    change while the slider moves, so a step neither copies nor regroups the table."""
    token = (config, key, at_init, language())
    found = st.session_state.get(CURVES)
    if found is None or found[0] != token:
        frame, names = accuracy_curves(key, at_init)
        found = (token, figures.curve_lines(frame), names)
        st.session_state[CURVES] = found
    return found[1], found[2]


@st.fragment
def live_view(key: str, threshold_mode: bool, at_init: bool, present: bool = False) -> dict:
    """Everything the slider drives; reruns on its own when the slider moves.

    Returns the current view, which the actions below the fragment use on full runs. It
    is one dict per session, updated in place, so a download prepared on click reads the
    slider's latest position even after fragment-only runs.
    """
    strategy = STRATEGIES[key]
    if present:  # slider and numbers in a column beside the figure
        controls, chart_area = st.columns([1, 3], gap="medium")
        numbers = controls
    else:
        controls, numbers = st.columns([1, 1], gap="large", vertical_alignment="bottom")
        chart_area = st.container()
    with controls:
        threshold = None
        if threshold_mode:
            threshold = st.slider(
                t("prune.threshold"), 0.01, 1.0, 0.9, 0.01,
                key="threshold", help=t("prune.threshold_help"),
            )  # fmt: skip
        sparsity = state.value("sparsity")
        neuron = strategy.neurons
        if not state.hidden("sparsity"):
            sparsity = st.slider(
                t("prune.sparsity_neuron" if neuron else "prune.sparsity"),
                0, 100, state.BY_KEY["sparsity"].default, step=1, format="%d%%",
                key="sparsity", persist_state="session", bind=state.bind("sparsity"),
                disabled=threshold is not None,
            )  # fmt: skip

    result = transfer.uploaded_result(config, key)
    uploaded = result is not None
    at_init = at_init and not uploaded
    if result is None:
        pruner = models.pruner(config, key, at_init=at_init)
        result = (
            pruner.prune(sparsity / 100) if threshold is None else pruner.prune(threshold=threshold)
        )
    ev = evaluate(result.network, data.X_val, data.y_val)

    with numbers.container(horizontal=not present, gap="medium"):
        st.metric(
            t("prune.accuracy_at_init" if at_init else "prune.accuracy"),
            f"{ev.accuracy:.1%}",
            delta=t("common.points", value=100 * (ev.accuracy - dense.accuracy)),
            help=t("prune.accuracy_help", dense=dense.accuracy),
        )
        st.metric(t("prune.weight_sparsity"), f"{result.weight_sparsity:.1%}")
        st.metric(
            t("prune.compression"), "∞" if result.nonzero == 0 else f"{result.compression:.1f}×"
        )
    if uploaded:
        st.info(t("transfer.custom_note"))
    if threshold is not None and any(units.all() for units in result.removed_units):
        st.warning(t("prune.threshold_removes_all", threshold=threshold))
    if result.collapsed:
        reason = t(f"prune.collapse_{result.collapse.kind}", layer=result.collapse.layer)
        st.error(t("prune.collapsed", reason=reason))
    thresholds = (
        magnitude_thresholds(result.original, result.masks)
        if strategy.magnitude_cut
        else None  # no magnitude cut to draw
    )
    curve, curve_labels = curve_panel(key, at_init)
    layers = ", ".join(f"{c.layer} {c.nonzero}/{c.total}" for c in result.layer_counts)
    summary = t("prune.summary", layers=layers)  # the chart's text alternative
    with chart_area:
        live_chart(
            figures.prune_overview(
                weight_histograms(result.original, result.masks),
                thresholds,
                result.layer_counts,
                result.masks[0],
                data.feature_shape,
                curve,
                marker=(result.sparsity, ev.accuracy),
                dense=dense.accuracy,
                labels=curve_labels,
                t=t,
                neurons=neuron,
                present=present,
            ),
            key="overview",
            alt=summary,
        )
    state.sync_url()  # sends nothing on a slider step: the browser writes the sparsity
    custom = uploaded or threshold is not None or at_init
    view = st.session_state.setdefault(VIEW, {})
    view.update(
        result=result,
        accuracy=ev.accuracy,
        sparsity=None if custom else sparsity,
        masks=result.masks if custom else None,
        at_init=at_init,
    )
    return view


st.title(t("prune.title"))
present = state.presenting()  # a projector: controls on the left, the whole figure beside
if present:
    st.html(PRESENT_CSS)
else:
    st.caption(t("prune.intro"))
transfer.uploaded_banner()
left, right = st.columns([1, 4], gap="medium") if present else (st.container(), st.container())
with left:
    strategy_key, threshold_on, init_on = controls.strategy_control(
        labels, config.activation, stacked=present
    )
with right:
    view = live_view(strategy_key, threshold_on, init_on, present=present)
if data.feature_shape is None:  # does not change with the slider: outside the fragment
    st.caption(t("prune.no_pixels"))
copy_link(None, key="share_link")  # follows the address bar, which the fragment keeps current
tune, files = st.columns(2, gap="large")
with tune:
    controls.finetune_action(view, config, dense.accuracy)
with files, st.expander(t("transfer.download_section")):
    transfer.downloads(view)
challenge.submit_form(
    config, strategy_key, view["sparsity"], masks=view["masks"], at_init=view["at_init"]
)
with st.expander(t("transfer.upload_section")):
    transfer.uploader()

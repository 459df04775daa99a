"""Inspect: look inside the pruned network: weights, receptive fields, and which classes pay."""

import numpy as np
import streamlit as st

from pages.ui import inspect_figures as figs
from pages.ui import models, state
from pages.ui.i18n import registry_text, t
from pruning import STRATEGIES, evaluate

FIELDS_SHOWN = 48  # receptive fields drawn at most (6 rows of 8)

config = models.current_config()
data = models.dataset(config.dataset, config.seed)
dense = models.dense_evaluation(config)
key = state.value("strategy")
sparsity = int(state.value("sparsity"))
strategy = STRATEGIES[key]
result = models.pruner(config, key).prune(sparsity / 100)
after = evaluate(result.network, data.X_val, data.y_val)

st.title(t("inspect.title"))
st.caption(t("inspect.intro"))
st.info(
    t(
        "inspect.current_neuron" if strategy.neurons else "inspect.current",
        strategy=registry_text(key, "label", strategy.label),
        sparsity=sparsity,
        weights=result.weight_sparsity,
    )
)
st.page_link("pages/prune.py", label=t("inspect.change"), icon=":material/content_cut:")
if result.collapsed:
    st.warning(t("inspect.collapsed"))


def _colour_limit(W: np.ndarray) -> float:
    """The colour scale's end: the 99th percentile of |w|, so a few outliers do not wash
    out every other weight (they simply get the darkest colour)."""
    return float(np.quantile(np.abs(W), 0.99)) or 1.0


@st.fragment
def weights_view() -> None:
    """One weight matrix with its mask; the layer select reruns only this part."""
    st.header(t("inspect.weights_header"))
    names, sizes = result.network.layer_names, result.network.layer_sizes
    layer = st.selectbox(
        t("inspect.layer"),
        list(range(len(names))),
        format_func=lambda i: t(
            "inspect.layer_option", layer=names[i], n_in=sizes[i], n_out=sizes[i + 1]
        ),
        key="inspect_layer",
    )
    W, mask = result.original.coefs[layer], result.masks[layer]
    last = layer == len(names) - 1
    row_labels = data.class_names if last and W.shape[1] == len(data.class_names) else None
    limit = _colour_limit(W)
    st.plotly_chart(
        figs.weight_heatmap(W, mask, names[layer], t, limit, row_labels),
        key="inspect_heatmap",
        config=figs.CONFIG,
    )
    count = result.layer_counts[layer]
    text = t(
        "inspect.heatmap_caption",
        layer=names[layer],
        rows=W.shape[1],
        cols=W.shape[0],
        kept=count.nonzero,
        total=count.total,
        density=count.density,
        limit=limit,
    )
    _, _, _, row_step, col_step = figs.masked_view(W, mask)
    if row_step > 1 or col_step > 1:
        parts = [
            t(f"inspect.thin_{name}", step=step)
            for name, step in (("rows", row_step), ("cols", col_step))
            if step > 1
        ]
        text += " " + t(
            "inspect.thinned",
            full_rows=W.shape[1],
            full_cols=W.shape[0],
            side=figs.MAX_SIDE,
            parts=t("inspect.and").join(parts),
            rows=-(-W.shape[1] // row_step),
            cols=-(-W.shape[0] // col_step),
        )
    st.caption(text)


@st.fragment
def fields_view() -> None:
    """Each first-layer unit's incoming weights drawn as the input image."""
    st.header(t("inspect.fields_header"))
    shape = data.feature_shape
    W, mask = result.original.coefs[0], result.masks[0]
    if shape is None or shape[0] * shape[1] != W.shape[0]:
        st.info(t("inspect.no_image"))
        return
    st.caption(t("inspect.fields_intro"))
    removed = result.removed_units[0]
    kept = mask.sum(axis=0)
    empty = (kept == 0) & ~removed
    first = st.toggle(t("inspect.survivors_first"), True, key="inspect_survivors_first")
    units = figs.tile_order(kept, removed, first)[:FIELDS_SHOWN]
    limit = _colour_limit(W)
    st.plotly_chart(
        figs.receptive_fields(W, mask, [int(u) for u in units], removed, shape, t, limit),
        key="inspect_fields",
        config=figs.CONFIG,
    )
    st.caption(
        t(
            "inspect.fields_caption",
            shown=len(units),
            units=W.shape[1],
            removed=int(removed.sum()),
            empty=int(empty.sum()),
            kept=int(kept.sum()),
            total=W.size,
        )
    )


def classes_view() -> None:
    """Confusion matrices before and after pruning, and each class's accuracy drop."""
    st.header(t("inspect.classes_header"))
    a, b, c = st.columns(3)
    a.metric(t("inspect.accuracy_before"), f"{dense.accuracy:.1%}")
    b.metric(
        t("inspect.accuracy_after"),
        f"{after.accuracy:.1%}",
        delta=t("common.points", value=100 * (after.accuracy - dense.accuracy)),
    )
    c.metric(t("inspect.val_examples"), f"{len(data.y_val)}")
    names = data.class_names
    top = int(max(dense.confusion.max(), after.confusion.max()))
    for column, (name, matrix) in zip(
        st.columns(2, gap="medium"),
        (("before", dense.confusion), ("after", after.confusion)),
        strict=True,
    ):
        title = t(f"inspect.confusion_{name}")
        column.plotly_chart(
            figs.confusion(matrix, names, title, top, t),
            key=f"inspect_confusion_{name}",
            config=figs.CONFIG,
        )
    errors = after.confusion.copy()
    np.fill_diagonal(errors, 0)
    text = t(
        "inspect.confusion_caption",
        correct_before=int(np.trace(dense.confusion)),
        correct_after=int(np.trace(after.confusion)),
        n=len(data.y_val),
    )
    if errors.any():
        truth, pred = np.unravel_index(int(np.argmax(errors)), errors.shape)
        text += " " + t(
            "inspect.top_mistake",
            truth=names[truth],
            pred=names[pred],
            count=int(errors[truth, pred]),
        )
    st.caption(text)

    st.plotly_chart(
        figs.class_drop(dense.per_class, after.per_class, names, t),
        key="inspect_drop",
        config=figs.CONFIG,
    )
    drop = dense.per_class - after.per_class
    worst = int(np.argmax(drop))
    if drop[worst] > 0:
        st.caption(
            t(
                "inspect.drop_caption",
                cls=names[worst],
                before=dense.per_class[worst],
                after=after.per_class[worst],
                worse=int((drop > 1e-12).sum()),
                classes=len(names),
            )
        )
    else:
        st.caption(t("inspect.no_drop"))


weights_view()
fields_view()
classes_view()

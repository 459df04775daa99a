"""Train: the network every other page prunes, and how it learned, epoch by epoch."""

import streamlit as st

from pages.ui import curve_figures as cf
from pages.ui import models, own_data
from pages.ui.i18n import t
from pruning.training import N_ITER_NO_CHANGE, TOL

config = models.current_config()
data = models.dataset(config.dataset, config.seed)

st.title(t("train.title"))
st.caption(t("train.intro", dataset=own_data.label(config.dataset)))

left, right = st.columns([1, 2], gap="large")
with right:
    live = st.empty()  # the live chart while training, then the final one in the same place


def draw_live(history: list) -> None:
    """Redraw the loss and accuracy curves so far (the trainer throttles this to 5 Hz)."""
    live.plotly_chart(
        cf.training_curves(history, t), key=f"train_live_{len(history)}", config=cf.CONFIG
    )


with right:
    net = models.model(config, on_history=draw_live)
dense = models.dense_evaluation(config)
history = net.history
epochs_run = len(history)

with left:
    a, b = st.columns(2)
    a.metric(t("train.accuracy"), f"{dense.accuracy:.1%}", help=t("train.accuracy_help"))
    b.metric(
        t("train.parameters"),
        f"{net.n_parameters:,}",
        help=t(
            "train.parameters_help",
            weights=f"{net.n_weights:,}",
            biases=f"{net.n_parameters - net.n_weights:,}",
        ),
    )
    c, d = st.columns(2)
    c.metric(
        t("train.epochs_run"), f"{epochs_run}", help=t("train.epochs_help", max=config.max_iter)
    )
    if history:
        d.metric(t("train.final_loss"), f"{history[-1].loss:.3f}", help=t("train.loss_help"))
    st.header(t("train.architecture"))
    st.markdown(" → ".join(str(n) for n in net.layer_sizes))
    st.markdown(
        "\n".join(
            f"- {line}"
            for line in cf.architecture(net.layer_sizes, net.activation, t, data.feature_shape)
        )
    )

with right:
    if history:
        live.plotly_chart(cf.training_curves(history, t), key="train_curves", config=cf.CONFIG)
        best = max(history, key=lambda e: e.val_accuracy)
        st.caption(
            t(
                "train.summary",
                epochs=epochs_run,
                loss0=history[0].loss,
                loss1=history[-1].loss,
                acc0=history[0].val_accuracy,
                acc1=history[-1].val_accuracy,
                best=best.val_accuracy,
                best_epoch=best.epoch,
            )
        )
    st.info(t("train.watch_only"), icon=":material/visibility:")
    if epochs_run < config.max_iter:
        st.caption(t("train.stopped_early", epochs=epochs_run, tol=TOL, n=N_ITER_NO_CHANGE))
    else:
        st.caption(t("train.ran_all", epochs=epochs_run))
    st.caption(t("train.change_hint"))

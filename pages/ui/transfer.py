"""Files students take home and bring back: model downloads, config JSON, and uploads.

Downloads are built only when clicked. Uploads are validated by the engine
(``pruning.export.read_npz``: no pickle, limited size, checked shapes) and by the URL
state's own parsers; a bad file gets a clear message and changes nothing.
"""

from __future__ import annotations

import json

import streamlit as st

from pruning import PruneResult, apply_masks
from pruning.export import export_meta, npz_bytes, read_npz, skops_bytes

from . import models, state
from .i18n import t

MAX_JSON_BYTES = 64 * 1024
_MASKS = "_uploaded_masks"


def config_json() -> str:
    """Every URL-backed control as a JSON object: an experiment a student can reload."""
    return json.dumps({p.key: state.value(p.key) for p in state.PROPS}, indent=1)


def downloads(view: dict) -> None:
    """Download buttons for the pruned model (.npz, .skops), and the configuration (.json).

    ``view`` is the Prune page's live view (``result``, ``accuracy``), updated in place by
    each slider step; the files are built from it when clicked, so they match the screen.
    """
    name = f"{view['result'].strategy}-pruned"
    a, b, c = st.columns(3)
    a.download_button(
        t("transfer.npz"),
        lambda: npz_bytes(view["result"], export_meta(view["result"], view["accuracy"])),
        f"{name}.npz",
        "application/octet-stream",
        key="dl_npz",
        help=t("transfer.npz_help"),
    )
    b.download_button(
        t("transfer.skops"),
        lambda: skops_bytes(view["result"].network),
        f"{name}.skops",
        "application/octet-stream",
        key="dl_skops",
        help=t("transfer.skops_help"),
    )
    c.download_button(
        t("transfer.config"), config_json, "experiment.json", "application/json", key="dl_config"
    )


def _parse_values(values: dict) -> dict:
    """Validate URL-state values from a file with the URL's own parsers: all or nothing."""
    parsed, bad = {}, []
    for key, raw in values.items():
        prop = state.BY_KEY.get(key)
        try:
            if prop is None:
                raise ValueError
            parsed[key] = prop.parse(str(raw))
        except (ValueError, TypeError):
            bad.append(str(key)[:40])
    if bad:
        raise ValueError(t("transfer.bad_values", keys=", ".join(bad)))
    return parsed


def _load(upload) -> tuple[dict, tuple | None, str]:
    """Read an uploaded .json config or .npz model without changing the session.

    Returns the values to apply, the masks to show (or None) and a message.
    """
    raw = upload.getvalue()
    if upload.name.lower().endswith(".json"):
        if len(raw) > MAX_JSON_BYTES:
            raise ValueError(t("transfer.too_big"))
        try:
            values = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(t("transfer.bad_json")) from None
        if not isinstance(values, dict):
            raise ValueError(t("transfer.bad_json"))
        return _parse_values(values), None, t("transfer.loaded_config")
    model = read_npz(raw)  # ValueError with the reason for anything unsafe or malformed
    meta = model.meta
    values = {k: meta[k] for k in ("dataset", "activation", "strategy", "seed") if k in meta}
    if isinstance(meta.get("hidden"), list):
        values["hidden"] = "-".join(str(h) for h in meta["hidden"])
    if isinstance(meta.get("sparsity"), int | float):
        values["sparsity"] = round(100 * float(meta["sparsity"]))
    parsed = _parse_values(values)
    config = models.current_config(**parsed)
    expected = models.weight_shapes(config)
    if [m.shape for m in model.masks] != expected:
        raise ValueError(
            t("transfer.bad_shapes", got=[m.shape for m in model.masks], want=expected)
        )
    return parsed, (config, model.masks, upload.name), t("transfer.loaded_masks", name=upload.name)


def _on_upload() -> None:
    """Runs before the rerun an upload causes, so values land before any widget is drawn."""
    upload = st.session_state.get("upload")
    if upload is None:
        return
    try:
        values, masks, message = _load(upload)
    except ValueError as exc:
        st.session_state["_upload_error"] = t("transfer.refused", reason=str(exc))
        return
    st.session_state.update(values)
    if "hidden" in values:
        st.session_state[state.HIDDEN_OK] = values["hidden"]
    if masks is None:
        st.session_state.pop(_MASKS, None)
    else:
        st.session_state[_MASKS] = masks
    st.session_state["_upload_message"] = message


def uploader() -> None:
    """Upload a config .json or a model .npz to restore that experiment.

    Drawn outside the slider's fragment: a new file reruns the whole app, sidebar included.
    """
    st.file_uploader(
        t("transfer.upload"),
        type=["json", "npz"],
        key="upload",
        on_change=_on_upload,
        help=t("transfer.upload_help"),
    )
    error = st.session_state.pop("_upload_error", None)
    if error:
        st.error(error)


def uploaded_result(config, strategy: str) -> PruneResult | None:
    """The uploaded masks on the current network, if they belong to this configuration."""
    found = st.session_state.get(_MASKS)
    if not found or found[0] != config:
        return None
    return apply_masks(models.model(config), found[1], strategy=strategy)


def uploaded_banner() -> None:
    """Say that uploaded masks are shown, with a way back to the slider."""
    message = st.session_state.pop("_upload_message", None)
    if message:
        st.success(message)
    found = st.session_state.get(_MASKS)
    if found and st.button(t("transfer.clear", name=found[2]), key="clear_upload"):
        st.session_state.pop(_MASKS, None)
        st.rerun(scope="app")

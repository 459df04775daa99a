"""Downloads and uploads on the Prune page: restore an experiment, refuse bad files."""

import io
import json
import pickle

import numpy as np
from streamlit.testing.v1 import AppTest

import pruning
from pruning.export import export_meta, npz_bytes
from tests.apptest import app as _app
from tests.apptest import metric


def app(**params) -> AppTest:
    return _app(**params).run()


def upload(at: AppTest, name: str, payload: bytes) -> AppTest:
    at.file_uploader(key="upload").set_value((name, payload, "application/octet-stream"))
    return at.run()


def test_downloads_are_offered():
    at = app()
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Download model (.npz)",
        "Download for scikit-learn (.skops)",
        "Download settings (.json)",
    ]


def test_config_json_restores_the_experiment():
    at = app()
    settings = {"strategy": "layer_magnitude", "sparsity": 70, "seed": 0}
    at = upload(at, "experiment.json", json.dumps(settings).encode())
    assert not at.exception
    assert at.selectbox(key="strategy").value == "layer_magnitude"
    assert at.slider(key="sparsity").value == 70
    assert any("Settings loaded" in s.value for s in at.success)


def test_npz_masks_are_shown(digits, net):
    custom = pruning.prune(net, "random", 0.4, seed=7)
    payload = npz_bytes(custom, export_meta(custom, 0.5))
    at = upload(app(), "mine.npz", payload)
    assert not at.exception
    assert metric(at, "Sparsity") == "40.0%"
    accuracy = pruning.evaluate(custom.network, digits.X_val, digits.y_val).accuracy
    assert metric(at, "Validation accuracy") == f"{accuracy:.1%}"
    assert any("mine.npz" in s.value for s in at.success)
    at.button(key="clear_upload").click().run()
    assert metric(at, "Sparsity") == "40.0%"  # the slider follows the file's sparsity
    assert at.slider(key="sparsity").value == 40


def test_bad_files_are_refused_and_change_nothing(net):
    at = app(sparsity="80")
    other = pruning.train(pruning.load_dataset("iris"), hidden=(4,), max_iter=2)
    wrong = pruning.prune(other, "random", 0.5)
    meta = export_meta(wrong) | {"dataset": "digits", "hidden": [100]}  # lies about itself
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array("{}"), coef_0=np.array([{"x": 1}], dtype=object))
    for name, payload, reason in [
        ("pickle.npz", pickle.dumps({"a": 1}), "not a valid .npz"),
        ("object.npz", buffer.getvalue(), "pickled"),
        ("lies.npz", npz_bytes(wrong, meta), "do not match"),
        ("bad.json", b"{not json", "not a JSON object"),
        ("hostile.json", json.dumps({"sparsity": "<script>", "nope": 1}).encode(), "not valid"),
    ]:
        at = upload(at, name, payload)
        assert not at.exception
        errors = [e.value for e in at.error]
        assert any(reason in e and "nothing changed" in e for e in errors), (name, errors)
        assert at.slider(key="sparsity").value == 80
        assert metric(at, "Sparsity") == "80.0%"

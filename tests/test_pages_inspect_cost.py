"""AppTest tests of the Inspect and Cost pages: they run in every awkward state, and the
numbers they draw are the engine's numbers.

Each test opens a fresh app on /prune with URL parameters and switches page once, as a
student following a link would. Two AppTest quirks shape this: after ``switch_page`` the
sidebar's widgets are missing from later reruns (so a second switch falls back to the
default dataset), and AppTest formats a select's options outside the script run, in
English, so the language is set with the sidebar control rather than the URL.
"""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.cost_text import human_bytes
from pruning import Pruner, evaluate, storage
from tests.apptest import open_page

SCENARIOS = {  # the defaults are checked by the two tests against the engine below
    "sparsity_100": {"sparsity": "100"},
    "neuron": {"strategy": "neuron_l1"},
    "chinese": {"lang": "zh"},
    "iris": {"dataset": "iris", "hidden": "5"},
}
CHARTS = {
    "inspect": (
        "inspect_heatmap",
        "inspect_fields",
        "inspect_confusion_before",
        "inspect_confusion_after",
        "inspect_drop",
    ),
    "cost": ("cost_storage", "cost_latency", "cost_sweep", "cost_speedup", "cost_sharing"),
}


def _specs(at: AppTest) -> dict:
    """Every Plotly chart on the page by its key, as the figure dict the browser gets."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def _array(values) -> np.ndarray:
    """A trace's data: a plain (nested) list, or Plotly's base64 typed array."""
    if isinstance(values, dict):
        flat = np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"])
        shape = values.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.array(values, dtype=float)


def _text(at: AppTest) -> str:
    parts = [*at.caption, *at.markdown, *at.info, *at.warning, *at.title, *at.subheader]
    return "\n".join(p.value for p in parts)


@pytest.mark.parametrize("page", ["inspect", "cost"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_page_runs(page, scenario):
    _check_page(open_page(page, **dict(SCENARIOS[scenario])), page, scenario)


def _check_page(at: AppTest, page: str, scenario: str) -> None:
    """Every chart of the page is there and draws something; the scenario's message shows."""
    specs, text = _specs(at), _text(at)
    expected = set(CHARTS[page])
    if page == "inspect" and scenario == "iris":
        expected.discard("inspect_fields")
        assert "not an image" in text
    if page == "cost" and scenario == "iris":  # 4·5 + 5·3 weights and 5 + 3 biases, float32
        assert "still 172 B" in text
    if page == "cost" and scenario == "sparsity_100":
        expected.discard("cost_sharing")
        assert "nothing to share" in text
    assert set(specs) == expected
    for spec in specs.values():
        assert spec["data"], "every chart draws something"
    if scenario == "chinese":
        assert at.title[0].value.startswith("细看" if page == "inspect" else "代价")
        assert "剪枝" in text
    if page == "inspect" and scenario == "neuron":
        assert "90 neurons were removed as a whole" in text
    if page == "inspect" and scenario == "sparsity_100":
        assert at.warning, "a collapsed network is called out"


def test_inspect_matches_evaluate(digits, net):
    at = open_page("inspect")
    _check_page(at, "inspect", "defaults")
    specs = _specs(at)
    pruned = Pruner(net, "global_magnitude", digits).prune(0.9)
    before = evaluate(net, digits.X_val, digits.y_val)
    after = evaluate(pruned.network, digits.X_val, digits.y_val)
    np.testing.assert_array_equal(
        specs["inspect_confusion_before"]["data"][0]["z"], before.confusion
    )
    np.testing.assert_array_equal(specs["inspect_confusion_after"]["data"][0]["z"], after.confusion)
    drop = specs["inspect_drop"]["data"][0]["y"]
    np.testing.assert_allclose(drop, (before.per_class - after.per_class) * 100)
    assert f"{after.accuracy:.1%}" in [m.value for m in at.metric]
    counts = pruned.layer_counts[0]
    assert f"{counts.nonzero} of {counts.total} weights survive" in _text(at)

    # the heatmap of another layer: one row per output class, pruned weights blank (NaN)
    at.selectbox(key="inspect_layer").set_value(1).run()
    assert not at.exception
    z = _array(_specs(at)["inspect_heatmap"]["data"][0]["z"])
    assert z.shape == net.coefs[1].T.shape
    np.testing.assert_array_equal(np.isnan(z), ~pruned.masks[1].T)
    np.testing.assert_allclose(z[~np.isnan(z)], net.coefs[1].T[pruned.masks[1].T])


def test_cost_storage_matches_engine(digits, net):
    at = open_page("cost")
    _check_page(at, "cost", "defaults")
    pruned = Pruner(net, "global_magnitude", digits).prune(0.9)
    size = storage(pruned.network)
    bars = _specs(at)["cost_storage"]["data"][0]["x"]  # horizontal bars
    assert bars == [storage(net).dense, size.dense, size.csr, size.gzip, size.compacted]
    text = _text(at)
    # the plain-words answer follows the numbers: at 90% CSR, gzip and compaction all shrink
    assert size.csr < size.dense and size.gzip < size.dense and size.compacted < size.dense
    assert f"CSR stores it in {human_bytes(size.csr)}" in text
    assert f"into {human_bytes(size.gzip)}" in text
    assert "Removing whole neurons makes the matrices themselves smaller" in text
    assert f"still {human_bytes(size.dense)}" in text
    # the sweep's sentence about CSR matches the engine's bytes at each level
    for key in ("global_magnitude", "neuron_l1"):
        pruner = Pruner(net, key, digits)
        smaller = [storage(pruner.prune(s).network).csr < size.dense for s in (0.5, 0.8)]
        assert smaller == [False, True]
    assert text.count("CSR is smaller than dense from 80% on") == 2


def test_cost_says_csr_is_larger_at_low_sparsity(digits, net):
    at = open_page("cost", sparsity="30")
    size = storage(Pruner(net, "global_magnitude", digits).prune(0.3).network)
    assert size.csr > size.dense and size.compacted == size.dense
    text = _text(at)
    assert "CSR would make the file larger here" in text
    assert f"{human_bytes(size.csr)} against {human_bytes(size.dense)} dense" in text
    assert "No neuron was removed as a whole" in text

"""Model files: .npz round trips, and hostile files are refused with a clear message."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from pruning import prune
from pruning.export import MAX_BYTES, export_meta, npz_bytes, read_npz


@pytest.fixture(scope="module")
def pruned(tiny_net):
    return prune(tiny_net, "global_magnitude", 0.6)


def npz_of(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_round_trip_keeps_weights_masks_and_meta(pruned):
    meta = export_meta(pruned, 0.9)
    model = read_npz(npz_bytes(pruned, meta))
    assert model.meta == json.loads(json.dumps(meta))
    for W, m, (W2, m2) in zip(
        pruned.network.coefs, pruned.masks, zip(model.coefs, model.masks, strict=True), strict=True
    ):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(m, m2)
    model.check_fits(pruned.network)


def test_shape_mismatch_is_refused(pruned, tiny_net):
    from pruning import load_dataset, train

    other = train(load_dataset("iris"), hidden=(4,), max_iter=2)
    model = read_npz(npz_bytes(pruned, export_meta(pruned)))
    with pytest.raises(ValueError, match="do not match"):
        model.check_fits(other)


def test_pickled_arrays_are_refused():
    payload = npz_of(meta=np.array(json.dumps({})), coef_0=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled"):
        read_npz(payload)


def test_a_raw_pickle_is_refused():
    with pytest.raises(ValueError, match=r"not a valid \.npz"):
        read_npz(pickle.dumps({"coef_0": np.zeros((2, 2))}))


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"coef_0": np.zeros((2, 2))}, "no 'meta'"),
        ({"meta": np.array("{not json"), "coef_0": np.zeros((2, 2))}, "not JSON"),
        ({"meta": np.array("{}"), "weights": np.zeros(2)}, "unexpected array"),
        ({"meta": np.array("{}"), "coef_0": np.zeros((2, 2))}, "coef_i, intercept_i and mask_i"),
        (
            {
                "meta": np.array("{}"),
                "coef_0": np.zeros((2, 2)),
                "intercept_0": np.zeros(3),
                "mask_0": np.ones((2, 2), bool),
            },
            "do not fit",
        ),
        (
            {
                "meta": np.array("{}"),
                "coef_0": np.zeros((2, 2)),
                "intercept_0": np.zeros(2),
                "mask_0": np.ones((2, 2)),
            },
            "booleans",
        ),
        (
            {
                "meta": np.array("{}"),
                "coef_0": np.full((2, 2), np.nan),
                "intercept_0": np.zeros(2),
                "mask_0": np.ones((2, 2), bool),
            },
            "NaN",
        ),
    ],
)
def test_malformed_files_are_refused(arrays, message):
    with pytest.raises(ValueError, match=message):
        read_npz(npz_of(**arrays))


def test_oversized_and_non_zip_files_are_refused(tmp_path):
    with pytest.raises(ValueError, match="larger than"):
        read_npz(b"0" * (MAX_BYTES + 1))
    with pytest.raises(ValueError, match="not a valid"):
        read_npz(b"just some text")
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("coef_0.npy", b"garbage")
    with pytest.raises(ValueError):
        read_npz(broken.getvalue())


def _declared_npz(shape: tuple[int, ...]) -> bytes:
    """An .npz whose one array's header declares ``shape`` (float64) over a few bytes."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("coef_0.npy", header.getvalue() + b"\0" * 64)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """A small deflated .npz whose zeros inflate to 72 MB."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, coef_0=np.zeros((3000, 3000)), meta=np.array("{}"))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make", [lambda: _declared_npz((100_000, 100_000)), _zip_bomb], ids=["80-GB", "zip-bomb"]
)
def test_a_file_that_would_expand_past_the_bound_is_refused_from_its_headers(make):
    import tracemalloc

    raw = make()
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="once loaded; a model file may take 64 MB"):
            read_npz(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(raw) < 1_000_000 and peak < 5_000_000  # refused without inflating anything

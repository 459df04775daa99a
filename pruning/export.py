"""Safe model files: ``.npz`` with weights, masks and a JSON description, and ``.skops``.

Nothing is pickled and nothing a user sends is unpickled: ``.npz`` files are read with
``allow_pickle=False`` and checked for names, dtypes, shapes and size; ``.skops`` files
load only types skops trusts by default.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier

from .masks import PruneResult
from .network import Epoch, Network
from .version import __version__

MAX_BYTES = 20 * 1024 * 1024
MAX_EXPANDED = 64 * 1024 * 1024  # what a file's arrays may hold once loaded (a zip inflates)
MAX_LAYERS = 8
_KEY = re.compile(r"^(coef|intercept|mask)_(\d+)$")


def export_meta(
    result: PruneResult, val_accuracy: float | None = None, test_accuracy: float | None = None
) -> dict:
    """The JSON description stored beside the arrays; each accuracy is named by the part of
    the data it was measured on (None: not measured)."""
    cfg = result.network.config
    return {
        "dataset": cfg.get("dataset"),
        "hidden": list(result.network.hidden),
        "activation": result.network.activation,
        "strategy": result.strategy,
        "sparsity": result.sparsity,
        "weight_sparsity": result.weight_sparsity,
        "seed": cfg.get("seed"),  # trains the network and splits the data
        "prune_seed": result.meta.get("seed", 0),  # draws random scores and SNIP's batch
        "val_accuracy": val_accuracy,
        "test_accuracy": test_accuracy,
        "classes": [c.item() if hasattr(c, "item") else c for c in result.network.classes],
        "version": __version__,
    }


def npz_bytes(result: PruneResult, meta: dict) -> bytes:
    """The ``.npz`` file as bytes: ``coef_i``, ``intercept_i``, ``mask_i`` and ``meta``."""
    arrays = {}
    for i, (W, b, m) in enumerate(
        zip(result.network.coefs, result.network.intercepts, result.masks, strict=True)
    ):
        arrays[f"coef_{i}"] = np.where(m, W, 0.0)
        arrays[f"intercept_{i}"] = b
        arrays[f"mask_{i}"] = np.asarray(m, dtype=bool)
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def save_npz(result: PruneResult, path, meta: dict) -> None:
    Path(path).write_bytes(npz_bytes(result, meta))


@dataclass(frozen=True, eq=False)
class ModelFile:
    """The validated contents of an ``.npz`` model file."""

    coefs: tuple[np.ndarray, ...]
    intercepts: tuple[np.ndarray, ...]
    masks: tuple[np.ndarray, ...]
    meta: dict

    def check_fits(self, network: Network) -> None:
        """Raise ``ValueError`` unless these arrays have exactly ``network``'s shapes."""
        want = [W.shape for W in network.coefs]
        got = [W.shape for W in self.coefs]
        if want != got:
            raise ValueError(f"the file's layers {got} do not match this network's {want}")


def read_npz(source) -> ModelFile:
    """Read and validate an ``.npz`` model file from a path, bytes or a binary file object.

    A clear ``ValueError`` names the problem: not a zip, too large, pickled objects,
    missing or unexpected arrays, wrong dtypes, or shapes that do not chain.
    """
    raw = _read(source)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    if not raw.startswith(b"PK\x03\x04"):
        raise ValueError("not a valid .npz model file (it is not a NumPy zip archive)")
    try:
        _check_headers(raw)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            names = list(npz.files)
            if len(names) > 3 * MAX_LAYERS + 1:
                raise ValueError("the file holds too many arrays to be a model")
            arrays = {name: npz[name] for name in names}
    except _Refused:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ValueError("the file contains pickled objects, which are never loaded") from None
        raise ValueError(f"not a valid .npz model file ({exc})") from None
    except (OSError, zipfile.BadZipFile, EOFError, KeyError):
        raise ValueError("not a valid .npz model file (it is not a NumPy zip archive)") from None
    return _validate(arrays)


class _Refused(ValueError):
    """A file refused for what its headers declare (the message says what)."""


def _check_headers(raw: bytes) -> None:
    """Refuse, from the zip directory and each array's ``.npy`` header alone (nothing is
    inflated or allocated), a file whose arrays would hold more than ``MAX_EXPANDED``
    bytes or Python objects. A 20 MB archive can otherwise declare arrays of gigabytes."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = archive.infolist()
        if len(members) > 3 * MAX_LAYERS + 1:
            raise _Refused("the file holds too many arrays to be a model")
        declared = sum(m.file_size for m in members)
        total = 0
        for member in members:
            with archive.open(member) as stream:
                version = np.lib.format.read_magic(stream)
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read_header(stream)
            if dtype.hasobject:
                raise _Refused("the file contains pickled objects, which are never loaded")
            total += math.prod(shape) * dtype.itemsize
    if max(total, declared) > MAX_EXPANDED:
        raise _Refused(
            f"the file's arrays would take {max(total, declared) / 2**20:,.0f} MB once loaded;"
            f" a model file may take {MAX_EXPANDED // 2**20} MB"
        )


def _read(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
        return data if isinstance(data, bytes) else bytes(data)
    try:
        path = Path(source)
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"the file is larger than {MAX_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {source}: {exc.strerror}") from None


def _validate(arrays: dict) -> ModelFile:
    if "meta" not in arrays:
        raise ValueError("the file has no 'meta' entry")
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except json.JSONDecodeError:
        raise ValueError("the file's 'meta' entry is not JSON") from None
    if not isinstance(meta, dict):
        raise ValueError("the file's 'meta' entry is not a JSON object")
    layers: dict[str, dict[int, np.ndarray]] = {"coef": {}, "intercept": {}, "mask": {}}
    for name, value in arrays.items():
        match = _KEY.match(name)
        if not match:
            raise ValueError(f"unexpected array {name!r} in the file")
        layers[match[1]][int(match[2])] = value
    n = len(layers["coef"])
    if not 1 <= n <= MAX_LAYERS or any(sorted(d) != list(range(n)) for d in layers.values()):
        raise ValueError("the file needs coef_i, intercept_i and mask_i for i = 0, 1, ...")
    coefs = [layers["coef"][i] for i in range(n)]
    intercepts = [layers["intercept"][i] for i in range(n)]
    masks = [layers["mask"][i] for i in range(n)]
    for i in range(n):
        W, b, m = coefs[i], intercepts[i], masks[i]
        if W.dtype.kind != "f" or b.dtype.kind != "f" or m.dtype != bool:
            raise ValueError(f"layer {i}: weights must be floats and masks booleans")
        if W.ndim != 2 or b.shape != (W.shape[1],) or m.shape != W.shape:
            raise ValueError(f"layer {i}: shapes {W.shape}, {b.shape}, {m.shape} do not fit")
        if i and W.shape[0] != coefs[i - 1].shape[1]:
            raise ValueError(f"layer {i} does not connect to layer {i - 1}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i} holds NaN or infinite values")
    return ModelFile(tuple(coefs), tuple(intercepts), tuple(masks), meta)


_NETWORK_ARRAYS = ("coefs", "intercepts", "initial_coefs", "initial_intercepts")


def network_bytes(network: Network) -> bytes:
    """A whole network (weights, θ0, classes, training history and config) as ``.npz``
    bytes, for a result store: arrays and JSON only, read back by ``read_network``."""
    arrays = {"classes": np.asarray(network.classes)}
    counts = {}
    for name in _NETWORK_ARRAYS:
        counts[name] = len(getattr(network, name))
        arrays.update({f"{name}_{i}": a for i, a in enumerate(getattr(network, name))})
    arrays["history"] = np.array([tuple(e) for e in network.history], dtype=float).reshape(-1, 3)
    meta = {"activation": network.activation, "config": network.config, "counts": counts}
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def read_network(raw: bytes) -> Network:
    """The network ``network_bytes`` wrote; ``ValueError`` for anything else."""
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            meta = json.loads(str(npz["meta"]))
            arrays = {
                name: tuple(npz[f"{name}_{i}"] for i in range(int(meta["counts"][name])))
                for name in _NETWORK_ARRAYS
            }
            history = tuple(Epoch(int(e), loss, acc) for e, loss, acc in npz["history"].tolist())
            return Network(
                **arrays,
                activation=meta["activation"],
                classes=npz["classes"],
                history=history,
                config=meta["config"],
            )
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"not a stored network ({exc})") from None


def _skops():
    """``skops.io``, imported on first use: the import takes about half a second, and a
    student's first page needs no model file."""
    import skops.io

    return skops.io


def skops_bytes(network: Network) -> bytes:
    """A fitted ``MLPClassifier`` holding ``network``'s weights, as ``.skops`` file bytes."""
    return _skops().dumps(network.to_sklearn())


def save_skops(network: Network, path) -> None:
    """Write a fitted ``MLPClassifier`` holding ``network``'s weights with skops."""
    _skops().dump(network.to_sklearn(), path)


def load_skops(path) -> MLPClassifier:
    """Load an ``MLPClassifier`` from a ``.skops`` file, trusting only skops' default types."""
    try:
        model = _skops().load(path)
    except Exception as exc:  # skops raises many types for foreign or damaged files
        raise ValueError(f"cannot load {path} as a skops model: {exc}") from None
    if not isinstance(model, MLPClassifier):
        raise ValueError(f"{path} holds a {type(model).__name__}, not an MLPClassifier")
    return model

"""The CLI contract: subcommands, table formats, exports, and one-line errors with exit code 2."""

import io
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pruning import STRATEGIES
from pruning.bench import run_benchmarks
from pruning.cli import main
from pruning.export import read_npz

FAST = ["--dataset", "iris", "--hidden", "8", "--max-iter", "30"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_strategies_lists_the_registry(capsys):
    code, out, _ = run(capsys, "strategies", "--format", "json")
    assert code == 0
    assert [row["key"] for row in json.loads(out)] == list(STRATEGIES)


def test_train_reports_accuracy(capsys):
    code, out, _ = run(capsys, "train", *FAST)
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0
    assert frame.loc[0, "dataset"] == "iris"
    assert frame.loc[0, "parameters"] == 4 * 8 + 8 + 8 * 3 + 3
    assert 0.5 < frame.loc[0, "val_accuracy"] <= 1 and 0.5 < frame.loc[0, "test_accuracy"] <= 1


def test_prune_exports_npz_and_skops(capsys, tmp_path):
    npz, skops_file = tmp_path / "m.npz", tmp_path / "m.skops"
    code, out, err = run(
        capsys,
        "prune",
        *FAST,
        "--strategy",
        "global_magnitude",
        "--sparsity",
        "0.5",
        "--export",
        str(npz),
        "--sklearn",
        str(skops_file),
    )
    assert (code, err) == (0, "")
    row = pd.read_csv(io.StringIO(out)).iloc[0]
    assert row["weight_sparsity"] == pytest.approx(round(0.5 * 56) / 56)
    model = read_npz(npz)
    assert model.meta["strategy"] == "global_magnitude"
    assert model.meta["dataset"] == "iris"
    assert model.meta["val_accuracy"] == pytest.approx(row["val_accuracy"])
    assert model.meta["test_accuracy"] == pytest.approx(row["test_accuracy"])
    assert sum(int((~m).sum()) for m in model.masks) == round(0.5 * 56)
    for W, m in zip(model.coefs, model.masks, strict=True):
        assert not W[~m].any()
    from pruning.export import load_skops

    clf = load_skops(skops_file)
    assert [c.shape for c in clf.coefs_] == [W.shape for W in model.coefs]
    assert sum(int((c == 0).sum()) for c in clf.coefs_) == round(0.5 * 56)


def test_prune_with_finetuning_keeps_the_mask(capsys, tmp_path):
    npz = tmp_path / "ft.npz"
    code, _, _ = run(
        capsys,
        "prune",
        *FAST,
        "--strategy",
        "layer_magnitude",
        "--sparsity",
        "0.8",
        "--finetune-epochs",
        "3",
        "--export",
        str(npz),
    )
    assert code == 0
    model = read_npz(npz)
    assert all(not W[~m].any() for W, m in zip(model.coefs, model.masks, strict=True))


def test_sweep_json_has_one_row_per_strategy_level_and_seed(capsys):
    code, out, _ = run(
        capsys,
        "sweep",
        *FAST,
        "--strategies",
        "random,global_magnitude",
        "--sparsities",
        "0,0.5,0.9",
        "--seeds",
        "0,1",
        "--format",
        "json",
    )
    rows = pd.DataFrame(json.loads(out))
    assert code == 0
    assert len(rows) == 2 * 3 * 2
    assert set(rows["strategy"]) == {"random", "global_magnitude"}
    assert {"val_accuracy", "test_accuracy", "compression", "density_fc1"} <= set(rows.columns)


def test_lottery_csv_columns(capsys, tmp_path):
    out_file = tmp_path / "lottery.csv"
    code, _, _ = run(
        capsys, "lottery", *FAST, "--sparsities", "0.5", "--epochs", "2", "--out", str(out_file)
    )
    frame = pd.read_csv(out_file)
    assert code == 0
    assert list(frame.columns[:4]) == ["variant", "sparsity", "seed", "val_accuracy"]
    assert sorted(frame["variant"]) == ["reinit", "rewind", "trained"]


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["prune", "--strategy", "nope", "--sparsity", "0.5"], "unknown strategy"),
        (["train", "--dataset", "mnist"], "invalid choice"),
        (["prune", "--strategy", "random", "--sparsity", "1.5"], "between 0 and 1"),
        (["prune", "--strategy", "random", "--sparsity", "abc"], "sparsity"),
        (["prune", "--strategy", "random", "--sparsity", "-0.1"], "between 0 and 1"),
        (["train", "--hidden", "0"], "at least 1 unit"),
        (["train", "--hidden", "-5"], "hidden"),
        (["train", "--hidden", "abc"], "hidden"),
        (["train", "--csv", "/no/such/file.csv"], "annot read"),
        (
            [
                "prune",
                *FAST,
                "--strategy",
                "random",
                "--sparsity",
                "0.5",
                "--export",
                "/no/such/dir/m.npz",
            ],
            "cannot write",
        ),
        (["prune", *FAST, "--strategy", "random", "--threshold", "0.5"], "threshold"),
        (["sweep", "--sparsities", "0.5,2"], "between 0 and 1"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, fragment):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert fragment in err


def test_module_entry_point_reports_errors_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "pruning", "prune", "--strategy", "random", "--sparsity", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("error:")


def test_export_reads_back_what_it_wrote(capsys, tmp_path):
    npz = tmp_path / "m.npz"
    run(
        capsys, "prune", *FAST, "--strategy", "neuron_l1", "--sparsity", "0.5", "--export", str(npz)
    )
    model = read_npz(npz)
    assert model.masks[0].shape == (4, 8)
    assert int((~model.masks[0].any(axis=0)).sum()) == 4  # half the hidden units removed
    assert np.all(np.isfinite(model.coefs[0]))


def test_bench_measures_every_target():
    """``make bench`` runs end to end and every row is a real measurement."""
    rows = run_benchmarks(repeats=1)
    names = [name for name, *_ in rows]
    assert len(names) == len(set(names)) >= 7
    assert all(math.isfinite(value) and value > 0 for _, value, _, _ in rows), rows

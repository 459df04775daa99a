"""The class's own data: a student's upload in the sidebar, a teacher's folder of tables,
and both on the Dask workers, which receive the table with the task."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import pruning
from compute import cluster, jobs, tables
from pages.ui import own_data, state
from pruning import ModelConfig
from tests.apptest import PAGES, app, metric


def table_csv(rows: int = 240, features: int = 5, seed: int = 0) -> bytes:
    """Three kinds of plant, told apart by their measurements; the label is text."""
    rng = np.random.default_rng(seed)
    kinds = np.array(["fern", "moss", "oak"])[np.arange(rows) % 3]
    centres = {"fern": 0.0, "moss": 2.5, "oak": 5.0}
    X = np.array([[centres[k] + rng.normal() for _ in range(features)] for k in kinds])
    header = ",".join(f"m{j}" for j in range(features)) + ",kind"
    lines = [",".join(f"{v:.4f}" for v in x) + f",{k}" for x, k in zip(X, kinds, strict=True)]
    return ("\n".join([header, *lines]) + "\n").encode()


def open_form():
    """The sidebar's data set control on its own (AppTest draws the real sidebar only on a
    run that starts at ``/``), with "Your data" chosen."""

    def script():
        from pages.ui import own_data

        own_data.dataset_control("Data set")

    at = AppTest.from_function(script, default_timeout=60).run()
    at.selectbox(key="dataset").set_value(own_data.UPLOAD).run()
    assert not at.exception, at.exception
    return at


def upload(at, raw: bytes, name: str = "plants.csv", label: str | None = None):
    at.file_uploader(key="own_file").set_value((name, raw, "text/csv")).run()
    if label is not None:
        at.selectbox(key="own_label").set_value(label).run()
    at.button(key="own_use").click().run()
    assert not at.exception, at.exception
    return at.run()  # the next run draws what the callback chose


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_the_form_reads_a_table_and_says_what_it_read():
    at = open_form()
    assert "At most 20 MB, 50,000 rows and 1,000 columns" in captions(at)
    at = upload(at, table_csv())
    name = at.selectbox(key="dataset").value
    assert name.startswith("plants.csv#") and at.session_state[state.DATASET_OK] == name
    data = tables.load(name, 0)
    assert (data.n_features, data.n_classes, data.class_names) == (5, 3, ("fern", "moss", "oak"))
    sizes = data.sizes
    summary = "Read 240 rows: 5 features and 3 classes (fern, moss, oak) in the column “kind”"
    assert summary in captions(at)
    assert f"{sizes['train']} rows to train on, {sizes['val']} to validate" in captions(at)
    assert "Blank lines skipped: 0" in captions(at)


def test_every_page_works_on_an_uploaded_table():
    table = tables.register(tables.Table.upload(table_csv(), "plants.csv", "kind"))
    at = app(hidden="8", epochs="60", sparsity="0")  # the trained network itself
    at.session_state[own_data.MINE] = {table.name: table}  # as the form leaves them
    at.session_state["dataset"] = at.session_state[state.DATASET_OK] = table.name
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="dataset").value == table.name
    assert float(metric(at, "Validation accuracy").rstrip("%")) > 90  # the kinds separate
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)


def test_the_label_column_can_be_any_column():
    raw = b"kind,a,b\n" + b"".join(
        f"{'xy'[i % 2]},{i % 2 + 0.1 * (i % 7)},{i}\n".encode() for i in range(60)
    )
    at = upload(open_form(), raw, "middle.csv", label="kind")
    data = tables.load(at.selectbox(key="dataset").value, 0)
    assert data.feature_names == ("a", "b") and data.class_names == ("x", "y")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"a,b,kind\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n1,1,x\n2,2,y\n", "Column 'b' is not numeric"),
        (b"a,kind\n1,x\n2,x\n3,x\n", "only one class"),
        (b"a,b,kind\n1,2,x\n3,4,y\n", "has only 1 row"),
        (b"\xff\xfe\x00a", "not UTF-8"),
    ],
)
def test_a_broken_file_says_why_and_changes_nothing(raw, reason):
    at = upload(open_form(), raw, "broken.csv")
    errors = " ".join(e.value for e in at.error)
    assert reason in errors and "Nothing changed" in errors
    assert at.session_state[state.DATASET_OK] == "digits"  # the model in use stays
    assert at.selectbox(key="dataset").value == own_data.UPLOAD


def test_a_link_cannot_carry_an_upload():
    at = app(dataset="plants.csv#0123abcd").run()
    assert not at.exception
    assert at.selectbox(key="dataset").value == "digits"
    assert any("cannot carry an uploaded file" in toast.value for toast in at.toast)


def test_a_teachers_folder_of_tables_is_for_everyone(tmp_path, monkeypatch):
    (tmp_path / "plants.csv").write_bytes(table_csv(seed=1))
    (tmp_path / "broken.csv").write_bytes(b"a,kind\n1,x\n")
    monkeypatch.setenv(tables.ENV_FOLDER, str(tmp_path))
    tables.teacher_tables.cache_clear()
    try:
        assert tables.teacher_tables() == ("plants",)  # the broken file is left out
        at = app(
            dataset="plants", hidden="8", epochs="60", sparsity="0"
        ).run()  # a link may name it
        assert not at.exception, at.exception
        assert at.selectbox(key="dataset").value == "plants"
        assert "plants" in at.selectbox(key="dataset").options
        assert float(metric(at, "Validation accuracy").rstrip("%")) > 90
        assert at.query_params["dataset"] == "plants"  # the link keeps naming it
    finally:
        tables.teacher_tables.cache_clear()


@pytest.fixture(scope="module")
def local():
    found = cluster.connect(workers=1)
    yield found
    found.close()


def test_a_worker_trains_on_a_table_it_receives_with_the_task(local):
    table = tables.register(tables.Table.upload(table_csv(seed=2), "field.csv", "kind"))
    config = ModelConfig(dataset=table.name, hidden=(8,), max_iter=40)
    net = jobs.run(local.client, "train", config)
    here = pruning.train(table.dataset(config.seed), config)
    assert all(np.array_equal(a, b) for a, b in zip(net.coefs, here.coefs, strict=True))
    other = tables.Table.upload(table_csv(seed=3), "field.csv", "kind")  # same name, new file
    assert other.name != table.name
    assert jobs.task_key("train", config) != jobs.task_key(
        "train", ModelConfig(dataset=tables.register(other).name, hidden=(8,), max_iter=40)
    )

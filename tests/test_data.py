"""Tests for pruning.data: built-in datasets, the registry and from_csv's validation."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from pruning import data
from pruning.data import (
    DATASETS,
    MAX_COLUMNS,
    MAX_ROWS,
    PARTS,
    Dataset,
    DatasetInfo,
    from_csv,
    load_dataset,
)

GOOD_CSV = (
    "height, weight ,species\n"
    "1.0,10,cat\n"
    "1.2,11,cat\n"
    "0.9,9,cat\n"
    "1.1,10.5,cat\n"
    "3.0,30,dog\n"
    "3.2,31,dog\n"
    "2.9,29,dog\n"
    "3.1,30.5,dog\n"
)


def frozen(array: np.ndarray) -> bool:
    return not array.flags.writeable


# --- built-in datasets -------------------------------------------------------------------------


def test_digits_matches_the_published_split():
    ds = load_dataset()  # digits is the default
    assert ds.name == "digits"
    assert ds.sizes == {"train": 1005, "val": 252, "test": 540}
    assert ds.feature_shape == (8, 8)
    assert ds.class_names == tuple(str(d) for d in range(10))
    assert ds.X_train.min() == 0.0 and ds.X_train.max() == 1.0
    assert ds.X_test.min() >= 0.0 and ds.X_test.max() <= 1.0
    bunch = load_digits()
    # The test part is the published two-way split's; validation comes out of its training part.
    X_rest, X_test, y_rest, y_test = train_test_split(
        bunch.data / 16.0, bunch.target, test_size=0.3, random_state=0
    )
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=252, random_state=0)
    got = (ds.X_train, ds.X_val, ds.X_test, ds.y_train, ds.y_val, ds.y_test)
    want = (X_train, X_val, X_test, y_train, y_val, y_test)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("key", list(DATASETS))
def test_every_builtin_loads_clean_and_frozen(key):
    ds = load_dataset(key, test_size=0.25, seed=3)
    assert isinstance(ds, Dataset) and ds.name == key
    assert ds.n_classes >= 2
    assert ds.X_train.dtype == np.float64 and ds.y_train.dtype == np.int64
    assert all(np.isfinite(ds.part(p)[0]).all() for p in PARTS)
    widths = {ds.part(p)[0].shape[1] for p in PARTS}
    assert widths == {ds.n_features} and ds.n_features == len(ds.feature_names)
    np.testing.assert_array_equal(ds.labels, np.arange(ds.n_classes))
    assert set(np.unique(ds.y_train)) == set(range(ds.n_classes))
    n = sum(ds.sizes.values())
    assert len(ds.y_test) == pytest.approx(0.25 * n, abs=1)
    assert len(ds.y_val) == pytest.approx(0.2 * (n - len(ds.y_test)), abs=1)
    for array in (ds.X_train, ds.X_val, ds.X_test, ds.y_train, ds.y_val, ds.y_test):
        assert frozen(array)
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0


@pytest.mark.parametrize("key", ["iris", "wine", "breast_cancer"])
def test_tables_are_standardised_on_the_training_part(key):
    ds = load_dataset(key)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1.0, atol=1e-12)
    assert not np.allclose(ds.X_test.mean(axis=0), 0.0, atol=1e-12)  # test part not refitted
    assert not np.allclose(ds.X_val.mean(axis=0), 0.0, atol=1e-12)  # nor the validation part


@pytest.mark.parametrize("key", ["iris", "moons"])
def test_stratified_split_keeps_class_proportions(key):
    ds = load_dataset(key, test_size=0.3, seed=1)
    train = np.bincount(ds.y_train) / len(ds.y_train)
    test = np.bincount(ds.y_test) / len(ds.y_test)
    np.testing.assert_allclose(train, test, atol=0.02)


@pytest.mark.parametrize("key", ["moons", "circles", "spiral"])
def test_toy_points_are_fixed_and_the_seed_only_moves_the_split(key):
    a, b = load_dataset(key, seed=0), load_dataset(key, seed=1)
    assert a.n_features == 2 and sum(a.sizes.values()) == 600
    assert not np.array_equal(a.X_train, b.X_train)

    def all_points(ds):
        points = np.vstack([ds.part(p)[0] for p in PARTS])
        return points[np.lexsort(points.T)]

    np.testing.assert_array_equal(all_points(a), all_points(b))
    np.testing.assert_array_equal(load_dataset(key, seed=0).X_train, a.X_train)


def test_spiral_is_separable_but_not_linearly():
    ds = load_dataset("spiral")
    distances = np.linalg.norm(ds.X_test[:, None, :] - ds.X_train[None, :, :], axis=2)
    nearest = ds.y_train[np.argmin(distances, axis=1)]
    assert np.mean(nearest == ds.y_test) > 0.95  # arms are clearly apart locally...
    design = np.column_stack([ds.X_train, np.ones(len(ds.X_train))])
    weights = np.linalg.lstsq(design, ds.y_train, rcond=None)[0]
    linear = (np.column_stack([ds.X_test, np.ones(len(ds.X_test))]) @ weights) > 0.5
    assert np.mean(linear == ds.y_test) < 0.75  # ...but no straight line splits them


def test_registry_entries_are_consistent():
    assert next(iter(DATASETS)) == "digits"
    for key, info in DATASETS.items():
        assert isinstance(info, DatasetInfo) and info.key == key
        assert info.label and info.description.endswith((".", "?"))


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown dataset 'mnist'.*digits.*spiral"):
        load_dataset("mnist")


@pytest.mark.parametrize("test_size", [0, 1, -0.1, 1.5, float("nan")])
def test_test_size_must_be_a_fraction(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_dataset("iris", test_size=test_size)
    with pytest.raises(ValueError, match="test_size"):
        from_csv(GOOD_CSV.encode(), test_size=test_size)


def test_dataset_copies_before_freezing():
    X = np.zeros((4, 2))
    y = np.array([0, 1, 0, 1])
    ds = Dataset("t", X, X, X, y, y, y, ("a", "b"), None, ("f", "g"))
    assert X.flags.writeable and y.flags.writeable
    X[0, 0] = 5.0
    assert ds.X_train[0, 0] == 0.0 and frozen(ds.X_train) and frozen(ds.y_test)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"y_train": np.array([0, 1, 2, 1])}, "labels must lie"),
        ({"y_train": np.array([0.0, 1, 0, 1])}, "integer labels"),
        ({"feature_names": ("f",)}, "feature_names"),
        ({"feature_shape": (3, 3)}, "feature_shape"),
        ({"X_test": np.zeros((4, 3))}, "width"),
        ({"X_val": np.zeros((4, 3))}, "X_val has a different width"),
        ({"y_val": np.array([0, 1])}, "X_val and y_val differ in length"),
    ],
)
def test_dataset_rejects_inconsistent_parts(change, match):
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    parts = {
        "name": "t",
        "X_train": X,
        "X_val": X,
        "X_test": X,
        "y_train": y,
        "y_val": y,
        "y_test": y,
        "class_names": ("a", "b"),
        "feature_shape": None,
        "feature_names": ("f", "g"),
    }
    with pytest.raises(ValueError, match=match):
        Dataset(**(parts | change))


# --- from_csv: good files ----------------------------------------------------------------------


def check_good(ds: Dataset) -> None:
    assert ds.class_names == ("cat", "dog")
    assert ds.feature_names == ("height", "weight")  # header whitespace stripped
    assert sum(ds.sizes.values()) == 8 and set(ds.y_test) == set(ds.y_val) == {0, 1}
    assert ds.feature_shape is None
    # Encoding keeps each row with its label: every dog is taller than every cat.
    X = np.vstack([ds.X_train, ds.X_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    assert X[y == 0, 0].max() < X[y == 1, 0].min()
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert all(frozen(a) for a in (ds.X_train, ds.X_test, ds.y_train, ds.y_test))


def test_csv_from_bytes():
    ds = from_csv(GOOD_CSV.encode())
    check_good(ds)
    assert ds.name == "csv"


def test_csv_from_path(tmp_path):
    path = tmp_path / "pets.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    for source in (path, str(path)):
        ds = from_csv(source)
        check_good(ds)
        assert ds.name == "pets.csv"


def test_csv_from_file_objects(tmp_path):
    upload = io.BytesIO(GOOD_CSV.encode())  # Streamlit's UploadedFile is a named BytesIO
    upload.name = "upload.csv"
    upload.read()  # a rerun may find the position at the end; getvalue() still sees it all
    ds = from_csv(upload)
    check_good(ds)
    assert ds.name == "upload.csv"
    path = tmp_path / "handle.csv"
    path.write_bytes(GOOD_CSV.encode())
    with path.open("rb") as handle:
        assert from_csv(handle).name == "handle.csv"


def test_csv_accepts_a_utf8_bom_and_crlf():
    ds = from_csv(b"\xef\xbb\xbf" + GOOD_CSV.replace("\n", "\r\n").encode())
    check_good(ds)


def test_label_column_can_be_a_middle_column():
    text = "a,group,b\n" + "".join(f"{i},{'xy'[i % 2]},{i * i}\n" for i in range(10))
    ds = from_csv(text.encode(), label_column="group", test_size=0.4, seed=2)
    assert ds.feature_names == ("a", "b")
    assert ds.class_names == ("x", "y")
    assert len(ds.y_test) == 4


def test_integer_labels_sort_numerically_and_keep_their_values():
    labels = [10, 2, 2, 10, 1, 1, 2.0, 10, 1, 1, 2, 10]
    rows = "".join(f"{i},{label}\n" for i, label in enumerate(labels))
    ds = from_csv(("f,label\n" + rows).encode(), test_size=0.3)
    assert ds.class_names == ("1", "2", "10")


def test_true_false_features_count_as_numbers():
    rows = "".join(f"{'True' if i % 2 else 'False'},{i},{'ab'[i % 2]}\n" for i in range(8))
    ds = from_csv(("flag,n,y\n" + rows).encode(), test_size=0.5)
    assert ds.n_features == 2 and np.isfinite(ds.X_train).all()


# --- from_csv: rejections ----------------------------------------------------------------------

ROWS = "1,2,a\n3,4,a\n5,6,b\n7,8,b\n"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"  \n\t\n ", "empty"),
        (b"a,b,y\n", "empty.*no data rows"),
        (b"a,b,y\n\n\n", "empty.*no data rows"),
        (b"a,b,y\ncaf\xe9,1,x\n", r"not UTF-8.*0xe9"),
        (b"\xff\xfea\x00,\x00b\x00", "not UTF-8"),  # UTF-16
        (b"a,b\x00,y\n1,2,3\n", "NUL"),
        (b'a,b,y\n1,"2,a\n3,4,b\n', "Could not parse"),
        (f"a,b,y\n{ROWS}1,2,3,4\n".encode(), r"Could not parse.*Expected 3 fields"),
        (f"a,b,y\n1,2,3,4\n{ROWS}".encode(), "Could not parse.*first data row has 4 fields"),
        (f"a,b,y\n \n1,2,3,4\n{ROWS}".encode(), "first data row has 4 fields"),
        (f"a,a ,y\n{ROWS}".encode(), "'a' appears more than once"),
        (b"y\na\nb\na\nb\n", "at least two columns"),
        (f"a,b,y\n{ROWS}9,ten,b\n".encode(), r"Column 'b' is not numeric: row 6 holds 'ten'"),
        (f"a,b,y\n{ROWS}9,,b\n".encode(), r"Column 'b' has a missing value .* row 6"),
        (f"a,b,y\n{ROWS}NaN,1,b\n".encode(), r"Column 'a' has a missing value .* row 6"),
        (f"a,b,y\n{ROWS}9,1\n".encode(), "Label column 'y' has a missing value in row 6"),
        (f"a,b,y\n{ROWS}9,-inf,b\n".encode(), r"Column 'b' has an infinite value in row 6"),
        (f"a,b,y\n{ROWS}1e200,1,b\n".encode(), r"Column 'a' has a value beyond"),
        (b"a,b,y\n1,2,a\n3,4,a\n5,6,a\n", r"only one class \('a'\)"),
        (f"a,b,y\n{ROWS}9,9,c\n".encode(), r"Class 'c' has only 1 row"),
        (f"a,b,y\n{ROWS}1,1,a\n2,2,b\n9,9,c\n8,8,c\n".encode(), r"'c' has only 2 rows.*least 3"),
    ],
)
def test_csv_rejections_name_the_problem(content, match):
    with pytest.raises(ValueError, match=match):
        from_csv(content)


def test_too_few_rows_for_the_split():
    # 10% of 6 rows is a single test row, but each of the 2 classes needs one.
    with pytest.raises(ValueError, match=r"6 rows are too few to split with test_size=0.1"):
        from_csv(f"a,b,y\n{ROWS}1,1,a\n2,2,b\n".encode(), test_size=0.1)


def test_missing_label_column_lists_the_columns():
    with pytest.raises(ValueError, match=r"'species' not found.*'a', 'b', 'y'"):
        from_csv(f"a,b,y\n{ROWS}".encode(), label_column="species")


def test_too_many_rows():
    text = "f,y\n" + "0,a\n1,b\n" * (MAX_ROWS // 2) + "2,a\n"
    with pytest.raises(ValueError, match="more than 50,000 data rows"):
        from_csv(text.encode())
    assert from_csv(text.rsplit("\n", 2)[0].encode() + b"\n").n_classes == 2  # exactly MAX_ROWS


def test_too_many_columns():
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    row = ",".join(["1"] * MAX_COLUMNS + ["a"])
    with pytest.raises(ValueError, match="columns; the limit is 1,000"):
        from_csv(f"{header}\n{row}\n{row}\n".encode())


def test_oversized_files_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,y\n" + b"1,x\n" * 30)
    for source in (path, path.read_bytes(), io.BytesIO(path.read_bytes())):
        with pytest.raises(ValueError, match="larger than"):
            from_csv(source)


def test_unreadable_path_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="Cannot read"):
        from_csv(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="Cannot read"):
        from_csv(tmp_path)  # a directory


def test_text_mode_handles_are_a_type_error():
    with pytest.raises(TypeError, match="binary mode"):
        from_csv(io.StringIO(GOOD_CSV))


# --- from_csv never lets anything but ValueError escape ----------------------------------------

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_only_value_errors(content: bytes) -> None:
    try:
        ds = from_csv(content, test_size=0.5)
    except ValueError as exc:
        assert str(exc)
    else:
        assert np.isfinite(ds.X_train).all() and ds.n_classes >= 2


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_value_error(content):
    check_only_value_errors(content)


@FUZZ
@given(st.text(alphabet='ab01.,-e"\n\r \tinfNa;', max_size=120))
def test_csv_like_text_only_raises_value_error(text):
    check_only_value_errors(text.encode())


@FUZZ
@given(
    st.lists(
        st.tuples(st.floats(allow_nan=True, allow_infinity=True, width=32), st.sampled_from("ab1")),
        min_size=0,
        max_size=12,
    )
)
def test_numeric_tables_only_raise_value_error(rows):
    check_only_value_errors(("x,y\n" + "".join(f"{x},{y}\n" for x, y in rows)).encode())


# --- the three parts ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["digits", "iris", "spiral"])
def test_the_test_part_ignores_validation(key):
    """The test part is the one a plain two-way split gives, so a test accuracy keeps its
    meaning; validation rows come out of the training part."""
    ds = load_dataset(key, seed=4)
    X, y = {
        "digits": lambda: (load_digits().data / 16.0, load_digits().target),
        "iris": lambda: (data.skdatasets.load_iris().data, data.skdatasets.load_iris().target),
        "spiral": lambda: data._spiral(data.TOY_SAMPLES, noise=0.04, random_state=0),
    }[key]()
    stratify = None if key == "digits" else y
    *_, y_test = train_test_split(X, y, test_size=0.3, random_state=4, stratify=stratify)
    np.testing.assert_array_equal(ds.y_test, y_test)
    assert sum(ds.sizes.values()) == len(y)
    assert min(ds.sizes.values()) > 0
    with pytest.raises(ValueError, match="Unknown part 'dev'"):
        ds.part("dev")

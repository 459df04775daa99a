"""Datasets for the playground: sklearn classics, 2-D toy shapes and a user's own CSV file.

Everything works offline: sklearn's bundled datasets or points generated with numpy. A loaded
`Dataset` is immutable (read-only arrays) because the dashboard shares one cached copy between
all its users.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn import datasets as skdatasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ABS_VALUE = 1e100  # larger feature values would overflow while standardising
DEFAULT_DATASET = "digits"
PARTS = ("train", "val", "test")
TEST_SIZE = 0.3  # of all rows: the test part, kept for final results
MIN_CLASS_ROWS = 3  # one each for the training, validation and test parts
VAL_SIZE = 0.2  # of the rest: the validation part, for every choice made while exploring
TOY_SAMPLES = 600


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/validation/test split ready for the network: float64 features, labels 0..k-1.

    The network learns from the training part. Every choice (a sparsity, a strategy, an epoch
    count) is made on the validation part; the test part is kept for a final, reported result,
    so that it stays an honest estimate. The arrays are private read-only copies, so one
    cached instance can be shared safely.
    `class_names[i]` is the display name of label i; `feature_shape` is the image shape
    (8, 8) for digits and None for tabular data.
    """

    name: str
    X_train: np.ndarray
    X_val: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    feature_shape: tuple[int, int] | None
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        for field in ("y_train", "y_val", "y_test"):
            if not np.issubdtype(np.asarray(getattr(self, field)).dtype, np.integer):
                raise ValueError(f"{field} must hold integer labels")
        for field, dtype in (
            ("X_train", np.float64),
            ("X_val", np.float64),
            ("X_test", np.float64),
            ("y_train", np.int64),
            ("y_val", np.int64),
            ("y_test", np.int64),
        ):
            object.__setattr__(self, field, _frozen_copy(getattr(self, field), dtype))
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))
        object.__setattr__(self, "feature_names", tuple(str(f) for f in self.feature_names))
        if self.feature_shape is not None:
            rows, cols = self.feature_shape
            object.__setattr__(self, "feature_shape", (int(rows), int(cols)))
        self._check_consistent()

    def _check_consistent(self) -> None:
        """Catch mismatched pieces at construction instead of deep inside training."""
        d = self.X_train.shape[1] if self.X_train.ndim == 2 else -1
        parts = [
            (f"X_{p}", f"y_{p}", getattr(self, f"X_{p}"), getattr(self, f"y_{p}")) for p in PARTS
        ]
        one_d = all(y.ndim == 1 for *_, y in parts)
        labels = np.concatenate([y for *_, y in parts]) if one_d else None
        problems = [
            (any(X.ndim != 2 for _, _, X, _ in parts), "X_train, X_val and X_test must be 2-D"),
            *(
                (X.ndim == 2 and X.shape[1] != d, f"{xn} has a different width")
                for xn, _, X, _ in parts
            ),
            (not one_d, "y_train, y_val and y_test must be 1-D"),
            *((len(y) != len(X), f"{xn} and {yn} differ in length") for xn, yn, X, y in parts),
            (len(self.feature_names) != d, "feature_names must name every column"),
            (
                self.feature_shape is not None and int(np.prod(self.feature_shape)) != d,
                "feature_shape does not match the number of features",
            ),
            (
                labels is not None
                and labels.size > 0
                and (labels.min() < 0 or labels.max() >= len(self.class_names)),
                "labels must lie in 0..len(class_names)-1",
            ),
        ]
        for failed, message in problems:
            if failed:
                raise ValueError(f"Inconsistent dataset {self.name!r}: {message}.")

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def part(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Features and labels of one part: "train", "val" or "test"."""
        if name not in PARTS:
            raise ValueError(f"Unknown part {name!r}; choose one of: {', '.join(PARTS)}.")
        return getattr(self, f"X_{name}"), getattr(self, f"y_{name}")

    @property
    def sizes(self) -> dict[str, int]:
        """Rows in each part, e.g. {"train": 1006, "val": 252, "test": 540} for digits."""
        return {name: len(self.part(name)[1]) for name in PARTS}

    @property
    def labels(self) -> np.ndarray:
        """All label values, 0..n_classes-1 (handy for confusion matrices)."""
        return np.arange(self.n_classes)


def _frozen_copy(values: object, dtype: type) -> np.ndarray:
    """Copy first, so freezing never touches the caller's array."""
    array = np.array(values, dtype=dtype, copy=True)
    array.flags.writeable = False
    return array


Loader = Callable[[float, int], Dataset]


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of the registry: URL/CLI key, dropdown label, student-facing description."""

    key: str
    label: str
    description: str
    loader: Loader


def _check_test_size(test_size: float) -> None:
    if not 0 < test_size < 1:  # written this way round so NaN is rejected too
        raise ValueError(f"test_size must lie strictly between 0 and 1, got {test_size!r}.")


def _split_dataset(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    class_names: tuple[str, ...],
    feature_names: tuple[str, ...],
    test_size: float,
    seed: int,
    *,
    standardise: bool,
    stratify: bool = True,
    feature_shape: tuple[int, int] | None = None,
) -> Dataset:
    """Split off the test part, then the validation part from the rest, both by `seed`.

    The test part does not depend on the validation split, so a test accuracy means what it
    meant before validation existed. With `standardise`, the scaling statistics come from the
    training part only.
    """
    n_classes = len(class_names)
    try:
        X_rest, X_test, y_rest, y_test = train_test_split(
            X, y, test_size=test_size, random_state=seed, stratify=y if stratify else None
        )
        # at least one validation row per class, so that a tiny table still splits
        n_val = max(math.ceil(VAL_SIZE * len(y_rest)), n_classes if stratify else 1)
        X_train, X_val, y_train, y_val = train_test_split(
            X_rest,
            y_rest,
            test_size=n_val,
            random_state=seed,
            stratify=y_rest if stratify else None,
        )
    except ValueError as exc:
        raise ValueError(
            f"{len(y)} rows are too few to split with test_size={test_size} across {n_classes} "
            f"classes: the training, validation and test parts each need at least one row of "
            f"every class ({exc})"
        ) from exc
    if standardise:
        scaler = StandardScaler().fit(X_train)
        X_train, X_val, X_test = (scaler.transform(part) for part in (X_train, X_val, X_test))
    return Dataset(
        name,
        X_train,
        X_val,
        X_test,
        y_train,
        y_val,
        y_test,
        class_names,
        feature_shape,
        feature_names,
    )


# --- built-in datasets -------------------------------------------------------------------------


def _load_digits(test_size: float, seed: int) -> Dataset:
    """8x8 digit images scaled to [0, 1]; the unstratified test split matches published
    numbers."""
    bunch = skdatasets.load_digits()
    return _split_dataset(
        "digits",
        bunch.data / 16.0,
        bunch.target,
        tuple(str(d) for d in bunch.target_names),
        tuple(bunch.feature_names),
        test_size,
        seed,
        standardise=False,
        stratify=False,
        feature_shape=(8, 8),
    )


def _sklearn_table(key: str, load: Callable[[], object]) -> Loader:
    """Loader for a bundled sklearn table: stratified split, then standardised features."""

    def loader(test_size: float, seed: int) -> Dataset:
        bunch = load()
        return _split_dataset(
            key,
            bunch.data,
            bunch.target,
            tuple(str(c) for c in bunch.target_names),
            tuple(str(f) for f in bunch.feature_names),
            test_size,
            seed,
            standardise=True,
        )

    return loader


def _spiral(n_samples: int, noise: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, 1.75 turns each, as in the TensorFlow Playground."""
    rng = np.random.default_rng(random_state)
    per_arm = n_samples // 2
    radius = np.linspace(0.05, 1.0, per_arm)
    points, labels = [], []
    for arm in (0, 1):
        angle = 1.75 * 2 * np.pi * radius + arm * np.pi
        xy = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        points.append(xy + rng.normal(scale=noise, size=xy.shape))
        labels.append(np.full(per_arm, arm))
    return np.concatenate(points), np.concatenate(labels)


def _toy(
    key: str, make: Callable[[], tuple[np.ndarray, np.ndarray]], names: tuple[str, str]
) -> Loader:
    """Loader for a 2-D toy shape: points are fixed (random_state=0); the seed moves the split.

    Features stay raw (already about unit scale) so plots show the familiar shapes.
    """

    def loader(test_size: float, seed: int) -> Dataset:
        X, y = make()
        return _split_dataset(key, X, y, names, ("x1", "x2"), test_size, seed, standardise=False)

    return loader


DATASETS: dict[str, DatasetInfo] = {
    info.key: info
    for info in (
        DatasetInfo(
            "digits",
            "Handwritten digits (8x8)",
            "1,797 handwritten digits, each a tiny 8x8 greyscale image, to sort into 0 to 9.",
            _load_digits,
        ),
        DatasetInfo(
            "iris",
            "Iris flowers",
            "150 iris flowers described by 4 petal and sepal measurements, from three species.",
            _sklearn_table("iris", skdatasets.load_iris),
        ),
        DatasetInfo(
            "wine",
            "Wine",
            "178 Italian wines described by 13 chemical measurements, from three grape growers.",
            _sklearn_table("wine", skdatasets.load_wine),
        ),
        DatasetInfo(
            "breast_cancer",
            "Breast cancer",
            "569 breast tumour samples described by 30 cell measurements: benign or malignant?",
            _sklearn_table("breast_cancer", skdatasets.load_breast_cancer),
        ),
        DatasetInfo(
            "moons",
            "Two moons",
            "Two interleaving half-moons of noisy 2-D points, so the boundary has to bend.",
            _toy(
                "moons",
                lambda: skdatasets.make_moons(n_samples=TOY_SAMPLES, noise=0.2, random_state=0),
                ("upper moon", "lower moon"),
            ),
        ),
        DatasetInfo(
            "circles",
            "Circles",
            "A ring of 2-D points around a smaller disc, so the boundary has to close on itself.",
            _toy(
                "circles",
                lambda: skdatasets.make_circles(
                    n_samples=TOY_SAMPLES, noise=0.1, factor=0.5, random_state=0
                ),
                ("outer ring", "inner disc"),
            ),
        ),
        DatasetInfo(
            "spiral",
            "Spiral",
            "Two spiral arms wound around each other, the hardest 2-D shape to separate.",
            _toy(
                "spiral",
                lambda: _spiral(TOY_SAMPLES, noise=0.04, random_state=0),
                ("arm A", "arm B"),
            ),
        ),
    )
}


def load_dataset(
    name: str = DEFAULT_DATASET, test_size: float = TEST_SIZE, seed: int = 0
) -> Dataset:
    """Load a built-in dataset by registry key; `seed` only changes the split."""
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}.")
    _check_test_size(test_size)
    return DATASETS[name].loader(test_size, seed)


# --- user CSV files ----------------------------------------------------------------------------

CsvSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def from_csv(
    file: CsvSource, label_column: str | None = None, test_size: float = TEST_SIZE, seed: int = 0
) -> Dataset:
    """Load a user's CSV (header row, numeric features, one label column) as a Dataset.

    `file` is a path, raw bytes or a binary file-like object (e.g. Streamlit's UploadedFile).
    The label column defaults to the last one; labels may be text or numbers and are encoded
    0..k-1 with the original values kept as `class_names`. Features are standardised with
    statistics from the training part. Every problem with the file's content raises a
    ValueError whose message says what is wrong and where; rows are numbered as in a
    spreadsheet, with the header as row 1.
    """
    _check_test_size(test_size)
    raw, name = _read_bytes(file)
    frame = _parse_csv(_decode(raw))
    label = _pick_label(frame, label_column)
    features = frame.drop(columns=label)
    X = _feature_matrix(features)
    y, class_names = _encode_labels(frame[label])
    feature_names = tuple(features.columns)
    return _split_dataset(name, X, y, class_names, feature_names, test_size, seed, standardise=True)


def _row(position: int) -> str:
    """Spreadsheet-style row number of a data row (the header is row 1)."""
    return f"row {position + 2}"


def _too_big() -> ValueError:
    return ValueError(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")


def _read_bytes(file: CsvSource) -> tuple[bytes, str]:
    """Raw bytes and a display name, refusing oversized files before reading them whole."""
    if isinstance(file, bytes | bytearray | memoryview):
        data, name = bytes(file), "csv"
    elif isinstance(file, str | os.PathLike):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _too_big()
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"Cannot read {str(path)!r}: {exc.strerror or exc}.") from exc
        name = path.name
    elif hasattr(file, "read"):
        # UploadedFile (a BytesIO) already holds everything; plain handles read one byte past
        # the limit so a huge file is detected without loading all of it.
        data = file.getvalue() if hasattr(file, "getvalue") else file.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes | bytearray):
            raise TypeError("from_csv needs a file opened in binary mode ('rb').")
        file_name = getattr(file, "name", None)
        name = Path(file_name).name if isinstance(file_name, str) and file_name else "csv"
    else:
        raise TypeError(f"from_csv needs a path, bytes or a binary file, not {type(file)}.")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big()
    return bytes(data), name


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")  # -sig: tolerate the BOM Excel writes
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as 'CSV UTF-8' and try again."
        ) from exc


def _parse_csv(text: str) -> pd.DataFrame:
    """Parse at most MAX_ROWS + 1 rows, turning every parser failure into a ValueError."""
    if not text.strip():
        raise ValueError("The file is empty.")
    if "\x00" in text:
        raise ValueError("The file contains NUL bytes: it looks like a binary file, not CSV.")
    _check_header(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), nrows=MAX_ROWS + 1, skipinitialspace=True, index_col=False
        )
    except Exception as exc:  # malformed input makes pandas raise many different types
        raise ValueError(f"Could not parse the file as CSV: {str(exc).strip()}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise ValueError(f"Column name {duplicated[0]!r} appears more than once.")
    if frame.shape[1] > MAX_COLUMNS:
        raise ValueError(f"The file has more than {MAX_COLUMNS:,} columns.")
    if len(frame) == 0:
        raise ValueError("The file is empty: it has a header but no data rows.")
    if len(frame) > MAX_ROWS:
        raise ValueError(f"The file has more than {MAX_ROWS:,} data rows.")
    if frame.shape[1] < 2:
        raise ValueError("The file needs at least two columns: features and a label.")
    return frame


def _check_header(text: str) -> None:
    """Check the header and first data row before pandas sees them.

    This refuses too many columns cheaply. It also catches a first data row with more fields
    than the header, which pandas would otherwise accept with a mere warning (dropping data).
    """
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows = (row for row in reader if len(row) > 1 or (row and row[0].strip()))  # skip blanks
    try:
        header = next(rows, [])
        if len(header) > MAX_COLUMNS:
            raise ValueError(f"The file has {len(header):,} columns; the limit is {MAX_COLUMNS:,}.")
        first = next(rows, [])
    except csv.Error as exc:
        raise ValueError(f"Could not parse the file as CSV: {exc}") from exc
    if len(first) > len(header):
        raise ValueError(
            f"Could not parse the file as CSV: the first data row has {len(first)} fields "
            f"but the header has {len(header)}."
        )


def _pick_label(frame: pd.DataFrame, label_column: str | None) -> str:
    if label_column is None:
        return frame.columns[-1]
    label = str(label_column).strip()
    if label not in frame.columns:
        shown = ", ".join(repr(c) for c in frame.columns[:20])
        more = f" and {frame.shape[1] - 20} more" if frame.shape[1] > 20 else ""
        raise ValueError(
            f"Label column {label_column!r} not found; the columns are: {shown}{more}."
        )
    return label


def _feature_matrix(features: pd.DataFrame) -> np.ndarray:
    """Features as float64 (True/False count as 1/0), refusing text, gaps and huge values."""
    columns = []
    for name in features.columns:
        values = features[name]
        if not is_numeric_dtype(values):
            numeric = pd.to_numeric(values, errors="coerce")
            bad = np.flatnonzero(numeric.isna().to_numpy() & values.notna().to_numpy())
            if bad.size:
                raise ValueError(
                    f"Column {name!r} is not numeric: {_row(bad[0])} holds "
                    f"{values.iloc[bad[0]]!r}. Only the label column may hold text."
                )
            values = numeric
        columns.append(values.to_numpy(dtype=np.float64, na_value=np.nan))
    X = np.column_stack(columns)
    for j, name in enumerate(features.columns):
        column = X[:, j]
        for mask, problem in (
            (np.isnan(column), "a missing value (empty or NaN)"),
            (np.isinf(column), "an infinite value"),
            (~(np.abs(column) <= MAX_ABS_VALUE), f"a value beyond ±{MAX_ABS_VALUE:g}"),
        ):
            if mask.any():
                raise ValueError(f"Column {name!r} has {problem} in {_row(np.argmax(mask))}.")
    return X


def _encode_labels(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Encode labels to 0..k-1 in sorted order; numbers sort numerically, text alphabetically."""
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise ValueError(f"Label column {values.name!r} has a missing value in {_row(missing[0])}.")
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        raw = values.to_numpy()
        whole = np.isfinite(raw).all() and (np.abs(raw) < 2**53).all() and (raw % 1 == 0).all()
        raw = raw.astype(np.int64) if whole else raw  # 1.0, 2.0 become classes "1", "2"
    else:
        raw = values.astype(str).str.strip().to_numpy(dtype=str)
    classes, y, counts = np.unique(raw, return_inverse=True, return_counts=True)
    class_names = tuple(str(c) for c in classes)
    if len(classes) < 2:
        raise ValueError(
            f"Label column {values.name!r} has only one class ({class_names[0]!r}); "
            "at least 2 are needed."
        )
    if (counts < MIN_CLASS_ROWS).any():
        rare = int(np.argmin(counts))
        rows = "1 row" if counts[rare] == 1 else f"{counts[rare]} rows"
        raise ValueError(
            f"Class {class_names[rare]!r} has only {rows}; every class needs at least "
            f"{MIN_CLASS_ROWS} (to train on, to validate on and to test on)."
        )
    return y.astype(np.int64), class_names

"""The class's own tables: CSV files a student uploads, or a teacher puts in a folder.

A table is known by its name, which is also the model configuration's ``dataset``: a
teacher's file by its stem (``biology`` for ``data/biology.csv``), so that a link can
carry it; an upload by its file name and a hash of its content (``survey.csv#3f2a9c1e``),
so that two students' different files never meet, and equal files share their results.
The raw bytes travel with every task that needs them (``jobs.submit``), so a worker that
has never seen a table, or a restarted one, rebuilds the same split with
``pruning.from_csv``; results are stored under the content's digest. CSV in, arrays out:
nothing is ever unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pruning
from pruning import Dataset

ENV_FOLDER = "PRUNING_DATA_DIR"
DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "data"  # beside app.py
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Table:
    """A CSV file's bytes, the column that holds the labels (None: the last one) and the
    name the dashboard knows it by."""

    name: str
    raw: bytes = field(repr=False)
    label: str | None = None

    @property
    def digest(self) -> str:
        """What results are stored under: the content and the label column."""
        text = self.raw + b"\0" + (self.label or "").encode("utf-8")
        return hashlib.sha256(text).hexdigest()[:16]

    @classmethod
    def upload(cls, raw: bytes, file_name: str, label: str | None) -> Table:
        """A student's file, named by its file name and content."""
        table = cls("", bytes(raw), label)
        return replace(table, name=f"{Path(file_name).name[:60]}#{table.digest[:8]}")

    def dataset(self, seed: int) -> Dataset:
        """The table split for ``seed``, as every built-in data set is (raises ValueError
        with ``from_csv``'s message for a broken file); read once per process."""
        return _split(self, seed)


_KNOWN: dict[str, Table] = {}  # the tables this process has been given, by name


def register(table: Table) -> Table:
    """Make ``table`` known to this process (the app, or a worker about to use it)."""
    _KNOWN[table.name] = table  # a changed file has a new digest: a new cache entry
    return table


def known(name: str) -> Table | None:
    return _KNOWN.get(name)


@functools.lru_cache(maxsize=32)
def _split(source: str | Table, seed: int) -> Dataset:
    """A built-in set by name, or a table (keyed by its content: an edited file is new)."""
    if isinstance(source, Table):
        return replace(pruning.from_csv(source.raw, source.label, seed=seed), name=source.name)
    return pruning.load_dataset(source, seed=seed)


def load(name: str, seed: int) -> Dataset:
    """A built-in data set, or a known table, split for ``seed``; each split is made once
    per process (a ``Dataset`` is read-only, so every page and task may share it)."""
    return _split(_KNOWN.get(name, name), seed)


def folder() -> Path:
    return Path(os.environ.get(ENV_FOLDER) or DEFAULT_FOLDER)


@functools.cache
def teacher_tables() -> tuple[str, ...]:
    """The teacher's folder read once per process: every ``*.csv`` that ``from_csv``
    accepts becomes a table named by its stem (the label is its last column). A broken
    file is left out with a log line saying why; the lesson goes on without it."""
    names = []
    for path in sorted(folder().glob("*.csv")):
        name = path.stem
        if name in pruning.DATASETS or not name or len(name) > 60:
            log.warning("teacher table %s skipped: its name is taken or unusable", path)
            continue
        try:
            if path.stat().st_size > pruning.data.MAX_FILE_BYTES:
                raise ValueError(f"larger than {pruning.data.MAX_FILE_BYTES // 2**20} MB")
            table = Table(name, path.read_bytes())
            table.dataset(0)  # refuse a broken file now, with from_csv's message
        except (OSError, ValueError) as exc:
            log.warning("teacher table %s skipped: %s", path, exc)
            continue
        register(table)
        names.append(name)
    return tuple(names)

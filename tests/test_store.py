"""The result store: what a restart finds, what the bound evicts, and failures that only
cost a recomputation."""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import pytest

import pruning
from compute import store as store_module
from compute.store import ResultStore
from deploy.processes import fresh_database
from pruning import load_dataset


@pytest.fixture(scope="module")
def net():
    return pruning.train(load_dataset("iris"), hidden=(5,), max_iter=20)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path) -> str:
    """An empty database: a SQLite file, or a fresh database on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return fresh_database(request.getfixturevalue("postgres"))


def test_networks_and_tables_survive_a_restart(url, net):
    frame = pruning.sweep(net, load_dataset("iris"), ["random"], [0.0, 0.5])
    first = ResultStore(url)
    first.put_network("net", net)
    first.put_frame("curve", frame)
    first.dispose()
    again = ResultStore(url)  # a new server process on the same database
    back = again.network("net")
    assert back.config == net.config and back.history == net.history
    for a, b in zip(
        (*back.coefs, *back.initial_coefs), (*net.coefs, *net.initial_coefs), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    assert again.frame("curve").equals(frame)
    assert again.network("missing") is None


def test_the_least_recently_used_go_first(url):
    store = ResultStore(url, max_bytes=250)
    store.put("a", "frame", b"a" * 100)
    store.put("b", "frame", b"b" * 100)
    assert store.get("a") == b"a" * 100  # "a" is now the most recently used
    store.put("c", "frame", b"c" * 100)
    assert store.get("b") is None and store.get("a") and store.get("c")
    assert store.size() == 200
    store.put("huge", "frame", b"x" * 251)  # larger than the whole store: not kept
    assert store.get("huge") is None and store.size() == 200


def test_a_corrupt_entry_is_recomputed_not_shown(url, caplog):
    store = ResultStore(url)
    store.put("net", "network", b"PK\x03\x04 not a network")
    with caplog.at_level(logging.WARNING):
        assert store.network("net") is None
        assert store.frame("net") is None
    assert "corrupt" in caplog.text


def test_a_locked_store_answers_not_stored(tmp_path, caplog, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    store = ResultStore(url)
    store.put("a", "frame", b"1")
    holder = sqlite3.connect(url.removeprefix("sqlite:///"))
    holder.execute("BEGIN EXCLUSIVE")  # another process keeps the file locked
    try:
        with caplog.at_level(logging.WARNING):
            store.put("b", "frame", b"2")
            assert store.get("a") is None
        assert "write failed" in caplog.text and "read failed" in caplog.text
    finally:
        holder.rollback()
        holder.close()
    assert store.get("a") == b"1"  # and it works again once the lock is gone


def test_an_unusable_database_leaves_the_app_working(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        store = ResultStore(f"sqlite:///{tmp_path}")  # a directory, not a database file
        store.put("a", "frame", b"1")
        assert store.get("a") is None
    assert "unusable" in caplog.text

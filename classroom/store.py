"""Where the board is kept: the SQLAlchemy tables and an engine tuned for a classroom.

Any SQLAlchemy URL works (PostgreSQL for a school server); the default is a SQLite file
in the user's data directory. SQLite runs in WAL mode with a busy timeout, and every write
transaction starts with ``BEGIN IMMEDIATE``, so thirty students submitting at once queue
for a few milliseconds instead of failing with "database is locked". The tables here are
the current schema; ``classroom.migrations`` brings older files up to it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from .rules import MAX_NICKNAME

ENV_URL = "PRUNING_BOARD_URL"
BUSY_TIMEOUT_MS = 20_000

metadata = MetaData()
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
    Column("description", String(200), nullable=False),
)
settings_table = Table(
    "settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)
entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nickname", String(MAX_NICKNAME), nullable=False),
    Column("dataset", String(40), nullable=False),
    Column("strategy", String(40), nullable=False),
    Column("sparsity", Float, nullable=False),
    Column("accuracy", Float, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("config", Text, nullable=False),
    Column("requested_sparsity", Float),
    Column("nonzero", Integer),
    Column("total", Integer),
    Column("nickname_key", String(80), nullable=False),
    Column("seed", Integer),
    Column("collapse", String(200)),
    Column("val_accuracy", Float),
)


def default_url() -> str:
    """``$PRUNING_BOARD_URL``, else a SQLite file in the user's data directory.

    The default is ``$XDG_DATA_HOME/pruning-playground/board.db`` (normally
    ``~/.local/share/pruning-playground/board.db``): outside the repository, so nothing to
    git-ignore, and not a cache directory that cleaners may empty.
    """
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'pruning-playground' / 'board.db'}"


def open_engine(url: str | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url`` (``None``: ``default_url()``); for a SQLite file the directory
    is created if needed and the connections are tuned (see ``writer``): a writer waits up
    to ``busy_timeout_ms`` for another."""
    url = make_url(url or default_url())
    sqlite = url.get_backend_name() == "sqlite"
    kwargs: dict = {"pool_pre_ping": not sqlite}
    if sqlite:
        database = url.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every pooled connection would see its own database.
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        elif not database.startswith("file:"):
            path = Path(database).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            url = url.set(database=str(path))
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
    engine = create_engine(url, **kwargs)
    if sqlite:
        event.listen(engine, "connect", functools.partial(_sqlite_connect, wait=busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def writer(engine: Engine) -> Engine:
    """``engine`` for write transactions: on SQLite they take the write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def utcnow() -> datetime:
    """Now in UTC, without a time zone (how the ``DateTime`` columns store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_connect(dbapi_connection, _record, wait: int) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers queue."""
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(wait)}")
        # Fails only while another connection switches it; the mode is stored in the file.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN IMMEDIATE for writes (take the write lock first: no upgrade deadlocks)."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")

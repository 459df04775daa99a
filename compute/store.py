"""Finished results kept in a database, shared by server restarts, processes and machines.

Trained networks (the engine's ``.npz`` bytes) and result tables (Parquet) are stored by
their task key, which holds the configuration and the engine's version, in a ``results``
table of the class board's database (SQLite by default, Postgres by URL). The table is
bounded in bytes: the least recently used results go first. Nothing is pickled.

A store that is full, locked or corrupt never stops a lesson: every failure is logged and
reads as "not stored", so the result is computed again.
"""

from __future__ import annotations

import io
import logging
import os
import time

import pandas as pd
from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from classroom.store import default_url as board_url
from classroom.store import open_engine, writer
from pruning import Network
from pruning.export import network_bytes, read_network

ENV_URL = "PRUNING_STORE_URL"
MAX_BYTES = 512 * 2**20  # a term of lessons' models and curves, far below a disk
BUSY_TIMEOUT_MS = 5_000  # a store that stays locked longer is skipped, not waited for
log = logging.getLogger(__name__)

metadata = MetaData()
results = Table(
    "results",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("used_at", Float, nullable=False, index=True),
)


def default_url() -> str:
    """``$PRUNING_STORE_URL``, else the class board's database (its default SQLite file)."""
    return os.environ.get(ENV_URL) or board_url()


class ResultStore:
    """Networks and tables by key, bounded to ``max_bytes``; thread-safe.

    Args:
        url: a SQLAlchemy URL; None means ``default_url()``.
        max_bytes: the most payload bytes kept before the least recently used go.
    """

    def __init__(self, url: str | None = None, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        url = url or default_url()
        self.engine = open_engine(url, busy_timeout_ms=BUSY_TIMEOUT_MS)
        try:
            metadata.create_all(self.engine)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("result store %s unusable (%s): results will be recomputed", url, exc)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- bytes --------------------------------------------------------------------------
    def get(self, key: str) -> bytes | None:
        """The payload stored under ``key``, or None (also when the store fails)."""
        try:
            with writer(self.engine).begin() as conn:
                payload = conn.scalar(select(results.c.payload).where(results.c.key == key))
                if payload is not None:
                    conn.execute(
                        update(results).where(results.c.key == key).values(used_at=time.time())
                    )
                return payload
        except SQLAlchemyError as exc:
            log.warning("result store read failed (%s): recomputing %s", exc, key)
            return None

    def put(self, key: str, kind: str, payload: bytes) -> None:
        """Store ``payload`` under ``key`` (replacing it), then evict down to the bound."""
        if len(payload) > self.max_bytes:
            log.warning("result %s (%d bytes) is larger than the store", key, len(payload))
            return
        row = {"key": key, "kind": kind, "payload": payload, "size": len(payload)}
        try:
            with writer(self.engine).begin() as conn:
                conn.execute(delete(results).where(results.c.key == key))
                conn.execute(insert(results).values(**row, used_at=time.time()))
                self._evict(conn)
        except SQLAlchemyError as exc:
            log.warning("result store write failed (%s): %s is not kept", exc, key)

    def _evict(self, conn) -> None:
        total = conn.scalar(select(func.coalesce(func.sum(results.c.size), 0)))
        if total <= self.max_bytes:
            return
        for key, size in conn.execute(
            select(results.c.key, results.c.size).order_by(results.c.used_at)
        ):
            conn.execute(delete(results).where(results.c.key == key))
            total -= size
            if total <= self.max_bytes:
                return

    def size(self) -> int:
        """Payload bytes stored now."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.coalesce(func.sum(results.c.size), 0))))

    # --- typed ----------------------------------------------------------------------------
    def network(self, key: str) -> Network | None:
        """The network stored under ``key``; None when missing or unreadable."""
        raw = self.get(key)
        try:
            return None if raw is None else read_network(raw)
        except ValueError as exc:
            log.warning("stored network %s is corrupt (%s): recomputing", key, exc)
            return None

    def put_network(self, key: str, network: Network) -> None:
        self.put(key, "network", network_bytes(network))

    def frame(self, key: str) -> pd.DataFrame | None:
        """The table stored under ``key``; None when missing or unreadable."""
        raw = self.get(key)
        try:
            return None if raw is None else pd.read_parquet(io.BytesIO(raw))
        except (ValueError, OSError) as exc:
            log.warning("stored table %s is corrupt (%s): recomputing", key, exc)
            return None

    def put_frame(self, key: str, frame: pd.DataFrame) -> None:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        self.put(key, "frame", buffer.getvalue())

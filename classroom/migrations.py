"""The board's schema history: each migration runs once, in order, when a ``Board`` opens.

The ``schema_version`` table logs every migration applied (its number, when, and its
description), so a database made by any earlier version of the code still opens, and one
made by newer code is refused rather than misread. A new migration is a function appended
to ``MIGRATIONS``; its docstring says what it adds and why. Never edit an old one: some
classroom's file has already run it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

from .rules import MAX_NICKNAME, fold_nickname
from .store import schema_version, utcnow

POSTGRES_LOCK = 74627  # the advisory lock id two servers starting at once queue on


def v1_settings_and_entries(conn: Connection) -> None:
    """The first leaderboard: ``settings`` (key, JSON value) and ``entries`` (id, nickname,
    dataset, strategy, sparsity, accuracy, created_at)."""
    v1 = MetaData()
    Table(
        "settings",
        v1,
        Column("key", String(40), primary_key=True),
        Column("value", Text, nullable=False),
    )
    Table(
        "entries",
        v1,
        Column("id", Integer, primary_key=True),
        Column("nickname", String(MAX_NICKNAME), nullable=False),
        Column("dataset", String(40), nullable=False),
        Column("strategy", String(40), nullable=False),
        Column("sparsity", Float, nullable=False),
        Column("accuracy", Float, nullable=False),
        Column("created_at", DateTime, nullable=False),
        sqlite_autoincrement=True,  # ids never reused after a clear
    )
    v1.create_all(conn)


def v2_measurements(conn: Connection) -> None:
    """``entries`` gains ``config`` (the submitted model configuration as JSON),
    ``requested_sparsity`` (what the student asked for), ``nonzero`` and ``total`` (weights
    kept, out of how many): what the teacher's export needs to explain a row."""
    for ddl in (
        "ALTER TABLE entries ADD COLUMN config TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE entries ADD COLUMN requested_sparsity FLOAT",
        "ALTER TABLE entries ADD COLUMN nonzero INTEGER",
        "ALTER TABLE entries ADD COLUMN total INTEGER",
    ):
        conn.execute(text(ddl))


def v3_nickname_key(conn: Connection) -> None:
    """``entries`` gains ``nickname_key``, the case-folded nickname that duplicates are
    grouped by ("Ada" and "ada" are one player), back-filled from existing rows, and an index
    on ``(dataset, nickname_key)``. Old rows predate the nickname rules, so the key is made
    without refusing any."""
    conn.execute(
        text("ALTER TABLE entries ADD COLUMN nickname_key VARCHAR(80) NOT NULL DEFAULT ''")
    )
    rows = conn.execute(text("SELECT id, nickname FROM entries")).all()
    for row_id, nickname in rows:
        conn.execute(
            text("UPDATE entries SET nickname_key = :key WHERE id = :id"),
            {"key": fold_nickname(nickname).casefold()[:80], "id": row_id},
        )
    conn.execute(
        text("CREATE INDEX ix_entries_dataset_nickname ON entries (dataset, nickname_key)")
    )


def v4_seed_and_collapse(conn: Connection) -> None:
    """``entries`` gains ``seed`` and ``collapse``, and an index on
    ``(dataset, seed, nickname_key)``: the board ranks one train/test split at a time, and a
    network that ignores its input never ranks.

    ``seed`` is back-filled from the ``config`` JSON; it stays NULL for version 1 rows, whose
    seed is unknown, so they are shown on no board. ``collapse`` says why a network ignores
    its input (NULL when it does not); without the masks, old rows are marked only when they
    kept no weight at all.
    """
    conn.execute(text("ALTER TABLE entries ADD COLUMN seed INTEGER"))
    conn.execute(text("ALTER TABLE entries ADD COLUMN collapse VARCHAR(200)"))
    rows = conn.execute(text("SELECT id, config FROM entries")).all()
    for row_id, config in rows:
        seed = _config_seed(config)
        if seed is not None:
            conn.execute(
                text("UPDATE entries SET seed = :seed WHERE id = :id"), {"seed": seed, "id": row_id}
            )
    conn.execute(
        text(
            "UPDATE entries SET collapse = :why WHERE nonzero = 0 "
            "OR (nonzero IS NULL AND sparsity >= 1)"
        ),
        {"why": "no weight is left"},
    )
    conn.execute(
        text(
            "CREATE INDEX ix_entries_dataset_seed_nickname ON entries (dataset, seed, nickname_key)"
        )
    )


def _config_seed(raw: str | None) -> int | None:
    """The seed in a stored config JSON, or None when there is none (version 1 rows)."""
    try:
        seed = json.loads(raw or "{}").get("seed")
    except (json.JSONDecodeError, AttributeError):
        return None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def v5_login_failures(conn: Connection) -> None:
    """``login_failures``: when a wrong teacher passphrase was tried. Several server
    replicas share one database, so the lockout after repeated wrong passphrases must live
    here, not in one process's memory (a student would just reconnect to another)."""
    v5 = MetaData()
    Table(
        "login_failures",
        v5,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, nullable=False, index=True),
    )
    v5.create_all(conn)


def v6_validation_scores(conn: Connection) -> None:
    """``entries`` gains ``val_accuracy``, the score on the validation part that the public
    board ranks by while students play; ``accuracy`` stays the test accuracy, which the
    private board ranks by once the teacher reveals it. Rows stored before validation
    existed keep NULL there: they were measured on the test part only, so they rank on the
    private board and stay apart, marked, on the public one. The reveal itself is a
    setting (``revealed``) and needs no column."""
    conn.execute(text("ALTER TABLE entries ADD COLUMN val_accuracy FLOAT"))


MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("settings and entries tables", v1_settings_and_entries),
    ("entries: config, requested_sparsity, nonzero, total", v2_measurements),
    ("entries: nickname_key for duplicate nicknames, indexed with dataset", v3_nickname_key),
    (
        "entries: seed (back-filled from config) and collapse, indexed with dataset",
        v4_seed_and_collapse,
    ),
    ("login_failures: the teacher lockout, shared by server replicas", v5_login_failures),
    ("entries: val_accuracy, the public board's score", v6_validation_scores),
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: Connection) -> None:
    """Bring the database to ``SCHEMA_VERSION`` inside ``conn``'s (write) transaction."""
    if conn.dialect.name == "postgresql":
        # Two servers starting at once must not both migrate.
        conn.execute(text(f"SELECT pg_advisory_xact_lock({POSTGRES_LOCK})"))
    schema_version.create(conn, checkfirst=True)
    current = version(conn)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"the board database has schema version {current}, newer than this "
            f"code's {SCHEMA_VERSION}: update Pruning Playground"
        )
    for number, (description, step) in enumerate(MIGRATIONS[current:], start=current + 1):
        step(conn)
        conn.execute(
            insert(schema_version).values(
                version=number, applied_at=utcnow(), description=description
            )
        )


def version(conn: Connection) -> int:
    """The schema version of the database (0 before the first migration)."""
    return conn.scalar(select(func.max(schema_version.c.version))) or 0

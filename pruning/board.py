"""The class challenge: find the sparsest network that keeps at least T% test accuracy.

``Board`` is a leaderboard stored with SQLAlchemy (a SQLite file by default, any SQLAlchemy
URL such as PostgreSQL works). The teacher sets the target ``T``, the dataset and the seed
and opens or closes the board; students submit a configuration and the board measures it
itself::

    board = Board("sqlite:///board.db")
    board.set_settings(open=True, target=0.9, dataset="digits", seed=0)
    entry = board.submit("Ada", config, "global_magnitude", 0.9, network=net, data=data)
    board.top(10)

The server never trusts a number sent by a client: ``submit`` checks the submitted model
configuration against the (server-side, cached) trained network it is given, prunes that
network again with the submitted strategy and sparsity (or applies explicit boolean masks),
and measures weight sparsity and test accuracy on the held-out test split. A refused
submission raises ``BoardError`` (a ``ValueError``) whose ``code`` names the reason.

Rules:

- Nicknames: 1 to 20 characters after NFKC normalisation; letters of any script (CJK
  included), digits, spaces and ``_ - .``; nothing else (no ``<``, quotes, control or
  invisible characters). Runs of spaces collapse to one. Nicknames compare case-
  insensitively, so "Ada" and "ada" are the same player.
- Duplicates: every accepted submission is stored (the teacher's CSV export has all of
  them), and the leaderboard shows one row per nickname, that nickname's best entry.
- Dataset and seed: a submission must use the board's dataset and seed, or it is refused
  (codes ``dataset`` and ``seed``). The seed decides the train/test split
  (``load_dataset(name, seed)``), so one seed for everyone means one test set for everyone.
- Layer collapse: a network with no path left from input to output (``collapse_reason``,
  e.g. at 100% sparsity) gives every input the same answer. It is stored with its reason
  (``Entry.collapse``) and never qualifies, whatever T, since a constant answer already
  scores the majority-class share of the test set (``chance_level``).
- Entries below the target are stored and returned with ``qualifies=False``; they get no
  rank and are listed apart (``below_target``). Qualifying means ``accuracy >= T`` for the
  teacher's *current* T, and no collapse, so changing T re-sorts the board at once.
- Ranking, on the teacher's current dataset and seed only (entries on others are kept and
  come back when the teacher switches back): weight sparsity descending, then accuracy
  descending, then the earliest submission.

Storage: SQLite runs in WAL mode with a busy timeout, and every write transaction starts
with ``BEGIN IMMEDIATE``, so thirty students submitting at once queue for a few
milliseconds instead of failing with "database is locked". The schema is versioned: the
``schema_version`` table logs each migration applied, and ``MIGRATIONS`` run in order,
each once, when a ``Board`` opens the database:

1. ``settings`` (key, JSON value) and ``entries`` (id, nickname, dataset, strategy,
   sparsity, accuracy, created_at): the first leaderboard.
2. ``entries`` gains ``config`` (the submitted model configuration as JSON),
   ``requested_sparsity`` (what the student asked for), ``nonzero`` and ``total`` (weights
   kept, out of how many).
3. ``entries`` gains ``nickname_key`` (the case-folded nickname duplicates are grouped
   by), back-filled from existing rows, and an index on ``(dataset, nickname_key)``.
4. ``entries`` gains ``seed`` (the config's seed, back-filled from the ``config`` JSON;
   NULL for rows from version 1, whose seed is unknown, so they are shown on no board)
   and ``collapse`` (why the network ignores its input, NULL when it does not; old rows
   are marked only when they kept no weight at all, the masks being unknown), and an
   index on ``(dataset, seed, nickname_key)``.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import io
import json
import math
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from .checks import check_fraction
from .config import SOLVERS, parse_hidden
from .data import DATASETS, Dataset, load_dataset
from .masks import Pruner, collapse_reason
from .metrics import evaluate
from .network import ACTIVATIONS, Network
from .strategies import STRATEGIES

ENV_URL = "PRUNING_BOARD_URL"
MAX_NICKNAME = 20
MAX_ENTRIES = 10_000  # a whole term of classes; protects the disk from a runaway script
MAX_PER_NICKNAME = 200  # per dataset: plenty for a lesson, bounds one player's spam
BUSY_TIMEOUT_MS = 20_000
CUSTOM = "custom"  # the strategy recorded for explicit masks
MAX_SEED = 9999  # the sidebar's range: a seed every student can set
DEFAULT_SETTINGS = {"open": True, "target": 0.9, "dataset": "digits", "seed": 0}
COLLAPSE = "this network ignores its input: layer collapse"  # why a collapsed entry never ranks
CONFIG_FIELDS = ("dataset", "hidden", "activation", "solver", "learning_rate", "max_iter", "seed")
ALIASES = {"lr": "learning_rate", "epochs": "max_iter"}
# Letters that render as nothing: a nickname made of them would be an invisible row.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})
_ACCURACY_EPS = 1e-9  # k/n and T/100 are both rounded doubles: compare with a hair of slack


class BoardError(ValueError):
    """A refused submission or setting. ``code`` names the rule, ``params`` the details."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


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


# --- validation --------------------------------------------------------------------------


def normalize_nickname(nickname) -> tuple[str, str]:
    """The nickname as displayed and the key duplicates are grouped by, or a ``BoardError``."""
    if not isinstance(nickname, str):
        raise BoardError("nickname_empty", "the nickname must be text")
    if len(nickname) > 10 * MAX_NICKNAME:  # don't normalise a novel
        raise BoardError(
            "nickname_long",
            f"the nickname is longer than {MAX_NICKNAME} characters",
            max=MAX_NICKNAME,
        )
    name = " ".join(part for part in unicodedata.normalize("NFKC", nickname).split(" ") if part)
    if not name:
        raise BoardError("nickname_empty", "the nickname is empty")
    bad = [
        ch
        for ch in name
        if not (ch in " _-." or (unicodedata.category(ch) in _LETTERS and ch not in _INVISIBLE))
    ]
    if bad:
        shown = "".join(dict.fromkeys(ch if ch.isprintable() else "?" for ch in bad))
        raise BoardError(
            "nickname_chars",
            f"a nickname may hold only letters, digits, spaces and _ - . (not {shown!r})",
            chars=shown,
        )
    if len(name) > MAX_NICKNAME:
        raise BoardError(
            "nickname_long",
            f"the nickname is longer than {MAX_NICKNAME} characters",
            max=MAX_NICKNAME,
        )
    return name, name.casefold()


def normalize_config(config: Mapping) -> dict:
    """The submitted model configuration, type-checked, with ``lr``/``epochs`` aliases resolved."""
    if not isinstance(config, Mapping):
        raise BoardError("config", "the configuration must be a mapping", detail="not a mapping")
    cfg = {}
    for key, value in config.items():
        name = ALIASES.get(key, key)
        if name not in CONFIG_FIELDS:
            raise BoardError("config", f"unknown configuration field {key!r}", detail=str(key)[:40])
        cfg[name] = value
    missing = [k for k in CONFIG_FIELDS if k not in cfg]
    if missing:
        raise BoardError(
            "config", f"the configuration lacks {', '.join(missing)}", detail=", ".join(missing)
        )
    try:
        out = {
            "dataset": _choice(cfg["dataset"], DATASETS),
            "hidden": list(parse_hidden(cfg["hidden"])),
            "activation": _choice(cfg["activation"], ACTIVATIONS),
            "solver": _choice(cfg["solver"], SOLVERS),
            "learning_rate": _number(cfg["learning_rate"], float),
            "max_iter": _number(cfg["max_iter"], int),
            "seed": _number(cfg["seed"], int),
        }
    except (TypeError, ValueError) as exc:
        raise BoardError("config", f"bad configuration: {exc}", detail=str(exc)[:80]) from None
    if not 0 < out["learning_rate"] <= 10 or out["max_iter"] < 1 or out["seed"] < 0:
        raise BoardError("config", "the configuration holds out-of-range numbers", detail="range")
    return out


def _choice(value, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{str(value)[:40]!r} is not one of {', '.join(options)}")
    return value


def _number(value, kind):
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{str(value)[:40]!r} is not a number")
    if kind is int and float(value) != int(value):
        raise ValueError(f"{value!r} is not a whole number")
    out = kind(value)
    if not math.isfinite(out):
        raise ValueError(f"{value!r} is not finite")
    return out


def check_network(cfg: dict, network: Network, data: Dataset) -> None:
    """Raise ``BoardError`` unless ``network`` and ``data`` are what ``cfg`` describes."""
    have = network.config or {}
    same = {
        "dataset": have.get("dataset") == cfg["dataset"],
        "hidden": list(have.get("hidden", ())) == cfg["hidden"]
        and list(network.hidden) == cfg["hidden"],
        "activation": have.get("activation") == cfg["activation"] == network.activation,
        "solver": have.get("solver") == cfg["solver"],
        "learning_rate": math.isclose(
            float(have.get("learning_rate", math.nan)), cfg["learning_rate"], rel_tol=1e-9
        ),
        "max_iter": have.get("max_iter") == cfg["max_iter"],
        "seed": have.get("seed") == cfg["seed"],
    }
    wrong = [k for k, ok in same.items() if not ok]
    if wrong:
        raise BoardError(
            "mismatch",
            f"the submitted configuration differs from the trained network in {', '.join(wrong)}",
            fields=", ".join(wrong),
        )
    if data.name != cfg["dataset"] or data.n_features != network.layer_sizes[0]:
        raise BoardError("mismatch", "the data do not belong to this network", fields="data")


def check_masks(masks, network: Network) -> tuple[np.ndarray, ...]:
    """Explicit weight masks: one boolean array per weight matrix, of exactly its shape."""
    if not isinstance(masks, list | tuple):
        raise BoardError("masks", "masks must be a list of boolean arrays", detail="not a list")
    if len(masks) != len(network.coefs):
        raise BoardError(
            "masks",
            f"expected {len(network.coefs)} masks, one per weight matrix, got {len(masks)}",
            detail=f"{len(masks)} != {len(network.coefs)}",
        )
    out = []
    for i, (m, W) in enumerate(zip(masks, network.coefs, strict=True)):
        if not isinstance(m, np.ndarray) or m.dtype != np.bool_:
            kind = getattr(getattr(m, "dtype", None), "name", type(m).__name__)
            raise BoardError(
                "masks", f"mask {i} must be a NumPy bool array, not {kind}", detail=f"{i}: {kind}"
            )
        if m.shape != W.shape:
            raise BoardError(
                "masks",
                f"mask {i} has shape {m.shape}, but layer {i} has shape {W.shape}",
                detail=f"{i}: {m.shape} != {W.shape}",
            )
        out.append(m.copy())
    return tuple(out)


# --- schema ------------------------------------------------------------------------------

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
)


def _v1(conn: Connection) -> None:
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


def _v2(conn: Connection) -> None:
    for ddl in (
        "ALTER TABLE entries ADD COLUMN config TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE entries ADD COLUMN requested_sparsity FLOAT",
        "ALTER TABLE entries ADD COLUMN nonzero INTEGER",
        "ALTER TABLE entries ADD COLUMN total INTEGER",
    ):
        conn.execute(text(ddl))


def _nickname_key(nickname: str) -> str:
    """Like ``normalize_nickname``'s key, but never refuses (old rows predate the rules)."""
    name = " ".join(p for p in unicodedata.normalize("NFKC", nickname).split(" ") if p)
    return name.casefold()[:80]


def _v3(conn: Connection) -> None:
    conn.execute(
        text("ALTER TABLE entries ADD COLUMN nickname_key VARCHAR(80) NOT NULL DEFAULT ''")
    )
    rows = conn.execute(text("SELECT id, nickname FROM entries")).all()
    for row_id, nickname in rows:
        conn.execute(
            text("UPDATE entries SET nickname_key = :key WHERE id = :id"),
            {"key": _nickname_key(nickname), "id": row_id},
        )
    conn.execute(
        text("CREATE INDEX ix_entries_dataset_nickname ON entries (dataset, nickname_key)")
    )


def _config_seed(raw: str | None) -> int | None:
    """The seed in a stored config JSON, or None when there is none (version 1 rows)."""
    try:
        seed = json.loads(raw or "{}").get("seed")
    except (json.JSONDecodeError, AttributeError):
        return None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _v4(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE entries ADD COLUMN seed INTEGER"))
    conn.execute(text("ALTER TABLE entries ADD COLUMN collapse VARCHAR(200)"))
    rows = conn.execute(text("SELECT id, config FROM entries")).all()
    for row_id, config in rows:
        seed = _config_seed(config)
        if seed is not None:
            conn.execute(
                text("UPDATE entries SET seed = :seed WHERE id = :id"), {"seed": seed, "id": row_id}
            )
    # Without the masks only the plainest collapse is known: no weight kept at all.
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


MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("settings and entries tables", _v1),
    ("entries: config, requested_sparsity, nonzero, total", _v2),
    ("entries: nickname_key for duplicate nicknames, indexed with dataset", _v3),
    ("entries: seed (back-filled from config) and collapse, indexed with dataset", _v4),
)
SCHEMA_VERSION = len(MIGRATIONS)


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the teacher decided: whether submissions are accepted, the target, the dataset
    and the seed (which fixes the dataset's train/test split)."""

    open: bool
    target: float
    dataset: str
    seed: int = 0


@dataclass(frozen=True)
class Entry:
    """One submission as measured by the server. ``rank`` is set for qualifying board rows."""

    id: int
    nickname: str
    dataset: str
    strategy: str
    sparsity: float  # fraction of weights removed, measured on the masks
    accuracy: float  # test accuracy of the pruned network
    created_at: datetime  # UTC
    qualifies: bool
    requested_sparsity: float | None = None
    nonzero: int | None = None
    total: int | None = None
    config: dict = field(default_factory=dict, compare=False)
    rank: int | None = None
    seed: int | None = None  # the config's seed; None for rows older than the seed rule
    collapse: str | None = None  # why the pruned network ignores its input, if it does
    key: str = field(default="", compare=False, repr=False)  # what duplicates are grouped by

    @property
    def collapsed(self) -> bool:
        """Layer collapse: the entry is stored but never qualifies."""
        return self.collapse is not None

    @property
    def note(self) -> str:
        """Why this entry can never rank, whatever T is ("" when it can)."""
        return f"{COLLAPSE} ({self.collapse})" if self.collapse else ""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@functools.lru_cache(maxsize=64)
def chance_level(dataset: str, seed: int = 0) -> float:
    """The majority-class share of ``dataset``'s test split for ``seed``.

    A network that gives every input the same answer scores at most this.
    """
    y = load_dataset(dataset, seed=seed).y_test
    return float(np.bincount(y).max() / len(y))


def target_at_chance(settings: Settings) -> float | None:
    """The chance level when T is at or below it (a constant answer reaches T), else None."""
    chance = chance_level(settings.dataset, settings.seed)
    return chance if settings.target <= chance + _ACCURACY_EPS else None


# --- the board ---------------------------------------------------------------------------


class Board:
    """A leaderboard in one database. Thread-safe; open one per process and share it.

    Args:
        url: a SQLAlchemy URL; ``None`` means ``default_url()``. For a SQLite file the
            directory is created if needed.
    """

    def __init__(self, url: str | None = None):
        url = make_url(url or default_url())
        self.is_sqlite = url.get_backend_name() == "sqlite"
        kwargs: dict = {"pool_pre_ping": not self.is_sqlite}
        if self.is_sqlite:
            database = url.database or ""
            if database in ("", ":memory:"):
                # One shared connection, or every pooled connection would see its own database.
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            elif not database.startswith("file:"):
                path = Path(database).expanduser()
                path.parent.mkdir(parents=True, exist_ok=True)
                url = url.set(database=str(path))
                kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._migrate()

    @property
    def url(self) -> str:
        """The database URL with any password hidden: safe to show a teacher."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- schema ---
    def _migrate(self) -> None:
        with self._writer.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                # Two servers starting at once must not both migrate.
                conn.execute(text("SELECT pg_advisory_xact_lock(74627)"))
            schema_version.create(conn, checkfirst=True)
            current = conn.scalar(select(func.max(schema_version.c.version))) or 0
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the board database has schema version {current}, newer than this "
                    f"code's {SCHEMA_VERSION}: update Pruning Playground"
                )
            for number, (description, migrate) in enumerate(
                MIGRATIONS[current:], start=current + 1
            ):
                migrate(conn)
                conn.execute(
                    insert(schema_version).values(
                        version=number, applied_at=_now(), description=description
                    )
                )

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.max(schema_version.c.version))) or 0

    # --- settings ---
    def settings(self) -> Settings:
        with self.engine.connect() as conn:
            return self._settings(conn)

    @staticmethod
    def _settings(conn: Connection) -> Settings:
        stored = dict(conn.execute(select(settings_table.c.key, settings_table.c.value)).all())
        values = dict(DEFAULT_SETTINGS)
        for key in values:
            if key in stored:
                with contextlib.suppress(json.JSONDecodeError):
                    values[key] = json.loads(stored[key])
        return Settings(
            open=bool(values["open"]),
            target=float(values["target"]),
            dataset=str(values["dataset"]),
            seed=int(values["seed"]),
        )

    def set_settings(
        self,
        open: bool | None = None,
        target: float | None = None,
        dataset: str | None = None,
        seed: int | None = None,
    ) -> Settings:
        """Change any of the teacher's settings (``None`` keeps a value); returns all of them.

        ``target`` is a fraction in [0, 1]: 0.9 means 90% test accuracy. ``seed`` is a
        whole number in [0, ``MAX_SEED``]: every submission must use it, so every student is
        measured on the same train/test split.
        """
        changes = {}
        if open is not None:
            if not isinstance(open, bool | np.bool_):
                raise BoardError("setting", f"open must be True or False, got {open!r}")
            changes["open"] = bool(open)
        if target is not None:
            try:
                changes["target"] = check_fraction(target, "target")
            except ValueError as exc:
                raise BoardError("target", str(exc)) from None
        if dataset is not None:
            if dataset not in DATASETS:
                raise BoardError("setting", f"unknown dataset {str(dataset)[:40]!r}")
            changes["dataset"] = dataset
        if seed is not None:
            try:
                changes["seed"] = _number(seed, int)
            except ValueError as exc:
                raise BoardError("setting", f"bad seed: {exc}") from None
            if not 0 <= changes["seed"] <= MAX_SEED:
                raise BoardError("setting", f"the seed must lie in [0, {MAX_SEED}], got {seed!r}")
        with self._writer.begin() as conn:
            for key, value in changes.items():
                raw = json.dumps(value)
                done = conn.execute(
                    update(settings_table).where(settings_table.c.key == key).values(value=raw)
                )
                if not done.rowcount:
                    conn.execute(insert(settings_table).values(key=key, value=raw))
            return self._settings(conn)

    # --- submissions ---
    def submit(
        self,
        nickname: str,
        config: Mapping,
        strategy: str | None,
        sparsity: float | None = None,
        masks: Sequence[np.ndarray] | None = None,
        *,
        network: Network,
        data: Dataset,
        seed: int = 0,
    ) -> Entry:
        """Measure and store one submission; return it with its rank (if it qualifies).

        Args:
            nickname: how the student appears on the board (see the module's rules).
            config: the model configuration the student worked with: ``dataset``,
                ``hidden``, ``activation``, ``solver``, ``learning_rate`` (or ``lr``),
                ``max_iter`` (or ``epochs``) and ``seed``.
            strategy: a key of ``STRATEGIES``; with ``masks``, ``"custom"`` or None.
            sparsity: the fraction in [0, 1] to prune with ``strategy``.
            masks: instead of strategy and sparsity, one NumPy bool array per weight
                matrix (True keeps the weight).
            network, data: the trained network for ``config`` and its dataset, from the
                server's own cache; never from the client. The board checks they match
                ``config``, prunes ``network`` itself and evaluates on ``data``'s test split.
            seed: seeds random scores and SNIP's minibatch, as ``Pruner`` does.

        Returns:
            The stored entry. A collapsed network (no path from input to output) is stored
            with ``collapse`` set and ``qualifies=False``: see ``Entry.note``.

        Raises:
            BoardError: board closed, wrong dataset or seed, bad nickname, config or
                masks, sparsity outside [0, 1], or too many entries.
        """
        display, key = normalize_nickname(nickname)
        settings = self.settings()
        if not settings.open:
            raise BoardError("closed", "the board is closed: the teacher is not taking entries")
        cfg = normalize_config(config)
        if cfg["dataset"] != settings.dataset:
            raise BoardError(
                "dataset",
                f"this challenge is on {settings.dataset}, not {cfg['dataset']}",
                dataset=cfg["dataset"],
                expected=settings.dataset,
            )
        if cfg["seed"] != settings.seed:
            raise BoardError(
                "seed",
                f"this challenge uses seed {settings.seed}, not {cfg['seed']}: "
                f"set Seed to {settings.seed} in the sidebar",
                seed=cfg["seed"],
                expected=settings.seed,
            )
        if masks is not None:
            if sparsity is not None:
                raise BoardError("sparsity", "give either a sparsity or masks, not both")
            if strategy not in (None, CUSTOM):
                raise BoardError(
                    "strategy",
                    f"explicit masks are recorded as strategy {CUSTOM!r}",
                    strategy=CUSTOM,
                )
        elif strategy not in STRATEGIES:
            raise BoardError(
                "strategy", f"unknown strategy {str(strategy)[:40]!r}", strategy=str(strategy)[:40]
            )
        else:
            try:
                sparsity = check_fraction(_number(sparsity, float))
            except ValueError as exc:
                raise BoardError("sparsity", str(exc)) from None
        check_network(cfg, network, data)

        if masks is not None:
            kept = check_masks(masks, network)
            pruned = network.with_weights([W * m for W, m in zip(network.coefs, kept, strict=True)])
            strategy, nonzero = CUSTOM, sum(int(m.sum()) for m in kept)
            total = sum(m.size for m in kept)
            collapse = collapse_reason(kept, network.layer_names)
        else:
            result = Pruner(network, strategy, data, seed).prune(sparsity)
            pruned, nonzero, total = result.network, result.nonzero, result.total
            collapse = result.collapse
        weight_sparsity = (total - nonzero) / total
        accuracy = float(evaluate(pruned, data.X_test, data.y_test).accuracy)

        row = {
            "nickname": display,
            "nickname_key": key,
            "dataset": cfg["dataset"],
            "strategy": strategy,
            "sparsity": weight_sparsity,
            "accuracy": accuracy,
            "created_at": _now(),
            "config": json.dumps(cfg, sort_keys=True),
            "requested_sparsity": sparsity,
            "nonzero": nonzero,
            "total": total,
            "seed": cfg["seed"],
            "collapse": None if collapse is None else str(collapse),
        }
        with self._writer.begin() as conn:
            if conn.scalar(select(func.count()).select_from(entries)) >= MAX_ENTRIES:
                raise BoardError("full", "the board is full: ask the teacher to clear it")
            mine = conn.scalar(
                select(func.count())
                .select_from(entries)
                .where(entries.c.dataset == row["dataset"], entries.c.nickname_key == key)
            )
            if mine >= MAX_PER_NICKNAME:
                raise BoardError(
                    "too_many",
                    f"{display} has already submitted {mine} times",
                    max=MAX_PER_NICKNAME,
                )
            row_id = conn.execute(insert(entries).values(**row)).inserted_primary_key[0]
        entry = Entry(
            id=int(row_id),
            qualifies=collapse is None and accuracy >= settings.target - _ACCURACY_EPS,
            key=key,
            **{k: v for k, v in row.items() if k not in ("nickname_key", "config")},
            config=cfg,
        )
        if entry.qualifies:
            best = self.entry_for(display)
            if best is not None and best.id == entry.id:
                entry = dataclasses.replace(entry, rank=best.rank)
        return entry

    # --- reading ---
    def _best_per_nickname(self, conn: Connection, settings: Settings):
        healthy = entries.c.collapse.is_(None)
        reached = entries.c.accuracy >= literal(settings.target - _ACCURACY_EPS)
        qualifies = case((and_(healthy, reached), 1), else_=0)
        order = (
            qualifies.desc(),
            case((healthy, 1), else_=0).desc(),  # below T, a real try before a collapsed one
            entries.c.sparsity.desc(),
            entries.c.accuracy.desc(),
            entries.c.created_at.asc(),
            entries.c.id.asc(),
        )
        ranked = (
            select(
                entries,
                qualifies.label("qualifies"),
                func.row_number()
                .over(partition_by=entries.c.nickname_key, order_by=order)
                .label("position"),
            )
            .where(entries.c.dataset == settings.dataset, entries.c.seed == settings.seed)
            .subquery()
        )
        c = ranked.c
        query = (
            select(ranked)
            .where(c.position == 1)
            .order_by(c.qualifies.desc(), c.sparsity.desc(), c.accuracy.desc(), c.created_at, c.id)
        )
        rows = conn.execute(query).mappings().all()
        out, rank = [], 0
        for row in rows:
            if row["qualifies"]:
                rank += 1
            out.append(_entry(row, bool(row["qualifies"]), rank if row["qualifies"] else None))
        return out

    def standings(self) -> list[Entry]:
        """Every nickname's best entry on the board's dataset and seed: ranked ones first,
        then the rest."""
        with self.engine.connect() as conn:
            return self._best_per_nickname(conn, self._settings(conn))

    def top(self, n: int = 20) -> list[Entry]:
        """The ``n`` best qualifying nicknames, each with its best entry and rank."""
        return [e for e in self.standings() if e.qualifies][: max(0, int(n))]

    def below_target(self, n: int = 20) -> list[Entry]:
        """Nicknames with no qualifying entry yet (their sparsest try, collapsed ones last)."""
        return [e for e in self.standings() if not e.qualifies][: max(0, int(n))]

    def entry_for(self, nickname: str) -> Entry | None:
        """The best entry of ``nickname`` on the board (dataset and seed), with its rank."""
        try:
            _, key = normalize_nickname(nickname)
        except BoardError:
            return None
        return next((e for e in self.standings() if e.key == key), None)

    def count(self, dataset: str | None = None) -> int:
        """Stored submissions (all attempts), on one dataset or on all."""
        query = select(func.count()).select_from(entries)
        if dataset is not None:
            query = query.where(entries.c.dataset == dataset)
        with self.engine.connect() as conn:
            return int(conn.scalar(query))

    def clear(self) -> int:
        """Delete every entry (settings stay); return how many were deleted."""
        with self._writer.begin() as conn:
            return conn.execute(delete(entries)).rowcount

    def export_csv(self) -> str:
        """Every stored submission, oldest first, as CSV (cells safe to open in a spreadsheet).

        ``qualifies`` and ``target`` are filled for rows on the board's dataset and seed;
        ``collapse`` says why a network that ignores its input never qualifies.
        """
        with self.engine.connect() as conn:
            settings = self._settings(conn)
            rows = conn.execute(select(entries).order_by(entries.c.id)).mappings().all()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "id", "submitted_utc", "nickname", "dataset", "seed", "strategy",
                "requested_sparsity", "weight_sparsity", "accuracy", "weights_kept",
                "weights_total", "collapse", "qualifies", "target", "config",
            ]
        )  # fmt: skip
        for r in rows:
            on_board = r["dataset"] == settings.dataset and r["seed"] == settings.seed
            qualifies = r["collapse"] is None and r["accuracy"] >= settings.target - _ACCURACY_EPS
            writer.writerow(
                [
                    r["id"],
                    r["created_at"].isoformat(timespec="seconds") + "Z",
                    _cell(r["nickname"]),
                    r["dataset"],
                    "" if r["seed"] is None else r["seed"],
                    r["strategy"],
                    "" if r["requested_sparsity"] is None else f"{r['requested_sparsity']:.6g}",
                    f"{r['sparsity']:.6f}",
                    f"{r['accuracy']:.6f}",
                    "" if r["nonzero"] is None else r["nonzero"],
                    "" if r["total"] is None else r["total"],
                    f"{COLLAPSE} ({r['collapse']})" if r["collapse"] else "",
                    ("yes" if qualifies else "no") if on_board else "",
                    f"{settings.target:.4g}" if on_board else "",
                    _cell(r["config"]),
                ]
            )
        return out.getvalue()


def _entry(row: Mapping, qualifies: bool, rank: int | None) -> Entry:
    try:
        config = json.loads(row["config"] or "{}")
    except json.JSONDecodeError:
        config = {}
    return Entry(
        id=int(row["id"]),
        nickname=row["nickname"],
        dataset=row["dataset"],
        strategy=row["strategy"],
        sparsity=float(row["sparsity"]),
        accuracy=float(row["accuracy"]),
        created_at=row["created_at"],
        qualifies=qualifies,
        requested_sparsity=row["requested_sparsity"],
        nonzero=row["nonzero"],
        total=row["total"],
        config=config,
        rank=rank,
        seed=row["seed"],
        collapse=row["collapse"],
        key=row["nickname_key"],
    )


def _cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers queue."""
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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

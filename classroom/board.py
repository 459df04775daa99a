"""The leaderboard: the teacher's settings, measured submissions, standings and export.

``Board.submit`` never trusts a number sent by a client: it checks the submitted model
configuration against the (server-side, cached) trained network it is given, prunes that
network again with the engine (or applies explicit masks), and measures weight sparsity,
validation accuracy and test accuracy.

- Two boards, as on Kaggle. The public board ranks on validation accuracy while students
  play (they may probe it as often as they like). The private board ranks the same entries,
  each nickname's choice on the public board, on test accuracy; the teacher reveals it
  at the end (``set_settings(revealed=True)``), which also ends the game. Who moves down
  on the reveal had fitted their choices to the validation part.

- Duplicates: every accepted submission is stored (the teacher's CSV export has all of
  them), and the leaderboard shows one row per nickname, that nickname's best entry.
- Entries below the target, or collapsed, are stored with ``qualifies=False``; they get
  no rank and are listed apart (``below_target``). Qualifying is judged against the
  teacher's *current* T, on the board's own score, so changing T re-sorts the board at once.
- Ranking, on the teacher's current dataset and seed only (entries on others are kept and
  come back when the teacher switches back): weight sparsity descending, then the board's
  accuracy descending, then the earliest submission. An ``Entry``'s ``accuracy`` is the
  score of the board it was read from; ``val_accuracy`` and ``test_accuracy`` are both.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import and_, case, delete, func, insert, literal, select, update
from sqlalchemy.engine import Connection, Engine

from pruning import Dataset, ModelConfig, Network, Pruner, PruneResult, apply_masks, evaluate

from . import migrations
from .rules import (
    ACCURACY_EPS,
    COLLAPSE,
    CUSTOM,
    DEFAULT_SETTINGS,
    BoardError,
    Entry,
    Settings,
    check_entry,
    check_masks,
    check_network,
    check_pruning,
    check_settings,
    lesson_values,
    normalize_nickname,
)
from .store import entries, login_failures, open_engine, settings_table, utcnow, writer

# (network, data, strategy, sparsity, masks, seed) -> (result, val accuracy, test accuracy)
Measure = Callable[..., tuple[PruneResult, float, float]]

MAX_ENTRIES = 10_000  # a whole term of classes; protects the disk from a runaway script
MAX_PER_NICKNAME = 200  # per dataset: plenty for a lesson, bounds one player's spam
MAX_FAILURES = 5  # wrong teacher passphrases within LOCKOUT_SECONDS before logins wait
LOCKOUT_SECONDS = 60


class Board:
    """A leaderboard in one database. Thread-safe; open one per process and share it.

    Args:
        url: a SQLAlchemy URL; ``None`` means ``classroom.store.default_url()``. For a
            SQLite file the directory is created if needed.
    """

    def __init__(self, url: str | None = None):
        self.engine: Engine = open_engine(url)
        self._writer = writer(self.engine)
        with self._writer.begin() as conn:
            migrations.migrate(conn)

    @property
    def url(self) -> str:
        """The database URL with any password hidden: safe to show a teacher."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return migrations.version(conn)

    # --- settings ---
    def settings(self) -> Settings:
        with self.engine.connect() as conn:
            return self._settings(conn)

    @staticmethod
    def _settings(conn: Connection) -> Settings:
        stored = dict(conn.execute(select(settings_table.c.key, settings_table.c.value)).all())
        values = dataclasses.asdict(DEFAULT_SETTINGS)
        for key in values:
            if key in stored:
                with contextlib.suppress(json.JSONDecodeError):
                    values[key] = json.loads(stored[key])
        return Settings(
            open=bool(values["open"]),
            target=float(values["target"]),
            dataset=str(values["dataset"]),
            seed=int(values["seed"]),
            revealed=bool(values["revealed"]),
        )

    def set_settings(
        self,
        open: bool | None = None,
        target: float | None = None,
        dataset: str | None = None,
        seed: int | None = None,
        revealed: bool | None = None,
    ) -> Settings:
        """Change any of the teacher's settings (``None`` keeps a value); returns all of them.

        ``target`` is a fraction in [0, 1]: 0.9 means 90% accuracy. Every submission must
        use ``seed``, so every student is measured on the same split. ``revealed`` shows
        the private board (test accuracy) and ends the game; False hides it again.
        """
        changes = check_settings(
            open=open, target=target, dataset=dataset, seed=seed, revealed=revealed
        )
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
        config: ModelConfig | Mapping,
        strategy: str | None,
        sparsity: float | None = None,
        masks: Sequence[np.ndarray] | None = None,
        *,
        network: Network,
        data: Dataset,
        seed: int = 0,
        measure: Measure | None = None,
    ) -> Entry:
        """Measure and store one submission; return it with its rank (if it qualifies).

        Args:
            nickname: how the student appears on the board (see ``classroom.rules``).
            config: the model configuration the student worked with: a ``ModelConfig``,
                or a mapping of at least its lesson fields (``dataset``, ``hidden``,
                ``activation``, ``solver``, ``learning_rate`` or ``lr``, ``max_iter`` or
                ``epochs``, ``seed``).
            strategy: a key of ``STRATEGIES``; with ``masks``, ``"custom"`` or None.
            sparsity: the fraction in [0, 1] to prune with ``strategy``.
            masks: instead of strategy and sparsity, one NumPy bool array per weight
                matrix (True keeps the weight).
            network, data: the trained network for ``config`` and its dataset, from the
                server's own cache; never from the client. The board checks they match
                ``config``, prunes ``network`` itself and evaluates it on ``data``'s
                validation and test parts.
            seed: seeds random scores and SNIP's minibatch, as ``Pruner`` does.
            measure: where the measuring runs, ``measured``'s signature (the dashboard
                runs it on its Dask cluster); by default here.

        Returns:
            The stored entry. A collapsed network (no path from input to output) is stored
            with ``collapse`` set and ``qualifies=False``: see ``Entry.note``.

        Raises:
            BoardError: board closed or revealed, wrong dataset or seed, bad nickname,
                config or masks, sparsity outside [0, 1], or too many entries.
        """
        display, key = normalize_nickname(nickname)
        settings = self.settings()
        if settings.revealed:
            raise BoardError("revealed", "the private board is revealed: the game is over")
        cfg = check_entry(settings, config)
        strategy, sparsity = check_pruning(strategy, sparsity, masks)
        check_network(cfg, network, data)
        result, val, test = (measure or measured)(network, data, strategy, sparsity, masks, seed)
        entry = self._store(display, key, cfg, result, (val, test), sparsity, settings)
        return self._with_rank(entry)

    def _store(
        self,
        display: str,
        key: str,
        cfg: ModelConfig,
        result: PruneResult,
        scores: tuple[float, float],
        requested: float | None,
        settings: Settings,
    ) -> Entry:
        """Insert one measured submission (its validation and test ``scores``), unless the
        board or the player has too many; the entry comes back as the public board sees it."""
        collapse = None if result.collapse is None else str(result.collapse)
        row = {
            "nickname": display,
            "dataset": cfg.dataset,
            "strategy": result.strategy,
            "sparsity": (result.total - result.nonzero) / result.total,
            "accuracy": scores[1],
            "val_accuracy": scores[0],
            "created_at": utcnow(),
            "requested_sparsity": requested,
            "nonzero": result.nonzero,
            "total": result.total,
            "seed": cfg.seed,
            "collapse": collapse,
        }
        config = lesson_values(cfg)
        with self._writer.begin() as conn:
            if conn.scalar(select(func.count()).select_from(entries)) >= MAX_ENTRIES:
                raise BoardError("full", "the board is full: ask the teacher to clear it")
            mine = conn.scalar(
                select(func.count())
                .select_from(entries)
                .where(entries.c.dataset == cfg.dataset, entries.c.nickname_key == key)
            )
            if mine >= MAX_PER_NICKNAME:
                raise BoardError(
                    "too_many",
                    f"{display} has already submitted {mine} times",
                    max=MAX_PER_NICKNAME,
                )
            stored = {**row, "nickname_key": key, "config": json.dumps(config, sort_keys=True)}
            row_id = conn.execute(insert(entries).values(**stored)).inserted_primary_key[0]
        qualifies = collapse is None and settings.reached(scores[0])
        return Entry(
            id=int(row_id),
            qualifies=qualifies,
            key=key,
            config=config,
            test_accuracy=row.pop("accuracy"),
            accuracy=scores[0],
            **row,
        )

    def _with_rank(self, entry: Entry) -> Entry:
        """``entry`` with its rank when it is now its nickname's best on the board."""
        if not entry.qualifies:
            return entry
        best = self.entry_for(entry.nickname)
        if best is None or best.id != entry.id:
            return entry
        return dataclasses.replace(entry, rank=best.rank)

    # --- reading ---
    def _best_per_nickname(
        self, conn: Connection, settings: Settings, private: bool
    ) -> list[Entry]:
        """Each nickname's choice, as the public board picks it (by validation accuracy;
        rows from before validation by their test accuracy), ranked by the board's score."""
        healthy = entries.c.collapse.is_(None)
        floor = literal(settings.target - ACCURACY_EPS)
        chosen_by = func.coalesce(entries.c.val_accuracy, entries.c.accuracy)
        order = (
            case((and_(healthy, chosen_by >= floor), 1), else_=0).desc(),
            case((healthy, 1), else_=0).desc(),  # below T, a real try before a collapsed one
            entries.c.sparsity.desc(),
            chosen_by.desc(),
            entries.c.created_at.asc(),
            entries.c.id.asc(),
        )
        score = entries.c.accuracy if private else entries.c.val_accuracy
        qualifies = case((and_(healthy, score >= floor), 1), else_=0)  # NULL never qualifies
        ranked = (
            select(
                entries,
                qualifies.label("qualifies"),
                score.label("score"),
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
            .order_by(
                c.qualifies.desc(),
                c.collapse.is_(None).desc(),  # below T, collapsed ones last
                c.sparsity.desc(),
                c.score.desc().nulls_last(),
                c.created_at,
                c.id,
            )
        )
        rows = conn.execute(query).mappings().all()
        out, rank = [], 0
        for row in rows:
            if row["qualifies"]:
                rank += 1
            out.append(_entry(row, bool(row["qualifies"]), rank if row["qualifies"] else None))
        return out

    def standings(self, private: bool | None = None) -> list[Entry]:
        """Every nickname's choice on the board's dataset and seed: ranked ones first, then
        the rest; on the private board (test accuracy) when ``private``, by default when
        the teacher has revealed it."""
        with self.engine.connect() as conn:
            settings = self._settings(conn)
            chosen = settings.revealed if private is None else private
            return self._best_per_nickname(conn, settings, chosen)

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

    # --- the teacher's passphrase ---
    def login_wait(self) -> float:
        """Seconds before the next passphrase may be tried: nonzero for ``LOCKOUT_SECONDS``
        after ``MAX_FAILURES`` wrong ones within that time, on any server of the class."""
        now = utcnow()
        since = now - timedelta(seconds=LOCKOUT_SECONDS)
        with self.engine.connect() as conn:
            recent = (
                conn.execute(
                    select(login_failures.c.at)
                    .where(login_failures.c.at > since)
                    .order_by(login_failures.c.at.desc())
                    .limit(MAX_FAILURES)
                )
                .scalars()
                .all()
            )
        if len(recent) < MAX_FAILURES:
            return 0.0
        return max(0.0, (recent[0] + timedelta(seconds=LOCKOUT_SECONDS) - now).total_seconds())

    def login_failed(self) -> None:
        """Record a wrong passphrase (and forget those too old to count)."""
        with self._writer.begin() as conn:
            old = utcnow() - timedelta(seconds=LOCKOUT_SECONDS)
            conn.execute(delete(login_failures).where(login_failures.c.at <= old))
            conn.execute(insert(login_failures).values(at=utcnow()))

    def login_succeeded(self) -> None:
        """The right passphrase: earlier wrong ones no longer count."""
        with self._writer.begin() as conn:
            conn.execute(delete(login_failures))

    def clear(self) -> int:
        """Delete every entry (settings stay); return how many were deleted."""
        with self._writer.begin() as conn:
            return conn.execute(delete(entries)).rowcount

    def export_csv(self) -> str:
        """Every stored submission, oldest first, as CSV (cells safe to open in a spreadsheet).

        Each accuracy is named by the part of the data it was measured on (``val_accuracy``
        is empty for rows stored before validation existed). ``qualifies_public``,
        ``qualifies_private``, ``target`` and ``revealed`` are filled for rows on the
        board's dataset and seed; ``collapse`` says why a network that ignores its input
        never qualifies.
        """
        with self.engine.connect() as conn:
            settings = self._settings(conn)
            rows = conn.execute(select(entries).order_by(entries.c.id)).mappings().all()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "id", "submitted_utc", "nickname", "dataset", "seed", "strategy",
                "requested_sparsity", "weight_sparsity", "val_accuracy", "test_accuracy",
                "weights_kept", "weights_total", "collapse", "qualifies_public",
                "qualifies_private", "target", "revealed", "config",
            ]
        )  # fmt: skip
        for r in rows:
            on_board = r["dataset"] == settings.dataset and r["seed"] == settings.seed
            public, private = (
                _qualifies(r, score, settings) if on_board else ""
                for score in (r["val_accuracy"], r["accuracy"])
            )
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
                    "" if r["val_accuracy"] is None else f"{r['val_accuracy']:.6f}",
                    f"{r['accuracy']:.6f}",
                    "" if r["nonzero"] is None else r["nonzero"],
                    "" if r["total"] is None else r["total"],
                    f"{COLLAPSE} ({r['collapse']})" if r["collapse"] else "",
                    public,
                    private,
                    f"{settings.target:.4g}" if on_board else "",
                    ("yes" if settings.revealed else "no") if on_board else "",
                    _cell(r["config"]),
                ]
            )
        return out.getvalue()


def measured(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsity: float | None,
    masks: Sequence[np.ndarray] | None,
    seed: int,
) -> tuple[PruneResult, float, float]:
    """The server's own pruning of ``network`` (the masks applied, or the strategy run)
    and the pruned network's validation and test accuracy."""
    if strategy == CUSTOM:
        check_masks(masks, network)
        result = apply_masks(network, masks, strategy=CUSTOM)
    else:
        result = Pruner(network, strategy, data, seed).prune(sparsity)
    val, test = (evaluate(result.network, *data.part(p)).accuracy for p in ("val", "test"))
    return result, float(val), float(test)


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
        accuracy=None if row["score"] is None else float(row["score"]),
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
        val_accuracy=row["val_accuracy"],
        test_accuracy=float(row["accuracy"]),
    )


def _qualifies(row: Mapping, score: float | None, settings: Settings) -> str:
    """yes/no for the export: a healthy network whose ``score`` reaches T."""
    ok = score is not None and row["collapse"] is None and settings.reached(score)
    return "yes" if ok else "no"


def _cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

"""The challenge board: server-side measuring, ranking, refusals, storage and concurrency.

Every test uses its own SQLite file and a 5-unit iris network (trained once per session).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy

from classroom import Board, BoardError, Settings, default_url, rank_moves
from classroom.board import LOCKOUT_SECONDS, MAX_FAILURES
from classroom.migrations import MIGRATIONS, SCHEMA_VERSION
from classroom.rules import chance_level, normalize_nickname, target_at_chance
from deploy.processes import fresh_database
from pruning import ModelConfig, Pruner, evaluate, load_dataset, train

ROOT = Path(__file__).resolve().parents[1]
CONFIG = {
    "dataset": "iris",
    "hidden": "5",
    "activation": "relu",
    "solver": "sgd",
    "lr": 0.1,
    "epochs": 50,
    "seed": 0,
}


@pytest.fixture(scope="module")
def iris():
    return load_dataset("iris")


@pytest.fixture(scope="module")
def net(iris):
    return train(iris, hidden=(5,), max_iter=50)


@pytest.fixture(scope="module")
def iris3():
    """Iris split with seed 3: another test set than seed 0's."""
    return load_dataset("iris", seed=3)


@pytest.fixture(scope="module")
def net3(iris3):
    return train(iris3, hidden=(5,), max_iter=50, seed=3)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path) -> str:
    """An empty board database: a SQLite file, or a fresh database on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.db'}"
    return fresh_database(request.getfixturevalue("postgres"))


@pytest.fixture
def board(url) -> Board:
    b = Board(url)
    b.set_settings(open=True, target=0.6, dataset="iris")
    yield b
    b.dispose()


@pytest.fixture
def play(board, net, iris):
    """``play(nickname, strategy, sparsity, **overrides)``: one submission on ``board``."""

    def submit(nickname, strategy="global_magnitude", sparsity=0.5, masks=None, **config):
        return board.submit(
            nickname, {**CONFIG, **config}, strategy, sparsity, masks, network=net, data=iris
        )

    return submit


def measured(net, iris, strategy, sparsity):
    """Weight sparsity, validation and test accuracy, as the board must measure them."""
    result = Pruner(net, strategy, iris, 0).prune(sparsity)
    val, test = (evaluate(result.network, *iris.part(p)).accuracy for p in ("val", "test"))
    return result.weight_sparsity, val, test


# --- submit, rank, clear -------------------------------------------------------------------


def test_submit_measures_on_the_server_and_ranks(board, play, net, iris):
    a = play("Ada", sparsity=0.3)
    b = play("Bob", sparsity=0.6)
    expected = measured(net, iris, "global_magnitude", 0.3)
    assert (a.sparsity, a.val_accuracy, a.test_accuracy) == pytest.approx(expected)
    assert a.accuracy == a.val_accuracy  # the public board's score
    assert b.nonzero == round(0.4 * net.n_weights) and b.total == net.n_weights
    top = board.top()
    assert [e.nickname for e in top] == ["Bob", "Ada"]  # sparsest first
    assert [e.rank for e in top] == [1, 2]
    assert b.rank == 1 and a.rank == 1  # each was first when it arrived


def test_ties_break_on_accuracy_then_on_the_earliest(board, play):
    first = play("Early", "global_magnitude", 0.4)
    play("Late", "global_magnitude", 0.4)  # same network, same numbers, later
    other = play("Other", "layer_magnitude", 0.4)
    assert first.sparsity == other.sparsity  # 0.4 of 35 weights, either way
    order = [e.nickname for e in board.top()]
    assert order.index("Early") < order.index("Late")
    better = "Other" if other.accuracy > first.accuracy else "Early"
    assert order[0] == better or other.accuracy == first.accuracy


def test_clear_empties_the_board_and_keeps_settings(board, play):
    play("Ada")
    play("Bob")
    assert board.clear() == 2
    assert board.top() == [] and board.count() == 0
    assert board.settings().dataset == "iris"


def test_client_numbers_are_never_used(board, play, net, iris):
    with pytest.raises(BoardError, match="unknown configuration field 'accuracy'") as err:
        play("Eve", accuracy=1.0)
    assert err.value.code == "config"
    with pytest.raises(TypeError):
        board.submit("Eve", CONFIG, "random", 0.99, network=net, data=iris, accuracy=1.0)
    entry = play("Eve", "random", 0.99)  # what the server measures is what is stored
    expected = measured(net, iris, "random", 0.99)
    assert (entry.sparsity, entry.accuracy, entry.test_accuracy) == pytest.approx(expected)
    assert board.below_target()[0].accuracy == entry.accuracy


@pytest.mark.parametrize(
    ("override", "field"),
    [({"hidden": "6"}, "hidden"), ({"lr": 0.3}, "learning_rate"), ({"seed": 1}, "seed")],
)
def test_config_must_match_the_trained_network(board, play, override, field):
    board.set_settings(seed=override.get("seed", 0))  # the board's seed, not the network's
    with pytest.raises(BoardError, match=field) as err:
        play("Mal", **override)
    assert err.value.code == "mismatch"


@pytest.mark.parametrize(
    "config",
    [
        {**CONFIG, "hidden": "<b>"},
        {**CONFIG, "epochs": 1.5},
        {**CONFIG, "lr": True},
        {**CONFIG, "lr": float("nan")},
        {k: v for k, v in CONFIG.items() if k != "seed"},
        "dataset=iris",
    ],
)
def test_malformed_configs_are_refused(board, net, iris, config):
    with pytest.raises(BoardError) as err:
        board.submit("Mal", config, "global_magnitude", 0.5, network=net, data=iris)
    assert err.value.code == "config"


def test_a_model_config_is_taken_like_its_mapping_and_stored_as_lesson_fields(
    board, play, net, iris
):
    """The dashboard passes its ``ModelConfig``; a script may pass URL or engine names."""
    config = ModelConfig.from_mapping(CONFIG)
    entry = board.submit("Ada", config, "global_magnitude", 0.5, network=net, data=iris)
    lesson = {
        "dataset": "iris",
        "hidden": [5],
        "activation": "relu",
        "solver": "sgd",
        "learning_rate": 0.1,
        "max_iter": 50,
        "seed": 0,
    }
    assert entry.config == lesson == play("Bob").config
    assert [e.config for e in board.standings()] == [lesson, lesson]


def test_a_network_without_a_training_config_is_a_mismatch(board, net, iris):
    stray = dataclasses.replace(net, config={})
    with pytest.raises(BoardError, match="config") as err:
        board.submit("Mal", CONFIG, "global_magnitude", 0.5, network=stray, data=iris)
    assert err.value.code == "mismatch" and board.count() == 0


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nickname", "code"),
    [
        ("", "nickname_empty"),
        ("    ", "nickname_empty"),
        (None, "nickname_empty"),
        ("x" * 21, "nickname_long"),
        ("长" * 21, "nickname_long"),
        ("x" * 5000, "nickname_long"),
        ("<script>alert(1)</script>", "nickname_chars"),
        ("<b>bold</b>", "nickname_chars"),
        ("a&amp;b", "nickname_chars"),
        ("Robert'); DROP TABLE entries;--", "nickname_chars"),
        ("[link](http://x)", "nickname_chars"),
        ("tab\there", "nickname_chars"),
        ("new\nline", "nickname_chars"),
        ("zero\u200bwidth", "nickname_chars"),
        ("\u3164", "nickname_chars"),  # Hangul filler: a letter that draws nothing
        ("smile🙂", "nickname_chars"),
        ("a\u202eb", "nickname_chars"),  # right-to-left override
    ],
)
def test_bad_nicknames_are_refused(board, play, nickname, code):
    with pytest.raises(BoardError) as err:
        play(nickname)
    assert err.value.code == code, str(err.value)
    assert board.count() == 0


@pytest.mark.parametrize(
    ("nickname", "shown"),
    [
        ("Ada", "Ada"),
        ("小明", "小明"),
        ("  李   雷 ", "李 雷"),
        ("a_b-c.d 42", "a_b-c.d 42"),
        ("Ünal", "Ünal"),
        ("ｆｕｌｌ　ｗｉｄｔｈ", "full width"),  # NFKC
        ("x" * 20, "x" * 20),
        ("さくら", "さくら"),
    ],
)
def test_good_nicknames(nickname, shown):
    assert normalize_nickname(nickname) == (shown, shown.casefold())


def test_closed_board_refuses(board, play):
    board.set_settings(open=False)
    with pytest.raises(BoardError, match="closed") as err:
        play("Ada")
    assert err.value.code == "closed" and board.count() == 0


def test_wrong_dataset_refuses(board, play):
    board.set_settings(dataset="wine")
    with pytest.raises(BoardError, match="this challenge is on wine, not iris") as err:
        play("Ada")
    assert err.value.params == {"dataset": "iris", "expected": "wine"}


def test_wrong_seed_refuses_and_says_what_to_set(board, play, net3, iris3):
    assert board.settings().seed == 0  # the app's default seed
    board.set_settings(seed=3)
    with pytest.raises(BoardError, match="set Seed to 3 in the sidebar") as err:
        play("Ada")  # seed 0: another train/test split
    assert err.value.code == "seed"
    assert err.value.params == {"seed": 0, "expected": 3}
    assert board.count() == 0
    # the same student with the board's seed (and its network and split) is measured
    entry = board.submit(
        "Ada", {**CONFIG, "seed": 3}, "global_magnitude", 0.5, network=net3, data=iris3
    )
    assert entry.seed == 3 and board.count() == 1


@pytest.mark.parametrize("sparsity", [-0.1, 1.5, float("nan"), "0.5", True, None, 90])
def test_sparsity_outside_0_1_refuses(play, sparsity):
    with pytest.raises(BoardError) as err:
        play("Ada", sparsity=sparsity)
    assert err.value.code == "sparsity"


def test_unknown_strategy_refuses(play):
    with pytest.raises(BoardError) as err:
        play("Ada", strategy="<script>")
    assert err.value.code == "strategy"


def test_explicit_masks_are_measured(board, play, net):
    rng = np.random.default_rng(0)
    masks = [rng.random(W.shape) < 0.25 for W in net.coefs]
    entry = play("Mia", strategy="custom", sparsity=None, masks=masks)
    kept = sum(int(m.sum()) for m in masks)
    assert entry.strategy == "custom" and entry.nonzero == kept
    assert entry.sparsity == pytest.approx(1 - kept / net.n_weights)
    assert board.count() == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda net: [np.ones(W.shape, dtype=bool) for W in net.coefs][:1],  # too few
        lambda net: [np.ones(W.shape, dtype=bool) for W in net.coefs] * 2,  # too many
        lambda net: [np.ones((W.shape[0] + 1, W.shape[1]), bool) for W in net.coefs],
        lambda net: [np.ones(10**6, dtype=bool) for _ in net.coefs],  # oversized
        lambda net: [np.ones(W.shape) for W in net.coefs],  # float, not bool
        lambda net: [np.ones(W.shape, dtype=np.int8) for W in net.coefs],
        lambda net: [np.ones(W.shape, dtype=bool).tolist() for W in net.coefs],  # lists
        lambda net: np.ones(3, dtype=bool),  # not a list of arrays
        lambda net: "all",
    ],
)
def test_malformed_masks_refuse(board, play, net, make):
    with pytest.raises(BoardError) as err:
        play("Mal", strategy="custom", sparsity=None, masks=make(net))
    assert err.value.code == "masks"
    assert board.count() == 0


def test_masks_exclude_a_sparsity_and_a_strategy(play, net):
    masks = [np.ones(W.shape, dtype=bool) for W in net.coefs]
    with pytest.raises(BoardError, match="either a sparsity or masks"):
        play("Ada", strategy="custom", sparsity=0.5, masks=masks)
    with pytest.raises(BoardError, match="custom"):
        play("Ada", strategy="global_magnitude", sparsity=None, masks=masks)


def test_settings_are_validated(board):
    with pytest.raises(BoardError):
        board.set_settings(target=1.5)
    with pytest.raises(BoardError):
        board.set_settings(dataset="<script>")
    with pytest.raises(BoardError):
        board.set_settings(open="yes")
    for seed in (-1, 10_000, 1.5, "3", True, float("nan")):
        with pytest.raises(BoardError):
            board.set_settings(seed=seed)
    assert board.settings() == Settings(open=True, target=0.6, dataset="iris", seed=0)
    assert board.set_settings(seed=9999).seed == 9999


# --- duplicates and targets ----------------------------------------------------------------


def test_one_row_per_nickname_keeping_the_best(board, play):
    play("Ada", sparsity=0.3)
    play("ada", sparsity=0.6)  # the same player: case does not matter
    worse = play("ADA", sparsity=0.1)
    assert worse.qualifies and worse.rank is None  # stored, but not the best
    play("Bob", sparsity=0.5)
    top = board.top()
    assert [(e.nickname, e.requested_sparsity) for e in top] == [("ada", 0.6), ("Bob", 0.5)]
    assert board.count() == 4  # every attempt is kept for the teacher's export
    assert board.entry_for("Ada").requested_sparsity == 0.6


def test_entries_below_the_target_are_stored_flagged_and_unranked(board, play):
    board.set_settings(target=0.9)
    low = play("Ada", sparsity=1.0)  # nothing left: chance accuracy
    assert not low.qualifies and low.rank is None and low.collapsed
    assert board.top() == [] and [e.nickname for e in board.below_target()] == ["Ada"]
    good = play("Ada", sparsity=0.2)
    # a qualifying entry beats a sparser one that misses the target
    assert board.entry_for("Ada").id == good.id and board.below_target() == []
    board.set_settings(target=0.0)  # the teacher lowers T: the board re-sorts at once
    assert [e.id for e in board.top()] == [good.id]  # the collapsed one never ranks


@pytest.mark.parametrize("target", [0.05, 0.0])
def test_a_collapsed_network_is_stored_but_never_ranks(board, play, target):
    """100% sparsity answers every flower alike: a third right on iris, above a low T."""
    board.set_settings(target=target)
    gone = play("Zed", sparsity=1.0)
    assert gone.accuracy >= target  # accuracy alone would have let it in
    assert gone.collapsed and not gone.qualifies and gone.rank is None
    assert gone.note.startswith("this network ignores its input: layer collapse (")
    assert board.count() == 1 and board.top() == []
    [below] = board.below_target()
    assert below.id == gone.id and below.collapse == gone.collapse and not below.qualifies
    [row] = csv.DictReader(io.StringIO(board.export_csv()))
    assert row["qualifies_public"] == "no" and "layer collapse" in row["collapse"]
    # a real try, even less accurate than chance, is the one the board shows for Zed
    ok = play("Zed", sparsity=0.3)
    assert ok.qualifies and [e.id for e in board.top()] == [ok.id]


def test_explicit_masks_with_no_path_left_are_collapsed(board, play, net):
    """No layer is empty, but hidden unit 0 gets every input and only unit 1 feeds out."""
    board.set_settings(target=0.0)
    first, second = (np.zeros(W.shape, dtype=bool) for W in net.coefs)
    first[:, 0] = True
    second[1, :] = True
    entry = play("Mia", strategy="custom", sparsity=None, masks=[first, second])
    assert entry.collapse == "no path is left from any input to any output"
    assert not entry.qualifies and board.top() == []


def test_below_the_target_a_real_try_is_shown_before_a_collapsed_one(board, play):
    board.set_settings(target=1.0)
    real = play("Ada", sparsity=0.9)
    play("Ada", sparsity=1.0)  # sparser, but ignores its input
    assert [e.id for e in board.below_target()] == [real.id]


def test_chance_level_is_the_majority_share_of_the_test_split(iris, iris3):
    for seed, data in ((0, iris), (3, iris3)):
        share = np.bincount(data.y_test).max() / len(data.y_test)
        assert chance_level("iris", seed) == pytest.approx(share)
    chance = chance_level("breast_cancer", 0)
    assert 0.5 < chance < 0.7
    slider = math.floor(100 * chance) / 100  # the teacher's whole percent just below chance
    assert target_at_chance(Settings(True, slider, "breast_cancer", 0)) == chance
    assert target_at_chance(Settings(True, chance, "breast_cancer", 0)) == chance  # equal
    assert target_at_chance(Settings(True, chance + 0.01, "breast_cancer", 0)) is None


def test_the_board_shows_the_current_dataset_only(board, play):
    play("Ada")
    board.set_settings(dataset="wine")
    assert board.top() == [] and board.count() == 1
    board.set_settings(dataset="iris")
    assert [e.nickname for e in board.top()] == ["Ada"]


def test_standings_never_mix_seeds(board, play, net3, iris3):
    play("Ada", sparsity=0.3)  # seed 0
    board.set_settings(seed=3)
    bob = board.submit(
        "Bob", {**CONFIG, "seed": 3}, "global_magnitude", 0.6, network=net3, data=iris3
    )
    assert [(e.nickname, e.seed) for e in board.standings()] == [("Bob", 3)]
    assert board.entry_for("Ada") is None and bob.rank == 1
    board.set_settings(seed=0)
    assert [(e.nickname, e.seed) for e in board.standings()] == [("Ada", 0)]
    assert board.entry_for("Bob") is None and board.count() == 2
    rows = {r["nickname"]: r for r in csv.DictReader(io.StringIO(board.export_csv()))}
    assert (rows["Ada"]["seed"], rows["Bob"]["seed"]) == ("0", "3")
    assert (
        rows["Ada"]["qualifies_public"] == "yes" and rows["Bob"]["qualifies_public"] == ""
    )  # off the board


def test_export_csv_has_every_attempt_and_is_spreadsheet_safe(board, play):
    play("-1", sparsity=0.2)
    play("Ada", sparsity=0.4)
    play("ada", sparsity=0.5)
    rows = list(csv.DictReader(io.StringIO(board.export_csv())))
    assert [r["nickname"] for r in rows] == ["'-1", "Ada", "ada"]
    assert rows[0]["qualifies_public"] in ("yes", "no") and rows[0]["dataset"] == "iris"
    assert json.loads(rows[1]["config"])["hidden"] == [5]
    assert float(rows[2]["requested_sparsity"]) == 0.5


# --- storage -------------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    board = Board(f"sqlite:///{tmp_path / 'board.db'}")
    with board.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    board.dispose()


def test_entries_survive_a_new_board_on_the_same_file(board, play, url):
    play("Ada")
    board.set_settings(target=0.55)
    board.dispose()
    again = Board(url)
    assert [e.nickname for e in again.top()] == ["Ada"]
    assert again.settings().target == 0.55
    again.dispose()


def test_entries_survive_a_real_process_restart(board, play, url):
    """Another Python process (a restarted server) finds the entries, and writes too."""
    entry = play("Ada", sparsity=0.5)
    board.dispose()
    script = (
        "import json, sys\n"
        "from classroom import Board\n"
        "board = Board(sys.argv[1])\n"
        "board.set_settings(target=0.55)\n"
        "print(json.dumps([(e.nickname, e.rank, e.accuracy) for e in board.top()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["Ada", 1, entry.accuracy]]
    assert Board(url).settings().target == 0.55


def test_in_memory_and_default_urls(monkeypatch, tmp_path):
    b = Board("sqlite://")
    assert b.schema_version() == SCHEMA_VERSION and b.url == "sqlite://"
    monkeypatch.delenv("PRUNING_BOARD_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/pruning-playground/board.db"
    monkeypatch.setenv("PRUNING_BOARD_URL", "postgresql://teacher:secret@db/board")
    assert default_url() == "postgresql://teacher:secret@db/board"


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.parametrize("shared", [True, False], ids=["one-board", "board-per-thread"])
def test_thirty_students_submitting_at_once_lose_nothing(url, net, iris, shared):
    Board(url).set_settings(open=True, target=0.0, dataset="iris")
    one = Board(url)
    start = threading.Barrier(30)
    errors = []

    def student(i: int) -> None:
        board = one if shared else Board(url)
        start.wait()
        try:
            board.submit(f"student {i}", CONFIG, "global_magnitude", i / 30, network=net, data=iris)
        except Exception as exc:  # collected: an exception in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    assert one.count() == 30 and len(one.standings()) == 30
    top = one.top(100)  # all but the sparsest few, whose networks collapsed
    assert len(top) >= 25 and [e.rank for e in top] == list(range(1, len(top) + 1))
    assert all(e.collapsed for e in one.below_target(100))
    with sqlalchemy.create_engine(url).connect() as raw:  # a connection of its own
        assert raw.exec_driver_sql("SELECT COUNT(*) FROM entries").scalar() == 30


# --- migrations ----------------------------------------------------------------------------


def test_a_version_1_database_is_migrated(tmp_path, play, net, iris):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:  # the schema as version 1 of the code wrote it
        raw.executescript(
            """
            CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,
                applied_at DATETIME NOT NULL, description VARCHAR(200) NOT NULL);
            INSERT INTO schema_version VALUES (1, '2025-09-01 08:00:00', 'settings and entries');
            CREATE TABLE settings (key VARCHAR(40) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO settings VALUES ('target', '0.6'), ('dataset', '"iris"');
            CREATE TABLE entries (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                nickname VARCHAR(20) NOT NULL, dataset VARCHAR(40) NOT NULL,
                strategy VARCHAR(40) NOT NULL, sparsity FLOAT NOT NULL,
                accuracy FLOAT NOT NULL, created_at DATETIME NOT NULL);
            INSERT INTO entries (nickname, dataset, strategy, sparsity, accuracy, created_at)
            VALUES ('Old Ada', 'iris', 'global_magnitude', 0.8, 0.9, '2025-09-01 09:00:00.000000'),
                   ('OLD ADA', 'iris', 'random', 0.85, 0.5, '2025-09-01 09:05:00.000000'),
                   ('Zed', 'iris', 'layer_magnitude', 0.5, 0.95, '2025-09-01 09:10:00.000000');
            """
        )
    raw.close()
    board = Board(f"sqlite:///{path}")
    assert board.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
    with sqlite3.connect(path) as raw:
        columns = {row[1] for row in raw.execute("PRAGMA table_info(entries)")}
        keys = dict(raw.execute("SELECT nickname, nickname_key FROM entries"))
        versions = [row[0] for row in raw.execute("SELECT version FROM schema_version")]
        indexes = {row[1] for row in raw.execute("PRAGMA index_list(entries)")}
    raw.close()
    assert {"config", "requested_sparsity", "nonzero", "total", "nickname_key"} <= columns
    assert {"seed", "collapse"} <= columns
    assert keys == {"Old Ada": "old ada", "OLD ADA": "old ada", "Zed": "zed"}
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    assert {"ix_entries_dataset_nickname", "ix_entries_dataset_seed_nickname"} <= indexes
    # version 1 stored no seed: its rows are kept, but compared with nothing
    assert board.settings().seed == 0 and board.standings() == [] and board.count() == 3
    rows = list(csv.DictReader(io.StringIO(board.export_csv())))
    assert [(r["nickname"], r["seed"], r["qualifies_private"]) for r in rows] == [
        ("Old Ada", "", ""),
        ("OLD ADA", "", ""),
        ("Zed", "", ""),
    ]
    assert board.settings().open is True  # not stored in v1: the default
    # and the migrated database takes new entries
    new = board.submit("New", CONFIG, "global_magnitude", 0.2, network=net, data=iris)
    assert new.id == 4 and board.count() == 4
    assert [e.nickname for e in board.top()] == ["New"]
    assert Board(f"sqlite:///{path}").schema_version() == SCHEMA_VERSION  # idempotent


def test_a_version_3_database_gains_seeds_and_collapse_marks(tmp_path, net, iris):
    """Migration 4 reads each row's seed from its config JSON and marks networks left
    with no weight at all; rows of other seeds leave the board, but stay in the export."""
    path = tmp_path / "v3.db"
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the database exactly as versions 1 to 3 of the code left it
        conn.exec_driver_sql(
            "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, "
            "applied_at DATETIME NOT NULL, description VARCHAR(200) NOT NULL)"
        )
        for number, (description, migrate) in enumerate(MIGRATIONS[:3], start=1):
            migrate(conn)
            conn.exec_driver_sql(
                "INSERT INTO schema_version VALUES (?, '2025-10-01 08:00:00', ?)",
                (number, description),
            )
        conn.exec_driver_sql(
            "INSERT INTO settings VALUES ('target', '0.05'), ('dataset', '\"iris\"')"
        )
        cfg = json.dumps({**CONFIG, "seed": 0})
        rows = [  # nickname, sparsity, accuracy, config, nonzero
            ("Ada", 0.5, 0.9, cfg, 18),
            ("Bob", 0.7, 0.9, json.dumps({**CONFIG, "seed": 3}), 10),  # another split
            ("Cy", 1.0, 0.33, cfg, 0),  # nothing kept: a constant answer
            ("Dee", 0.6, 0.8, "not json", 14),
        ]
        for nickname, sparsity, accuracy, config, nonzero in rows:
            conn.exec_driver_sql(
                "INSERT INTO entries (nickname, nickname_key, dataset, strategy, sparsity, "
                "accuracy, created_at, config, requested_sparsity, nonzero, total) VALUES "
                "(?, ?, 'iris', 'global_magnitude', ?, ?, '2025-10-01 09:00:00', ?, ?, ?, 35)",
                (nickname, nickname.lower(), sparsity, accuracy, config, sparsity, nonzero),
            )
    engine.dispose()

    board = Board(f"sqlite:///{path}")
    assert board.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
    assert board.login_wait() == 0.0  # and version 5's lockout table is there
    with sqlite3.connect(path) as raw:
        stored = {r[0]: r[1:] for r in raw.execute("SELECT nickname, seed, collapse FROM entries")}
        columns = {row[1] for row in raw.execute("PRAGMA table_info(entries)")}
        indexes = {row[1] for row in raw.execute("PRAGMA index_list(entries)")}
    raw.close()
    assert stored == {
        "Ada": (0, None),
        "Bob": (3, None),
        "Cy": (0, "no weight is left"),
        "Dee": (None, None),
    }
    assert "ix_entries_dataset_seed_nickname" in indexes and "val_accuracy" in columns
    # Measured before validation existed: no public score, so nothing ranks on the public
    # board; their test accuracy still ranks them on the private one.
    public = board.standings()
    assert [(e.nickname, e.accuracy, e.qualifies) for e in public] == [
        ("Ada", None, False),
        ("Cy", None, False),
    ]
    private = board.standings(private=True)
    assert [e.nickname for e in private if e.qualifies] == ["Ada"]  # Bob: seed 3; Cy: collapsed
    assert [(e.nickname, e.collapsed) for e in private if not e.qualifies] == [("Cy", True)]
    assert private[0].accuracy == private[0].test_accuracy == 0.9
    board.set_settings(seed=3)
    assert [e.nickname for e in board.standings(private=True) if e.qualifies] == ["Bob"]
    assert board.count() == 4
    with pytest.raises(BoardError) as err:
        board.submit("New", CONFIG, "global_magnitude", 0.2, network=net, data=iris)
    assert err.value.code == "seed"
    board.set_settings(seed=0)
    new = board.submit("New", CONFIG, "global_magnitude", 0.2, network=net, data=iris)
    assert new.id == 5 and new.seed == 0 and [e.nickname for e in board.top()] == ["New"]
    ranked = {e.nickname for e in board.standings(private=True) if e.qualifies}
    assert ranked == {"Ada", "New"}
    rows = {r["nickname"]: r for r in csv.DictReader(io.StringIO(board.export_csv()))}
    assert rows["Ada"]["val_accuracy"] == "" and rows["Ada"]["test_accuracy"] == "0.900000"
    assert float(rows["New"]["val_accuracy"]) == pytest.approx(new.val_accuracy, abs=1e-6)
    board.dispose()


def test_a_database_from_newer_code_is_refused(url):
    Board(url).dispose()
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as raw:
        raw.exec_driver_sql(
            "INSERT INTO schema_version VALUES "
            f"({SCHEMA_VERSION + 1}, '2030-01-01 00:00:00', 'future')"
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="newer than this code"):
        Board(url)


def test_accuracy_exactly_at_the_target_qualifies(board, play):
    entry = play("Ada", sparsity=0.0)
    board.set_settings(target=entry.accuracy)
    assert board.top()[0].qualifies
    assert not math.isnan(entry.accuracy)


def test_a_refusal_keeps_its_reason_across_processes():
    import pickle

    error = pickle.loads(pickle.dumps(BoardError("masks", "mask 0 has shape (1,)", detail="0")))
    assert (error.code, str(error), error.params) == (
        "masks",
        "mask 0 has shape (1,)",
        {"detail": "0"},
    )


def test_the_passphrase_lockout_is_shared_by_every_server(board, url):
    replica = Board(url)  # another server process of the same class
    for _ in range(MAX_FAILURES - 1):
        board.login_failed()
    assert replica.login_wait() == 0.0
    replica.login_failed()
    assert 0 < board.login_wait() <= LOCKOUT_SECONDS
    assert 0 < replica.login_wait() <= LOCKOUT_SECONDS
    board.login_succeeded()
    assert replica.login_wait() == 0.0
    replica.dispose()


# --- the public and the private board ------------------------------------------------------


def test_the_reveal_ranks_the_same_choices_on_the_test_part(board, play, net, iris):
    """Each nickname's choice is made on validation; the reveal re-ranks those choices on
    test accuracy (qualifying against T there too), and then the game is over."""
    board.set_settings(target=0.0)
    entries = [play(n, sparsity=s) for n, s in (("Ada", 0.3), ("Bob", 0.6), ("Cy", 0.45))]
    public = board.standings()
    assert [e.accuracy for e in public] == [e.val_accuracy for e in public]
    private = board.standings(private=True)
    assert {e.id for e in private} == {e.id for e in public}  # the same choices
    assert [e.accuracy for e in private] == [e.test_accuracy for e in private]
    measured_test = {e.id: e.test_accuracy for e in entries}
    assert all(e.test_accuracy == measured_test[e.id] for e in private)
    # T between two test accuracies: the private board judges on test, the public on val
    tests = sorted({e.test_accuracy for e in private})
    board.set_settings(target=(tests[0] + tests[-1]) / 2)
    qualifying = {e.nickname for e in board.standings(private=True) if e.qualifies}
    assert qualifying == {
        e.nickname
        for e in board.standings(private=True)
        if e.test_accuracy >= board.settings().target and not e.collapsed
    }
    assert board.standings() == board.standings(private=False)  # public until revealed
    public, private = board.standings(), board.standings(private=True)
    moves = rank_moves(public, private)
    ranks = {e.key: e.rank for e in public}
    for e in private:
        both = e.rank is not None and ranks[e.key] is not None
        assert moves[e.key] == (ranks[e.key] - e.rank if both else None)
    revealed = board.set_settings(revealed=True)
    assert revealed.revealed and board.standings() == board.standings(private=True)
    with pytest.raises(BoardError) as err:
        play("Late")
    assert err.value.code == "revealed" and board.count() == 3
    rows = list(csv.DictReader(io.StringIO(board.export_csv())))
    assert {r["revealed"] for r in rows} == {"yes"}
    assert all(float(r["val_accuracy"]) >= 0 and float(r["test_accuracy"]) >= 0 for r in rows)
    board.set_settings(revealed=False)
    assert not board.settings().revealed and play("Late").id == 4

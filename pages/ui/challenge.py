"""The class challenge in the dashboard: the shared board, its table, the forms.

The board is ``classroom.Board``; this module only finds the database, draws, and passes
the server's own cached network and data to ``Board.submit`` (the student's numbers are
never used). Where the board lives, first match wins:

1. the environment variable ``PRUNING_BOARD_URL`` (tests and deployments);
2. ``.streamlit/secrets.toml``: ``[board] url = "sqlite:///..."`` or any SQLAlchemy URL;
3. ``classroom.default_url()``: ``~/.local/share/pruning-playground/board.db``.

The teacher's controls need ``[board] passphrase = "..."`` in ``secrets.toml``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import time

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.errors import StreamlitPageNotFoundError

from classroom import (
    CUSTOM,
    ENV_URL,
    MAX_NICKNAME,
    Board,
    BoardError,
    Entry,
    Settings,
    default_url,
    target_at_chance,
)
from pruning import DATASETS, STRATEGIES
from pruning.config import BY_NAME

from . import models, own_data
from .i18n import language, registry_text, t

ME = "_challenge_me"  # the nickname this browser session last submitted with
NICKNAME = "challenge_nickname"
TEACHER = "_challenge_teacher"  # digest of the passphrase this session unlocked with
HIGHLIGHT = "background-color: rgba(230, 159, 0, 0.25)"  # Okabe-Ito orange, light
COLUMNS = ("rank", "move", "you", "nickname", "sparsity", "accuracy", "val", "kept", "strategy")
PRIVATE_ONLY = ("move", "val")  # the reveal's columns: places moved, the public score


# --- where the board lives ---------------------------------------------------------------


def _secrets_board() -> dict | None:
    """The ``[board]`` table of secrets.toml, or None when there is no usable secrets file."""
    try:
        table = st.secrets.get("board")
    except (FileNotFoundError, KeyError, AttributeError, TypeError):
        return None
    return dict(table) if table else None


def board_url() -> str:
    """Where the board is stored (see the module docstring for the order)."""
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    url = (_secrets_board() or {}).get("url")
    return str(url) if url else default_url()


@st.cache_resource(show_spinner=False)
def _board(url: str) -> Board:
    return Board(url)


def current_board() -> Board | None:
    """The shared board, or None after showing a short error when the database is unusable."""
    try:
        board = _board(board_url())
        board.settings()  # the database answers now (it may be restarting mid-class)
    except (SQLAlchemyError, OSError, RuntimeError, ValueError):
        st.error(t("challenge.unavailable"))
        return None
    return board


def passphrase() -> str | None:
    """The teacher's passphrase from secrets.toml; None when none is configured."""
    secret = (_secrets_board() or {}).get("passphrase")
    return str(secret) if secret else None


# --- text ----------------------------------------------------------------------------------


def error_text(exc: BoardError) -> str:
    """A refused submission, in the student's language."""
    params = {k: md(str(v)) for k, v in exc.params.items()}
    if exc.code == "dataset":
        for name in ("dataset", "expected"):
            if name in params:
                params[name] = own_data.label(exc.params[name])
    text = t(f"challenge.err_{exc.code}", **params)
    return text if text != f"challenge.err_{exc.code}" else str(exc)


def switch_text(config: models.ModelConfig, settings: Settings) -> str | None:
    """What to change in the sidebar to take part, or None when the config fits the board.

    Only a courtesy: ``Board.submit`` refuses another dataset or seed whatever the page says.
    """
    changes = []
    if config.dataset != settings.dataset:
        changes.append(t("challenge.switch_dataset", expected=t(f"datasets.{settings.dataset}")))
    if config.seed != settings.seed:
        changes.append(t("challenge.switch_seed", expected=settings.seed))
    return "\n\n".join(changes) or None


def md(text: str) -> str:
    """``text`` with Markdown's punctuation escaped: a nickname never becomes a link or bold."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>:])", r"\\\1", text)


def strategy_label(key: str) -> str:
    if key == CUSTOM:
        return t("challenge.custom")
    strategy = STRATEGIES.get(key)
    return registry_text(key, "label", strategy.label) if strategy else key


def percent(value: float | None) -> float:
    return float("nan") if value is None else 100 * value


def move_text(move: int | None) -> str:
    """↑2, ↓1, = or "" (ranked on one board only)."""
    if move is None:
        return ""
    return "=" if move == 0 else f"↑{move}" if move > 0 else f"↓{-move}"


def leaderboard_frame(
    rows: list[Entry], me: str | None, moves: dict[str, int | None] | None = None
) -> pd.DataFrame:
    """The board as data: one row per nickname, percentages as numbers, ``you`` marked;
    with ``moves`` (the revealed board), the places each moved and the public score."""
    key = me.casefold() if me else None
    return pd.DataFrame(
        {
            "rank": [e.rank for e in rows],
            "move": [move_text((moves or {}).get(e.key)) for e in rows],
            "you": ["★" if key and e.key == key else "" for e in rows],
            "nickname": [e.nickname for e in rows],
            "sparsity": [100 * e.sparsity for e in rows],
            "accuracy": [percent(e.accuracy) for e in rows],
            "val": [percent(e.val_accuracy) for e in rows],
            "kept": [e.nonzero for e in rows],
            "strategy": [strategy_label(e.strategy) for e in rows],
        },
        columns=list(COLUMNS),
    )


def show_table(frame: pd.DataFrame, key: str, ranked: bool = True, private: bool = False) -> None:
    """``frame`` as an interactive table; the student's own row tinted and starred. The
    private board's accuracy is test accuracy, shown beside the public (validation) one."""
    styled = frame.style.apply(
        lambda row: [HIGHLIGHT if row["you"] else ""] * len(row), axis=1
    ).format(
        {"sparsity": "{:.1f}%", "accuracy": "{:.1f}%", "val": "{:.1f}%"},
        na_rep=t("challenge.old_score"),
    )
    st.dataframe(
        styled,
        key=key,
        hide_index=True,
        column_order=[
            c
            for c in COLUMNS
            if (ranked or c != "rank")
            and (c != "you" or frame["you"].astype(bool).any())
            and (private or c not in PRIVATE_ONLY)
        ],
        column_config={
            "rank": st.column_config.NumberColumn(t("challenge.col_rank"), width="small"),
            "move": st.column_config.TextColumn(
                t("challenge.col_move"), width="small", help=t("challenge.col_move_help")
            ),
            "you": st.column_config.TextColumn(t("challenge.col_you"), width="small"),
            "nickname": st.column_config.TextColumn(t("challenge.col_nickname")),
            "sparsity": st.column_config.NumberColumn(t("challenge.col_sparsity")),
            "accuracy": st.column_config.NumberColumn(
                t("challenge.col_test_accuracy" if private else "challenge.col_accuracy")
            ),
            "val": st.column_config.NumberColumn(t("challenge.col_accuracy")),
            "kept": st.column_config.NumberColumn(
                t("challenge.col_kept"), help=t("challenge.col_kept_help")
            ),
            "strategy": st.column_config.TextColumn(t("challenge.col_strategy")),
        },
    )


# --- the student's form (called by the Prune page) ---------------------------------------


def submit_form(
    config: models.ModelConfig,
    strategy_key: str,
    sparsity_percent: int | None,
    masks: tuple | None = None,
    at_init: bool = False,
) -> None:
    """A nickname box and a button that enter the current pruning into the challenge.

    The board prunes the server's cached network for ``config`` itself and measures it on
    the validation and test parts; the result on validation (or why it was refused) is
    shown under the button: the test part stays hidden until the teacher reveals it. With
    ``masks`` (uploaded masks, threshold mode) those masks are applied to the server's
    network instead and the entry is recorded as custom masks. A network pruned at
    initialization is not trained, so it cannot enter: the board ranks trained networks.
    """
    board = current_board()
    if board is None:
        return
    settings = board.settings()
    with st.container(border=True):
        about, action = st.columns([2, 3], gap="large")
        with about:
            st.markdown(f"**{t('challenge.submit_title')}**")
            st.caption(
                t(
                    "challenge.submit_intro",
                    target=settings.target,
                    dataset=t(f"datasets.{settings.dataset}"),
                    seed=settings.seed,
                )
            )
        with action:
            switch = switch_text(config, settings)
            if settings.revealed:
                st.info(t("challenge.err_revealed"))
            elif not settings.open:
                st.info(t("challenge.closed_info"))
            elif switch is not None:  # say what to change rather than let the server refuse
                st.warning(switch)
            elif at_init:
                st.info(t("challenge.no_at_init"))
            elif masks is None and sparsity_percent is None:
                st.info(t("challenge.no_threshold"))
            else:
                _form(board, config, strategy_key, sparsity_percent, masks)


def _form(board: Board, config, strategy_key: str, sparsity_percent, masks) -> None:
    # The form sits outside the slider's fragment, so its label names no number: the
    # slider may have moved since it was drawn. A click reruns the page with the new view.
    label = t("challenge.submit" if masks is None else "challenge.submit_masks")
    if NICKNAME not in st.session_state:
        st.session_state[NICKNAME] = st.session_state.get(ME, "")
    with st.form("challenge_submit", border=False):
        name, button = st.columns([1, 1], vertical_alignment="bottom")
        nickname = name.text_input(
            t("challenge.nickname"),
            key=NICKNAME,
            max_chars=MAX_NICKNAME,
            placeholder=t("challenge.nickname_placeholder"),
            help=t("challenge.nickname_help", max=MAX_NICKNAME),
        )
        sent = button.form_submit_button(label, type="primary")
    if not sent:
        return
    if masks is None:
        strategy, sparsity = strategy_key, sparsity_percent / 100
    else:
        strategy, sparsity = CUSTOM, None
    try:
        with st.spinner(t("challenge.checking")):
            entry = board.submit(
                nickname,
                config,
                strategy,
                sparsity,
                masks=None if masks is None else list(masks),
                network=models.model(config),
                data=models.dataset(config.dataset, config.seed),
                measure=models.measure_on_cluster(config),
            )
    except BoardError as exc:
        st.error(error_text(exc))
        return
    except SQLAlchemyError:  # e.g. the database restarting: nothing was stored
        st.error(t("challenge.unavailable_retry"))
        return
    st.session_state[ME] = entry.nickname
    values = {
        "nickname": md(entry.nickname),
        "sparsity": entry.sparsity,
        "accuracy": entry.accuracy,
        "target": board.settings().target,
    }
    if entry.collapsed:
        st.warning(t("challenge.accepted_collapsed", **values))
    elif entry.qualifies and entry.rank is not None:
        st.success(t("challenge.accepted", rank=entry.rank, **values))
    elif entry.qualifies:
        st.success(t("challenge.accepted_not_best", **values))
    else:
        st.warning(t("challenge.accepted_below", **values))
    # Outside the dashboard's router (a test harness) there is no page to link to.
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(
            "pages/challenge.py", label=t("challenge.see_board"), icon=":material/emoji_events:"
        )


# --- the teacher's controls ----------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def is_teacher(secret: str | None) -> bool:
    """Whether this session unlocked the teacher's controls with the current passphrase."""
    unlocked = st.session_state.get(TEACHER)
    return bool(secret and unlocked and hmac.compare_digest(unlocked, _digest(secret)))


def teacher_area(board: Board) -> None:
    """Passphrase first; then open/close, target, dataset, seed, export and clear."""
    st.header(t("challenge.teacher"))
    secret = passphrase()
    if secret is None:
        st.info(t("challenge.no_passphrase"))
        st.code('[board]\npassphrase = "a long phrase only the teacher knows"', language=None)
        return
    if not is_teacher(secret):
        _login(board, secret)
        return
    _controls(board)


def _login(board: Board, secret: str) -> None:
    with st.form("teacher_login"):
        given = st.text_input(t("challenge.passphrase"), type="password", key="teacher_passphrase")
        sent = st.form_submit_button(t("challenge.unlock"))
    if not sent:
        return
    wait = board.login_wait()  # in the database: the same on every server of the class
    if wait > 0:
        st.error(t("challenge.locked", seconds=max(1, round(wait))))
        return
    if hmac.compare_digest(_digest(given), _digest(secret)):
        board.login_succeeded()
        st.session_state[TEACHER] = _digest(secret)
        st.rerun()
    board.login_failed()
    st.error(t("challenge.wrong_passphrase"))


def _controls(board: Board) -> None:
    settings = board.settings()
    st.caption(t("challenge.teacher_intro"))
    with st.form("teacher_settings"):
        is_open = st.toggle(t("challenge.open_toggle"), value=settings.open, key="teacher_open")
        target = st.slider(
            t("challenge.target_slider"),
            0,
            100,
            round(100 * settings.target),
            format="%d%%",
            key="teacher_target",
        )
        datasets = list(DATASETS)
        dataset = st.selectbox(
            t("common.dataset"),
            datasets,
            index=datasets.index(settings.dataset),
            format_func=lambda k: t(f"datasets.{k}"),
            key=f"teacher_dataset_{language()}",  # options are drawn once per key
            help=t("challenge.dataset_help"),
        )
        seed = st.number_input(
            t("challenge.seed_input"),
            min_value=0,
            max_value=int(BY_NAME["seed"].high),
            value=settings.seed,
            step=1,
            key="teacher_seed",
            help=t("challenge.seed_help"),
        )
        if st.form_submit_button(t("challenge.apply")):
            board.set_settings(open=is_open, target=target / 100, dataset=dataset, seed=int(seed))
            st.session_state["_challenge_applied"] = True
            st.rerun()  # the status above was drawn with the old settings
        if st.session_state.pop("_challenge_applied", False):
            st.success(t("challenge.applied"))
    if settings.revealed:
        st.button(t("challenge.hide"), key="teacher_hide", on_click=_reveal, args=(board, False))
    else:
        st.button(
            t("challenge.reveal"),
            key="teacher_reveal",
            on_click=_reveal,
            args=(board, True),
            type="primary",
            icon=":material/visibility:",
            help=t("challenge.reveal_help"),
        )
    chance = target_at_chance(settings)
    if chance is not None:
        st.warning(
            t(
                "challenge.target_at_chance",
                target=settings.target,
                chance=chance,
                dataset=t(f"datasets.{settings.dataset}"),
                seed=settings.seed,
            )
        )
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("challenge.export"),
            data=board.export_csv(),
            file_name=f"challenge-{time.strftime('%Y-%m-%d')}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key="teacher_export",
            help=t("challenge.export_help"),
        )
    with right:
        count = board.count()
        confirm = st.checkbox(t("challenge.clear_confirm", n=count), key="teacher_clear_confirm")
        st.button(
            t("challenge.clear"),
            disabled=not confirm,
            on_click=_clear,
            args=(board,),
            icon=":material/delete:",
            key="teacher_clear",
        )
        cleared = st.session_state.pop("_challenge_cleared", None)
        if cleared is not None:
            st.success(t("challenge.cleared", n=cleared))
    st.caption(t("challenge.db_location", url=board.url))
    if st.button(t("challenge.logout"), key="teacher_logout"):
        st.session_state.pop(TEACHER, None)
        st.rerun()


def _reveal(board: Board, revealed: bool) -> None:
    board.set_settings(revealed=revealed)


def _clear(board: Board) -> None:
    st.session_state["_challenge_cleared"] = board.clear()
    st.session_state["teacher_clear_confirm"] = False

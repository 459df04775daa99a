"""Challenge: the sparsest network that keeps at least T% accuracy, for the whole class:
a public board on validation accuracy while the class plays, then the teacher's reveal of
the private board on test accuracy."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from classroom import Entry, Settings, rank_moves
from pages.ui import challenge, models
from pages.ui.i18n import t

st.title(t("challenge.title"))
st.caption(t("challenge.intro"))


@st.fragment(run_every=5)
def live_board() -> None:
    """Settings and standings, read again every few seconds so new entries appear."""
    try:
        settings = board.settings()
        standings = board.standings()
        public = board.standings(private=False) if settings.revealed else standings
    except SQLAlchemyError:  # the database went away under us (deleted file, server down)
        st.error(t("challenge.unavailable"))
        return
    me = st.session_state.get(challenge.ME)

    c1, c2, c3, c4 = st.columns([2, 4, 2, 2])  # dataset names are long
    c1.metric(t("challenge.target"), f"{settings.target:.0%}", help=t("challenge.target_help"))
    c2.metric(t("common.dataset"), t(f"datasets.{settings.dataset}"))
    status = "final" if settings.revealed else "open" if settings.open else "closed"
    c3.metric(t("challenge.status"), t(f"challenge.{status}"))
    c4.metric(t("challenge.players"), len(standings))
    st.caption(
        t(
            "challenge.rules",
            dataset=t(f"datasets.{settings.dataset}"),
            seed=settings.seed,
            target=settings.target,
        )
    )
    if not settings.open and not settings.revealed:
        st.warning(t("challenge.closed_info"))

    if settings.revealed:
        revealed_board(public, standings, me)
    else:
        public_board(standings, settings, me)
    switch = challenge.switch_text(models.current_config(), settings)
    if switch is not None:
        st.caption(switch)


def public_board(standings: list[Entry], settings: Settings, me: str | None) -> None:
    """The board while the class plays: validation accuracy, the student's own place."""
    ranked = [e for e in standings if e.qualifies]
    below = [e for e in standings if not e.qualifies]
    mine = next((e for e in standings if me and e.key == me.casefold()), None)
    name = challenge.md(mine.nickname) if mine else ""
    if mine is not None and mine.qualifies:
        st.success(
            t(
                "challenge.your_rank",
                nickname=name,
                rank=mine.rank,
                n=len(ranked),
                sparsity=mine.sparsity,
                accuracy=mine.accuracy,
            )
        )
    elif mine is not None and mine.collapsed:
        st.info(t("challenge.your_collapsed", nickname=name))
    elif mine is not None and mine.accuracy is None:
        st.info(t("challenge.your_old", nickname=name))
    elif mine is not None:
        st.info(
            t("challenge.your_below", nickname=name, accuracy=mine.accuracy, target=settings.target)
        )

    st.header(t("challenge.leaderboard"))
    if ranked:
        challenge.show_table(challenge.leaderboard_frame(ranked, me), key="leaderboard")
        best = ranked[0]
        st.caption(
            t(
                "challenge.table_caption",
                n=len(ranked),
                nickname=challenge.md(best.nickname),
                sparsity=best.sparsity,
                accuracy=best.accuracy,
            )
        )
    else:
        st.info(t("challenge.empty", target=settings.target))
    if below:
        with st.expander(t("challenge.below_title", n=len(below))):
            st.caption(t("challenge.below_intro", target=settings.target))
            challenge.show_table(challenge.leaderboard_frame(below, me), key="below", ranked=False)


def revealed_board(public: list[Entry], standings: list[Entry], me: str | None) -> None:
    """The teacher's reveal: the same choices ranked on test accuracy, with the places each
    player moved, which is the lesson; the public board as it stood, below."""
    moves = rank_moves(public, standings)
    st.info(t("challenge.revealed_info"))
    both = [m for m in moves.values() if m is not None]
    if both:
        down, up = sum(m < 0 for m in both), sum(m > 0 for m in both)
        st.markdown(t("challenge.revealed_moves", down=down, up=up, n=len(both)))
    else:
        st.caption(t("challenge.revealed_none"))
    st.header(t("challenge.revealed_title"))
    frame = challenge.leaderboard_frame(standings, me, moves)
    challenge.show_table(frame, key="private", private=True)
    with st.expander(t("challenge.public_after")):
        ranked = [e for e in public if e.qualifies]
        challenge.show_table(challenge.leaderboard_frame(ranked, me), key="public_after")


board = challenge.current_board()  # None after a short error if the database is unusable
if board is not None:
    live_board()
    st.page_link("pages/prune.py", label=t("challenge.go_prune"), icon=":material/content_cut:")
    st.divider()
    challenge.teacher_area(board)

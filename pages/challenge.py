"""Challenge: the sparsest network that keeps at least T% test accuracy, for the whole class."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

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
    except SQLAlchemyError:  # the database went away under us (deleted file, server down)
        st.error(t("challenge.unavailable"))
        return
    ranked = [e for e in standings if e.qualifies]
    below = [e for e in standings if not e.qualifies]
    me = st.session_state.get(challenge.ME)

    c1, c2, c3, c4 = st.columns([2, 4, 2, 2])  # dataset names are long
    c1.metric(t("challenge.target"), f"{settings.target:.0%}", help=t("challenge.target_help"))
    c2.metric(t("common.dataset"), t(f"datasets.{settings.dataset}"))
    c3.metric(t("challenge.status"), t("challenge.open" if settings.open else "challenge.closed"))
    c4.metric(t("challenge.players"), len(standings))
    st.caption(
        t(
            "challenge.rules",
            dataset=t(f"datasets.{settings.dataset}"),
            seed=settings.seed,
            target=settings.target,
        )
    )
    if not settings.open:
        st.warning(t("challenge.closed_info"))

    mine = next((e for e in standings if me and e.key == me.casefold()), None)
    if mine is not None and mine.qualifies:
        st.success(
            t(
                "challenge.your_rank",
                nickname=challenge.md(mine.nickname),
                rank=mine.rank,
                n=len(ranked),
                sparsity=mine.sparsity,
                accuracy=mine.accuracy,
            )
        )
    elif mine is not None and mine.collapsed:
        st.info(t("challenge.your_collapsed", nickname=challenge.md(mine.nickname)))
    elif mine is not None:
        st.info(
            t(
                "challenge.your_below",
                nickname=challenge.md(mine.nickname),
                accuracy=mine.accuracy,
                target=settings.target,
            )
        )

    st.subheader(t("challenge.leaderboard"))
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
    switch = challenge.switch_text(models.current_config(), settings)
    if switch is not None:
        st.caption(switch)


board = challenge.current_board()  # None after a short error if the database is unusable
if board is not None:
    live_board()
    st.page_link("pages/prune.py", label=t("challenge.go_prune"), icon=":material/content_cut:")
    st.divider()
    challenge.teacher_area(board)

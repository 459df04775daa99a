"""Lessons: guided experiments a teacher can open in one click or share as a link.

The lessons are data (``pages/ui/lessons.toml``, checked by ``pages/ui/lessons.py``).
Each shows what to notice, a question for the class, the answer behind an expander, a
button that opens its page with the preset, and the same preset as a copyable link.
"""

import streamlit as st

from pages.ui import lessons, state
from pages.ui.copy_link import copy_link
from pages.ui.i18n import language, registry_text, t
from pruning import STRATEGIES


def _shown(key: str, value) -> str:
    """A preset value as a student reads it."""
    if key == "strategy":
        return registry_text(value, "label", STRATEGIES[value].label)
    if key == "dataset":
        return t(f"datasets.{value}")
    if key == "sparsity":
        return f"{value}%"
    if isinstance(value, bool):
        return t("lessons.on" if value else "lessons.off")
    if key == "hide":
        return ", ".join(t(state.BY_KEY[k].label) for k in str(value).split(",") if k) or "–"
    return str(value)


def _opens(lesson: lessons.Lesson) -> str:
    page = t(f"common.page_{lesson.page}")
    if not lesson.preset:
        return t("lessons.opens_default", page=page)
    settings = " · ".join(
        f"{t(state.BY_KEY[k].label)} **{_shown(k, v)}**" for k, v in lesson.preset.items()
    )
    return t("lessons.opens", page=page, settings=settings)


def _apply(lesson: lessons.Lesson) -> None:
    """Button callback: put the preset into the session before the next run starts.

    ``state.read_url`` reads the URL only on a session's first run; afterwards the session
    is the truth, so the preset must be written here. A callback runs before any widget
    of the next run exists, so even the sidebar's widgets take these values. The language
    is written back too: a widget value that was never written by code does not survive
    the ``st.switch_page`` that follows a click (it came back as ``None``).
    """
    st.session_state["lang"] = language()
    for key, value in lesson.values().items():
        st.session_state[key] = value


def _show_all() -> None:
    st.session_state["hide"] = ""


def _lesson(n: int, lesson: lessons.Lesson, lang: str, page_url: str | None) -> None:
    text = lesson.text[lang]
    with st.container(border=True, key=f"lesson_{lesson.id}"):
        st.header(t("lessons.lesson", n=n, title=text["title"]), anchor=lesson.id)
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown(f"**{t('lessons.notice')}** {text['notice']}")
            st.markdown(f"**{t('lessons.question')}** {text['question']}")
            with st.expander(t("lessons.answer"), icon=":material/lightbulb:"):
                st.markdown(text["answer"])
        with right:
            if st.button(
                t("lessons.open", page=t(f"common.page_{lesson.page}")),
                key=f"open_{lesson.id}",
                type="primary",
                icon=":material/play_arrow:",
                help=t("lessons.open_help"),
                on_click=_apply,
                args=(lesson,),
            ):
                st.switch_page(f"pages/{lesson.page}.py")
            st.markdown(_opens(lesson))
            link = lessons.absolute(lesson.link(lang), page_url)
            copy_link(link, key=f"link_{lesson.id}", label=t("lessons.link"))


st.title(t("lessons.title"))
st.caption(t("lessons.intro"))

if state.value("hide"):
    hidden = _shown("hide", state.value("hide"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(t("lessons.hidden_now", controls=hidden), icon=":material/visibility_off:")
        st.button(t("lessons.show_all"), key="lessons_show_all", on_click=_show_all)

try:
    all_lessons = lessons.load()
except lessons.LessonError as error:
    st.error(t("lessons.bad_file", error=error))
    st.stop()

lang = language()
page_url = st.context.url
for n, lesson in enumerate(all_lessons, start=1):
    _lesson(n, lesson, lang, page_url)

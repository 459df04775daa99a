"""Guided experiments for the Lessons page: the data lives in ``lessons.toml``.

A lesson is one ``[[lesson]]`` table: an ``id``, a ``preset`` (the ``page`` to open plus
URL-state values from ``state.PROPS``) and, in every language, a ``title``, what to
``notice``, a ``question`` for the class and its ``answer``. Adding a lesson means adding a
table, not code. ``parse`` refuses anything a link could not open: an unknown key, a value
the prop's own parser rejects, a missing language or text field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlencode, urlsplit, urlunsplit

from . import state
from .i18n import DEFAULT_LANGUAGE, LANGUAGES

PATH = Path(__file__).with_name("lessons.toml")
PAGES = ("prune", "curves", "lottery", "cost", "inspect", "sensitivity", "train")
FIELDS = ("title", "notice", "question", "answer")
# A lesson exists in every language, so its preset never picks one: the reader's stays.
NOT_PRESET = ("lang",)
ID = re.compile(r"[a-z][a-z0-9_]*")


class LessonError(ValueError):
    """The lessons file has an entry a link could not open, or a text is missing."""


@dataclass(frozen=True, eq=False)
class Lesson:
    """One guided experiment: where it opens, with which values, and its texts."""

    id: str
    page: str
    preset: Mapping[str, object]  # parsed values, in ``state.PROPS`` order
    text: Mapping[str, Mapping[str, str]]  # language -> field -> text

    def values(self) -> dict[str, object]:
        """Every control the lesson decides: its preset values, the defaults for the rest.

        Opening a lesson must give the numbers its answer quotes, so a model a student
        changed earlier (hidden layers, seed, ...) goes back to the default.
        """
        return {
            p.key: self.preset.get(p.key, p.default) for p in state.PROPS if p.key not in NOT_PRESET
        }

    def link(self, lang: str | None = None) -> str:
        """The page path and query string that open this lesson (``/prune?strategy=...``)."""
        return link(self.page, self.preset, lang)


def link(page: str, preset: Mapping[str, object], lang: str | None = None) -> str:
    """``/page?key=value&...`` in ``PROPS`` order; ``lang`` is added unless it is the default.

    Commas and dashes stay readable (``hide=strategy,sparsity``, ``hidden=50-500-50``).
    """
    pairs = [(p.key, p.text(preset[p.key])) for p in state.PROPS if p.key in preset]
    if lang and lang != DEFAULT_LANGUAGE:
        pairs.append(("lang", lang))
    query = urlencode(pairs, safe=",-")
    return f"/{page}?{query}" if query else f"/{page}"


def absolute(relative: str, page_url: str | None, here: str = "lessons") -> str:
    """``relative`` (``/prune?...``) made absolute from the URL of page ``here``.

    ``page_url`` is ``st.context.url`` (``https://host/base/lessons``); without it the
    relative link is returned unchanged.
    """
    if not page_url:
        return relative
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    if path == here or path.endswith("/" + here):
        path = path[: -len(here)].rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")) + relative


def _preset(where: str, raw: object) -> tuple[str, dict[str, object]]:
    if not isinstance(raw, Mapping):
        raise LessonError(f"{where}: preset must be a table")
    page = raw.get("page")
    if page not in PAGES:
        raise LessonError(f"{where}: preset.page must be one of {', '.join(PAGES)}, got {page!r}")
    values = {}
    for key, value in raw.items():
        if key == "page":
            continue
        if key not in state.BY_KEY or key in NOT_PRESET:
            allowed = ", ".join(k for k in state.BY_KEY if k not in NOT_PRESET)
            raise LessonError(f"{where}: unknown preset key {key!r}; use page, {allowed}")
        if not isinstance(value, str | int | float):  # bool is an int: true/false for switches
            raise LessonError(f"{where}: preset {key} must be a string, a number or true/false")
        try:
            values[key] = state.BY_KEY[key].parse(str(value))
        except (ValueError, TypeError):
            raise LessonError(f"{where}: preset {key}={value!r} is not a valid value") from None
    ordered = {p.key: values[p.key] for p in state.PROPS if p.key in values}
    return page, ordered


def _texts(where: str, entry: Mapping) -> dict[str, dict[str, str]]:
    out = {}
    for lang in LANGUAGES:
        table = entry.get(lang)
        if not isinstance(table, Mapping):
            raise LessonError(f"{where}: the [{lang}] texts are missing")
        for name in FIELDS:
            text = table.get(name)
            if not isinstance(text, str) or not text.strip():
                raise LessonError(f"{where}: [{lang}] needs a non-empty {name!r}")
        extra = set(table) - set(FIELDS)
        if extra:
            raise LessonError(f"{where}: [{lang}] has unknown fields {', '.join(sorted(extra))}")
        out[lang] = {name: table[name].strip() for name in FIELDS}
    return out


def parse(data: Mapping) -> tuple[Lesson, ...]:
    """The lessons in a loaded TOML document, checked; ``LessonError`` on the first fault."""
    entries = data.get("lesson")
    if not isinstance(entries, list) or not entries:
        raise LessonError("the file needs at least one [[lesson]] table")
    lessons, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise LessonError(f"lesson {i}: must be a table")
        lesson_id = entry.get("id")
        where = f"lesson {i} ({lesson_id!r})"
        if not isinstance(lesson_id, str) or not ID.fullmatch(lesson_id):
            raise LessonError(f"{where}: id must be lower-case letters, digits and _")
        if lesson_id in seen:
            raise LessonError(f"{where}: id is used twice")
        seen.add(lesson_id)
        extra = set(entry) - {"id", "preset", *LANGUAGES}
        if extra:
            raise LessonError(f"{where}: unknown keys {', '.join(sorted(extra))}")
        page, preset = _preset(where, entry.get("preset"))
        texts = {lang: MappingProxyType(t) for lang, t in _texts(where, entry).items()}
        lessons.append(Lesson(lesson_id, page, MappingProxyType(preset), MappingProxyType(texts)))
    return tuple(lessons)


def parse_text(text: str) -> tuple[Lesson, ...]:
    """Parse the text of a lessons file (``LessonError`` for bad TOML too)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"not valid TOML: {error}") from None
    return parse(data)


def load(path: Path = PATH) -> tuple[Lesson, ...]:
    """The checked lessons of ``lessons.toml``; read again only when the file changes,
    so a teacher's new lesson shows up without restarting the server."""
    return _load(path, path.stat().st_mtime_ns)


@cache
def _load(path: Path, _mtime_ns: int) -> tuple[Lesson, ...]:
    return parse_text(path.read_text(encoding="utf-8"))

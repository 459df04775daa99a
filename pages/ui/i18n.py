"""One translation layer: every string a student sees comes from ``t(key)``.

Catalogues are TOML files in ``locales/``, one per area of the app, each with an ``[en]``
and a ``[zh]`` table; a key is ``<file>.<name>``, e.g. ``t("prune.sparsity")``. A test
checks that both languages define exactly the same keys.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import streamlit as st

from pruning import STRATEGIES

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of one language, flattened to ``area.name``."""
    out = {}
    for path in sorted(LOCALES.glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8")).get(lang, {})
        out.update({f"{path.stem}.{name}": text for name, text in table.items()})
    return out


def language() -> str:
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for ``key`` in the current language, formatted with ``values``.

    A key missing from Chinese falls back to English; a key missing everywhere shows
    itself, so a gap is visible rather than a crash.
    """
    text = catalogue(lang or language()).get(key) or catalogue(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def registry_text(key: str, field: str, english: str, area: str = "strategies") -> str:
    """A registry entry's label or description: English from the engine's registry,
    other languages from ``locales/<area>.toml`` as ``<key>_<field>``."""
    lang = language()
    if lang == DEFAULT_LANGUAGE:
        return english
    return catalogue(lang).get(f"{area}.{key}_{field}", english)


def strategy_labels() -> dict[str, str]:
    """Every strategy's label in the current language, in registry order."""
    return {k: registry_text(k, "label", s.label) for k, s in STRATEGIES.items()}

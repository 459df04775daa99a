"""Argument checks shared by the engine, the CLI, the URL schema and the class board.

One family, each function named for what it accepts, each raising a ``ValueError`` that
names the argument and the bad value (as scikit-learn's parameter checks do). ``check_*``
take Python values and refuse text; ``parse_number`` reads text (a URL or a command line).
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np


def _shown(value) -> str:
    """``value`` for an error message, cut short: a hostile value can be long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_number(
    value, name: str, low: float = -math.inf, high: float = math.inf, *, integer: bool = False
) -> float | int:
    """A finite real number in ``[low, high]`` (a whole one with ``integer``).

    Booleans and text are refused: ``True`` is not a learning rate, and ``"0.1"`` comes
    from a form or URL, which ``parse_number`` reads.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a number, got {_shown(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {_shown(value)}")
    if integer and number != int(number):
        raise ValueError(f"{name} must be a whole number, got {_shown(value)}")
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {_shown(value)}")
    return int(number) if integer else number


def check_fraction(value, name: str = "sparsity") -> float:
    """A fraction in ``[0, 1]``: a sparsity, an accuracy target, a threshold or a rate."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between 0 and 1, got {_shown(value)}") from None
    if not 0.0 <= number <= 1.0:  # also refuses NaN
        raise ValueError(
            f"{name} must be between 0 and 1 (a fraction, not a percent), got {_shown(value)}"
        )
    return number


def check_choice(value, options: Collection[str], name: str) -> str:
    """One of ``options`` (the registry keys of a concept), as text."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}, got {_shown(value)}")
    return value


def parse_number(
    text: str, name: str, low: float = -math.inf, high: float = math.inf, *, integer: bool = False
) -> float | int:
    """``text`` (from a URL or a command line) as a number that ``check_number`` accepts."""
    try:
        value = int(text) if integer else float(text)
    except (TypeError, ValueError):
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"{name} must be {kind}, got {_shown(text)}") from None
    return check_number(value, name, low, high, integer=integer)

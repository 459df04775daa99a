"""The model configuration, declared once: every field's name, default, range and URL name.

``ModelConfig`` is what decides which network gets trained. ``train``, the CLI's options,
the dashboard's URL schema and sidebar widgets, and the class board's submission check all
read ``FIELDS``, so changing a default or a range is a one-line change here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .checks import check_choice, check_number, parse_number
from .data import DATASETS
from .network import ACTIVATIONS

SOLVERS = ("sgd", "adam")
MAX_HIDDEN_LAYERS = 5
MAX_UNITS = 2000


def parse_hidden(hidden) -> tuple[int, ...]:
    """Hidden layer sizes from ``100``, ``(300, 100)`` or ``"300-100"``; a clear error otherwise."""
    if isinstance(hidden, str):
        parts = [p.strip() for p in hidden.replace(",", "-").split("-")]
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"hidden layers must look like '100' or '300-100', got {hidden!r}")
        hidden = [int(p) for p in parts]
    elif isinstance(hidden, int | np.integer) and not isinstance(hidden, bool):
        hidden = [hidden]
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise ValueError(f"hidden layers must be whole numbers, got {hidden!r}") from None
    if not sizes or not all(
        isinstance(h, int | np.integer) and not isinstance(h, bool) and h >= 1 for h in sizes
    ):
        raise ValueError(
            f"every hidden layer needs a whole number of at least 1 unit, got {hidden!r}"
        )
    sizes = tuple(int(h) for h in sizes)
    if len(sizes) > MAX_HIDDEN_LAYERS or max(sizes) > MAX_UNITS:
        raise ValueError(
            f"at most {MAX_HIDDEN_LAYERS} hidden layers of at most {MAX_UNITS} units, got {sizes}"
        )
    return sizes


@dataclass(frozen=True)
class Field:
    """One model setting: what it is called, what it may be, and how it is written.

    Attributes:
        name: the engine's name (``train``'s keyword, the board's JSON key).
        default: the value when nobody chooses.
        help: one line for the CLI's help and the sidebar.
        url: the name in links and the dashboard's session; None for settings that no
            lesson changes.
        choices: the allowed keys.
        own_data: whether code may also name a table of its own (``choices`` then lists the
            built-ins, the only names a link, the CLI or the board accepts).
        low, high: the allowed range of a number.
        integer: whether a number must be whole.
        steps: the values the dashboard offers (a select slider); links use one of them.
        step: the increment of the dashboard's number input.
    """

    name: str
    default: object
    help: str
    url: str | None = None
    choices: tuple[str, ...] | None = None
    own_data: bool = False
    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    steps: tuple[float, ...] | None = None
    step: int | None = None

    def check(self, value, builtin: bool = True):
        """``value`` as this field holds it, or a ``ValueError`` naming the field.

        With ``builtin=False`` a dataset may also be the name of a user's own table.
        """
        if self.name == "hidden":
            return parse_hidden(value)
        if self.choices is not None:
            if self.own_data and not builtin and isinstance(value, str) and 0 < len(value) <= 200:
                return value
            return check_choice(value, self.choices, self.name)
        return check_number(value, self.name, self.low, self.high, integer=self.integer)

    def parse(self, text: str):
        """A value written as text (a URL parameter or a command-line option)."""
        if self.name == "hidden" or self.choices is not None:
            return self.check(text)
        return parse_number(text, self.name, self.low, self.high, integer=self.integer)

    def text(self, value) -> str:
        """``value`` as links and the command line write it (hidden layers as ``300-100``)."""
        return "-".join(map(str, value)) if self.name == "hidden" else str(value)


def _field(default, help: str, **spec):
    return dataclasses.field(default=default, metadata={"help": help, **spec})


@dataclass(frozen=True)
class ModelConfig:
    """Everything that decides which network ``train`` produces (hashable: a cache key).

    Values are checked and normalised on creation (``hidden="300-100"`` becomes
    ``(300, 100)``), so an invalid configuration cannot exist.
    """

    dataset: str = _field(
        "digits", "built-in data set", url="dataset", choices=tuple(DATASETS), own_data=True
    )
    hidden: tuple[int, ...] = _field((100,), "hidden layers, e.g. 300-100", url="hidden")
    activation: str = _field(
        "relu", "hidden-unit activation", url="activation", choices=ACTIVATIONS
    )
    solver: str = _field("sgd", "optimiser", url="solver", choices=SOLVERS)
    learning_rate: float = _field(
        0.1,
        "learning rate",
        url="lr",
        low=1e-6,
        high=10.0,
        steps=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3),
    )
    max_iter: int = _field(
        500,
        "training epochs at most (training stops earlier when the loss stops improving)",
        url="epochs",
        low=1,
        high=1000,
        integer=True,
        step=10,
    )
    seed: int = _field(
        0,
        "seeds the weights, the minibatches and the train/test split",
        url="seed",
        low=0,
        high=9999,
        integer=True,
        step=1,
    )
    alpha: float = _field(1e-4, "L2 penalty", low=0.0, high=10.0)
    batch_size: int = _field(200, "minibatch size", low=1, high=100_000, integer=True)

    def __post_init__(self):
        for f in FIELDS:
            object.__setattr__(self, f.name, f.check(getattr(self, f.name), builtin=False))

    @classmethod
    def from_mapping(
        cls, values: Mapping, complete: bool = False, builtin: bool = True
    ) -> ModelConfig:
        """A configuration from outside (a submission, a file): engine or URL names,
        built-in datasets only unless ``builtin`` is False. With ``complete``, every
        lesson field must be given."""
        if not isinstance(values, Mapping):
            raise ValueError("the configuration must be a mapping")
        out = {}
        for key, value in values.items():
            f = BY_NAME.get(key) or BY_URL.get(key)
            if f is None:
                raise ValueError(f"unknown configuration field {str(key)[:40]!r}")
            out[f.name] = f.check(value, builtin=builtin)
        missing = [f.name for f in FIELDS if complete and f.url and f.name not in out]
        if missing:
            raise ValueError(f"the configuration lacks {', '.join(missing)}")
        return cls(**out)

    def as_dict(self) -> dict:
        """The configuration as plain JSON values (hidden layers as a list)."""
        values = {f.name: getattr(self, f.name) for f in FIELDS}
        return {**values, "hidden": list(self.hidden)}


FIELDS: tuple[Field, ...] = tuple(
    Field(f.name, f.default, **f.metadata) for f in dataclasses.fields(ModelConfig)
)
BY_NAME = {f.name: f for f in FIELDS}
BY_URL = {f.url: f for f in FIELDS if f.url}
DEFAULT = ModelConfig()

"""The challenge's rules: who may enter, with what, and what counts.

Everything here is plain Python over the engine (no database): nickname normalisation,
the teacher's ``Settings``, the checks a submission passes before it is measured, the
``Entry`` a measured submission becomes, and the chance level a collapsed network scores.
A refused submission or setting raises ``BoardError`` (a ``ValueError``) whose ``code``
names the rule, so the dashboard can say why in the student's language.

Layer collapse: a network with no path left from input to output (``collapse_reason``,
e.g. at 100% sparsity) gives every input the same answer, which already scores the
majority-class share of the test set (``chance_level``); such an entry is stored with its
reason and never qualifies, whatever T.

Nicknames: 1 to 20 characters after NFKC normalisation; letters of any script (CJK
included), digits, spaces and ``_ - .``; nothing else (no ``<``, quotes, control or
invisible characters). Runs of spaces collapse to one. Nicknames compare case-
insensitively, so "Ada" and "ada" are the same player.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from pruning import (
    DATASETS,
    FIELDS,
    STRATEGIES,
    Dataset,
    ModelConfig,
    Network,
    check_choice,
    check_fraction,
    check_number,
    load_dataset,
)
from pruning.config import BY_NAME

MAX_NICKNAME = 20
CUSTOM = "custom"  # the strategy recorded for explicit masks
COLLAPSE = "this network ignores its input: layer collapse"  # why a collapsed entry never ranks
LESSON_FIELDS = tuple(f.name for f in FIELDS if f.url)  # what a student sets; what entries store
ACCURACY_EPS = 1e-9  # k/n and T/100 are both rounded doubles: compare with a hair of slack
# Letters that render as nothing: a nickname made of them would be an invisible row.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})
_ARCHITECTURE = ("hidden", "activation")  # also read off the network's own shapes


class BoardError(ValueError):
    """A refused submission or setting. ``code`` names the rule, ``params`` the details."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params

    def __reduce__(self):  # intact across processes: a Dask worker measures submissions
        return _board_error, (self.code, str(self), self.params)


def _board_error(code: str, message: str, params: dict) -> BoardError:
    return BoardError(code, message, **params)


@dataclass(frozen=True)
class Settings:
    """What the teacher decided: whether submissions are accepted, the target, the dataset,
    the seed (which fixes the dataset's split) and whether the private board is revealed.

    Like Kaggle: while students play, the board ranks on the validation part (public);
    the teacher then reveals the ranking of the same entries on the test part (private),
    which no student could probe. Once revealed, the game is over: no more submissions.
    """

    open: bool
    target: float
    dataset: str
    seed: int = 0
    revealed: bool = False

    def reached(self, accuracy: float) -> bool:
        """Whether ``accuracy`` reaches the target T (exactly T counts)."""
        return accuracy >= self.target - ACCURACY_EPS


DEFAULT_SETTINGS = Settings(open=True, target=0.9, dataset="digits", seed=0)


@dataclass(frozen=True)
class Entry:
    """One submission as measured by the server. ``rank`` is set for qualifying board rows."""

    id: int
    nickname: str
    dataset: str
    strategy: str
    sparsity: float  # fraction of weights removed, measured on the masks
    accuracy: float | None  # the score of the board it was read from (see ``Board``)
    created_at: datetime  # UTC
    qualifies: bool
    requested_sparsity: float | None = None
    nonzero: int | None = None
    total: int | None = None
    config: dict = field(default_factory=dict, compare=False)
    rank: int | None = None
    seed: int | None = None  # the config's seed; None for rows older than the seed rule
    collapse: str | None = None  # why the pruned network ignores its input, if it does
    key: str = field(default="", compare=False, repr=False)  # what duplicates are grouped by
    val_accuracy: float | None = None  # the public score; None: stored before validation
    test_accuracy: float | None = None  # the private score

    @property
    def collapsed(self) -> bool:
        """Layer collapse: the entry is stored but never qualifies."""
        return self.collapse is not None

    @property
    def note(self) -> str:
        """Why this entry can never rank, whatever T is ("" when it can)."""
        return f"{COLLAPSE} ({self.collapse})" if self.collapse else ""


def rank_moves(public: Sequence[Entry], private: Sequence[Entry]) -> dict[str, int | None]:
    """How many places each nickname (by key) moved when the private board was revealed:
    positive moved up, negative down, 0 stayed; None when it ranks on only one board."""
    before = {e.key: e.rank for e in public}
    return {
        e.key: None if e.rank is None or before.get(e.key) is None else before[e.key] - e.rank
        for e in private
    }


# --- nicknames -------------------------------------------------------------------------------


def fold_nickname(nickname: str) -> str:
    """NFKC with runs of spaces collapsed: the nickname as shown, before the rules."""
    return " ".join(part for part in unicodedata.normalize("NFKC", nickname).split(" ") if part)


def normalize_nickname(nickname) -> tuple[str, str]:
    """The nickname as displayed and the key duplicates are grouped by, or a ``BoardError``."""
    if not isinstance(nickname, str):
        raise BoardError("nickname_empty", "the nickname must be text")
    if len(nickname) > 10 * MAX_NICKNAME:  # don't normalise a novel
        raise _too_long()
    name = fold_nickname(nickname)
    if not name:
        raise BoardError("nickname_empty", "the nickname is empty")
    bad = [
        ch
        for ch in name
        if not (ch in " _-." or (unicodedata.category(ch) in _LETTERS and ch not in _INVISIBLE))
    ]
    if bad:
        shown = "".join(dict.fromkeys(ch if ch.isprintable() else "?" for ch in bad))
        raise BoardError(
            "nickname_chars",
            f"a nickname may hold only letters, digits, spaces and _ - . (not {shown!r})",
            chars=shown,
        )
    if len(name) > MAX_NICKNAME:
        raise _too_long()
    return name, name.casefold()


def _too_long() -> BoardError:
    return BoardError(
        "nickname_long", f"the nickname is longer than {MAX_NICKNAME} characters", max=MAX_NICKNAME
    )


# --- the teacher's settings ----------------------------------------------------------------


def check_settings(open=None, target=None, dataset=None, seed=None, revealed=None) -> dict:
    """The given settings (``None`` ones left out), checked, or a ``BoardError``.

    ``target`` is a fraction in [0, 1]; ``seed`` a whole number in the sidebar's range
    (``pruning.config.BY_NAME["seed"]``): a seed every student can set.
    """
    changes = {}
    for name, value in (("open", open), ("revealed", revealed)):
        if value is not None:
            if not isinstance(value, bool | np.bool_):
                raise BoardError("setting", f"{name} must be True or False, got {value!r}")
            changes[name] = bool(value)
    try:
        if target is not None:
            changes["target"] = check_fraction(target, "target")
    except ValueError as exc:
        raise BoardError("target", str(exc)) from None
    try:
        if dataset is not None:
            changes["dataset"] = check_choice(dataset, DATASETS, "dataset")
        if seed is not None:
            seeds = BY_NAME["seed"]
            changes["seed"] = check_number(seed, "seed", seeds.low, seeds.high, integer=True)
    except ValueError as exc:
        raise BoardError("setting", str(exc)) from None
    return changes


# --- a submission ----------------------------------------------------------------------------


def check_entry(settings: Settings, config: ModelConfig | Mapping) -> ModelConfig:
    """The submitted configuration, if the board is open and it uses the board's dataset
    and seed (one seed for everyone means one train/test split for everyone)."""
    if not settings.open:
        raise BoardError("closed", "the board is closed: the teacher is not taking entries")
    cfg = check_config(config)
    if cfg.dataset != settings.dataset:
        raise BoardError(
            "dataset",
            f"this challenge is on {settings.dataset}, not {cfg.dataset}",
            dataset=cfg.dataset,
            expected=settings.dataset,
        )
    if cfg.seed != settings.seed:
        raise BoardError(
            "seed",
            f"this challenge uses seed {settings.seed}, not {cfg.seed}: "
            f"set Seed to {settings.seed} in the sidebar",
            seed=cfg.seed,
            expected=settings.seed,
        )
    return cfg


def check_config(config: ModelConfig | Mapping) -> ModelConfig:
    """A configuration with every lesson field, engine or URL names (``lr``, ``epochs``),
    built-in datasets only."""
    values = config.as_dict() if isinstance(config, ModelConfig) else config
    try:
        return ModelConfig.from_mapping(values, complete=True)
    except ValueError as exc:
        raise BoardError("config", str(exc), detail=str(exc)[:80]) from None


def lesson_values(config: ModelConfig) -> dict:
    """The fields a student sets, as plain JSON values: what an entry stores."""
    values = config.as_dict()
    return {name: values[name] for name in LESSON_FIELDS}


def check_pruning(
    strategy: str | None, sparsity: float | None, masks: Sequence | None
) -> tuple[str, float | None]:
    """Either a known strategy with a sparsity in [0, 1], or masks (strategy ``custom``);
    ``check_masks`` checks the masks themselves against the network."""
    if masks is not None:
        if sparsity is not None:
            raise BoardError("sparsity", "give either a sparsity or masks, not both")
        if strategy not in (None, CUSTOM):
            raise BoardError(
                "strategy", f"explicit masks are recorded as strategy {CUSTOM!r}", strategy=CUSTOM
            )
        return CUSTOM, None
    if strategy not in STRATEGIES:
        raise BoardError(
            "strategy", f"unknown strategy {str(strategy)[:40]!r}", strategy=str(strategy)[:40]
        )
    try:
        return strategy, check_fraction(check_number(sparsity, "sparsity"))
    except ValueError as exc:
        raise BoardError("sparsity", str(exc)) from None


def check_network(cfg: ModelConfig, network: Network, data: Dataset) -> None:
    """Raise ``BoardError`` unless ``network`` and ``data`` are what ``cfg`` describes."""
    try:
        trained = ModelConfig.from_mapping(network.config or {}, complete=True)
    except ValueError:
        wrong = ["config"]  # not made by ``train``: nothing to compare with
    else:
        wrong = [
            name
            for name in LESSON_FIELDS
            if not _same(getattr(trained, name), getattr(cfg, name))
            or (name in _ARCHITECTURE and getattr(network, name) != getattr(cfg, name))
        ]
    if wrong:
        raise BoardError(
            "mismatch",
            f"the submitted configuration differs from the trained network in {', '.join(wrong)}",
            fields=", ".join(wrong),
        )
    if data.name != cfg.dataset or data.n_features != network.layer_sizes[0]:
        raise BoardError("mismatch", "the data do not belong to this network", fields="data")


def _same(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-9) if isinstance(a, float) else a == b


def check_masks(masks, network: Network) -> None:
    """Explicit weight masks: one boolean array per weight matrix, of exactly its shape."""
    if not isinstance(masks, list | tuple):
        raise BoardError("masks", "masks must be a list of boolean arrays", detail="not a list")
    if len(masks) != len(network.coefs):
        raise BoardError(
            "masks",
            f"expected {len(network.coefs)} masks, one per weight matrix, got {len(masks)}",
            detail=f"{len(masks)} != {len(network.coefs)}",
        )
    for i, (m, W) in enumerate(zip(masks, network.coefs, strict=True)):
        if not isinstance(m, np.ndarray) or m.dtype != np.bool_:
            kind = getattr(getattr(m, "dtype", None), "name", type(m).__name__)
            raise BoardError(
                "masks", f"mask {i} must be a NumPy bool array, not {kind}", detail=f"{i}: {kind}"
            )
        if m.shape != W.shape:
            raise BoardError(
                "masks",
                f"mask {i} has shape {m.shape}, but layer {i} has shape {W.shape}",
                detail=f"{i}: {m.shape} != {W.shape}",
            )


# --- chance ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def chance_level(dataset: str, seed: int = 0) -> float:
    """The majority-class share of ``dataset``'s validation or test part for ``seed``,
    whichever is larger (the public and the private board judge on one each).

    A network that gives every input the same answer scores at most this, so a collapsed
    network never qualifies, whatever T.
    """
    data = load_dataset(dataset, seed=seed)
    return max(float(np.bincount(y).max() / len(y)) for y in (data.y_val, data.y_test))


def target_at_chance(settings: Settings) -> float | None:
    """The chance level when T is at or below it (a constant answer reaches T), else None."""
    chance = chance_level(settings.dataset, settings.seed)
    return chance if settings.reached(chance) else None

"""The model configuration is declared once: ModelConfig and FIELDS, the checks, and every
reader of them (train, the CLI, the URL schema, the sidebar) agreeing with the declaration."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pages.ui import state
from pruning import (
    FIELDS,
    ModelConfig,
    check_choice,
    check_fraction,
    check_number,
    load_dataset,
    train,
)
from pruning.checks import parse_number
from pruning.cli import build_parser, main, option_help
from pruning.config import BY_NAME, BY_URL
from tests.apptest import app

NUMBERS = [f for f in FIELDS if f.choices is None and f.name != "hidden"]


def test_defaults_are_the_declared_ones():
    config = ModelConfig()
    assert config.as_dict() == {f.name: f.default for f in FIELDS} | {"hidden": [100]}
    assert config == ModelConfig.from_mapping({})


def test_values_are_normalised_on_creation():
    config = ModelConfig(hidden="300-100", learning_rate=np.float32(0.5), seed=np.int64(3))
    assert config.hidden == (300, 100)
    assert type(config.seed) is int and config.seed == 3
    assert hash(config) == hash(ModelConfig(hidden=(300, 100), learning_rate=0.5, seed=3))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"solver": "lbfgs"}, "solver must be one of sgd, adam"),
        ({"learning_rate": 0}, "learning_rate must be between"),
        ({"learning_rate": True}, "learning_rate must be a number"),
        ({"learning_rate": "0.1"}, "learning_rate must be a number"),
        ({"max_iter": 2.5}, "max_iter must be a whole number"),
        ({"seed": 10_000}, "seed must be between 0 and 9999"),
        ({"alpha": math.nan}, "alpha must be a finite number"),
        ({"hidden": "1-2-3-4-5-6"}, "at most 5 hidden layers"),
    ],
)
def test_invalid_configurations_cannot_exist(fields, message):
    with pytest.raises(ValueError, match=message):
        ModelConfig(**fields)


def test_outside_values_use_url_or_engine_names_and_builtin_datasets_only():
    config = ModelConfig.from_mapping({"lr": 0.3, "epochs": 50, "hidden": "8", "seed": 2})
    assert (config.learning_rate, config.max_iter, config.hidden, config.seed) == (0.3, 50, (8,), 2)
    assert ModelConfig(dataset="grades.csv").dataset == "grades.csv"  # code may train on its own
    with pytest.raises(ValueError, match="dataset must be one of"):
        ModelConfig.from_mapping({"dataset": "grades.csv"})
    with pytest.raises(ValueError, match="unknown configuration field 'accuracy'"):
        ModelConfig.from_mapping({"accuracy": 1.0})
    with pytest.raises(ValueError, match=r"lacks .*seed"):
        ModelConfig.from_mapping({f.name: f.default for f in FIELDS if f.name != "seed"}, True)
    with pytest.raises(ValueError, match="mapping"):
        ModelConfig.from_mapping("dataset=iris")


def test_train_reads_the_config():
    data = load_dataset("iris")
    config = ModelConfig(dataset="iris", hidden=(4,), max_iter=5, seed=3)
    by_config = train(data, config)
    by_fields = train(data, hidden=(4,), max_iter=5, seed=3)
    assert by_config.config == by_fields.config == config.as_dict()
    for a, b in zip(by_config.coefs, by_fields.coefs, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="configuration is for digits"):
        train(data, ModelConfig())


# --- the checks ---------------------------------------------------------------------------


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_check_fraction_accepts_exactly_zero_to_one(value):
    if 0 <= value <= 1:
        assert check_fraction(value) == value
    else:
        with pytest.raises(ValueError, match="sparsity"):
            check_fraction(value)


@given(st.integers(-20, 20), st.integers(-10, 10), st.integers(0, 10))
def test_check_number_keeps_its_range(value, low, width):
    high = low + width
    if low <= value <= high:
        assert check_number(value, "n", low, high, integer=True) == value
    else:
        with pytest.raises(ValueError, match="n must be between"):
            check_number(value, "n", low, high, integer=True)


def test_checks_name_the_argument_and_the_value():
    with pytest.raises(ValueError, match=r"solver must be one of sgd, adam, got 'x'"):
        check_choice("x", ("sgd", "adam"), "solver")
    with pytest.raises(ValueError, match=r"epochs must be a whole number, got .1\.5."):
        parse_number("1.5", "epochs", 0, 10, integer=True)
    with pytest.raises(ValueError, match=r"got 'xxxxx.*\.\.\.$"):
        parse_number("x" * 500, "seed")  # a hostile value is cut short


# --- every reader agrees with the declaration ------------------------------------------------


def _train_options() -> dict:
    parser = build_parser()
    train_parser = parser._subparsers._group_actions[0].choices["train"]
    return {a.dest: a for a in train_parser._actions}


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_cli_options_are_the_fields(field, capsys):
    option = _train_options()[field.name]
    assert option.default == field.default
    assert option.choices == field.choices
    assert option.help == option_help(field)
    assert f"default: {field.text(field.default)}" in option.help
    if field in NUMBERS:
        assert f"{field.low:g} to {field.high:g}" in option.help
        flag = "--" + field.name.replace("_", "-")
        assert main(["train", "--dataset", "iris", flag, str(field.high * 10 + 1)]) == 2
        assert f"{field.name} must be between" in capsys.readouterr().err


@pytest.mark.parametrize("field", [f for f in FIELDS if f.url], ids=lambda f: f.name)
def test_url_schema_is_the_fields(field):
    prop = state.BY_KEY[field.url]
    assert prop.default == (field.text(field.default) if field.name == "hidden" else field.default)
    assert BY_URL[field.url] is field
    for value in field.choices or field.steps or ():
        assert prop.parse(field.text(value)) == value
    if field.integer:
        assert prop.parse(str(int(field.low))) == field.low
        assert prop.parse(str(int(field.high))) == field.high
        for outside in (field.low - 1, field.high + 1):
            with pytest.raises(ValueError):
                prop.parse(str(int(outside)))


def test_the_sidebar_shows_the_declared_ranges_and_defaults():
    at = app().run()
    assert not at.exception
    for f in NUMBERS:
        if f.url and f.steps:
            widget = at.select_slider(key=f.url)
            assert widget.options == [str(v) for v in f.steps]
            assert widget.value == f.default
        elif f.url:
            widget = at.number_input(key=f.url)
            assert (widget.min, widget.max, widget.step) == (f.low, f.high, f.step)
            assert widget.value == f.default
    for key in ("activation", "solver"):
        widget = at.selectbox(key=key)
        assert widget.options == list(BY_URL[key].choices) and widget.value == BY_URL[key].default
    # every built-in set, then "Your data" (no teacher's folder here)
    assert len(at.selectbox(key="dataset").options) == len(BY_NAME["dataset"].choices) + 1
    assert at.text_input(key="hidden").value == "100"

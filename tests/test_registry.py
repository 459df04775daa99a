"""The strategy registry is the one place a strategy is declared: a throwaway entry, added
with no other edit, works in the engine, the CLI, the URL and on every page."""

import numpy as np
import pytest

from pages.ui import models, state
from pruning import STRATEGIES, Strategy, load_dataset, prune, train
from pruning.cli import main
from pruning.strategies import Granularity, Needs, Scope
from tests.apptest import PAGES, open_page


def _smallest_first(network, data, rng) -> list[np.ndarray]:
    """Keep the smallest weights: a strategy nobody would use, and nobody has translated."""
    return [-np.abs(W) for W in network.coefs]


def _quietest_units(network, data, rng) -> list[np.ndarray]:
    """Keep the weakest hidden units: as useless, and as untranslated."""
    return [-np.abs(W).sum(axis=0) for W in network.coefs[:-1]]


def _entry(key: str, granularity: Granularity, score) -> Strategy:
    return Strategy(
        key=key,
        label=f"Throwaway: {score.__doc__.split(':')[0]}",
        description=score.__doc__,
        granularity=granularity,
        scope=Scope.LAYER,
        needs=Needs.NOTHING,
        score=score,
        paper="none",
    )


THROWAWAY = {
    "weight": _entry("throwaway_smallest", Granularity.WEIGHT, _smallest_first),
    "neuron": _entry("throwaway_units", Granularity.NEURON, _quietest_units),
}


def _register(kind: str | None, key: str) -> None:
    """Add (or with ``kind=None`` remove) a throwaway entry in this process's registry."""
    if kind is None:
        STRATEGIES.pop(key, None)
    else:
        STRATEGIES[key] = THROWAWAY[kind]


@pytest.fixture(params=THROWAWAY, scope="module")
def throwaway(request):
    """The entry, added here and in the dashboard's Dask workers (the heavy work's
    processes import the same registry)."""
    entry = THROWAWAY[request.param]
    workers = models.cluster().client
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(STRATEGIES, entry.key, entry)
        workers.run(_register, request.param, entry.key)
        yield entry
        workers.run(_register, None, entry.key)


def test_the_engine_prunes_with_it(throwaway):
    data = load_dataset("iris")
    result = prune(train(data, hidden=(6,), max_iter=5), throwaway.key, 0.5)
    assert result.strategy == throwaway.key
    assert 0 < result.weight_sparsity < 1


def test_the_cli_and_the_url_accept_it(throwaway, capsys):
    assert main(["strategies"]) == 0
    assert throwaway.key in capsys.readouterr().out
    argv = ["prune", "--dataset", "iris", "--hidden", "6", "--max-iter", "5"]
    assert main([*argv, "--strategy", throwaway.key, "--sparsity", "0.5"]) == 0
    assert throwaway.key in capsys.readouterr().out
    assert state.BY_KEY["strategy"].parse(throwaway.key) == throwaway.key


SHOWN = ("prune", "curves", "inspect", "sensitivity", "cost", "learn")  # name the strategy


def texts(at) -> str:
    """Every text and option on the page, in one string."""
    parts = [
        e.value
        for kind in ("markdown", "info", "caption", "subheader", "title")
        for e in getattr(at, kind)
    ]
    parts += [
        o for kind in ("selectbox", "multiselect") for w in getattr(at, kind) for o in w.options
    ]
    parts += [o.content for w in at.get("button_group") for o in w.proto.options]  # pills
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_accepts_it(throwaway, page):
    at = open_page(page, strategy=throwaway.key, sparsity="50")
    assert not at.exception
    assert at.session_state["strategy"] == throwaway.key  # the link's value was accepted
    if page in SHOWN:
        assert throwaway.label in texts(at)


def test_untranslated_it_reads_in_english(throwaway):
    at = open_page("prune", strategy=throwaway.key, lang="zh")
    assert throwaway.label in at.selectbox(key="strategy").options

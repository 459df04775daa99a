"""The class challenge: find the sparsest network that keeps at least T% accuracy.

A leaderboard beside the engine (``pruning`` never imports it): the teacher sets the
target T, the dataset and the seed and opens or closes the board; students submit a
configuration and the board measures it itself with the engine::

    board = Board("sqlite:///board.db")
    board.set_settings(open=True, target=0.9, dataset="digits", seed=0)
    entry = board.submit("Ada", config, "global_magnitude", 0.9, network=net, data=data)
    board.top(10)                        # the public board: validation accuracy
    board.set_settings(revealed=True)    # the private board: test accuracy; game over

``rules`` says who may enter and what counts, ``store`` where the board is kept (SQLAlchemy),
``migrations`` how older databases are brought up to date, and ``board`` holds ``Board``.
"""

from .board import Board
from .rules import (
    CUSTOM,
    MAX_NICKNAME,
    BoardError,
    Entry,
    Settings,
    rank_moves,
    target_at_chance,
)
from .store import ENV_URL, default_url

__all__ = [
    "CUSTOM",
    "ENV_URL",
    "MAX_NICKNAME",
    "Board",
    "BoardError",
    "Entry",
    "Settings",
    "default_url",
    "rank_moves",
    "target_at_chance",
]

"""``execspec explore``: walk the model's reachable states and check every invariant."""

from __future__ import annotations

from typing import Sequence

__all__ = ["main", "model_summary"]


def main(argv: Sequence[str]) -> int:
    """``execspec explore [--bounds ...]``: the model explorer's own command line."""
    from execspec.model.explore import main as model_explore_main

    return model_explore_main(list(argv))


def model_summary() -> str:
    """One line for ``execspec check``: the model explorer at its default bounds."""
    from execspec.model.explore import summary

    return summary()

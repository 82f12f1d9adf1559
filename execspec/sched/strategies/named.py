"""Strategies by name, as the commands and schedule files spell them: ``make_strategy``."""

from __future__ import annotations

from execspec.sched.kernel.protocols import Strategy
from execspec.sched.strategies.dfs import FROM_ENV, Bound, DFSStrategy
from execspec.sched.strategies.pct import PCTStrategy
from execspec.sched.strategies.random import RandomStrategy

__all__ = ["ALL_STRATEGIES", "STRATEGY_NAMES", "make_strategy"]

#: what ``--strategy all`` runs
ALL_STRATEGIES = ("random", "pct", "dfs", "dfs-dpor")
#: every name ``make_strategy`` knows
STRATEGY_NAMES = ("random", "pct", "dfs", "dfs-sleep", "dfs-dpor", "dfs-none")


def make_strategy(name: str, seed: int = 0, preemption_bound: Bound = FROM_ENV) -> Strategy:
    """The strategy called ``name``.

    ``random``; ``pct`` (depth 3); ``dfs`` (sleep sets), ``dfs-dpor`` or ``dfs-none`` (no
    reduction). DFS is unbounded, hence complete, unless ``preemption_bound`` is an int or,
    when it is not given, ``$EXECSPEC_PREEMPTION_BOUND`` is set; ``None`` is unbounded
    whatever the environment says. 2 is CHESS's advice for large scenarios.

    >>> make_strategy("dfs-dpor", preemption_bound=2).describe()["preemption_bound"]
    2
    """
    if name == "random":
        return RandomStrategy(seed)
    if name == "pct":
        return PCTStrategy(depth=3, seed=seed)
    if name in ("dfs", "dfs-sleep", "dfs-dpor", "dfs-none"):
        reduction = name.partition("-")[2] or "sleep"
        return DFSStrategy(reduction=reduction, preemption_bound=preemption_bound)
    raise ValueError(f"unknown strategy {name!r}: use one of {', '.join(STRATEGY_NAMES)}")

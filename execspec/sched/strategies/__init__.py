"""Scheduling strategies: who runs next at each scheduling point (see ``strategy.py``).

``HypothesisStrategy`` lives in ``execspec.sched.strategies.hypothesis`` and is not imported
here: importing Hypothesis costs more than the rest of the scheduler's start-up.
"""

from execspec.sched.strategies.dfs import FROM_ENV, DFSStrategy, NondeterministicScenario
from execspec.sched.strategies.pct import PCTStrategy
from execspec.sched.strategies.random import RandomStrategy, default_seed
from execspec.sched.strategies.replay import ReplayDivergence, ReplayStrategy

__all__ = ["FROM_ENV", "DFSStrategy", "NondeterministicScenario", "PCTStrategy", "RandomStrategy",
           "ReplayDivergence", "ReplayStrategy", "default_seed"]

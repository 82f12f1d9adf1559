"""Scheduling strategies: who runs next at each scheduling point.

``first_enabled`` (one schedule), ``random`` (seeded, with the shared ``SeededExecutions``),
``pct`` (probabilistic concurrency testing), ``dfs`` (exhaustive, with sleep sets and DPOR,
preemption bounds), ``replay`` (a recorded schedule, checked step by step), ``hypothesis``
(choices Hypothesis draws and shrinks). The contract they implement, ``Strategy``, is the
kernel's (``kernel.protocols``), re-exported here with the ``Op`` it chooses among.

``HypothesisStrategy`` lives in ``execspec.sched.strategies.hypothesis`` and is not imported
here: importing Hypothesis costs more than the rest of the scheduler's start-up.

May import: ``execspec.sched.kernel`` only (strategies are pure bookkeeping: no threads,
clocks or greenlets), and ``execspec.config``.
"""

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy
from execspec.sched.strategies.dfs import FROM_ENV, DFSStrategy, NondeterministicScenario
from execspec.sched.strategies.first_enabled import FirstEnabled
from execspec.sched.strategies.pct import PCTStrategy
from execspec.sched.strategies.random import RandomStrategy, default_seed
from execspec.sched.strategies.replay import ReplayDivergence, ReplayStrategy

__all__ = ["FROM_ENV", "DFSStrategy", "FirstEnabled", "NondeterministicScenario", "Op",
           "PCTStrategy", "RandomStrategy", "ReplayDivergence", "ReplayStrategy", "Strategy",
           "default_seed"]

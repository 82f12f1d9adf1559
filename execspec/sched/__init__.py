"""Deterministic scheduler shim: run unmodified threading code one controlled thread at a
time, explore its interleavings, and explain every hang. A library: no argparse (the
``execspec deadlocks`` and ``execspec replay`` commands live in ``execspec.commands``).

The parts, lowest first (each may import only those before it; ``shims`` and
``strategies`` are siblings and do not import each other)::

    kernel/       the Runtime and its controlled threads (greenlets), Op, Prim, Execution,
                  and the protocols the layers above plug in through
    shims/        threading, queue, time, os (+ _thread, atexit) and their primitives
    strategies/   who runs next: first-enabled, random, PCT, DFS (sleep sets, DPOR), replay
    loader/       fresh module copies bound to the shim, snapshots, stable hashes; Env
    postmortem/   what a failed execution means: frames, wait-for graph, FailureReport
    runner.py     run_once: one execution on a runner thread, watched by the caller;
                  run_series: a whole series there (what explore runs)
    explore/      exploration, splitting over an executor, schedule files
    faults/       fault injection: an interrupt at each scheduling point, what it stranded

This module is the public face; ``execspec.sched.strategies``, ``execspec.sched.explore``
and ``execspec.sched.faults`` are the others. Names here are sched's own:
``ExecutionOutcome`` (old name ``Outcome``) is how one *execution* ended, not
``model.states.Outcome``; ``FailureReport`` (old name ``Report``) explains a failed
execution, not ``model.explore.Report``; ``Op`` is the operation a strategy chooses among,
not ``model.ops.Op``.

>>> from execspec.sched import FirstEnabled, Outcome, run_once
>>> def scenario(env):
...     cf = env.load("concurrent.futures")
...     with cf.ThreadPoolExecutor(max_workers=2) as ex:
...         env.time.sleep(3600)  # virtual: costs one step
...         return ex.submit(pow, 2, 10).result()
>>> ex = run_once(scenario, FirstEnabled())
>>> ex.outcome is Outcome.OK, ex.return_value, ex.virtual_time
(True, 1024, 3600.0)
"""

from execspec.sched.kernel.execution import Execution, ExecutionOutcome, Outcome, TraceStep
from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy
from execspec.sched.loader.env import Env
from execspec.sched.postmortem.report import FailureReport, Report
from execspec.sched.runner import run_once
from execspec.sched.strategies.first_enabled import FirstEnabled

__all__ = ["Env", "Execution", "ExecutionOutcome", "FailureReport", "FirstEnabled", "Op",
           "Outcome", "Report", "Strategy", "TraceStep", "run_once"]

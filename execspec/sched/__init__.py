"""Deterministic scheduler shim: run unmodified threading code one controlled thread at a
time, explore its interleavings, and explain every hang.

The kernel (``runtime``) runs controlled threads as greenlets and asks a ``Strategy`` who
runs next at every operation on a shim primitive; ``loader`` runs modules such as
``concurrent.futures`` or ``execspec.impl`` unmodified against the shim; ``report`` turns a
stuck execution into a report at the executor's level. Strategies live in
``execspec.sched.strategies``, exploration in ``execspec.sched.explore``.

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

from execspec.sched.report import Report
from execspec.sched.runtime import Execution, FirstEnabled, Outcome, TraceStep, run_once
from execspec.sched.shim_env import Env
from execspec.sched.strategy import Op, Strategy

__all__ = ["Env", "Execution", "FirstEnabled", "Op", "Outcome", "Report", "Strategy", "TraceStep", "run_once"]

"""Fault injection: an asynchronous exception raised in a controlled thread at one scheduling
point of a scenario, for each point in turn, and what the code under test left behind.

``inject_faults(scenario, module=...)`` runs the scenario once to list its injection points
(every step of a seeded schedule, and every thread parked at that step), then once per point
with a ``KeyboardInterrupt`` (any ``BaseException`` class by option) raised there; after each
run the scenario's world settles (gates opened, every pool shut down with ``wait=True``,
interpreter exit) and is checked: every future the scenario made is done, no shim lock is
held, no thread is left, no waiter record is left on a future, and an interrupt that landed
in the scenario's main thread came out of it as itself (not swallowed, not turned into
another exception: ``must_escape``, on by default). Exhaustive up to
``max_points``, a seeded sample beyond. A library: ``execspec faults`` is its command.

For other harnesses (the conformance machine, say) the two pieces underneath are public:
``adopt(Injector(step=k, tid=t))`` called first thing inside any ``run_once`` scenario makes
that execution raise at step ``k`` in thread ``t`` (``Injector()`` alone only lists, in
``.listing``, the threads each step could interrupt); ``FaultWorld`` tracks pools, futures
and gates and says what was left behind once settled.

Layer: beside ``explore`` (it runs executions through ``runner.run_once``); imports kernel,
shims, strategies, loader and runner, never ``explore``.

>>> from execspec.sched.faults import SCENARIOS, inject_faults
>>> run = inject_faults(SCENARIOS["cancel"], module="execspec.impl")
>>> run.survived == run.tried, run.strandings
(True, [])
"""

from execspec.sched.faults.inject import FaultRun, Point, StartRefused, Stranding, inject_faults
from execspec.sched.faults.runtime import Injector, Parked, adopt
from execspec.sched.faults.scenarios import SCENARIOS
from execspec.sched.faults.world import FaultWorld

__all__ = ["FaultRun", "FaultWorld", "Injector", "Parked", "Point", "SCENARIOS", "StartRefused", "Stranding",
           "adopt", "inject_faults"]

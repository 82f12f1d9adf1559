"""Fault injection as an option of the conformance machine: each enumerated shape's calls, with
an asynchronous exception raised at each scheduling point in turn (``execspec.sched.faults``).

The machine's shapes (:mod:`.shapes`) are first run as usual against the target, under the
shim, which records the calls each one made. Each recorded call list then becomes a fault
scenario: the same driver performs the same calls, every gate opens, every caller is waited
for, and ``inject_faults`` interrupts it at every point of a seeded schedule, checking after
each run that no future is stranded, no shim lock is held, no thread is left and no waiter
record stays behind. This is not the model's verdict (the model has no interrupts): it is the
fault checker's, on calls the model chose.

Shapes that make bare futures are left out (a caller waiting on one that the client never
completes stays blocked by design, not because of the interrupt), and so are those with tasks
that wait on another future (an interrupted client may never make the future they wait for).

>>> from execspec.targets import Target
>>> runs = shape_faults(Target.parse("impl"), names=("result on a queued future, then cancel",), max_points=10)
>>> [(r.scenario, r.tried, r.survived) for r in runs]
[('result on a queued future, then cancel', 10, 10)]
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Callable, Sequence

from execspec.conformance.actions import Action, Call, MapNext
from execspec.conformance.driver import Driver, World
from execspec.conformance.kits.threads import ThreadKit
from execspec.conformance.machine import Mode, machine_for
from execspec.conformance.session import perform
from execspec.conformance.shape_runner import SeededData
from execspec.conformance.shapes import SHAPES, Shape
from execspec.sched.faults import FaultRun, FaultWorld, inject_faults

__all__ = ["shape_faults", "shape_scenario"]

#: virtual seconds the scenario waits for each caller once every gate is open
_CALLER_BOUND = 60.0

#: the driver and its kits: their frames are the harness's, never injection points
_HARNESS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,)


def shape_scenario(actions: Sequence[Action], name: str) -> Callable[[FaultWorld], None]:
    """A fault scenario performing ``actions`` as the machine's driver does, then opening
    every gate and waiting for every caller (so that nothing is left waiting but what an
    interrupt stranded)."""
    def scenario(w: FaultWorld) -> None:
        def make(**kwargs: Any) -> Any:
            ex = w._make(**kwargs)
            w.pools.append(ex)
            return ex

        driver = Driver(World(w.cf, make, w.threading, w.env.time, shim=True, cpus=w.env.cpus),
                        ThreadKit(w.threading))
        try:
            for a in actions:
                perform(driver, _bounded(a))
        finally:
            for f in driver.futures:
                if f is not None:
                    w.track(f)
            driver.kit.close()
            for c in driver.callers:  # bounded (virtual seconds): one the calls alone leave
                c.done.wait(_CALLER_BOUND)  # blocked shows in the run's baseline

    scenario.__name__ = name
    return scenario


def _bounded(a: Action) -> Action:
    """``a`` with the driver's wait for it bounded. The machine recorded which calls the model
    said cannot block, but an interrupt changes that: a cancel() interrupted before it took its
    lock leaves the future queued, so the wait() on it that follows blocks, rightly, until the
    scenario opens the gates at the end (waiting for it without a bound would be the harness's
    own deadlock, reported as the target's)."""
    if isinstance(a, (Call, MapNext)) and not a.may_block:
        return replace(a, may_block=True)
    return a


def _recorded(target: Any, shapes: Sequence[Shape]) -> list[tuple[str, list[Action]]]:
    """Each shape's calls as the machine made them against ``target`` (under the shim)."""
    machine = machine_for(target, Mode.SHIM)
    out = []
    for k, shape in enumerate(shapes):
        m = machine()
        data = SeededData(k)
        try:
            for rule, kwargs in shape.steps:
                getattr(m, rule)(**kwargs, data=data)
        except AssertionError:  # a violation: the machine reports it; the calls still stand
            pass
        out.append((shape.name, list(m.actions)))
        try:
            m.teardown()
        except AssertionError:
            pass
    return out


def shape_faults(target: Any, *, names: Sequence[str] | None = None, exception: type[BaseException] = KeyboardInterrupt,
                 max_points: int = 100, seed: int = 0) -> list[FaultRun]:
    """Inject ``exception`` at each point (at most ``max_points`` per shape, a seeded sample
    beyond) of each shape's calls against ``target``; one :class:`FaultRun` per shape."""
    shapes = [s for s in SHAPES if (names is None or s.name in names)
              and not any(rule in ("new_future", "bare_call", "submit_waiting") for rule, _ in s.steps)]
    runs = []
    for name, actions in _recorded(target, shapes):
        runs.append(inject_faults(shape_scenario(actions, name), module=target.module, factory=target.factory,
                                  source_dir=None if target.source_dir is None else str(target.source_dir),
                                  exception=exception, max_points=max_points, seed=seed, name=name,
                                  harness=_HARNESS, must_escape=False))  # the driver catches
    return runs

"""Running the machine's shapes (:mod:`.shapes`): each through a fresh instance of a machine,
its rules called in order with fixed schedule seeds, its invariants checked after each step as
Hypothesis checks them, until one shows a violation.
"""

from __future__ import annotations

import inspect
from typing import Any

from hypothesis.stateful import INVARIANT_MARKER

from execspec.conformance.loop import BudgetSpent, FixedData, KnownViolation, Observing, ShrinkBudgetSpent
from execspec.conformance.oracle import Violation
from execspec.conformance.shapes import SHAPES, Shape


class SeededData:
    """The ``data`` a rule draws its schedule seed from, fixed per shape (the shim's
    interleavings differ from shape to shape, and are the same on every run)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def draw(self, strategy: Any, label: str = "") -> int:
        self.seed = (self.seed * 37 + 11) % 256
        return self.seed


def run_shapes(machine: type[Observing], shapes: tuple[Shape, ...] = SHAPES) -> int:
    """Run each shape through a fresh instance of ``machine`` until one shows a violation (kept
    in ``machine.found`` like any other) or the run's budget is spent; returns how many ran
    (the machine's next example sees the budget spent too)."""
    ran = 0
    runs = [(k, j, shape) for k, shape in enumerate(shapes) for j in range(shape.schedules)
            if (machine.shim or not shape.shim_only) and not (shape.cpython_bug and machine.cpython)]
    for k, j, shape in runs:
        try:
            m = machine()
        except BudgetSpent:  # the run's budget is spent: no shape starts after it
            break
        except ShrinkBudgetSpent:  # pragma: no cover - only once something was found
            break
        ran += 1
        # a shape run under several interleavings gets the simplest first: the client runs
        # while it can (seed 0), so the executor's threads start only once it waits
        base = k if shape.seed is None else shape.seed
        data: Any = FixedData() if shape.schedules > 1 and j == 0 else SeededData(base + 1000 * j)
        spent = False
        try:
            for name, kwargs in shape.steps:
                if getattr(m, "ended", False):  # a documented deadlock ended the example
                    break
                m.within_budget()
                m.steps.append((name, dict(kwargs)))  # (Hypothesis's rule calls note themselves)
                getattr(m, name)(**kwargs, data=data)
                _check_invariants(m)
        except (Violation, KnownViolation):  # (a known one: this shape ends, the next runs)
            pass
        except BudgetSpent:  # cut short: its teardown still runs, and the run says it was spent
            spent = True
        finally:
            try:
                m.teardown()
            except (Violation, KnownViolation):
                pass
        if machine.found:
            machine.found[0].shape = shape.name
            break
        if spent:
            break
    return ran


def _check_invariants(m: Observing) -> None:
    """Call the machine's ``@invariant`` methods, as Hypothesis does after every step."""
    for _, f in inspect.getmembers(type(m)):
        inv = getattr(f, INVARIANT_MARKER, None)
        if inv is not None:
            inv.function(m)


__all__ = ["SeededData", "run_shapes"]

"""Shim primitives used outside any controlled thread, as a garbage-collection finalizer uses
them after its execution ended: a free lock may be taken, and a condition whose lock was taken
there may be notified (a notify never blocks); waiting there is still refused."""

from __future__ import annotations

from typing import Any

import pytest

from execspec.sched import FirstEnabled, run_once


def _made_inside() -> Any:
    """A shim Condition made by an execution, and left to outlive it."""
    box: list[Any] = []

    def scenario(env: Any) -> None:
        box.append(env.threading.Condition())

    run_once(scenario, FirstEnabled())
    return box[0]


def test_a_finalizer_may_notify_a_condition_it_locked_outside_the_shim() -> None:
    cond = _made_inside()
    with cond:  # the lock is free: taking it outside is allowed
        cond.notify_all()  # and so is a notify under it: nothing can block
        cond.notify()


def test_waiting_on_it_outside_the_shim_is_still_refused() -> None:
    cond = _made_inside()
    with cond:
        with pytest.raises(RuntimeError, match="outside a controlled thread"):
            cond.wait(1.0)

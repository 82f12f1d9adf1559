"""The oracle on its own: fabricated observations a correct executor cannot show are rejected,
with the clauses that say what was allowed; possible ones are accepted."""

from __future__ import annotations

import pytest

from execspec.conformance.driver import Snapshot
from execspec.conformance.oracle import Oracle, Violation
from execspec.model import (
    Cancel, FState, FutureView, GetResult, InitKind, Ok, Query, Raised, Returned, Shutdown, Submit, Timeout,
)


def _oracle(workers: int = 1) -> Oracle:
    o = Oracle()
    o.create(workers, InitKind.NONE)
    return o


def test_a_submit_after_shutdown_that_returns_is_a_violation_of_its_clause() -> None:
    o = _oracle()
    o.call(Shutdown(wait=False), Returned(None))
    with pytest.raises(Violation) as e:
        o.call(Submit(), Returned(0))
    assert "EXE-SUBMIT-AFTER-SHUTDOWN" in e.value.clauses


def test_a_running_future_that_cancels_is_rejected_and_a_pending_one_accepted() -> None:
    o = _oracle()
    o.call(Submit(), Returned(0))
    o.snapshot(Snapshot((FutureView(FState.RUNNING, None, (), True),), ()), [])
    with pytest.raises(Violation) as e:
        o.call(Cancel(0), Returned(True))
    assert "FUT-CANCEL-RUNNING" in e.value.clauses
    fresh = _oracle()
    fresh.call(Submit(), Returned(0))
    fresh.call(Cancel(0), Returned(True))  # still queued: allowed


def test_a_cancelled_future_whose_task_ran_is_a_view_violation() -> None:
    o = _oracle()
    o.call(Submit(), Returned(0))
    o.call(Cancel(0), Returned(True))
    with pytest.raises(Violation) as e:
        o.snapshot(Snapshot((FutureView(FState.CANCELLED, None, (), True),), ()), [])
    assert "INV-CANCELLED-NEVER-RUNS" in e.value.clauses


def test_a_blocked_call_is_outstanding_until_a_snapshot_shows_its_return() -> None:
    o = _oracle()
    o.call(Submit(), Returned(0))
    o.call(GetResult(0, Timeout.NONE), None)  # seen blocked
    assert len(o.outstanding) == 1 and all(len(s.waiters) == 1 for s in o.beliefs)
    done = FutureView(FState.FINISHED, Ok(0), (), True)
    o.snapshot(Snapshot((done,), (Returned(0),)), [0])
    assert not o.outstanding and all(not s.waiters for s in o.beliefs)


def test_a_blocked_call_returning_what_no_rule_allows_is_rejected() -> None:
    o = _oracle()
    o.call(Submit(), Returned(0))
    o.call(GetResult(0, Timeout.NONE), None)
    done = FutureView(FState.FINISHED, Ok(0), (), True)
    with pytest.raises(Violation):
        o.snapshot(Snapshot((done,), (Raised("TimeoutError"),)), [0])  # timeout=None never times out


def test_quiescence_requires_a_queued_task_to_start_on_a_free_worker() -> None:
    o = _oracle(workers=2)
    o.call(Submit(), Returned(0))
    o.call(Submit(), Returned(1))
    pending = FutureView(FState.PENDING, None, (), False)
    running = FutureView(FState.RUNNING, None, (), True)
    o.snapshot(Snapshot((running, pending), ()), [])
    with pytest.raises(Violation) as e:  # two workers, both tasks parked on gates, one never started
        o.settled(frozenset({0, 1}))
    assert e.value.kind == "progress"


def test_a_cancelled_future_whose_task_began_names_only_its_own_clauses() -> None:
    """No state of the model has a cancelled future whose task began, so the clauses of the
    call just before (here a result() that returned) are not named beside them; they were, and
    pebble's process pool showed one race (noxdafox/pebble#144) as eight shutdown divergences
    more, the call before its view being a shutdown."""
    o = _oracle()
    o.call(Submit(), Returned(0))
    o.call(Submit(), Returned(1))
    o.call(Cancel(1), Returned(True))
    o.call(GetResult(0, Timeout.NONE), Returned(0))
    with pytest.raises(Violation) as e:
        o.snapshot(Snapshot((FutureView(FState.FINISHED, Ok(0), (), True),
                             FutureView(FState.CANCELLED, None, (), True)), ()), [])
    assert e.value.clauses == ("FUT-CANCEL-PENDING", "INV-CANCELLED-NEVER-RUNS"), e.value


def test_a_running_future_seen_after_shutdown_wait_returned_names_the_wait() -> None:
    # shutdown(wait=True) may return once the task has finished, which the oracle cannot see:
    # the return is accepted, and only the next view shows the task still running. The view
    # alone breaks the running-future invariants; what it contradicts is the wait.
    o = _oracle(2)
    o.call(Submit(), Returned(0))
    o.call(Shutdown(wait=True), Returned(None))
    with pytest.raises(Violation) as e:
        o.snapshot(Snapshot((FutureView(FState.RUNNING, None, (), True),), ()), [])
    assert e.value.kind == "view" and "EXE-SHUTDOWN-WAIT" in e.value.clauses


def test_a_call_contradicting_the_last_call_names_both_and_an_unrelated_one_does_not() -> None:
    o = _oracle(2)
    o.call(Submit(), Returned(0))
    o.call(Shutdown(wait=True), Returned(None))
    with pytest.raises(Violation) as e:
        o.call(Query(0), Returned((False, True, False)))  # (cancelled, running, done): still running
    assert e.value.kind == "call" and {"EXE-SHUTDOWN-WAIT", "FUT-RUNNING"} <= set(e.value.clauses)
    # cancelled and running at once is no state at all, whatever the last call showed
    o = _oracle(2)
    o.call(Submit(), Returned(0))
    o.call(Submit(), Returned(1))
    with pytest.raises(Violation) as e:
        o.call(Query(0), Returned((True, True, False)))
    assert not any(c.startswith("EXE-") for c in e.value.clauses), e.value.clauses


def test_a_view_that_only_another_result_of_the_last_call_explains_blames_that_call_alone() -> None:
    # shutdown(wait=True) returned, so both map calls must have run; then one shows not begun:
    # had the shutdown blocked, that would be fine, so its early return is what broke the
    # contract (the stdlib's process pool does it on a second shutdown), not map's eagerness
    from execspec.model import Map, TaskKind, cites

    o = _oracle(2)
    o.call(Map((TaskKind.RETURNS, TaskKind.RETURNS)), Returned((0, 1)))
    o.call(Shutdown(wait=True), Returned(None))
    with pytest.raises(Violation) as e:
        o.snapshot(Snapshot((True, False), ()), [])
    # the call's own rule, and the step that let it return (the view's clauses would be
    # EXE-MAP-EAGER, EXE-MAP-CLOSE-CANCELS and INV-PROGRESS)
    assert set(cites("shutdown.joins")) <= set(e.value.clauses) <= set(cites("shutdown.joins") + cites("join.returns"))
    assert not {"EXE-MAP-EAGER", "EXE-MAP-CLOSE-CANCELS", "INV-PROGRESS"} & set(e.value.clauses), e.value
    # a view no other result of the last call explains still names the view's own clauses
    o = _oracle(1)
    o.call(Submit(), Returned(0))
    o.call(Cancel(0), Returned(True))
    with pytest.raises(Violation) as e:
        o.snapshot(Snapshot((FutureView(FState.CANCELLED, None, (), True),), ()), [])
    assert "INV-CANCELLED-NEVER-RUNS" in e.value.clauses

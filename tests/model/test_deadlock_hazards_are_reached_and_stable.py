"""The docs' deadlock shapes in the model: a task that waits on another future holds its worker,
the two DL-* hazards are reachable, a deadlock is stable under internal steps, and only what
the docs call a deadlock is one."""

from __future__ import annotations

import pytest

from execspec.model import (
    BOUNDS, Cancel, InvalidOperation, Map, Submit, TaskKind, allowed, deadlocked, explore,
    hazard_clauses, initial, internal_successors,
)
from execspec.model.states import FState, State

_W = TaskKind.WAITS


def _only(s: State, op: object) -> State:
    (o,) = allowed(s, op)  # type: ignore[arg-type]
    return o.state


def _run(s: State, rule: str) -> State:
    return next(st.state for st in internal_successors(s) if st.rule == rule)


def test_a_waiting_task_returns_only_once_its_future_is_done() -> None:
    s = _run(_only(initial(2), Submit(_W, awaits=1)), "worker.takes")
    assert [st.rule for st in internal_successors(s)] == []  # waits on a future not made yet
    s = _run(_only(s, Submit()), "worker.takes")
    assert not deadlocked(s)
    s = _run(s, "task.returns")
    s = _run(s, "task.wait-returns")
    assert s.futures[0].state is FState.FINISHED and s.futures[0].outcome is not None


def test_self_submit_on_one_worker_is_the_documented_hazard_and_cancel_ends_it() -> None:
    s = _only(_run(_only(initial(1), Submit(_W, awaits=1)), "worker.takes"), Submit())
    assert deadlocked(s) and hazard_clauses(s) == ("DL-SELF-SUBMIT-SINGLE-WORKER",)
    assert internal_successors(s) == ()  # stable: no internal step leaves it
    after = _only(s, Cancel(1))  # the client can end it: the queued call is cancelled
    assert not deadlocked(after)
    assert [st.rule for st in internal_successors(after)] == ["task.wait-returns"]


def test_two_tasks_waiting_on_each_other_deadlock_however_many_workers() -> None:
    for workers in (1, 2, 3):
        s = _only(_only(initial(workers), Submit(_W, awaits=1)), Submit(_W, awaits=0))
        ends = set()
        todo, seen = [s], {s}
        while todo:
            t = todo.pop()
            steps = internal_successors(t)
            if not steps:
                ends.add(t)
            for st in steps:
                if st.state not in seen:
                    seen.add(st.state)
                    todo.append(st.state)
        assert ends and all(deadlocked(t) and "DL-MUTUAL-WAIT" in hazard_clauses(t) for t in ends), workers


def test_a_free_worker_is_no_deadlock() -> None:
    s = _only(_run(_only(initial(2), Submit(_W, awaits=1)), "worker.takes"), Submit())
    assert not deadlocked(s)  # the second worker takes f1 (TPE-IDLE-REUSE, TPE-MAX-WORKERS-BOUND)
    assert "worker.takes" in [st.rule for st in internal_successors(s)]


def test_a_wait_on_a_bare_or_unmade_future_is_no_deadlock() -> None:
    from execspec.model import NewFuture

    s = _run(_only(initial(1), Submit(_W, awaits=1)), "worker.takes")
    assert not deadlocked(s)  # f1 does not exist yet: the client may still make it
    s = _only(s, NewFuture())
    assert not deadlocked(s)  # a bare future: the client may still set it


@pytest.mark.parametrize("name", ["waits-w1", "waits-w2"])
def test_the_explorer_reaches_the_docs_deadlocks(name: str) -> None:
    seen: set[tuple[str, ...]] = set()

    def visit(_: State, __: str, t: State) -> None:
        if deadlocked(t):
            seen.add(hazard_clauses(t))
            assert internal_successors(t) == () or all(deadlocked(st.state) for st in internal_successors(t))

    assert explore(BOUNDS[name], visit=visit).ok
    reached = {c for cs in seen for c in cs}
    want = {"DL-MUTUAL-WAIT", "DL-SELF-SUBMIT-SINGLE-WORKER"} if name == "waits-w1" else {"DL-MUTUAL-WAIT"}
    assert reached == want


def test_a_waiting_task_must_name_another_future() -> None:
    with pytest.raises(InvalidOperation, match="names the future"):
        allowed(initial(), Submit(_W))
    with pytest.raises(InvalidOperation, match="its own future"):
        allowed(initial(), Submit(_W, awaits=0))
    with pytest.raises(InvalidOperation, match="map"):
        allowed(initial(), Map((_W,)))

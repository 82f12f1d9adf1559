"""The docs' two deadlock shapes run through the machine: reaching one is the documented hazard
(recorded, the example ended, every waiting task released), never a violation; their near
misses must finish; a task waiting on a future cannot be run by the cross-process kits, which
say why; and the oracle rejects a waiting task that returns before its future is done."""

from __future__ import annotations

from typing import Any

import pytest

from execspec.conformance.driver import Snapshot
from execspec.conformance.kits import ThreadKit
from execspec.conformance.loading import NOT_APPLICABLE
from execspec.conformance.machine import Mode, machine_for
from execspec.conformance.oracle import Oracle, Violation
from execspec.conformance.shape_runner import run_shapes
from execspec.conformance.shapes import SHAPES, Shape
from execspec.model import FState, FutureView, InitKind, Ok, Returned, Submit, TaskKind
from execspec.targets import Target
from execspec.targets.kind import ExecutorKind

_DL = {s.name: s for s in SHAPES if "waiting" in s.name and s.name.startswith(("a task", "two tasks"))}
_HAZARD = {
    "a task waiting on the call queued behind it, one worker (DL-SELF-SUBMIT-SINGLE-WORKER)":
        ("DL-SELF-SUBMIT-SINGLE-WORKER",),
    "two tasks waiting on each other, two workers (DL-MUTUAL-WAIT)": ("DL-MUTUAL-WAIT",),
}
_CASES = [("impl", Mode.SHIM), ("impl", Mode.THREADS), ("stdlib", Mode.SHIM), ("stdlib", Mode.THREADS)]


def _run(target: str, mode: Mode, shape: Shape, **attrs: Any) -> Any:
    machine = machine_for(Target.parse(target), mode)
    for k, v in attrs.items():
        setattr(machine, k, v)
    machine.shrink_budget = 5.0
    made: list[Any] = []
    make = machine.make_session[0]

    def keep() -> Any:
        session = make()
        made.append(session)
        return session

    machine.make_session = [keep]
    assert run_shapes(machine, (shape,)) == 1
    return machine, made


def test_every_docs_deadlock_shape_and_near_miss_is_enumerated() -> None:
    assert set(_HAZARD) <= set(_DL) and len(_DL) == 5


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("target", "mode"), _CASES, ids=[f"{t}-{m.value}" for t, m in _CASES])
@pytest.mark.parametrize("name", sorted(_DL))
def test_a_docs_deadlock_is_a_hazard_and_its_near_misses_finish(target: str, mode: Mode, name: str) -> None:
    machine, sessions = _run(target, mode, _DL[name])
    assert not machine.found, f"{name}: {machine.found[0].violation}"
    want = _HAZARD.get(name)
    assert [h.clauses for h in machine.hazards] == ([want] if want else [])
    if want and mode is Mode.THREADS:  # the kit released the waiting tasks: every task ended
        (session,) = sessions
        for f in session.driver.futures:
            if f is not None:
                f.exception(timeout=5)  # raises TimeoutError if a task is still stuck


def test_the_machine_drives_nothing_after_a_hazard() -> None:
    shape = _DL["two tasks waiting on each other, two workers (DL-MUTUAL-WAIT)"]
    longer = Shape(shape.name, (*shape.steps, ("submit", {"kind": TaskKind.RETURNS, "gated": False})))
    machine, sessions = _run("impl", Mode.SHIM, longer)
    assert [h.clauses for h in machine.hazards] == [("DL-MUTUAL-WAIT",)]
    (session,) = sessions
    assert sum(1 for a in session.actions if type(a).__name__ == "Call") == 2  # the last submit never ran


def test_the_cross_process_kits_say_why_a_task_cannot_wait_on_a_future() -> None:
    for kind in (ExecutorKind.PROCESS_POOL, ExecutorKind.DISTRIBUTED):
        assert "another process" in NOT_APPLICABLE[kind]["submit_waiting"]
    assert "submit_waiting" not in NOT_APPLICABLE[ExecutorKind.IN_PROCESS_THREADS]
    shape = _DL["a task waiting on the call queued behind it, one worker (DL-SELF-SUBMIT-SINGLE-WORKER)"]
    machine, _ = _run("impl", Mode.THREADS, shape, not_applicable={"submit_waiting": "n/a here"})
    assert not machine.found and not machine.hazards  # the rule did nothing


def test_the_oracle_rejects_a_waiting_task_that_returns_before_its_future_is_done() -> None:
    o = Oracle()
    o.create(2, InitKind.NONE)
    o.call(Submit(TaskKind.WAITS, 1), Returned(0))
    with pytest.raises(Violation):
        o.snapshot(Snapshot((FutureView(FState.FINISHED, Ok(0), (), True),), ()), [])


def test_the_thread_kit_releases_a_task_waiting_on_a_future_never_made() -> None:
    import threading

    kit = ThreadKit(threading, gate_bound=10.0)
    kit.prepare(0, TaskKind.WAITS, gated=False)
    kit.prepare_wait(0, 1, [])
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(kit.fn(0)), daemon=True)
    t.start()
    t.join(0.1)
    assert not out, "the task returned although its future was never made"
    kit.close()
    t.join(5)
    assert out == [0]


def test_coverage_lists_the_deadlock_clauses_as_exercised_by_the_machine() -> None:
    from execspec.conformance.coverage import coverage

    machine, _, rest = coverage()
    assert {"DL-MUTUAL-WAIT", "DL-SELF-SUBMIT-SINGLE-WORKER", "INV-RUNNING-HAS-WORKER"} <= machine
    assert not [u for u in rest if u.clause.startswith("DL-")]

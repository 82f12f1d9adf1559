"""The model's answers for single operations, clause by clause (each test names its clause)."""

from __future__ import annotations

from execspec.model import (
    CPYTHON,
    AddDoneCallback,
    AsCompleted,
    AsCompletedNext,
    Blocked,
    Cancel,
    DoneAndNotDone,
    DropExecutor,
    Err,
    FState,
    GetException,
    GetResult,
    InitKind,
    InterpreterExit,
    InvalidOperation,
    Map,
    NewFuture,
    Ok,
    Op,
    Options,
    Phase,
    Query,
    Raised,
    Returned,
    ReturnWhen,
    SetException,
    SetResult,
    SetRunningOrNotifyCancel,
    Shutdown,
    State,
    Submit,
    TaskKind,
    Timeout,
    Wait,
    allowed,
    initial,
    internal_successors,
    phase,
)
from execspec.model.invariants import violated_in_state
from execspec.model.states import DOCS

import pytest


def one(s: State, op: Op, opts: Options = DOCS) -> tuple[object, State, str]:
    """The single outcome of a deterministic operation."""
    (o,) = allowed(s, op, opts)
    return o.result, o.state, o.rule


def step(s: State, rule: str, label_part: str = "", opts: Options = DOCS) -> State:
    """Take the internal step with this rule (and label fragment)."""
    matches = [st for st in internal_successors(s, opts) if st.rule == rule and label_part in st.label]
    assert matches, f"no {rule} step among {[st.label for st in internal_successors(s, opts)]}"
    return matches[0].state


def running(max_workers: int = 1, task: TaskKind = TaskKind.RETURNS) -> State:
    _, s, _ = one(initial(max_workers), Submit(task))
    return step(s, "worker.takes")


def test_fut_create_pending_and_lazy_threads() -> None:
    s = initial(2)
    assert s.pool.workers == ()  # TPE-LAZY-THREADS
    r, s, rule = one(s, Submit())
    assert r == Returned(0) and s.futures[0].state is FState.PENDING and rule == "submit.accepted"
    assert len(s.pool.workers) == 1


def test_tpe_idle_reuse_no_new_thread_while_an_idle_worker_is_free() -> None:
    s = running()
    s = step(s, "task.returns")
    _, s, _ = one(s, Submit())
    assert len(s.pool.workers) == 1
    _, s, _ = one(initial(3), Submit())
    _, s, _ = one(s, Submit())  # the first worker has not taken f0 yet: a second is spawned
    assert len(s.pool.workers) == 2


def test_tpe_max_workers_bound() -> None:
    s = initial(1)
    for _ in range(3):
        _, s, _ = one(s, Submit())
    assert len(s.pool.workers) == 1 and s.pool.queue == (0, 1, 2)


def test_fut_cancel_pending_running_finished_cancelled() -> None:
    _, s, _ = one(initial(1), Submit())
    r, s2, rule = one(s, Cancel(0))
    assert (r, s2.futures[0].state, rule) == (Returned(True), FState.CANCELLED, "cancel.pending")
    assert s2.pool.queue == ()
    assert one(s2, Cancel(0))[0] == Returned(True)  # FUT-CANCEL-CANCELLED
    s = running()
    assert one(s, Cancel(0))[:1] == (Returned(False),) and one(s, Cancel(0))[1] == s  # FUT-CANCEL-RUNNING
    s = step(s, "task.returns")
    assert one(s, Cancel(0))[0] == Returned(False)  # FUT-CANCEL-FINISHED


def test_fut_running_cancelled_done_queries() -> None:
    s = running()
    assert one(s, Query(0))[0] == Returned((False, True, False))
    s = step(s, "task.returns")
    assert one(s, Query(0))[0] == Returned((False, False, True))


def test_fut_result_value_raises_cancelled_timeout_waits() -> None:
    s = step(running(), "task.returns")
    assert one(s, GetResult(0, Timeout.ZERO))[0] == Returned(0)
    s = step(running(task=TaskKind.RAISES_FALSY), "task.raises")
    assert one(s, GetResult(0))[0] == Raised("FalsyError")  # FUT-RESULT-FALSY-EXC
    assert one(s, GetException(0))[0] == Returned(Err("FalsyError"))
    s = running()
    assert one(s, GetResult(0, Timeout.ZERO))[0] == Raised("TimeoutError")
    r, s2, _ = one(s, GetResult(0, Timeout.NONE))
    assert r == Blocked(0) and s2.waiters[0].blocked
    _, s, _ = one(initial(1), Submit())
    _, s, _ = one(s, Cancel(0))
    assert one(s, GetResult(0))[0] == Raised("CancelledError")
    assert one(s, GetException(0))[0] == Raised("CancelledError")


def test_fut_result_waits_then_wakes_with_the_value() -> None:
    _, s, _ = one(running(), GetResult(0))
    assert not [st for st in internal_successors(s) if st.rule == "waiter.wakes"]
    s = step(s, "task.returns")
    assert s.waiters[0].signalled  # FUT-WAKES-WAITERS
    s = step(s, "waiter.wakes")
    assert s.waiters[0].result == Returned(0)


def test_finite_timeout_fires_only_while_the_condition_fails() -> None:
    _, s, _ = one(running(), GetResult(0, Timeout.FINITE))
    assert any(st.rule == "waiter.times-out" for st in internal_successors(s))
    s = step(s, "task.returns")
    assert not any(st.rule == "waiter.times-out" for st in internal_successors(s))


def test_fut_cb_on_done_order_and_already_done() -> None:
    s = running()
    _, s, _ = one(s, AddDoneCallback(0))
    _, s, _ = one(s, AddDoneCallback(0))
    s = step(s, "task.returns")
    assert s.futures[0].called == ()  # called by the completing thread, one step each
    s = step(s, "callback.runs")
    s = step(s, "callback.runs")
    assert s.futures[0].called == (0, 1)  # FUT-CB-ORDER
    _, s, rule = one(s, AddDoneCallback(0))
    assert s.futures[0].called == (0, 1, 2) and rule == "callback.add-done"  # FUT-CB-ALREADY-DONE


def test_callback_added_while_earlier_ones_are_pending_may_run_now_or_behind() -> None:
    s = running()
    _, s, _ = one(s, AddDoneCallback(0))
    s = step(s, "task.returns")
    rules = {o.rule for o in allowed(s, AddDoneCallback(0))}
    assert rules == {"callback.add-done", "callback.add-behind"}


def test_cancel_calls_callbacks_in_the_cancelling_thread() -> None:
    _, s, _ = one(initial(1), Submit())
    _, s, _ = one(s, AddDoneCallback(0))
    _, s, _ = one(s, Cancel(0))
    assert s.futures[0].called == (0,)  # FUT-CB-THREAD: before cancel() returns


def test_fut_srn_and_set_on_bare_futures() -> None:
    _, s, _ = one(initial(), NewFuture())
    r, s2, _ = one(s, SetRunningOrNotifyCancel(0))
    assert r == Returned(True) and s2.futures[0].state is FState.RUNNING
    assert one(s2, SetRunningOrNotifyCancel(0))[0] == Raised("RuntimeError")  # FUT-SRN-OTHER
    _, s3, _ = one(s, Cancel(0))
    assert one(s3, SetRunningOrNotifyCancel(0))[0] == Returned(False)  # FUT-SRN-CANCELLED
    _, s4, _ = one(s, SetResult(0, "v"))  # FUT-SET-ON-PENDING
    assert s4.futures[0].outcome == Ok("v")
    assert one(s4, SetException(0))[0] == Raised("InvalidStateError")  # FUT-SET-INVALID
    assert one(s3, SetResult(0))[0] == Raised("InvalidStateError")


def test_bare_future_methods_are_refused_on_pool_futures() -> None:
    _, s, _ = one(initial(), Submit())
    with pytest.raises(InvalidOperation, match="NewFuture"):
        allowed(s, SetResult(0))
    with pytest.raises(InvalidOperation, match="no future 3"):
        allowed(s, Cancel(3))


def test_exe_submit_and_map_after_shutdown_raise_runtime_error() -> None:
    _, s, _ = one(initial(), Shutdown(wait=False))
    assert one(s, Submit())[0] == Raised("RuntimeError")
    assert one(s, Map((TaskKind.RETURNS,)))[0] == Raised("RuntimeError")


def test_exe_map_submits_every_item_at_once_in_order() -> None:
    r, s, rule = one(initial(2), Map((TaskKind.RETURNS, TaskKind.RAISES, TaskKind.RETURNS)))
    assert r == Returned((0, 1, 2)) and s.pool.queue == (0, 1, 2) and rule == "map.accepted"


def test_exe_shutdown_cancel_futures_keeps_running_ones() -> None:
    s = running()
    _, s, _ = one(s, Submit())
    r, s, _ = one(s, Shutdown(wait=True, cancel_futures=True))
    assert isinstance(r, Blocked)
    assert [f.state for f in s.futures] == [FState.RUNNING, FState.CANCELLED]
    s = step(s, "task.returns")
    s = step(s, "worker.exits")
    s = step(s, "join.returns")
    assert s.pool.joined and phase(s.pool) is Phase.TERMINATED


def test_exe_shutdown_cancel_taken_by_the_docs_a_take_is_one_step() -> None:
    _, queued, _ = one(initial(), Submit())
    assert [st.rule for st in internal_successors(queued)] == ["worker.takes"]
    _, s, _ = one(queued, Shutdown(wait=False, cancel_futures=True))
    assert s.futures[0].state is FState.CANCELLED  # still queued: cancelled
    _, s, _ = one(step(queued, "worker.takes"), Shutdown(wait=False, cancel_futures=True))
    assert s.futures[0].state is FState.RUNNING  # begun: left alone (EXE-SHUTDOWN-KEEPS-RUNNING)


@pytest.mark.parametrize("opts", [Options(take_then_start=True), CPYTHON],
                         ids=["take_then_start", "CPYTHON"])
def test_exe_shutdown_cancel_taken_cpython_leaves_a_taken_call_pending_and_runs_it(
        opts: Options) -> None:
    _, s, _ = one(initial(), Submit(), opts)
    assert [st.rule for st in internal_successors(s, opts)] == ["worker.dequeues"]
    s = step(s, "worker.dequeues", opts=opts)
    assert s.futures[0].state is FState.PENDING and s.pool.queue == ()
    assert not violated_in_state(s, opts, quiescent=False)
    r, s, rule = one(s, Shutdown(wait=False, cancel_futures=True), opts)
    assert r == Returned(None) and rule == "shutdown.returns"
    assert s.futures[0].state is FState.PENDING  # not in the queue, so not cancelled
    assert [st.rule for st in internal_successors(s, opts)] == ["worker.starts"]
    s = step(s, "worker.starts", opts=opts)
    assert s.futures[0].state is FState.RUNNING and s.futures[0].runs == 1  # it runs after all
    s = step(step(s, "task.returns", opts=opts), "worker.exits", opts=opts)
    assert s.futures[0].outcome == Ok(0) and phase(s.pool) is Phase.TERMINATED


@pytest.mark.parametrize("opts", [Options(take_then_start=True), CPYTHON],
                         ids=["take_then_start", "CPYTHON"])
def test_exe_shutdown_cancel_taken_cpython_cancel_in_the_window_succeeds_and_is_skipped(
        opts: Options) -> None:
    _, s, _ = one(initial(), Submit(), opts)
    s = step(s, "worker.dequeues", opts=opts)
    r, s, rule = one(s, Cancel(0), opts)
    assert r == Returned(True) and rule == "cancel.pending"  # FUT-CANCEL-PENDING: it is pending
    assert [st.rule for st in internal_successors(s, opts)] == ["worker.skips-cancelled"]
    s = step(s, "worker.skips-cancelled", opts=opts)
    f = s.futures[0]
    assert f.state is FState.CANCELLED and f.runs == 0 and f.notified  # FUT-SRN-CANCELLED
    assert phase(s.pool) is Phase.OPEN and s.pool.idle() == 1


def test_exe_shutdown_repeat_is_harmless() -> None:
    _, s, _ = one(initial(), Shutdown(wait=True))
    assert one(s, Shutdown(wait=True))[0] == Returned(None)


def _fail_the_queue(s: State, opts: Options = DOCS) -> State:
    """Take the steps a broken pool's failing worker takes: fail each queued call, in order."""
    while s.pool.queue:
        s = step(s, "pool.fails-queued", opts=opts)
    return s


def test_tpe_initializer_fails_breaks_the_pool_and_pending_futures() -> None:
    _, s, _ = one(initial(2, InitKind.FAILS), Submit())
    _, s, _ = one(s, Submit())
    s = step(s, "worker.init-fails")
    assert s.pool.broken and phase(s.pool) is Phase.BROKEN
    # TPE-INITIALIZER-FAILS-SUBMIT: refused at once, before the queued calls have failed
    assert one(s, Submit())[0] == Raised("BrokenThreadPool")
    assert all(f.state is FState.PENDING for f in s.futures)  # a real instant: flag set, queue not failed yet
    s = _fail_the_queue(s)
    assert all(f.outcome == Err("BrokenThreadPool") for f in s.futures)
    assert one(s, Submit())[0] == Raised("BrokenThreadPool")


def _dropped_before_the_initializer_fails(opts: Options) -> State:
    """Two queued calls on a two-worker pool whose initializer fails, then the executor dropped."""
    _, s, _ = one(initial(2, InitKind.FAILS), Submit(), opts)
    _, s, _ = one(s, Submit(), opts)
    _, s, _ = one(s, DropExecutor(), opts)
    assert len(s.pool.workers) == 2 and s.pool.queue == (0, 1) and s.pool.dropped
    return s


def test_tpe_initializer_fails_dropped_still_breaks_the_queued_futures_by_the_docs() -> None:
    s = _dropped_before_the_initializer_fails(DOCS)
    assert {st.rule for st in internal_successors(s, DOCS)} == {"worker.init-fails"}
    s = _fail_the_queue(step(s, "worker.init-fails"))
    assert s.pool.broken and s.pool.queue == ()
    assert all(f.state is FState.FINISHED and f.outcome == Err("BrokenThreadPool") for f in s.futures)
    assert one(s, GetResult(0))[0] == Raised("BrokenThreadPool")
    s = step(step(s, "worker.exits-broken"), "worker.exits-broken")  # both failed workers leave
    assert s.pool.workers == () and internal_successors(s, DOCS) == ()
    assert not violated_in_state(s, DOCS, quiescent=True)


@pytest.mark.parametrize("opts", [Options(gc_strands_init_failure=True), CPYTHON],
                         ids=["gc_strands_init_failure", "CPYTHON"])
def test_tpe_initializer_fails_dropped_cpython_strands_the_queued_futures(opts: Options) -> None:
    s = _dropped_before_the_initializer_fails(opts)
    assert {st.rule for st in internal_successors(s, opts)} == {"worker.init-fails-unseen"}
    s = step(s, "worker.init-fails-unseen", opts=opts)
    s = step(s, "worker.init-fails-unseen", opts=opts)
    # every worker exited without breaking the pool; nothing will ever finish the futures
    assert s.pool.workers == () and s.pool.queue == () and not s.pool.broken
    assert all(f.state is FState.PENDING and f.outcome is None for f in s.futures)
    assert internal_successors(s, opts) == ()
    assert one(s, GetResult(0, Timeout.ZERO), opts)[0] == Raised("TimeoutError")
    r, blocked, _ = one(s, GetResult(0), opts)
    assert isinstance(r, Blocked) and internal_successors(blocked, opts) == ()  # blocks forever
    assert not violated_in_state(blocked, opts, quiescent=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_tpe_initializer_fails_cancelled_cpython_drain_dies_at_the_cancelled_call(workers: int) -> None:
    """TPE-INITIALIZER-FAILS-CANCELLED: three calls, the middle one cancelled while queued. The
    docs fail the other two; CPython's drain dies at the cancelled one, and with no other worker
    left to fail its initializer, the third stays pending for good."""
    cpython = Options(fifo=True, gh92001=True, drain_stops_at_cancelled=True)
    for opts in (DOCS, cpython):
        s = initial(workers, InitKind.FAILS)
        for _ in range(3):
            _, s, _ = one(s, Submit(), opts)
        r, s, _ = one(s, Cancel(1), opts)
        assert r == Returned(True)
        s = step(s, "worker.init-fails", opts=opts)
        if opts is DOCS:
            s = _fail_the_queue(s, opts)
            assert [f.outcome for f in (s.futures[0], s.futures[2])] == [Err("BrokenThreadPool")] * 2
            continue
        s = step(s, "pool.fails-queued", opts=opts)  # f0 fails
        s = step(s, "pool.drain-dies", opts=opts)  # f1 is cancelled: set_exception() raises
        assert s.futures[0].outcome == Err("BrokenThreadPool") and s.futures[2].state is FState.PENDING
        if workers == 1:  # nobody is left to drain: the third call is stranded
            assert internal_successors(s, opts) == ()
        else:  # the second worker's initializer fails too, and its drain fails the rest
            s = step(s, "pool.fails-queued", opts=opts)
            assert s.futures[2].outcome == Err("BrokenThreadPool")


def test_the_stranding_needs_a_dropped_pool() -> None:
    opts = Options(gc_strands_init_failure=True)
    _, s, _ = one(initial(1, InitKind.FAILS), Submit(), opts)
    s = _fail_the_queue(step(s, "worker.init-fails", opts=opts), opts)  # still referenced: broken as documented
    assert s.pool.broken and s.futures[0].outcome == Err("BrokenThreadPool")


def test_broken_and_shut_down_pool_may_refuse_either_way() -> None:
    _, s, _ = one(initial(1, InitKind.FAILS), Submit())
    s = step(s, "worker.init-fails")
    _, s, _ = one(s, Shutdown(wait=False))
    assert {o.result for o in allowed(s, Submit())} == {Raised("BrokenThreadPool"), Raised("RuntimeError")}


def test_tpe_interpreter_exit_runs_queued_work_then_joins() -> None:
    _, s, _ = one(initial(1), Submit())
    r, s, _ = one(s, InterpreterExit())
    assert isinstance(r, Blocked)
    assert one(s, Submit())[0] == Raised("RuntimeError")  # TPE-SUBMIT-AFTER-EXIT
    s = step(s, "worker.takes")
    assert not any(st.rule == "join.returns" for st in internal_successors(s))


def test_tpe_gc_dropped_workers_finish_the_queue_and_exit() -> None:
    _, s, _ = one(initial(1), Submit())
    _, s, _ = one(s, DropExecutor())
    with pytest.raises(InvalidOperation, match="dropped"):
        allowed(s, Submit())
    s = step(step(step(s, "worker.takes"), "task.returns"), "worker.exits")
    assert s.futures[0].state is FState.FINISHED and s.pool.workers == ()


def test_wait_each_return_when_and_timeout() -> None:
    s = running(2)
    _, s, _ = one(s, Submit(TaskKind.RAISES))
    assert one(s, Wait((0, 1), ReturnWhen.FIRST_COMPLETED, Timeout.ZERO))[0] == Returned(
        DoneAndNotDone(frozenset(), frozenset({0, 1}))
    )  # WAIT-TIMEOUT: returns, does not raise
    s = step(s, "worker.takes", "f1")
    s = step(s, "task.raises")
    for rw in (ReturnWhen.FIRST_COMPLETED, ReturnWhen.FIRST_EXCEPTION):
        r, _, rule = one(s, Wait((0, 1, 1), rw))
        assert r == Returned(DoneAndNotDone(frozenset({1}), frozenset({0}))) and rule == "wait.returns"
    assert isinstance(one(s, Wait((0, 1)))[0], Blocked)  # WAIT-DEFAULT-ALL
    assert one(s, Wait(()))[0] == Returned(DoneAndNotDone(frozenset(), frozenset()))  # WAIT-EMPTY


def test_wait_cancelled_counts_by_the_docs_not_in_cpython() -> None:
    s = running()
    _, s, _ = one(s, Submit())
    _, s, _ = one(s, Cancel(1))
    assert one(s, Wait((1,)))[0] == Returned(DoneAndNotDone(frozenset({1}), frozenset()))
    _, s, _ = one(running(), Submit(), CPYTHON)
    _, s, _ = one(s, Cancel(1), CPYTHON)
    r, s, _ = one(s, Wait((1,)), CPYTHON)  # gh-92001: blocks until a worker dequeues f1
    assert isinstance(r, Blocked)
    s = step(step(s, "task.returns", opts=CPYTHON), "worker.dequeues", opts=CPYTHON)
    assert not s.waiters[0].signalled  # taken off the queue, not yet noticed
    s = step(s, "worker.skips-cancelled", opts=CPYTHON)
    assert s.waiters[0].signalled


def test_as_completed_yields_done_first_then_in_completion_order() -> None:
    s = initial(2)
    for _ in range(3):
        _, s, _ = one(s, Submit())
    s = step(s, "worker.takes", "f2")
    s = step(s, "task.returns")
    r, s, _ = one(s, AsCompleted((0, 1, 2, 2)))
    assert r == Returned(0)
    r, s, _ = one(s, AsCompletedNext(0))
    assert r == Returned(2)  # AC-DONE-FIRST
    s = step(s, "worker.takes", "f1")
    s = step(s, "worker.takes", "f0")
    s = step(s, "task.returns", "f1")
    s = step(s, "task.returns", "f0")
    r, s, _ = one(s, AsCompletedNext(0))
    assert r == Returned(1)  # AC-YIELDS-AS-COMPLETE: f1 completed before f0
    r, s, _ = one(s, AsCompletedNext(0))
    assert r == Returned(0)
    assert one(s, AsCompletedNext(0))[0] == Raised("StopIteration")


def test_as_completed_empty_stops_and_timeout_zero_raises() -> None:
    _, s, _ = one(initial(), AsCompleted(()))
    assert one(s, AsCompletedNext(0))[0] == Raised("StopIteration")  # AC-EMPTY
    _, s, _ = one(running(), AsCompleted((0,), Timeout.ZERO))
    assert one(s, AsCompletedNext(0))[0] == Raised("TimeoutError")  # AC-TIMEOUT


def test_tpe_fifo_start_is_cpythons_choice_not_the_docs() -> None:
    s = initial(1)
    for _ in range(2):
        _, s, _ = one(s, Submit())
    assert {st.label for st in internal_successors(s) if st.rule == "worker.takes"} == {
        "worker starts f0", "worker starts f1"}
    fifo = Options(fifo=True)
    assert {st.label for st in internal_successors(s, fifo) if st.rule == "worker.takes"} == {
        "worker starts f0"}
    assert {st.label for st in internal_successors(s, CPYTHON) if st.rule == "worker.dequeues"} == {
        "worker takes f0 off the queue"}


def test_gh132063_cpython_returned_none_for_a_falsy_exception() -> None:
    s = step(running(task=TaskKind.RAISES_FALSY), "task.raises")
    assert one(s, GetResult(0), CPYTHON)[0] == Returned(None)
    assert one(s, GetException(0), CPYTHON)[0] == Returned(Err("FalsyError"))
    s = step(running(task=TaskKind.RAISES), "task.raises")
    assert one(s, GetResult(0), CPYTHON)[0] == Raised("TaskError")  # only falsy ones


def test_map_on_a_broken_pool_raises_broken_thread_pool() -> None:
    _, s, _ = one(initial(1, InitKind.FAILS), Submit())
    s = step(s, "worker.init-fails")
    assert allowed(s, Map((TaskKind.RETURNS,))) == frozenset(
        {o for o in allowed(s, Map((TaskKind.RETURNS,))) if o.rule == "map.broken"}
    )
    assert one(s, Map((TaskKind.RETURNS,)))[0] == Raised("BrokenThreadPool")

"""Clause checks: small scenarios, each naming the clauses it exercises.

A check is a function of a :class:`~execspec.conformance.scenarios.world.World` — the
executor module under test, a factory that makes executors, and the ``threading`` to
coordinate with — that raises ``AssertionError`` with a message when the executor breaks the
clause. The same check runs on real threads
(bounded real waits) and under the scheduler shim (virtual time, controlled interleavings),
because everything it touches comes from the World.

These are the deterministic seed of the conformance suite; the Hypothesis state machine of
the roadmap generalises them.
"""

from __future__ import annotations

from typing import Any, Callable

from execspec.conformance.scenarios.world import (
    BOUND,
    Check,
    Falsy,
    Gate,
    World,
    cancel_behind_busy_worker,
    expect,
    raise_,
)

__all__ = ["CHECKS", "check"]

CHECKS: list[Check] = []


def check(*clauses: str, needs: str | None = None) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    """Register a check for the given clause IDs (``needs``: see ``Check.needs``)."""

    def register(fn: Callable[[World], None]) -> Callable[[World], None]:
        CHECKS.append(Check(fn.__name__, clauses, fn, needs))
        return fn

    return register


@check("EXE-SUBMIT-RETURNS-FUTURE", "EXE-SUBMIT-CALL", "FUT-RESULT-VALUE")
def submit_returns_the_call_result(w: World) -> None:
    with w.make(max_workers=2) as ex:
        fut = ex.submit(pow, 3, 4)
        assert fut.result(BOUND) == 81, "result() is not the call's return value"
        fut = ex.submit(dict, fn=1, a=2)
        assert fut.result(BOUND) == {"fn": 1, "a": 2}, "keyword arguments did not reach the call"


@check("FUT-RESULT-RAISES", "FUT-EXCEPTION-VALUE")
def result_raises_the_call_exception(w: World) -> None:
    with w.make(max_workers=1) as ex:
        fut = ex.submit(raise_, KeyError("k"))
        expect(KeyError, lambda: fut.result(BOUND), "result() did not raise the call's exception")
        assert isinstance(fut.exception(BOUND), KeyError), "exception() is not the call's exception"


@check("FUT-RESULT-FALSY-EXC")
def result_raises_a_falsy_exception(w: World) -> None:
    with w.make(max_workers=1) as ex:
        fut = ex.submit(raise_, Falsy())
        expect(Falsy, lambda: fut.result(BOUND), "result() did not raise a falsy exception")


@check("FUT-CANCEL-PENDING", "FUT-CANCELLED", "FUT-DONE", "FUT-RESULT-CANCELLED")
def cancel_of_a_queued_future_succeeds(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        queued = cancel_behind_busy_worker(ex, gate)
        assert queued.cancelled() and queued.done(), "a cancelled future is not cancelled() and done()"
        gate.release.set()
        expect(w.cf.CancelledError, lambda: queued.result(BOUND),
                "result() of a cancelled future did not raise CancelledError")


@check("FUT-CANCEL-RUNNING", "FUT-RUNNING")
def cancel_of_a_running_future_fails(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        fut = ex.submit(gate, "ran")
        gate.wait_started()
        assert fut.running(), "running() is False while the call runs"
        assert fut.cancel() is False, "cancel() of a running future returned True"
        assert not fut.cancelled(), "a running future became cancelled"
        gate.release.set()
        assert fut.result(BOUND) == "ran", "the running call did not finish normally"


@check("FUT-CANCEL-FINISHED", "INV-TERMINAL-STABLE")
def cancel_of_a_finished_future_fails(w: World) -> None:
    with w.make(max_workers=1) as ex:
        fut = ex.submit(pow, 2, 3)
        assert fut.result(BOUND) == 8
        assert fut.cancel() is False, "cancel() of a finished future returned True"
        assert fut.result(0) == 8 and not fut.cancelled(), "a finished future changed"


@check("FUT-RESULT-TIMEOUT", "EXC-TIMEOUT")
def result_times_out_on_a_running_future(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        fut = ex.submit(gate)
        gate.wait_started()
        expect(w.cf.TimeoutError, lambda: fut.result(timeout=0),
                "result(timeout=0) on a running future did not raise TimeoutError")


@check("FUT-CB-ON-DONE", "FUT-CB-ORDER", "FUT-CB-ONCE", "INV-CB-EXACTLY-ONCE")
def callbacks_run_once_in_order(w: World) -> None:
    seen: list[tuple[str, Any]] = []
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        fut = ex.submit(gate, 1)
        fut.add_done_callback(lambda f: seen.append(("a", f)))
        fut.add_done_callback(lambda f: seen.append(("b", f)))
        gate.release.set()
        fut.result(BOUND)
    assert [name for name, _ in seen] == ["a", "b"], f"callbacks ran as {seen!r}"
    assert all(f is fut for _, f in seen), "a callback was not passed its future"


@check("FUT-CB-ALREADY-DONE")
def callback_on_a_done_future_runs_at_once(w: World) -> None:
    with w.make(max_workers=1) as ex:
        fut = ex.submit(pow, 2, 2)
        fut.result(BOUND)
        seen: list[object] = []
        fut.add_done_callback(seen.append)
        assert seen == [fut], "a callback added to a done future did not run immediately"


@check("FUT-CB-RAISES")
def a_raising_callback_does_not_stop_the_others(w: World) -> None:
    with w.make(max_workers=1) as ex:
        fut = ex.submit(pow, 2, 2)
        fut.result(BOUND)
        seen: list[object] = []
        fut.add_done_callback(lambda f: raise_(ValueError("callback failure, expected by the check")))
        fut.add_done_callback(seen.append)
        assert seen == [fut], "a callback after a raising one did not run"


@check("EXE-SUBMIT-AFTER-SHUTDOWN", "EXE-SHUTDOWN-REPEAT")
def submit_after_shutdown_raises(w: World) -> None:
    ex = w.make(max_workers=1)
    ex.shutdown(wait=True)
    ex.shutdown(wait=True)
    expect(RuntimeError, lambda: ex.submit(pow, 2, 2), "submit() after shutdown() did not raise RuntimeError")


@check("EXE-SHUTDOWN-WAIT", "INV-SHUTDOWN-WAIT-ALL-DONE")
def shutdown_wait_returns_after_all_work(w: World) -> None:
    ex = w.make(max_workers=2)
    gate = Gate(w)
    # Another thread releases the gate once it runs, racing shutdown(wait=True): whichever way
    # the race goes (and under the shim both ways are explored), shutdown must not return early.
    def release_once_started() -> None:
        gate.wait_started()
        gate.release.set()

    releaser = w.threading.Thread(target=release_once_started)
    releaser.start()
    futures = [ex.submit(gate, 0)] + [ex.submit(pow, 2, i) for i in range(4)]
    ex.shutdown(wait=True)
    assert all(f.done() for f in futures), "shutdown(wait=True) returned before all work was done"
    releaser.join(BOUND)


@check("EXE-SHUTDOWN-CANCEL-FUTURES", "EXE-SHUTDOWN-KEEPS-RUNNING")
def shutdown_cancel_futures_cancels_only_queued_work(w: World) -> None:
    gate = Gate(w)
    ex = w.make(max_workers=1)
    running = ex.submit(gate, "ran")
    gate.wait_started()
    queued = [ex.submit(pow, 2, i) for i in range(3)]
    ex.shutdown(wait=False, cancel_futures=True)
    assert all(f.cancelled() for f in queued), "shutdown(cancel_futures=True) left queued work"
    gate.release.set()
    assert running.result(BOUND) == "ran", "the running call was disturbed by shutdown"
    ex.shutdown(wait=True)


@check("EXE-CONTEXT-ENTER", "EXE-CONTEXT-EXIT")
def the_with_block_shuts_down_and_waits(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        assert ex is not None
        fut = ex.submit(gate, 1)
        gate.release.set()
    assert fut.done(), "leaving the with block did not wait for the work"
    expect(RuntimeError, lambda: ex.submit(pow, 1, 1), "the with block did not shut the executor down")


@check("EXE-MAP-ORDER", "EXE-MAP-ZIP")
def map_yields_results_in_input_order(w: World) -> None:
    with w.make(max_workers=3) as ex:
        out = list(ex.map(pow, [2, 3, 4, 5], [2, 2, 2]))
    assert out == [4, 9, 16], f"map gave {out!r}"


@check("EXE-MAP-EXCEPTION")
def map_raises_when_the_failing_item_is_reached(w: World) -> None:
    with w.make(max_workers=2) as ex:
        it = ex.map(lambda x: 10 // x, [5, 0, 2])
        assert next(it) == 2
        expect(ZeroDivisionError, lambda: next(it), "map did not raise the call's exception at its item")


@check("WAIT-FIRST-COMPLETED", "WAIT-RETURNS-SETS")
def wait_first_completed_returns_with_one_done(w: World) -> None:
    with w.make(max_workers=2) as ex, Gate(w) as gate:
        slow = ex.submit(gate)
        quick = ex.submit(pow, 2, 2)
        done, not_done = w.cf.wait([slow, quick], timeout=BOUND, return_when=w.cf.FIRST_COMPLETED)
        gate.release.set()
    assert quick in done and slow in not_done, f"wait gave done={done!r}"


@check("WAIT-DUPLICATES", "WAIT-ALL-COMPLETED")
def wait_counts_duplicates_once(w: World) -> None:
    with w.make(max_workers=2) as ex:
        fut = ex.submit(pow, 2, 2)
        done, not_done = w.cf.wait([fut, fut, fut], timeout=BOUND)
    assert done == {fut} and not not_done, "wait did not collapse duplicates"


@check("WAIT-CANCELLED-COUNTS")
def wait_counts_a_cancelled_future_as_done(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        queued = cancel_behind_busy_worker(ex, gate)
        done, _ = w.cf.wait([queued], timeout=0, return_when=w.cf.FIRST_COMPLETED)
        gate.release.set()
    assert queued in done, "wait did not count a future cancelled by cancel() as done (gh-92001)"


@check("AC-CANCELLED-COUNTS")
def as_completed_yields_a_cancelled_future(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        queued = cancel_behind_busy_worker(ex, gate)
        try:
            got = list(w.cf.as_completed([queued], timeout=0))
        except w.cf.TimeoutError:
            got = []
        finally:
            gate.release.set()
    assert got == [queued], "as_completed did not yield a future cancelled by cancel() (gh-92001)"


@check("AC-YIELDS-AS-COMPLETE", "AC-DUPLICATES", "AC-DONE-FIRST")
def as_completed_yields_each_future_once(w: World) -> None:
    with w.make(max_workers=2) as ex:
        futs = [ex.submit(pow, 2, i) for i in range(4)]
        got = list(w.cf.as_completed(futs + futs[:2], timeout=BOUND))
    assert sorted(map(id, got)) == sorted(map(id, futs)), "as_completed did not yield each future once"


@check("AC-TIMEOUT")
def as_completed_times_out(w: World) -> None:
    with w.make(max_workers=1) as ex, Gate(w) as gate:
        fut = ex.submit(gate)
        expect(w.cf.TimeoutError, lambda: list(w.cf.as_completed([fut], timeout=0)),
                "as_completed(timeout=0) on a running future did not time out")


@check("TPE-INITIALIZER-RUNS", needs="initializer")
def the_initializer_runs_in_each_worker(w: World) -> None:
    calls: list[object] = []
    with w.make(max_workers=1, initializer=calls.append, initargs=("init",)) as ex:
        ex.submit(pow, 1, 1).result(BOUND)
    assert calls == ["init"], f"initializer calls: {calls!r}"


@check("TPE-INITIALIZER-FAILS-PENDING", "TPE-INITIALIZER-FAILS-SUBMIT", "EXC-BROKEN-THREADPOOL",
       needs="initializer")
def a_failing_initializer_breaks_the_pool(w: World) -> None:
    ex = w.make(max_workers=1, initializer=raise_, initargs=(OSError("init failed, expected by the check"),))
    fut = ex.submit(pow, 2, 2)
    try:
        expect(w.cf.BrokenExecutor, lambda: fut.result(BOUND),
                "work queued on a pool whose initializer failed did not raise BrokenExecutor")
        expect(w.cf.BrokenExecutor, lambda: ex.submit(pow, 2, 2),
                "submit() to a broken pool did not raise BrokenExecutor")
    finally:
        ex.shutdown(wait=True)


@check("TPE-MAX-WORKERS-INVALID")
def max_workers_must_be_positive(w: World) -> None:
    for bad in (0, -1):
        expect(ValueError, lambda: w.make(max_workers=bad), f"max_workers={bad} was accepted")


@check("TPE-WORKER-SURVIVES-EXCEPTION")
def a_task_exception_leaves_the_worker_usable(w: World) -> None:
    with w.make(max_workers=1) as ex:
        ex.submit(raise_, ValueError("x")).exception(BOUND)
        assert ex.submit(pow, 2, 5).result(BOUND) == 32, "the pool stopped working after a task raised"

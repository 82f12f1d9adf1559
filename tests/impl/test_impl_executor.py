"""Executor API on the thread pool: submit, map, shutdown, context manager (EXE-*)."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Iterator

import pytest

import execspec.impl as impl
from execspec.impl import CancelledError, TimeoutError

from impl_support import BOUND, Gate


def test_submit_returns_a_future_and_calls_fn_with_args(ex: impl.ThreadPoolExecutor) -> None:
    f = ex.submit(lambda a, b=0, *, c: (a, b, c), 1, b=2, c=3)  # EXE-SUBMIT-CALL
    assert isinstance(f, impl.Future)  # EXE-SUBMIT-RETURNS-FUTURE
    assert f.result(BOUND) == (1, 2, 3)


def test_keyword_named_fn_is_passed_through(ex: impl.ThreadPoolExecutor) -> None:  # EXE-SUBMIT-FN-POSITIONAL
    assert ex.submit(dict, fn=1).result(BOUND) == {"fn": 1}


def test_exception_in_task_is_stored_not_raised(ex: impl.ThreadPoolExecutor) -> None:  # FUT-SET-EXCEPTION
    f = ex.submit(int, "x")
    assert isinstance(f.exception(BOUND), ValueError)
    with pytest.raises(ValueError):
        f.result()


def test_submit_after_shutdown_raises_runtime_error(ex: impl.ThreadPoolExecutor) -> None:  # EXE-SUBMIT-AFTER-SHUTDOWN
    ex.shutdown()
    with pytest.raises(RuntimeError, match="shutdown"):
        ex.submit(abs, 1)
    with pytest.raises(RuntimeError):  # EXE-MAP-AFTER-SHUTDOWN: at the call
        ex.map(abs, [1])


def test_map_yields_results_in_input_order(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-ORDER
    gates = [Gate() for _ in range(3)]
    it = ex.map(lambda g: g(id(g)), gates)
    for g in reversed(gates):  # finish them last-to-first
        g.wait_started()
        g.open()
    assert list(it) == [id(g) for g in gates]


def test_map_zips_and_stops_at_the_shortest(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-ZIP
    assert list(ex.map(pow, [2, 3, 4], [1, 2])) == [2, 9]
    assert list(ex.map(abs, [])) == []


def test_map_submits_everything_at_the_call(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-EAGER
    ran = threading.Semaphore(0)
    it = ex.map(lambda x: ran.release(), range(5))
    for _ in range(5):
        assert ran.acquire(timeout=BOUND), "map did not run every call before being iterated"
    assert len(list(it)) == 5


def test_map_raises_a_call_exception_where_its_result_would_be(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-EXCEPTION
    it = ex.map(lambda x: 1 // x, [1, 0, 1])
    assert next(it) == 1
    with pytest.raises(ZeroDivisionError):
        next(it)


def test_chunksize_makes_no_difference(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-CHUNKSIZE
    assert list(ex.map(abs, range(-5, 0), chunksize=3)) == [5, 4, 3, 2, 1]


def test_map_timeout_counts_from_the_call_and_cancels_the_rest(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # EXE-MAP-TIMEOUT, EXE-MAP-CLOSE-CANCELS
    after: list[int] = []
    it = ex1.map(lambda x: gate() if x == 0 else after.append(x), [0, 1, 2], timeout=0.05)
    with pytest.raises(TimeoutError):
        next(it)
    gate.open()
    ex1.shutdown(wait=True)
    assert after == []  # the calls queued behind the timed-out one were cancelled


def test_closing_a_started_map_iterator_cancels_pending_calls(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:  # EXE-MAP-CLOSE-CANCELS
    ran: list[int] = []
    it = ex1.map(lambda x: gate() if x == 1 else ran.append(x), range(4))
    assert next(it) is None  # started: only now does closing cancel (test_impl_map_abandoned.py)
    gate.wait_started()
    it.close()
    gate.open()
    ex1.shutdown(wait=True)
    assert ran == [0]


def test_buffersize_reads_inputs_lazily(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-BUFFERSIZE-LAZY
    read: list[int] = []

    def inputs() -> Iterator[int]:
        for i in itertools.count():
            read.append(i)
            yield i

    it = ex.map(abs, inputs(), buffersize=3)  # an infinite input is fine
    assert read == [0, 1, 2]
    assert [next(it) for _ in range(4)] == [0, 1, 2, 3]
    assert len(read) <= 3 + 4  # EXE-MAP-BUFFERSIZE: never more than buffersize ahead
    it.close()


def test_buffersize_bounds_calls_in_flight(ex: impl.ThreadPoolExecutor) -> None:  # EXE-MAP-BUFFERSIZE
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def call(x: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        with lock:
            in_flight -= 1
        return x

    it = ex.map(call, range(50), buffersize=2)
    submitted_ahead = []
    for x in it:
        submitted_ahead.append(x)
    assert submitted_ahead == list(range(50)) and peak <= 2


def test_map_with_buffersize_keeps_order_and_stops(ex: impl.ThreadPoolExecutor) -> None:
    assert list(ex.map(pow, range(10), itertools.repeat(2), buffersize=4)) == [x * x for x in range(10)]


def test_shutdown_wait_returns_after_queued_calls_ran(ex1: impl.ThreadPoolExecutor) -> None:  # EXE-SHUTDOWN-WAIT
    fs = [ex1.submit(abs, -i) for i in range(20)]
    ex1.shutdown(wait=True)
    assert all(f.done() for f in fs)  # INV-SHUTDOWN-WAIT-ALL-DONE
    assert not any(t.is_alive() for t in ex1._pool.threads)


def test_shutdown_nowait_returns_while_a_call_runs(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # EXE-SHUTDOWN-NOWAIT, EXE-SHUTDOWN-KEEPS-RUNNING
    f = ex1.submit(gate, "ran")
    queued = ex1.submit(abs, -1)
    gate.wait_started()
    ex1.shutdown(wait=False)
    assert f.running()
    gate.open()
    assert f.result(BOUND) == "ran" and queued.result(BOUND) == 1


def test_shutdown_cancel_futures_cancels_queued_not_running(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # EXE-SHUTDOWN-CANCEL-FUTURES, EXE-SHUTDOWN-KEEPS-RUNNING
    running = ex1.submit(gate, "ran")
    gate.wait_started()
    queued = [ex1.submit(abs, -i) for i in range(5)]
    ex1.shutdown(wait=False, cancel_futures=True)
    assert running.running()
    gate.open()
    ex1.shutdown(wait=True)
    assert running.result(0) == "ran"
    assert all(f.cancelled() for f in queued)
    with pytest.raises(CancelledError):
        queued[0].result(0)


def test_futures_cancelled_by_shutdown_count_as_done(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # EXE-SHUTDOWN-CANCELLED-DONE (gh-87893: CPython's wait/as_completed block on these forever)
    ex1.submit(gate)
    gate.wait_started()
    queued = [ex1.submit(abs, -i) for i in range(3)]
    ex1.shutdown(wait=False, cancel_futures=True)
    assert impl.wait(queued, timeout=BOUND) == (set(queued), set())
    assert set(impl.as_completed(queued, timeout=BOUND)) == set(queued)
    gate.open()


def test_shutdown_again_keeps_the_pool_shut_and_its_results(ex: impl.ThreadPoolExecutor) -> None:  # EXE-SHUTDOWN-REPEAT
    f = ex.submit(abs, -1)
    ex.shutdown()
    threads = list(ex._pool.threads)
    assert threads and not any(t.is_alive() for t in threads), "shutdown(wait=True) left a worker alive"
    ex.shutdown(wait=False)
    ex.shutdown(cancel_futures=True)  # nothing queued: cancels nothing, raises nothing
    assert f.result(0) == 1 and not f.cancelled()
    with pytest.raises(RuntimeError, match="after its shutdown"):
        ex.submit(abs, 1)
    assert list(ex._pool.threads) == threads, "a repeated shutdown started or lost workers"
    assert not any(t.is_alive() for t in threads)


def test_shutdown_from_inside_a_call_does_not_deadlock(ex1: impl.ThreadPoolExecutor) -> None:
    f = ex1.submit(lambda: ex1.shutdown(wait=True))
    assert f.exception(BOUND) is None


def test_context_manager_returns_self_and_waits_on_exit() -> None:  # EXE-CONTEXT-ENTER, EXE-CONTEXT-EXIT
    with impl.ThreadPoolExecutor(2) as ex:
        assert isinstance(ex, impl.ThreadPoolExecutor)
        fs = [ex.submit(abs, -i) for i in range(10)]
    assert all(f.done() for f in fs)
    with pytest.raises(RuntimeError):
        ex.submit(abs, 1)


def test_context_manager_does_not_swallow_exceptions() -> None:  # EXE-CONTEXT-EXCEPTION
    with pytest.raises(KeyError):
        with impl.ThreadPoolExecutor(1) as ex:
            f = ex.submit(abs, -1)
            raise KeyError
    assert f.result(0) == 1


def test_base_executor_needs_submit_and_provides_map() -> None:  # EXE-ABSTRACT
    class Inline(impl.Executor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> impl.Future[Any]:
            f: impl.Future[Any] = impl.Future()
            f.set_result(fn(*args, **kwargs))
            return f

    with Inline() as ex:
        assert list(ex.map(abs, [-1, -2])) == [1, 2]
    with pytest.raises(NotImplementedError):
        impl.Executor().submit(abs, 1)

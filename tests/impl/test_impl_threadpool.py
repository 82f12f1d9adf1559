"""ThreadPoolExecutor specifics: workers, names, initializer, reuse, order (TPE-*)."""

from __future__ import annotations

import os
import threading

import pytest

import execspec.impl as impl
from execspec.impl import BrokenThreadPool

from impl_support import BOUND, Gate


def test_default_max_workers_follows_cpu_count() -> None:
    # TPE-MAX-WORKERS-DEFAULT-38, TPE-MAX-WORKERS-DEFAULT-313 (process_cpu_count), never
    # TPE-MAX-WORKERS-DEFAULT-35 (five per CPU)
    cpus = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    ex = impl.ThreadPoolExecutor()
    assert ex._pool.max_workers == min(32, cpus + 4)
    ex.shutdown()


def test_threads_start_lazily_and_never_exceed_max_workers() -> None:
    # TPE-LAZY-THREADS, TPE-MAX-WORKERS-BOUND, INV-PROGRESS (queued calls start while capacity is free)
    ex = impl.ThreadPoolExecutor(3)
    assert len(ex._pool.threads) == 0
    gates = [Gate() for _ in range(6)]
    fs = [ex.submit(g) for g in gates]
    for g in gates[:3]:
        g.wait_started()
    assert len(ex._pool.threads) == 3  # INV-WORKERS-BOUNDED
    assert not gates[3].started.is_set()
    for g in gates:
        g.open()
    ex.shutdown()
    assert all(f.done() for f in fs) and len(ex._pool.threads) == 3


def test_idle_worker_is_reused_instead_of_starting_another() -> None:  # TPE-IDLE-REUSE
    ex = impl.ThreadPoolExecutor(8)
    for _ in range(50):
        ex.submit(abs, -1).result(BOUND)
    assert len(ex._pool.threads) == 1
    ex.shutdown()


def test_threads_are_named_with_the_prefix() -> None:  # TPE-THREAD-NAME-PREFIX
    with impl.ThreadPoolExecutor(1, thread_name_prefix="crunch") as ex:
        assert ex.submit(lambda: threading.current_thread().name).result(BOUND) == "crunch_0"
    with impl.ThreadPoolExecutor(1) as ex:
        assert ex.submit(lambda: threading.current_thread().name).result(BOUND).startswith("ThreadPoolExecutor-")


def test_initializer_runs_once_in_each_worker_before_calls() -> None:  # TPE-INITIALIZER-RUNS
    local = threading.local()
    calls: list[str] = []

    def init(tag: str) -> None:
        local.tag = tag
        calls.append(threading.current_thread().name)

    with impl.ThreadPoolExecutor(1, initializer=init, initargs=("x",)) as ex:
        assert [ex.submit(lambda: local.tag).result(BOUND) for _ in range(3)] == ["x"] * 3
    assert len(calls) == 1


def test_failing_initializer_breaks_the_pool(caplog: pytest.LogCaptureFixture) -> None:
    # TPE-INITIALIZER-FAILS-PENDING, TPE-INITIALIZER-FAILS-SUBMIT, INV-BROKEN-STICKY
    submitted = threading.Event()

    def init() -> None:
        assert submitted.wait(BOUND)  # fail only once all three calls are queued
        raise OSError("no resource")

    ex = impl.ThreadPoolExecutor(1, initializer=init)
    fs = [ex.submit(abs, -i) for i in range(3)]
    submitted.set()
    for f in fs:
        assert isinstance(f.exception(BOUND), BrokenThreadPool)
    with pytest.raises(BrokenThreadPool, match="initializer"):
        ex.submit(abs, 1)
    ex.shutdown()
    with pytest.raises(BrokenThreadPool):  # broken stays broken after shutdown
        ex.submit(abs, 1)
    assert any(r.levelname == "CRITICAL" for r in caplog.records)


def test_failing_initializer_skips_cancelled_futures() -> None:  # TPE-INITIALIZER-FAILS-PENDING
    go = threading.Event()

    def init() -> None:
        assert go.wait(BOUND)
        raise OSError

    ex = impl.ThreadPoolExecutor(1, initializer=init)
    a, b = ex.submit(abs, 1), ex.submit(abs, 2)
    assert b.cancel()
    go.set()
    assert isinstance(a.exception(BOUND), BrokenThreadPool) and b.cancelled()
    ex.shutdown()


def test_worker_survives_exceptions_in_calls(ex1: impl.ThreadPoolExecutor) -> None:  # TPE-WORKER-SURVIVES-EXCEPTION
    for exc in (ValueError, SystemExit, KeyboardInterrupt):
        assert isinstance(ex1.submit(_raise, exc).exception(BOUND), exc)
    assert ex1.submit(abs, -2).result(BOUND) == 2
    assert len(ex1._pool.threads) == 1


def _raise(exc: type[BaseException]) -> None:
    raise exc


def test_queued_calls_start_in_submission_order(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:  # TPE-FIFO-START
    order: list[int] = []
    ex1.submit(gate)
    gate.wait_started()
    fs = [ex1.submit(order.append, i) for i in range(20)]
    gate.open()
    for f in fs:
        f.result(BOUND)
    assert order == list(range(20))


def test_the_next_call_is_not_claimed_while_a_done_callback_runs(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # issue 12: a worker that finishes a call takes the next one in the same hold of the lock,
    # but not when callbacks are due: they run first (and may block), the next call stays queued
    in_callback, release = threading.Event(), threading.Event()
    first = ex1.submit(gate)
    gate.wait_started()
    first.add_done_callback(lambda _: (in_callback.set(), release.wait(BOUND)))
    second = ex1.submit(abs, -1)
    gate.open()
    assert in_callback.wait(BOUND)
    assert not second.running() and second.cancel()  # still queued, so still cancellable
    release.set()
    assert ex1.submit(abs, -2).result(BOUND) == 2


def test_cancelled_call_never_runs(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:  # INV-CANCELLED-NEVER-RUNS
    ran: list[int] = []
    ex1.submit(gate)
    gate.wait_started()
    f = ex1.submit(ran.append, 1)
    assert f.cancel()
    gate.open()
    ex1.submit(abs, 0).result(BOUND)
    assert ran == [] and f.cancelled()


def test_running_future_has_a_worker(ex: impl.ThreadPoolExecutor, gate: Gate) -> None:  # INV-RUNNING-HAS-WORKER
    f = ex.submit(gate)
    gate.wait_started()
    assert f.running() and not f.cancel()  # FUT-CANCEL-RUNNING
    gate.open()
    assert f.result(BOUND) is None


def test_each_call_runs_at_most_once_under_load(ex: impl.ThreadPoolExecutor) -> None:  # INV-RUN-AT-MOST-ONCE
    counts = [0] * 500
    lock = threading.Lock()

    def hit(i: int) -> None:
        with lock:
            counts[i] += 1

    fs = [ex.submit(hit, i) for i in range(500)]
    for f in fs[::7]:
        f.cancel()
    ex.shutdown()
    assert all(c == (0 if f.cancelled() else 1) for c, f in zip(counts, fs))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_base_exception_in_a_callback_costs_only_that_worker() -> None:  # FUT-CB-BASEEXCEPTION
    ex = impl.ThreadPoolExecutor(1)
    gate = Gate()
    f = ex.submit(gate)

    def interrupt(_: object) -> None:
        raise SystemExit  # kills the worker thread (quietly: SystemExit)

    f.add_done_callback(interrupt)
    (first,) = ex._pool.threads
    gate.open()
    assert f.result(BOUND) is None  # the future is done regardless
    first.join(BOUND)
    assert not first.is_alive()
    assert ex.submit(abs, -3).result(BOUND) == 3  # a new worker takes over
    ex.shutdown()


def test_self_submit_on_one_worker_waits_forever_within_bound(ex1: impl.ThreadPoolExecutor) -> None:
    # DL-SELF-SUBMIT-SINGLE-WORKER: the inner call stays queued behind the one waiting for it
    def outer() -> str:
        inner = ex1.submit(abs, -1)
        try:
            inner.result(0.05)
        except impl.TimeoutError:
            return "stuck"
        return "ran"

    assert ex1.submit(outer).result(BOUND) == "stuck"


def test_mutual_wait_between_two_calls_deadlocks_until_timeout(ex: impl.ThreadPoolExecutor) -> None:
    # DL-MUTUAL-WAIT: a waits on b and b on a; only the timeouts end it
    slots: dict[str, impl.Future[str]] = {}
    ready = threading.Event()

    def body(me: str, other: str) -> str:
        assert ready.wait(BOUND)
        try:
            slots[other].result(0.05)
        except impl.TimeoutError:
            return "timed out"
        return "ok"

    slots["a"] = ex.submit(body, "a", "b")
    slots["b"] = ex.submit(body, "b", "a")
    ready.set()
    outcomes = {slots["a"].result(BOUND), slots["b"].result(BOUND)}
    assert "timed out" in outcomes  # the first timeout breaks the cycle; the other may then see it done

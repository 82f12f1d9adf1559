"""Real-thread reproductions of the bugs the known-bad executors have, one per clause.

``REPRODUCTIONS[clause](make, api, bound)`` raises AssertionError when the executor made by
``make`` (with ``api``, its module: wait, as_completed, exceptions) breaks ``clause``, and
returns when it does not. They synchronise with events and gates, never with sleeps; every
wait is bounded, and a bug that shows as a hang is reported once ``bound`` seconds pass (short
for a variant, long for a good executor). Two negative checks wait a fixed 0.2 s: that
shutdown(wait=True) has *not* returned, and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
import sys
import threading
import time
from typing import Any, Callable, Iterator
from unittest import mock

import execspec.impl as impl

__all__ = ["BAD_BOUND", "GOOD_BOUND", "Make", "REPRODUCTIONS", "Repro"]

GOOD_BOUND = 10.0  # seconds: a healthy executor is far quicker
BAD_BOUND = 1.0  # seconds: how long a variant's hang is waited for before it counts as the bug
_prefixes = itertools.count()

Make = Callable[..., Any]  # an executor factory
Repro = Callable[[Make, Any, float], None]


class Gate:
    """A task that reports it started, then blocks until opened (at most GOOD_BOUND)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.opened = threading.Event()

    def __call__(self, value: object = None) -> object:
        self.started.set()
        assert self.opened.wait(GOOD_BOUND), "gate never opened"
        return value

    def wait_started(self) -> None:
        assert self.started.wait(GOOD_BOUND), "the gated call never started"

    def open(self) -> None:
        self.opened.set()


def finishes_within(call: Callable[[], Any], bound: float,
                    what: str) -> tuple[Any, BaseException | None]:  # fmt: skip
    """Run ``call`` in a helper thread: (value, exception) if it ends within ``bound`` seconds,
    else AssertionError naming ``what`` (the helper is a daemon, left to end by itself)."""
    box: list[tuple[Any, BaseException | None]] = []

    def body() -> None:
        try:
            box.append((call(), None))
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            box.append((None, exc))

    t = threading.Thread(target=body, daemon=True)
    t.start()
    t.join(bound)
    assert box, f"{what} did not return within {bound} s"
    return box[0]


def parked(f: Any) -> bool:
    """A wait() is blocked on ``f``: impl parks a gate opener, the stdlib adds a waiter."""
    if isinstance(f, impl.Future):
        return f._gates is not None
    return bool(f._waiters)


def wait_blocked_on(f: Any, api: Any, bound: float) -> tuple[threading.Thread, list[Any]]:
    """Start a thread blocked in ``api.wait([f])``; return it once it is parked on ``f``."""
    out: list[Any] = []
    waiter = threading.Thread(target=lambda: out.append(api.wait([f], timeout=5 * bound)),
                              daemon=True)  # fmt: skip
    waiter.start()
    deadline = time.monotonic() + GOOD_BOUND
    while not parked(f) and time.monotonic() < deadline:
        waiter.join(0.001)
    assert parked(f), "wait() never blocked on the future"
    return waiter, out


def busy_pool(make: Make, **kwargs: Any) -> tuple[Any, Gate]:
    """A one-worker pool whose worker is held by a gate, so the next calls stay queued."""
    ex = make(max_workers=1, **kwargs)
    gate = Gate()
    ex.submit(gate)
    gate.wait_started()
    return ex, gate


# -- one reproduction per clause ----------------------------------------------------------


def cancelled_call_never_runs(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    ran: list[int] = []
    try:
        f = ex.submit(ran.append, 1)
        assert f.cancel(), "a queued future could not be cancelled"
    finally:
        gate.open()
    ex.shutdown(wait=True)
    assert f.cancelled()
    assert ran == [], "the callable of a cancelled future ran (INV-CANCELLED-NEVER-RUNS)"


def map_timeout_raises(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    try:
        it = ex.map(abs, [1], timeout=0.05)
        _, error = finishes_within(lambda: next(it), bound, "next() on map(timeout=0.05)")
        assert isinstance(error, api.TimeoutError), f"map(timeout=) raised {error!r}"
    finally:
        gate.open()
        ex.shutdown(wait=True)


@contextlib.contextmanager
def _cpus_reported(cpus: int | None) -> Iterator[None]:
    """Within the block ``os.cpu_count()`` and ``os.process_cpu_count()`` answer ``cpus``."""
    with contextlib.ExitStack() as stack:
        for name in ("cpu_count", "process_cpu_count"):
            if hasattr(os, name):
                stack.enter_context(mock.patch.object(os, name, lambda: cpus))
        yield


def default_max_workers(make: Make, api: Any, bound: float) -> None:
    # this machine's CPU count, then counts it lacks (os patched meanwhile): a default that
    # ignores the count can agree with it on one machine (6 workers on two CPUs)
    _default_runs(make, bound, min(32, (getattr(os, "process_cpu_count", os.cpu_count)() or 1) + 4))
    for cpus in (4, 40, None):
        with _cpus_reported(cpus):
            _default_runs(make, bound, min(32, (cpus or 1) + 4), f" with {cpus} CPUs reported")


def _default_runs(make: Make, bound: float, expected: int, where: str = "") -> None:
    prefix = f"kb{next(_prefixes)}"
    ex = make(thread_name_prefix=prefix)
    started = threading.Semaphore(0)
    opened = threading.Event()

    def held() -> None:
        started.release()
        opened.wait(GOOD_BOUND)

    try:
        for _ in range(expected + 2):
            ex.submit(held)
        for n in range(expected):
            assert started.acquire(timeout=bound), f"only {n} calls ran at once, the default " \
                                                   f"max_workers is {expected}{where}"  # fmt: skip
        workers = [t for t in threading.enumerate() if t.name.startswith(prefix + "_")]
        assert len(workers) == expected, f"{len(workers)} workers, the default is {expected}{where}"
    finally:
        opened.set()
        ex.shutdown(wait=True)


def threads_stay_within_max_workers(make: Make, api: Any, bound: float) -> None:
    prefix = f"kb{next(_prefixes)}"
    ex = make(max_workers=2, thread_name_prefix=prefix)
    gate = Gate()
    try:
        for _ in range(6):
            ex.submit(gate)
        workers = [t for t in threading.enumerate() if t.name.startswith(prefix + "_")]
        assert len(workers) <= 2, f"{len(workers)} threads for max_workers=2"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def overlapping_calls_start_one_thread_each(make: Make, api: Any, bound: float) -> None:
    prefix = f"kb{next(_prefixes)}"
    ex = make(max_workers=3, thread_name_prefix=prefix)
    started, opened = threading.Semaphore(0), threading.Event()

    def held() -> None:
        started.release()
        opened.wait(GOOD_BOUND)

    try:
        for _ in range(2):
            ex.submit(held)
        for n in range(2):
            assert started.acquire(timeout=bound), f"only {n} of two calls began (max_workers=3)"
        workers = [t for t in threading.enumerate() if t.name.startswith(prefix + "_")]
        assert len(workers) == 2, f"{len(workers)} threads for two calls that overlap (max_workers=3)"
    finally:
        opened.set()
        ex.shutdown(wait=True)


def a_callback_can_wait_for_a_call_it_submits(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=2)
    gate, seen, called = Gate(), [], threading.Event()

    def callback(f: Any) -> None:
        try:
            seen.append(ex.submit(abs, -3).result(bound))
        except BaseException as exc:  # noqa: BLE001
            seen.append(exc)
        called.set()

    try:
        f = ex.submit(gate)
        f.add_done_callback(callback)
        gate.open()
        assert called.wait(GOOD_BOUND), "the done-callback never ran"
        assert seen == [3], f"a call a done-callback submitted (room for a thread) gave {seen!r}"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def cancel_wakes_a_waiter(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    try:
        f = ex.submit(abs, 1)
        waiter, out = wait_blocked_on(f, api, bound)
        assert f.cancel()
        waiter.join(bound)
        assert not waiter.is_alive(), "a wait() blocked on a future slept through its cancel()"
        assert f in out[0].done
    finally:
        gate.open()
        ex.shutdown(wait=True)


def callbacks_run_once(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    f = ex.submit(abs, -1)
    calls: list[Any] = []
    f.add_done_callback(calls.append)
    f.result(GOOD_BOUND)
    ex.shutdown(wait=True)  # the callback ran by now, in the worker if not here
    assert calls == [f], f"the callback ran {len(calls)} times (FUT-CB-ONCE)"


def shutdown_waits_for_running_calls(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    gate = Gate()
    f = ex.submit(gate)
    gate.wait_started()
    returned = threading.Event()
    t = threading.Thread(target=lambda: (ex.shutdown(wait=True), returned.set()), daemon=True)
    t.start()
    try:
        early = returned.wait(0.2)  # a correct shutdown cannot return: the gate is closed
    finally:
        gate.open()
    t.join(GOOD_BOUND)
    assert not early, "shutdown(wait=True) returned while a call was still running"
    assert f.done()


def submit_after_shutdown_raises(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    ex.shutdown(wait=True)
    try:
        ex.submit(abs, 1)
    except RuntimeError:
        return
    raise AssertionError("submit() after shutdown() was accepted (EXE-SUBMIT-AFTER-SHUTDOWN)")


def failing_initializer_breaks_pending_work(make: Make, api: Any, bound: float) -> None:
    def boom() -> None:
        raise ValueError("initializer failed on purpose")

    ex = make(max_workers=1, initializer=boom)
    try:
        f = ex.submit(abs, 1)
        error = f.exception(GOOD_BOUND)
        assert isinstance(error, api.BrokenExecutor), f"queued call ended with {error!r}, not " \
                                                      "BrokenThreadPool"  # fmt: skip
    finally:
        ex.shutdown(wait=True)


def initializer_gets_initargs(make: Make, api: Any, bound: float) -> None:
    seen: list[tuple[Any, ...]] = []
    ex = make(max_workers=1, initializer=lambda *args: seen.append(args), initargs=(1, "two"))
    ex.submit(abs, 1).result(GOOD_BOUND)
    ex.shutdown(wait=True)
    assert seen == [(1, "two")], f"the initializer was called as initializer(*{seen})"


def map_keeps_input_order(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=2)
    try:
        got = list(ex.map(abs, range(-5, 0)))
    finally:
        ex.shutdown(wait=True)
    assert got == [5, 4, 3, 2, 1], f"map yielded {got}"


def dropped_unstarted_map_runs_its_calls(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    gate = Gate()
    ran: list[int] = []

    def call(x: int) -> None:
        if x == 0:
            gate()
        ran.append(x)

    it = ex.map(call, range(5))
    gate.wait_started()  # 1..4 are queued
    del it
    gc.collect()
    gate.open()
    ex.shutdown(wait=True)
    assert ran == [0, 1, 2, 3, 4], f"only {ran} ran: dropping a never-advanced map cancelled calls"


def result_times_out(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    try:
        f = ex.submit(abs, 1)
        _, error = finishes_within(lambda: f.result(0.05), bound, "result(timeout=0.05)")
        assert isinstance(error, api.TimeoutError), f"result(0.05) raised {error!r}"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def as_completed_times_out_on_time(make: Make, api: Any, bound: float) -> None:
    """next() on as_completed(timeout=0.1) over a queued future raises TimeoutError, and not
    before 0.1 s have passed since the call (less 10 ms for the clock's rounding)."""
    ex, gate = busy_pool(make)
    limit = 0.1
    try:
        f = ex.submit(abs, 1)
        began = time.monotonic()
        it = api.as_completed([f], timeout=limit)
        _, error = finishes_within(lambda: next(it), bound + limit, "next() on as_completed(timeout=0.1)")
        took = time.monotonic() - began
        assert isinstance(error, api.TimeoutError), f"next() on as_completed(timeout=0.1) raised {error!r}"
        assert took >= limit - 0.01, f"as_completed(timeout={limit}) timed out after {took:.3f} s (AC-TIMEOUT)"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def as_completed_yields_a_duplicate_once(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    f = ex.submit(abs, 1)
    f.result(GOOD_BOUND)
    got = list(api.as_completed([f, f], timeout=GOOD_BOUND))
    ex.shutdown(wait=True)
    assert got == [f], f"as_completed yielded the future {len(got)} times"


def worker_survives_a_raising_call(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)

    def fail() -> None:
        raise KeyError("on purpose")

    try:
        first = ex.submit(fail)
        later = ex.submit(abs, -2)
        assert isinstance(first.exception(GOOD_BOUND), KeyError)
        try:
            assert later.result(bound) == 2
        except api.TimeoutError:
            raise AssertionError("the call after a raising one never ran") from None
    finally:
        ex.shutdown(wait=False, cancel_futures=True)


def shutdown_cancel_futures_wakes_waiters(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    try:
        f = ex.submit(abs, 1)
        waiter, out = wait_blocked_on(f, api, bound)
        ex.shutdown(wait=False, cancel_futures=True)
        waiter.join(bound)
        assert f.cancelled(), "shutdown(cancel_futures=True) did not cancel the queued call"
        assert not waiter.is_alive(), "a wait() slept on after shutdown(cancel_futures=True) " \
                                      "cancelled its future (gh-87893)"  # fmt: skip
        assert f in out[0].done
    finally:
        gate.open()
        ex.shutdown(wait=True)


def queued_calls_start_in_order(make: Make, api: Any, bound: float) -> None:
    ex, gate = busy_pool(make)
    order: list[int] = []
    try:
        for i in range(5):
            ex.submit(order.append, i)
    finally:
        gate.open()
    ex.shutdown(wait=True)
    assert order == [0, 1, 2, 3, 4], f"queued calls started in the order {order}"


def callback_on_a_done_future_runs_at_once(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=1)
    f = ex.submit(abs, 1)
    f.result(GOOD_BOUND)
    ex.shutdown(wait=True)
    calls: list[Any] = []
    f.add_done_callback(calls.append)
    assert calls == [f], "a callback added to a done future did not run at once"


def in_result(f: Any) -> bool:
    """Some thread is blocked in ``f.result()``: impl parks a gate opener, the stdlib waits on
    the future's condition."""
    if isinstance(f, impl.Future):
        return f._gates is not None
    return bool(f._condition._waiters)


def a_waiting_call_leaves_room_for_another(make: Make, api: Any, bound: float) -> None:
    ex = make(max_workers=3)
    gate = Gate()
    try:
        g = ex.submit(gate)
        gate.wait_started()
        ex.submit(lambda: g.result(timeout=5 * GOOD_BOUND))  # holds the second worker
        deadline = time.monotonic() + GOOD_BOUND
        while not in_result(g) and time.monotonic() < deadline:
            threading.Event().wait(0.001)
        assert in_result(g), "the waiting call never blocked in result()"
        late = ex.submit(len, "abc")  # a third worker may start: the pool has room
        value, _ = finishes_within(lambda: late.result(timeout=5 * bound), bound,
                                   "a call submitted while one worker waits and one slot is free")
        assert value == 3
    finally:
        gate.open()
        ex.shutdown(wait=True)


def _pending_after_cancel_futures_then_runs(env: Any, target: str) -> None:
    """Under the shim: one call submitted, shutdown(cancel_futures=True) at once. A future
    still pending once that returned must never run afterwards."""
    module, _, factory = target.partition(":")
    ex = getattr(env.load(module), factory)(max_workers=1)
    ran = env.threading.Event()
    f = ex.submit(ran.set)
    ex.shutdown(wait=False, cancel_futures=True)
    pending = not f.running() and not f.done()  # in this order: states only move forward
    ex.shutdown(wait=True)
    assert not (pending and ran.is_set()), "a pending future shutdown(cancel_futures=True) left ran afterwards"


def shutdown_cancel_futures_cancels_taken_calls(make: Make, api: Any, bound: float) -> None:
    """The window between a worker taking a call off the queue and claiming it: too narrow for
    real threads, so every interleaving of the small scenario is run under the shim (a
    depth-first search, bounded to two preemptions)."""
    from execspec.sched.explore import explore
    from execspec.sched.strategies.dfs import DFSStrategy

    module = make.__module__
    package = module.rpartition(".")[0]  # impl's pool is execspec.impl's, loaded as a package
    if package and getattr(sys.modules.get(package), make.__name__, None) is make:
        module = package
    target = f"{module}:{make.__name__}"
    roots = ("concurrent.futures", module)
    result = explore(functools.partial(_pending_after_cancel_futures_then_runs, target=target),
                     DFSStrategy(preemption_bound=2), max_schedules=2000, modules=roots, schedule_dir=None)
    assert not result.failures, f"{target}: {result.failures[0].report}"


def a_non_callable_initializer_is_refused_at_once(make: Make, api: Any, bound: float) -> None:
    try:
        ex = make(max_workers=1, initializer=42)
    except TypeError:
        return  # TPE-INITIALIZER-NOT-CALLABLE: refused by the constructor
    try:
        f = ex.submit(abs, -1)
        shown, _ = finishes_within(f.exception, bound, "exception() of a call on that pool")
    finally:
        ex.shutdown(wait=True)
    raise AssertionError(f"the constructor accepted initializer=42; the call then showed {shown!r}")


def an_unknown_return_when_is_refused(make: Make, api: Any, bound: float) -> None:
    pending = api.Future()  # never done: wait() has to block, so it must look at return_when first
    try:
        done, not_done = api.wait([pending], timeout=0, return_when="NOT_A_RETURN_WHEN")
    except ValueError:
        return  # WAIT-RETURN-WHEN-INVALID
    raise AssertionError(f"wait() took an unknown return_when: {len(done)} done, {len(not_done)} not done")


def as_completed_times_out_just_past_its_deadline(make: Make, api: Any, bound: float) -> None:
    """next() on as_completed(timeout=0.05) over a queued future, made once the deadline has
    passed by less than a second, raises TimeoutError (at once: the deadline counts from the call)."""
    ex, gate = busy_pool(make)
    limit = 0.05
    try:
        f = ex.submit(abs, 1)
        it = api.as_completed([f], timeout=limit)
        threading.Event().wait(limit + 0.05)  # the deadline passes (the clock, not a hand-off)
        _, error = finishes_within(lambda: next(it), bound, "next() just past as_completed's deadline")
        assert isinstance(error, api.TimeoutError), f"next() just past its deadline raised {error!r}"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def wait_watches_another_executors_future(make: Make, api: Any, bound: float) -> None:
    """wait(FIRST_COMPLETED) over a running call and a future of the stdlib's own class (what
    its process pool hands out) returns once the stdlib's future is set, with it done."""
    import concurrent.futures as stdlib

    ex, gate = busy_pool(make)
    other: Any = stdlib.Future()
    try:
        f = ex.submit(abs, 1)
        threading.Timer(0.01, other.set_result, (1,)).start()
        got, error = finishes_within(lambda: api.wait([f, other], return_when="FIRST_COMPLETED"), bound,
                                     "wait(FIRST_COMPLETED) over a stdlib future set meanwhile")
        assert error is None and other in got.done, f"wait() over a stdlib future set meanwhile: {got!r}, {error!r}"
    finally:
        gate.open()
        ex.shutdown(wait=True)


def submit_after_exit_is_refused(make: Make, api: Any, bound: float) -> None:
    """In a child interpreter, an atexit handler (it runs once the pools' exit hook has) makes a
    pool anew and submits to it: RuntimeError."""
    import subprocess

    program = (f"import atexit\nfrom {make.__module__} import {make.__name__} as make\n"
               "def late():\n    ex = make(max_workers=1)\n    try:\n        ex.submit(abs, -1).result(5)\n"
               "        print('returns')\n    except Exception as exc:\n        print('raises', type(exc).__name__)\n"
               "    ex.shutdown()\natexit.register(late)\n")
    tests = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=GOOD_BOUND * 3,
                         env=env)
    got = out.stdout.strip()
    assert got == "raises RuntimeError", f"submit to a pool made during exit: {got!r} {out.stderr!r}"


#: the reproduction of each clause that a known-bad variant breaks
REPRODUCTIONS: dict[str, Repro] = {
    "INV-CANCELLED-NEVER-RUNS": cancelled_call_never_runs,
    "EXE-MAP-TIMEOUT": map_timeout_raises,
    "TPE-MAX-WORKERS-DEFAULT-38": default_max_workers,
    "TPE-MAX-WORKERS-DEFAULT-313": default_max_workers,
    "TPE-MAX-WORKERS-BOUND": threads_stay_within_max_workers,
    "TPE-LAZY-THREADS": overlapping_calls_start_one_thread_each,
    "INV-PROGRESS": a_callback_can_wait_for_a_call_it_submits,
    "FUT-WAKES-WAITERS": cancel_wakes_a_waiter,
    "FUT-CB-ONCE": callbacks_run_once,
    "EXE-SHUTDOWN-WAIT": shutdown_waits_for_running_calls,
    "EXE-SUBMIT-AFTER-SHUTDOWN": submit_after_shutdown_raises,
    "TPE-INITIALIZER-FAILS-PENDING": failing_initializer_breaks_pending_work,
    "TPE-INITIALIZER-RUNS": initializer_gets_initargs,
    "EXE-MAP-ORDER": map_keeps_input_order,
    "EXE-MAP-CLOSE-CANCELS": dropped_unstarted_map_runs_its_calls,
    "FUT-RESULT-TIMEOUT": result_times_out,
    "AC-DUPLICATES": as_completed_yields_a_duplicate_once,
    "AC-TIMEOUT": as_completed_times_out_on_time,
    "AC-YIELDS-AS-COMPLETE": as_completed_times_out_just_past_its_deadline,
    "WAIT-MIXED-EXECUTORS": wait_watches_another_executors_future,
    "TPE-SUBMIT-AFTER-EXIT": submit_after_exit_is_refused,
    "TPE-WORKER-SURVIVES-EXCEPTION": worker_survives_a_raising_call,
    "EXE-SHUTDOWN-CANCELLED-DONE": shutdown_cancel_futures_wakes_waiters,
    "TPE-FIFO-START": queued_calls_start_in_order,
    "FUT-CB-ALREADY-DONE": callback_on_a_done_future_runs_at_once,
    "DL-SELF-SUBMIT-SINGLE-WORKER": a_waiting_call_leaves_room_for_another,
    "EXE-SHUTDOWN-CANCEL-FUTURES": shutdown_cancel_futures_cancels_taken_calls,
    "TPE-INITIALIZER-NOT-CALLABLE": a_non_callable_initializer_is_refused_at_once,
    "WAIT-RETURN-WHEN-INVALID": an_unknown_return_when_is_refused,
}

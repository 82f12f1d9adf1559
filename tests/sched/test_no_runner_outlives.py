"""No real thread outlives the executions that made it: an execution abandoned because a
controlled thread blocked outside the shim stops its runner thread (an asynchronous exception,
and a wake-up for a real Condition wait), and a runner whose caller thread ended ends too."""

from __future__ import annotations

import queue as real_queue
import threading as real_threading
from typing import Any, Callable

import pytest

from execspec.sched import FirstEnabled, Outcome, run_once
from execspec.sched.runner import abandoned_runners, join_abandoned, release_runner

FOREVER_EVENT = real_threading.Event()  # never set
FOREVER_QUEUE: real_queue.Queue[int] = real_queue.Queue()  # never put to
FOREVER_CONDITION = real_threading.Condition()  # never notified


def wait_on_a_real_event(env: Any) -> None:
    env.threading.Lock().acquire()
    FOREVER_EVENT.wait()


def get_from_a_real_queue(env: Any) -> None:
    FOREVER_QUEUE.get()


def wait_on_a_real_condition_in_a_worker(env: Any) -> None:
    def body() -> None:
        with FOREVER_CONDITION:
            FOREVER_CONDITION.wait()
    t = env.threading.Thread(target=body, name="stuck-worker")
    t.start()
    t.join()


def spin_outside_the_shim(env: Any) -> None:
    n = 0
    while True:  # no scheduling point, ever
        n += 1


def a_pool_task_waits_on_a_real_event(env: Any) -> None:
    cf = env.load("concurrent.futures")
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(FOREVER_EVENT.wait).result()


BLOCKS: list[Callable[[Any], None]] = [wait_on_a_real_event, get_from_a_real_queue,
                                        wait_on_a_real_condition_in_a_worker, spin_outside_the_shim,
                                        a_pool_task_waits_on_a_real_event]


def _live() -> list[str]:
    return sorted(t.name for t in real_threading.enumerate())


@pytest.mark.timeout(120)
def test_abandoned_executions_leave_no_runner_thread_behind() -> None:
    assert run_once(lambda env: 1, FirstEnabled()).return_value == 1  # this thread's runner
    before = _live()
    for _ in range(3):
        for scenario in BLOCKS:
            ex = run_once(scenario, FirstEnabled(), uncontrolled_timeout=0.2)
            assert ex.outcome is Outcome.UNCONTROLLED_BLOCK, scenario.__name__
            assert ex.report is not None and "could not be stopped" not in ex.report.details
    assert abandoned_runners() == 0
    assert run_once(lambda env: 7, FirstEnabled()).return_value == 7  # a fresh runner works
    assert _live() == before, "abandoned executions left real threads alive"


@pytest.mark.timeout(60)
def test_the_runner_of_a_finished_caller_thread_ends() -> None:
    before = set(real_threading.enumerate())
    done = real_threading.Event()

    def caller() -> None:
        assert run_once(lambda env: 3, FirstEnabled()).return_value == 3
        done.set()
    for _ in range(5):
        done.clear()
        t = real_threading.Thread(target=caller)
        t.start()
        t.join(30)
        assert done.is_set() and not t.is_alive()
    for left in set(real_threading.enumerate()) - before:
        left.join(10)  # each ends when its caller's thread-local holder is finalized
    assert set(real_threading.enumerate()) <= before, _live()


@pytest.mark.timeout(60)
def test_a_runner_that_nothing_can_wake_is_reported_and_ends_when_its_call_returns() -> None:
    held = real_threading.Lock()
    held.acquire()
    try:
        ex = run_once(lambda env: held.acquire(), FirstEnabled(), uncontrolled_timeout=0.2)
        assert ex.outcome is Outcome.UNCONTROLLED_BLOCK and ex.report is not None
        assert "could not be stopped" in ex.report.details
        assert abandoned_runners() == 1
    finally:
        held.release()  # its acquire returns, and Abandoned stops it right there
    assert join_abandoned(10) == 0, "the abandoned runner did not stop once its call returned"


@pytest.mark.timeout(60)
def test_a_run_releases_its_idle_runner_and_the_next_execution_starts_another() -> None:
    def runners() -> int:
        return sum(t.name == "execspec-runner" and t.is_alive() for t in real_threading.enumerate())
    assert run_once(lambda env: 1, FirstEnabled()).return_value == 1
    n = runners()
    assert release_runner(), "the idle runner did not stop"
    assert runners() == n - 1
    assert release_runner()  # nothing left to release
    assert run_once(lambda env: 2, FirstEnabled()).return_value == 2
    assert runners() == n

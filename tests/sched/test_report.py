"""Reports a person can act on: the docs' deadlocks with their cycles named at the
executor's level (stdlib and impl), blocks outside the shim, and the trace table."""

from __future__ import annotations

import functools
import re
import queue as real_queue
import threading as real_threading
import time as real_time
from typing import Any

import pytest

from execspec.sched.examples import docs
from execspec.sched.explore import explore
from execspec.sched.postmortem.frames import future_state
from execspec.sched.postmortem.waits import future_note
from execspec.sched.kernel.execution import Execution, Outcome
from execspec.sched.runner import run_once
from execspec.sched.strategies import DFSStrategy

from tests.sched._runtime_helpers import First, Newest, Seeded, run

EXECUTORS = ["concurrent.futures", "execspec.impl"]


def _assert_names_the_docs_first_cycle(ex: Execution) -> None:
    assert ex.outcome is Outcome.DEADLOCK and ex.report is not None
    head = ex.report.headline
    assert head.startswith("DEADLOCK: worker 0 waits on future ")
    assert "run by worker 1, which waits on future " in head and head.endswith("run by worker 0")
    assert {"future a (wait_on_b)", "future b (wait_on_a)"} <= set(
        part.split(", run by")[0].split("waits on ")[-1] for part in head.split("which"))
    text = ex.report.render()
    assert "print(b.result())" in text and "print(a.result())" in text  # the user's lines
    assert "main thread: interpreter exit: joins worker" in text
    assert ex.virtual_time == 5  # both sleeps really happened, on the virtual clock


@pytest.mark.parametrize("executor", EXECUTORS)
def test_docs_first_example_deadlocks_on_every_schedule_with_the_cycle_named(executor: str) -> None:
    # A complete DFS (unbounded; sleep sets skip only reorderings of commuting steps, so
    # every distinct interleaving is run): every execution is the same deadlock.
    scenario = functools.partial(docs.wait_on_each_other, executor=executor)
    dfs = DFSStrategy(preemption_bound=None)
    schedules = 0
    while dfs.begin_execution():
        _assert_names_the_docs_first_cycle(run_once(scenario, dfs))
        schedules += 1
    assert schedules > 100  # the search did branch (both workers, both sleeps, both waits)
    # and exploration, which keeps going after failures here, agrees
    result = explore(scenario, DFSStrategy(preemption_bound=None), stop_on_first_failure=False,
                     schedule_dir=None, max_schedules=schedules + 1)
    assert result.exhausted and result.schedules == schedules
    assert result.failures and all(f.outcome == "DEADLOCK" for f in result.failures)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_docs_second_example_reports_the_busy_only_worker(executor: str) -> None:
    ex = run_once(functools.partial(docs.wait_on_future, executor=executor), Newest())
    assert ex.outcome is Outcome.DEADLOCK and ex.report is not None
    assert ex.report.headline.startswith(
        "DEADLOCK: the only worker (ThreadPoolExecutor-0_0) is busy running wait_on_future, "
        "which waits on the future of pow, queued behind it (position 1 in SimpleQueue#")
    assert "print(f.result())" in ex.report.render()


@pytest.mark.parametrize("executor", EXECUTORS)
def test_docs_second_example_with_two_workers_passes(executor: str) -> None:
    scenario = functools.partial(docs.wait_on_future, executor=executor, max_workers=2)
    for strategy in [First(), Newest(), *(Seeded(s) for s in range(25))]:
        ex = run_once(scenario, strategy)
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()


def test_a_block_on_a_real_lock_is_reported_not_hung() -> None:
    real_lock = real_threading.Lock()
    real_lock.acquire()

    def scenario(env: Any) -> None:
        env.threading.Lock().acquire()  # a shim step first, so the trace is not empty
        real_lock.acquire()  # held by the test: blocks the runner for real
        real_lock.release()
    start = real_time.monotonic()
    ex = run(scenario, uncontrolled_timeout=0.3)
    took = real_time.monotonic() - start
    real_lock.release()  # let the abandoned runner finish
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK and ex.report is not None
    assert took < 10
    assert "blocks outside the shim at" in ex.report.headline
    assert "real_lock.acquire()" in ex.report.headline
    assert "test_report.py" in ex.report.render()
    # the next execution gets a new runner and works
    assert run(lambda env: 7).return_value == 7


def test_a_real_sleep_in_the_scenario_is_reported_not_hung() -> None:
    # The real sleep is what is under test: it outlasts the (small) uncontrolled timeout, the
    # runner running it is abandoned and wakes up later on its own; the test does not wait.
    def scenario(env: Any) -> None:
        env.time.sleep(1)  # the shim's: virtual, one step
        real_time.sleep(3)  # the real one: blocks the runner thread
    ex = run(scenario, uncontrolled_timeout=0.3)
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK and ex.report is not None
    assert ex.report.headline.startswith("UNCONTROLLED_BLOCK: thread MainThread made no scheduling step")
    assert "blocks outside the shim at" in ex.report.headline
    assert "real_time.sleep(3)" in ex.report.headline and "test_report.py" in ex.report.headline
    assert "a real time.sleep" in ex.report.render()  # the fix: use env.time
    assert ex.virtual_time == 1
    assert run(lambda env: 7).return_value == 7  # the next execution gets a fresh runner


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_real_sleep_run_as_a_task_is_reported_against_its_worker(executor: str) -> None:
    def scenario(env: Any) -> None:
        cf = env.load(executor)
        with cf.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(real_time.sleep, 3).result()
    ex = run(scenario, uncontrolled_timeout=0.3)
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK and ex.report is not None
    assert "thread ThreadPoolExecutor-0_0 made no scheduling step" in ex.report.headline


def test_a_block_on_a_real_queue_in_a_worker_is_reported() -> None:
    q: real_queue.Queue[int] = real_queue.Queue()

    def scenario(env: Any) -> None:
        t = env.threading.Thread(target=q.get, name="stuck-worker")
        t.start()
        t.join()
    ex = run(scenario, Newest(), uncontrolled_timeout=0.3)
    q.put(1)
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK and ex.report is not None
    assert "thread stuck-worker" in ex.report.headline


def test_trace_table_has_a_column_per_thread_and_folds_long_traces() -> None:
    def short(env: Any) -> None:
        lock = env.threading.Lock()
        lock.acquire()
        lock.acquire()
    text = run(short).report.render()  # type: ignore[union-attr]
    table = text.split("Trace (one column per thread, one row per step):\n")[1]
    assert table.splitlines()[0].split() == ["step", "time", "0:MainThread"]
    assert re.search(r"Lock#\d+\.acquire", table)

    def long(env: Any) -> None:
        ev = env.threading.Event()

        def spin() -> None:
            for _ in range(100):
                env.time.sleep(0)
            ev.wait()
        t = env.threading.Thread(target=spin, name="spinner")
        t.start()
        t.join()
    rep = run(long, Newest()).report
    assert rep is not None
    table = rep.trace
    assert "1:spinner" in table.splitlines()[0]
    assert "not shown" in table or "(x" in table
    assert len(table.splitlines()) < 80


def test_deadlock_report_names_the_lock_holder() -> None:
    def scenario(env: Any) -> None:
        th = env.threading
        a, b = th.Lock(), th.Lock()
        env.name(a, "lock A")
        env.name(b, "lock B")

        def one() -> None:
            with a:
                env.time.sleep(1)
                with b:
                    pass

        def two() -> None:
            with b:
                env.time.sleep(1)
                with a:
                    pass
        ts = [th.Thread(target=f, name=f.__name__) for f in (one, two)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    ex = run(scenario)
    assert ex.outcome is Outcome.DEADLOCK and ex.report is not None
    text = ex.report.render()
    assert ex.report.headline in (
        "DEADLOCK: thread one waits for lock B, held by thread two, which waits for lock A, held by thread one",
        "DEADLOCK: thread two waits for lock A, held by thread one, which waits for lock B, held by thread two")
    assert "thread one: waits for lock B, held by thread two" in text
    assert "Wait-for cycle:" in text


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_deadlock_without_a_cycle_follows_the_waits_to_the_dead_end(executor: str) -> None:
    def scenario(env: Any) -> None:
        cf = env.load(executor)
        ev = env.name(env.threading.Event(), "the gate")
        ex = cf.ThreadPoolExecutor(max_workers=2)
        fs = [ex.submit(ev.wait), ex.submit(ev.wait)]
        cf.wait(fs, return_when=cf.FIRST_COMPLETED)
    ex = run(scenario)
    assert ex.outcome is Outcome.DEADLOCK and ex.report is not None
    # (which future is "#1" follows the stdlib's set of futures, ordered by address)
    assert re.fullmatch(
        r"DEADLOCK: main thread waits on any of the future of wait #1, the future of wait #2; "
        r"the future of wait #1 is run by worker (\d) \(ThreadPoolExecutor-0_\1\), which waits on "
        r"the gate \(nothing that could wake it is running\)", ex.report.headline), ex.report.headline


def test_a_future_nobody_will_complete_is_named_as_such() -> None:
    def scenario(env: Any) -> None:
        cf = env.load("concurrent.futures")
        env.name(cf.Future(), "orphan").result()
    ex = run(scenario)
    assert ex.report is not None
    assert ex.report.headline.startswith(
        "DEADLOCK: main thread waits on future orphan (not running and not queued: nothing will "
        "complete it")


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_futures_state_is_read_through_its_public_api(executor: str) -> None:
    def scenario(env: Any) -> list[str | None]:
        cf = env.load(executor)
        pending, running, finished, cancelled = (cf.Future() for _ in range(4))
        running.set_running_or_notify_cancel()
        finished.set_running_or_notify_cancel()
        finished.set_result(1)
        cancelled.cancel()
        return [future_state(f) for f in (pending, running, finished, cancelled)]
    ex = run(scenario)
    assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
    assert ex.return_value == ["pending", "running", "finished", "cancelled"]


def test_an_awaited_future_that_is_already_done_is_reported_as_a_lost_wake_up() -> None:
    assert future_note("cancelled") == (
        "already done (cancelled), but its waiters were never woken: a lost wake-up")
    assert future_note("finished").startswith("already done (finished)")
    assert future_note("pending") == future_note(None) == (
        "not running and not queued: nothing will complete it")
    assert "no thread runs it" in future_note("running")


def test_a_future_whose_lock_is_held_is_reported_without_its_state() -> None:
    # Its state cannot be read without waiting for the lock: the report must not wait.
    def scenario(env: Any) -> str | None:
        cf = env.load("concurrent.futures")
        fut = cf.Future()
        with fut._condition:  # the stdlib's done() takes this lock (a test may peek)
            return future_state(fut)
    assert run(scenario).return_value is None

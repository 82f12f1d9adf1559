"""The kernel: one controlled thread at a time, every outcome, traces that replay."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from execspec.sched.examples import pool
from execspec.sched.loader.table import checkout
from execspec.sched.kernel.execution import Execution, Outcome
from execspec.sched.runner import run_once

from tests.sched._runtime_helpers import First, Newest, Scripted, Seeded, run


def _pool(env: Any) -> list[int]:
    cf = env.load("concurrent.futures")
    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        fs = [ex.submit(pow, 2, i) for i in range(4)]
        return [f.result() for f in fs]


def test_stdlib_pool_gives_the_right_results_on_every_schedule() -> None:
    for seed in range(25):
        ex = run(_pool, Seeded(seed))
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert ex.return_value == [1, 2, 4, 8]


def test_execution_exposes_trace_schedule_and_ops() -> None:
    ex = run(_pool, Seeded(3))
    assert len(ex.trace) == len(ex.schedule) == len(ex.ops) == ex.steps
    first = ex.trace[0]
    assert (first.index, first.thread, first.thread_name) == (1, 0, "MainThread")
    assert {s.thread_name for s in ex.trace} >= {"MainThread", "ThreadPoolExecutor-0_0"}
    assert all(s.label == s.op.label and s.op.thread == s.thread for s in ex.trace)
    assert not ex.failed and ex.report is None


def test_the_same_choices_replay_the_same_trace() -> None:
    a = run(_pool, Seeded(11))
    b = run(_pool, Scripted(a.schedule))
    assert [s.label for s in a.trace] == [s.label for s in b.trace]
    assert a.schedule == b.schedule


@pytest.mark.parametrize("executor", ["concurrent.futures", "execspec.impl"])
def test_fresh_and_reused_modules_give_identical_traces(executor: str) -> None:
    scenario = functools.partial(pool.submit_result_shutdown, executor=executor)
    fresh = run(scenario, Seeded(5), fresh_modules=True)
    reused = [run(scenario, Seeded(5)) for _ in range(3)]
    assert fresh.outcome is Outcome.OK and fresh.return_value == [1, 2, 4, 8]
    for r in reused:
        assert [s.label for s in r.trace] == [s.label for s in fresh.trace]
        assert [s.op for s in r.trace] == [s.op for s in fresh.trace]


def test_strategy_is_asked_only_when_there_is_a_choice_and_told_the_end() -> None:
    class Recording(Seeded):
        def __init__(self) -> None:
            super().__init__(0)
            self.sizes: list[int] = []
            self.ended: list[bool] = []

        def choose(self, enabled: Any, step: int) -> int:
            self.sizes.append(len(enabled))
            return super().choose(enabled, step)

        def end_execution(self, failed: bool) -> None:
            self.ended.append(failed)
    s = Recording()
    run_once(_pool, s)
    assert s.sizes and min(s.sizes) >= 2 and s.ended == [False]


def test_exception_in_a_thread_is_reported_with_its_traceback() -> None:
    def scenario(env: Any) -> None:
        def boom() -> None:
            raise ValueError("kaboom")
        t = env.threading.Thread(target=boom, name="bomber")
        t.start()
        t.join()
    ex = run(scenario)
    assert ex.outcome is Outcome.EXCEPTION
    text = ex.report.render() if ex.report else ""
    assert "EXCEPTION in thread bomber: ValueError: kaboom" in text
    assert "in boom" in text


def test_a_replaced_excepthook_handles_the_exception_instead() -> None:
    def scenario(env: Any) -> list[str]:
        seen: list[str] = []
        env.threading.excepthook = lambda args: seen.append(repr(args.exc_value))
        t = env.threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
        return seen
    ex = run(scenario)
    assert ex.outcome is Outcome.OK and ex.return_value == ["ZeroDivisionError('division by zero')"]
    # ... and the hook does not leak into the next execution
    assert run(scenario.__wrapped__ if hasattr(scenario, "__wrapped__") else _raise_in_thread).outcome \
        is Outcome.EXCEPTION


def _raise_in_thread(env: Any) -> None:
    t = env.threading.Thread(target=lambda: 1 / 0)
    t.start()
    t.join()


def test_exception_in_the_scenario_is_reported() -> None:
    def scenario(env: Any) -> None:
        raise KeyError("missing")
    ex = run(scenario)
    assert ex.outcome is Outcome.EXCEPTION
    assert ex.report is not None and "the scenario (main thread): KeyError" in ex.report.headline


def test_a_thread_alive_at_interpreter_exit_is_reported_as_leaked() -> None:
    def scenario(env: Any) -> None:
        ev = env.threading.Event()
        env.threading.Thread(target=ev.wait, name="forever").start()
    ex = run(scenario)
    assert ex.outcome is Outcome.LEAKED_THREAD
    assert ex.report is not None and "forever" in ex.report.headline
    assert "still alive at interpreter exit" in ex.report.headline


def test_daemon_threads_do_not_leak_and_exit_hooks_run_in_order() -> None:
    def scenario(env: Any) -> list[str]:
        th = env.threading
        log: list[str] = []
        th.Thread(target=th.Event().wait, daemon=True).start()
        th._register_atexit(log.append, "threading hook 1")
        th._register_atexit(log.append, "threading hook 2")
        env.load("atexit").register(log.append, "atexit")
        env.exit_interpreter()
        return log
    ex = run(scenario, modules=("atexit",))
    assert ex.outcome is Outcome.OK
    assert ex.return_value == ["threading hook 2", "threading hook 1", "atexit"]


def test_a_livelock_hits_the_step_bound() -> None:
    def scenario(env: Any) -> None:
        flag = {"go": False}

        def spin() -> None:
            while not flag["go"]:
                env.time.sleep(0)
        t = env.threading.Thread(target=spin)
        t.start()
        t.join()
    ex = run(scenario, max_steps=300)
    assert ex.outcome is Outcome.LIVELOCK and ex.steps == 300
    assert ex.report is not None and "step bound (300)" in ex.report.headline


def test_thread_api_names_idents_and_liveness() -> None:
    def scenario(env: Any) -> dict[str, Any]:
        th = env.threading
        out: dict[str, Any] = {}

        def job() -> None:
            out["current"] = th.current_thread().name
            out["ident"] = th.get_ident()
        t = th.Thread(target=job)
        out["before"] = (t.is_alive(), t.ident)
        t.start()
        out["count"] = th.active_count()
        t.join()
        out["after"] = t.is_alive()
        out["main"] = th.main_thread().name
        out["name"] = t.name
        out["t_ident"] = t.ident
        return out
    r = run(scenario, Newest()).return_value
    assert isinstance(r, dict)
    assert r["before"] == (False, None) and r["after"] is False
    assert r["current"] == r["name"] == "Thread-1 (job)" and r["main"] == "MainThread"
    assert r["ident"] == r["t_ident"] and r["count"] == 2  # no scheduling point after start()


def test_join_with_timeout_returns_on_the_virtual_clock() -> None:
    def scenario(env: Any) -> tuple[bool, float]:
        ev = env.threading.Event()
        t = env.threading.Thread(target=ev.wait)
        t.start()
        t.join(timeout=4)
        alive = t.is_alive()
        ev.set()
        t.join()
        return alive, env.time.monotonic() - 1000
    assert run(scenario).return_value == (True, 4.0)


def test_deadlock_is_detected_when_no_thread_can_run() -> None:
    def scenario(env: Any) -> None:
        lock = env.threading.Lock()
        lock.acquire()
        lock.acquire()
    ex = run(scenario)
    assert ex.outcome is Outcome.DEADLOCK and isinstance(ex, Execution)
    assert ex.report is not None and "Lock" in ex.report.render()


def test_first_strategy_runs_main_first() -> None:
    ex = run(_pool, First())
    assert ex.trace[0].thread == 0 and ex.outcome is Outcome.OK


@pytest.mark.parametrize("executor", ["concurrent.futures", "execspec.impl"])
def test_executor_modules_are_reused_not_rerun(executor: str) -> None:
    scenario = functools.partial(pool.submit_result_shutdown, executor=executor)
    run(scenario)
    table = checkout([("concurrent.futures", None)])
    assert table.reusable and any(name == executor for name, _ in table.modules)


def test_an_error_in_the_strategy_reaches_the_caller_not_the_code_under_test() -> None:
    class Broken(First):
        def choose(self, enabled: Any, step: int) -> int:
            raise LookupError("strategy gave up")

    def scenario(env: Any) -> None:
        def swallow_everything() -> None:
            try:
                env.time.sleep(0)
            except BaseException:  # noqa: BLE001 - the point: the error must not land here
                pass
        t = env.threading.Thread(target=swallow_everything)
        t.start()
        env.time.sleep(0)
        t.join()
    with pytest.raises(LookupError, match="strategy gave up"):
        run_once(scenario, Broken())

    class OutOfRange(First):
        def choose(self, enabled: Any, step: int) -> int:
            return len(enabled)
    with pytest.raises(IndexError, match="strategy chose"):
        run_once(scenario, OutOfRange())
    assert run(_pool).return_value == [1, 2, 4, 8]  # and the next execution is unaffected


def test_a_collected_executor_wakes_its_workers_through_its_weakref_callback() -> None:
    def scenario(env: Any) -> int:
        cf = env.load("concurrent.futures")
        ex = cf.ThreadPoolExecutor(max_workers=2)
        got = sum(f.result() for f in [ex.submit(pow, 2, i) for i in range(3)])
        del ex  # the stdlib's weakref callback puts None on the queue: workers exit
        return got
    for seed in range(10):
        ex = run(scenario, Seeded(seed), exit_at_end=False)
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert ex.return_value == 7


def test_without_exit_hooks_a_forgotten_pool_leaks_its_workers() -> None:
    def scenario(env: Any) -> object:
        cf = env.load("concurrent.futures")
        ex = cf.ThreadPoolExecutor(max_workers=1)
        ex.submit(pow, 2, 2).result()
        return ex  # still referenced: no weakref callback, and no exit hooks run
    ex = run(scenario, exit_at_end=False)
    assert ex.outcome is Outcome.LEAKED_THREAD and ex.report is not None
    assert "ThreadPoolExecutor-0_0" in ex.report.headline and "idle: waits for work" in ex.report.headline


def test_timer_fires_after_its_interval_unless_cancelled() -> None:
    def scenario(env: Any) -> list[tuple[str, float]]:
        th, tm = env.threading, env.time
        log: list[tuple[str, float]] = []
        fired = th.Timer(30, lambda: log.append(("fired", tm.monotonic() - 1000)))
        cancelled = th.Timer(10, lambda: log.append(("cancelled", 0.0)))
        fired.start()
        cancelled.start()
        cancelled.cancel()
        fired.join()
        cancelled.join()
        return log
    assert run(scenario).return_value == [("fired", 30.0)]


def test_threads_still_blocked_at_the_end_are_unwound_so_their_finally_blocks_run() -> None:
    log: list[str] = []

    def scenario(env: Any) -> None:
        lock = env.threading.Lock()

        def stuck() -> None:
            try:
                with lock:  # released again while unwinding
                    env.threading.Event().wait()
            finally:
                log.append(f"unwound, lock held: {lock.locked()}")
        env.threading.Thread(target=stuck).start()
    ex = run(scenario, Newest())
    assert ex.outcome is Outcome.LEAKED_THREAD
    assert log == ["unwound, lock held: False"]


@pytest.mark.parametrize("executor", ["concurrent.futures", "execspec.impl"])
def test_a_task_blocked_forever_makes_interpreter_exit_hang_reported_as_leaked(executor: str) -> None:
    def scenario(env: Any) -> None:
        cf = env.load(executor)
        ex = cf.ThreadPoolExecutor(max_workers=1)
        ex.submit(env.threading.Event().wait)
    ex = run(scenario, Newest())
    assert ex.outcome is Outcome.LEAKED_THREAD and ex.report is not None
    assert ex.report.headline.startswith(
        "LEAKED_THREAD: worker 0 (ThreadPoolExecutor-0_0) is still alive at interpreter exit")


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "reused"])
def test_stdlib_wait_and_as_completed_replay_exactly(fresh: bool) -> None:
    # Their sets of futures and sorted(key=id) would follow memory addresses: see loader_hash.
    def scenario(env: Any) -> list[int]:
        cf = env.load("concurrent.futures")
        with cf.ThreadPoolExecutor(max_workers=2) as ex:
            fs = [ex.submit(pow, 2, i) for i in range(4)]
            cf.wait(fs)
            return [f.result() for f in cf.as_completed(fs)]
    first = run(scenario, Seeded(3), fresh_modules=fresh)
    for _ in range(5):
        again = run(scenario, Seeded(3), fresh_modules=fresh)
        assert [s.op for s in again.trace] == [s.op for s in first.trace]
        assert again.return_value == first.return_value


def test_finished_greenlets_are_reused_by_later_executions_with_the_same_results() -> None:
    # A deadlock (threads unwound), then passing runs: the finished threads' greenlets are
    # reused (cthread._IDLE), and every run still gives the same trace as the first one.
    from execspec.sched.examples import docs

    first = run(functools.partial(docs.wait_on_each_other), Seeded(0))
    assert first.outcome is Outcome.DEADLOCK
    runs = [run(_pool, Seeded(1)) for _ in range(3)]
    assert all(r.outcome is Outcome.OK and r.return_value == [1, 2, 4, 8] for r in runs)
    assert len({tuple(r.schedule) for r in runs}) == 1
    seen: list[object] = []  # strong references: an id is not recycled while we hold it

    def spy(env: Any) -> list[int]:
        from greenlet import getcurrent  # type: ignore[import-untyped,unused-ignore]

        cf = env.load("concurrent.futures")
        with cf.ThreadPoolExecutor(max_workers=2) as ex:
            fs = [ex.submit(lambda i: (seen.append(getcurrent()), 2 ** i)[1], i) for i in range(4)]
            seen.append(getcurrent())
            return [f.result() for f in fs]

    for _ in range(3):
        assert run(spy, Seeded(1)).return_value == [1, 2, 4, 8]
    assert len({id(g) for g in seen}) <= 3  # main and two workers; without reuse, 3 per run

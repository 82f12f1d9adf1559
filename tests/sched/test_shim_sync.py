"""Shim locks, conditions, semaphores, events, barriers and thread-locals, under many
schedules. Time is virtual: no test sleeps for real."""

from __future__ import annotations

from typing import Any

import pytest

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Newest, Seeded, outcomes, run


def _counter_scenario(locked: bool) -> Any:
    def scenario(env: Any) -> int:
        th = env.threading
        lock = th.Lock()
        box = {"n": 0}

        def bump() -> None:
            for _ in range(3):
                if locked:
                    lock.acquire()
                seen = box["n"]
                env.time.sleep(0)  # a scheduling point between the read and the write
                box["n"] = seen + 1
                if locked:
                    lock.release()

        ts = [th.Thread(target=bump) for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return box["n"]
    return scenario


def test_lock_enforces_mutual_exclusion_on_every_schedule() -> None:
    for seed in range(40):
        ex = run(_counter_scenario(locked=True), Seeded(seed))
        assert ex.outcome is Outcome.OK and ex.return_value == 9, seed


def test_without_the_lock_some_schedule_loses_an_update() -> None:
    results = {run(_counter_scenario(locked=False), Seeded(seed)).return_value for seed in range(40)}
    assert min(results) < 9  # type: ignore[type-var]


def test_lock_release_when_unlocked_raises() -> None:
    def scenario(env: Any) -> None:
        with pytest.raises(RuntimeError, match="release unlocked lock"):
            env.threading.Lock().release()
    assert run(scenario).outcome is Outcome.OK


def test_lock_acquire_times_out_on_the_virtual_clock() -> None:
    def scenario(env: Any) -> tuple[bool, float, bool]:
        lock = env.threading.Lock()
        lock.acquire()
        t0 = env.time.monotonic()
        got = lock.acquire(timeout=7.5)
        return got, env.time.monotonic() - t0, lock.acquire(False)
    ex = run(scenario)
    assert ex.return_value == (False, 7.5, False)
    assert ex.virtual_time == 7.5


def test_rlock_is_reentrant_and_owned() -> None:
    def scenario(env: Any) -> str:
        th = env.threading
        r = th.RLock()
        with r:
            with r:
                pass
        r.acquire()
        errors = []

        def other() -> None:
            try:
                r.release()
            except RuntimeError as e:
                errors.append(str(e))
        t = th.Thread(target=other)
        t.start()
        t.join()
        r.release()
        return errors[0]
    assert run(scenario).return_value == "cannot release un-acquired lock"


def test_condition_notify_wakes_one_waiter_and_notify_all_wakes_the_rest() -> None:
    def scenario(env: Any) -> list[str]:
        th = env.threading
        cond = th.Condition()
        woke: list[str] = []
        ready = {"n": 0}

        def waiter(name: str) -> None:
            with cond:
                ready["n"] += 1
                cond.wait()
                woke.append(name)
        ts = [th.Thread(target=waiter, args=(n,)) for n in "abc"]
        for t in ts:
            t.start()
        with cond:
            assert cond.wait_for(lambda: ready["n"] == 3, timeout=1.0)
            cond.notify()
        with cond:
            # nobody notifies main: the timeout fires once the woken thread is done
            assert not cond.wait_for(lambda: len(woke) > 1, timeout=1.0)
            assert len(woke) == 1
            cond.notify_all()
        for t in ts:
            t.join()
        return woke
    for seed in range(20):
        ex = run(scenario, Seeded(seed))
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert sorted(ex.return_value) == ["a", "b", "c"]  # type: ignore[arg-type]


def test_condition_wait_times_out_deterministically() -> None:
    def scenario(env: Any) -> tuple[bool, float]:
        cond = env.threading.Condition()
        with cond:
            return cond.wait(timeout=2.5), env.time.monotonic()
    assert run(scenario).return_value == (False, 1002.5)  # monotonic() starts at 1000


def test_condition_wait_without_the_lock_raises() -> None:
    def scenario(env: Any) -> None:
        with pytest.raises(RuntimeError, match="un-acquired"):
            env.threading.Condition().wait()
    assert run(scenario).outcome is Outcome.OK


def test_semaphore_bounds_concurrency() -> None:
    def scenario(env: Any) -> int:
        th = env.threading
        sem = th.Semaphore(2)
        inside = {"now": 0, "max": 0}

        def work() -> None:
            with sem:
                inside["now"] += 1
                inside["max"] = max(inside["max"], inside["now"])
                env.time.sleep(0)
                inside["now"] -= 1
        ts = [th.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return inside["max"]
    seen = {run(scenario, Seeded(s)).return_value for s in range(30)}
    assert seen == {1, 2}, seen  # two at a time happens, three never


def test_bounded_semaphore_rejects_extra_release() -> None:
    def scenario(env: Any) -> bool:
        sem = env.threading.BoundedSemaphore(1)
        with pytest.raises(ValueError, match="too many"):
            sem.release()
        return sem.acquire(timeout=0)
    assert run(scenario).return_value is True


def test_event_wait_returns_when_set_or_on_timeout() -> None:
    def scenario(env: Any) -> tuple[bool, bool, float]:
        th = env.threading
        ev = th.Event()
        timed_out = ev.wait(3)
        t = th.Thread(target=ev.set)
        t.start()
        woke = ev.wait()
        t.join()
        return timed_out, woke, env.time.time() - 1_767_225_600.0
    assert run(scenario).return_value == (False, True, 3.0)


def test_barrier_releases_all_parties_and_runs_the_action_once() -> None:
    def scenario(env: Any) -> tuple[list[int], int]:
        th = env.threading
        actions = []
        bar = th.Barrier(3, action=lambda: actions.append(1))
        idx: list[int] = []

        def party() -> None:
            idx.append(bar.wait())
        ts = [th.Thread(target=party) for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return sorted(idx), len(actions)
    for seed in range(15):
        assert run(scenario, Seeded(seed)).return_value == ([0, 1, 2], 1)


def test_barrier_timeout_breaks_it_for_every_waiter() -> None:
    def scenario(env: Any) -> list[str]:
        th = env.threading
        bar = th.Barrier(3)
        seen: list[str] = []

        def party(timeout: float | None) -> None:
            try:
                bar.wait(timeout)
                seen.append("passed")
            except th.BrokenBarrierError:
                seen.append("broken")
        ts = [th.Thread(target=party, args=(t,)) for t in (None, 4.0)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return seen + [str(bar.broken)]
    assert run(scenario).return_value == ["broken", "broken", "True"]


def test_barrier_abort_and_reset() -> None:
    def scenario(env: Any) -> tuple[bool, bool]:
        bar = env.threading.Barrier(2)
        bar.abort()
        broken = bar.broken
        bar.reset()
        return broken, bar.broken
    assert run(scenario).return_value == (True, False)


def test_local_holds_one_value_per_thread() -> None:
    def scenario(env: Any) -> list[Any]:
        th = env.threading
        loc = th.local()
        loc.x = "main"
        seen: list[Any] = []

        def child() -> None:
            seen.append(getattr(loc, "x", None))
            loc.x = "child"
            seen.append(loc.x)
        t = th.Thread(target=child)
        t.start()
        t.join()
        return seen + [loc.x]
    assert run(scenario, Newest()).return_value == [None, "child", "main"]


def test_lock_order_inversion_deadlocks_only_under_some_schedules() -> None:
    def scenario(env: Any) -> None:
        th = env.threading
        a, b = th.Lock(), th.Lock()

        def one() -> None:
            with a:
                with b:
                    pass

        def two() -> None:
            with b:
                with a:
                    pass
        ts = [th.Thread(target=one), th.Thread(target=two)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    seen = outcomes(scenario, seeds=60)
    assert seen.get(Outcome.OK) and seen.get(Outcome.DEADLOCK), seen

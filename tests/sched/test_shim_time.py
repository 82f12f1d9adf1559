"""The virtual clock: it moves only when every controlled thread is blocked, straight to
the earliest deadline, so long sleeps cost nothing and timeouts fire deterministically."""

from __future__ import annotations

import time as real_time
from typing import Any

import pytest

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Seeded, run


def test_an_hour_of_sleep_costs_one_step() -> None:
    def scenario(env: Any) -> float:
        env.time.sleep(3600)
        return env.time.monotonic()
    start = real_time.monotonic()
    ex = run(scenario)
    assert ex.return_value == 4600.0 and ex.virtual_time == 3600
    assert ex.steps <= 3
    assert real_time.monotonic() - start < 5


def test_clock_jumps_to_the_earliest_deadline_and_never_moves_while_a_thread_runs() -> None:
    def scenario(env: Any) -> list[tuple[str, float]]:
        th, tm = env.threading, env.time
        log: list[tuple[str, float]] = []

        def sleeper(name: str, secs: float) -> None:
            tm.sleep(secs)
            log.append((name, tm.monotonic() - 1000))
        ts = [th.Thread(target=sleeper, args=a) for a in (("late", 5), ("early", 2))]
        for t in ts:
            t.start()
        for _ in range(10):
            tm.sleep(0)  # main keeps running: time stands still
        log.append(("main", tm.monotonic() - 1000))
        for t in ts:
            t.join()
        return log
    for seed in range(10):
        assert run(scenario, Seeded(seed)).return_value == [("main", 0), ("early", 2), ("late", 5)]


def test_time_functions_agree_and_ns_variants_match() -> None:
    def scenario(env: Any) -> tuple[float, float, int]:
        tm = env.time
        tm.sleep(1.5)
        return tm.perf_counter() - tm.monotonic(), tm.time() - 1_767_225_601.5, tm.monotonic_ns()
    assert run(scenario).return_value == (0.0, 0.0, 1_001_500_000_000)


def test_negative_sleep_raises_and_unknown_names_come_from_real_time() -> None:
    def scenario(env: Any) -> str:
        with pytest.raises(ValueError):
            env.time.sleep(-1)
        return env.time.strftime("%Y", env.time.gmtime(0))
    ex = run(scenario)
    assert ex.outcome is Outcome.OK and ex.return_value == "1970"

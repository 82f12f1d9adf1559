"""Virtual time moves for code that polls a deadline, as real time does."""

from __future__ import annotations

from typing import Any

from execspec.sched.kernel.runtime import POLL_TICK
from execspec.sched.runner import run_once
from execspec.sched.strategies import RandomStrategy


def _run(scenario: Any) -> Any:
    strategy = RandomStrategy(seed=0)
    assert strategy.begin_execution()
    return run_once(scenario, strategy, max_steps=5_000)


def test_a_loop_polling_a_deadline_with_zero_waits_terminates() -> None:
    def scenario(env: Any) -> int:
        ev = env.threading.Event()
        end = env.time.monotonic() + 0.001
        polls = 0
        while env.time.monotonic() < end:  # never set: only the clock can end the loop
            ev.wait(0)
            polls += 1
        return polls

    execution = _run(scenario)
    assert execution.outcome.name == "OK", execution.report and execution.report.render()
    assert execution.return_value == round(0.001 / POLL_TICK)


def test_the_stdlib_as_completed_with_timeout_zero_times_out_instead_of_spinning() -> None:
    def scenario(env: Any) -> str:
        cf = env.load("concurrent.futures")
        fut = cf.Future()
        try:
            list(cf.as_completed([fut], timeout=0))
        except cf.TimeoutError:
            return "timed out"
        return "returned"

    execution = _run(scenario)
    assert execution.outcome.name == "OK", execution.report and execution.report.render()
    assert execution.return_value == "timed out"


def test_a_wait_with_time_to_run_costs_no_tick() -> None:
    def scenario(env: Any) -> float:
        start = env.time.monotonic()
        env.threading.Event().wait(5)
        return float(env.time.monotonic() - start)

    assert _run(scenario).return_value == 5.0


def test_without_the_tick_the_polling_loop_is_caught_as_a_livelock(monkeypatch: Any) -> None:
    import execspec.sched.kernel.runtime as runtime

    monkeypatch.setattr(runtime, "POLL_TICK", 0.0)

    def scenario(env: Any) -> None:
        end = env.time.monotonic() + 0.001
        ev = env.threading.Event()
        while env.time.monotonic() < end:
            ev.wait(0)

    assert _run(scenario).outcome.name == "LIVELOCK"

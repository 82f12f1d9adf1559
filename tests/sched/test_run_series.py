"""``run_series``: a whole series of executions in the runner thread gives what a loop of
``run_with`` gives, goes on past an execution it had to abandon, and past a runner that
retired (its graveyard full), and stops when the strategy or ``each`` says so."""

from __future__ import annotations

import threading as real_threading
from typing import Any

import pytest

from execspec.sched import FirstEnabled, Outcome
from execspec.sched import runner as runner_module
from execspec.sched.examples import docs, lost_update
from execspec.sched.explore import run_with
from execspec.sched.kernel.execution import Execution
from execspec.sched.runner import run_series
from execspec.sched.strategies import DFSStrategy, RandomStrategy

FOREVER = real_threading.Event()  # never set


def _summary(ex: Execution) -> tuple[str, list[int], object]:
    return ex.outcome.name, ex.schedule, ex.return_value


def _series(scenario: Any, strategy: Any, n: int, **kw: Any) -> list[Execution]:
    seen: list[Execution] = []

    def each(ex: Execution) -> bool:
        seen.append(ex)
        return len(seen) < n

    run_series(scenario, strategy, each, **kw)
    return seen


@pytest.mark.parametrize("scenario", [lost_update.lost_update, docs.wait_on_each_other])
def test_a_series_is_what_a_loop_of_run_with_gives(scenario: Any) -> None:
    strategy = RandomStrategy(seed=3)
    loop = []
    for _ in range(40):
        ex = run_with(scenario, strategy)
        assert ex is not None
        loop.append(_summary(ex))
    assert [_summary(ex) for ex in _series(scenario, RandomStrategy(seed=3), 40)] == loop


def test_a_strategy_that_observes_sees_the_same_in_a_series() -> None:
    scenario = docs.wait_on_future
    loop, strategy = [], DFSStrategy(reduction="dpor", preemption_bound=2)
    while (ex := run_with(scenario, strategy)) is not None:
        loop.append(_summary(ex))
    series: list[Execution] = []
    exhausted = run_series(scenario, DFSStrategy(reduction="dpor", preemption_bound=2),
                           lambda ex: not series.append(ex))
    assert exhausted and [_summary(ex) for ex in series] == loop


@pytest.mark.timeout(60)
def test_a_series_goes_on_past_an_execution_it_abandons() -> None:
    calls = []

    def blocks_the_third_time(env: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            FOREVER.wait()  # a real wait: the watchdog abandons this execution
        return len(calls)

    before = set(runner_module._ABANDONED.values())  # other tests' may still be ending
    seen = _series(blocks_the_third_time, FirstEnabled(), 5, uncontrolled_timeout=0.2)
    assert [ex.outcome for ex in seen] == [Outcome.OK, Outcome.OK, Outcome.UNCONTROLLED_BLOCK,
                                           Outcome.OK, Outcome.OK]
    assert [ex.return_value for ex in seen] == [1, 2, None, 4, 5]
    ours = [r for r in list(runner_module._ABANDONED.values()) if r not in before]
    for r in ours:
        r.thread.join(10)
    assert not any(r.thread.is_alive() for r in ours), "the abandoned runner did not stop"


def _stubborn(env: Any) -> int:
    """Leaves a daemon thread that will not die: its execution's runner keeps it."""
    lock, started = env.threading.Lock(), env.threading.Event()
    lock.acquire()

    def body() -> None:
        started.set()
        while True:
            try:
                lock.acquire()
            except BaseException:  # noqa: BLE001, S110 - refuses GreenletExit on purpose
                pass

    env.threading.Thread(target=body, daemon=True).start()
    started.wait()
    return 1


@pytest.mark.timeout(120)
def test_a_series_goes_on_in_a_new_runner_when_one_retires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "_GRAVEYARD", 2)
    made = []
    real_runner = runner_module._Runner

    def counted() -> Any:
        made.append(1)
        return real_runner()

    monkeypatch.setattr(runner_module, "_Runner", counted)
    before = {t for t in real_threading.enumerate() if t.name == "execspec-runner"}
    seen = _series(_stubborn, FirstEnabled(), 5, modules=())
    assert [ex.outcome for ex in seen] == [Outcome.OK] * 5
    assert [ex.return_value for ex in seen] == [1] * 5
    assert len(made) >= 2, "no runner retired: the test did not test what it says"
    retired = [t for t in real_threading.enumerate() if t.name == "execspec-runner"
               and t not in before]
    assert len(retired) <= 1, "retired runners were left running"


def test_a_series_stops_when_the_strategy_runs_out_or_each_says_so() -> None:
    class Three(FirstEnabled):
        def __init__(self) -> None:
            self.left = 3

        def begin_execution(self) -> bool:
            self.left -= 1
            return self.left >= 0

    seen: list[Execution] = []
    assert run_series(lambda env: 1, Three(), lambda ex: not seen.append(ex)) is True
    assert len(seen) == 3
    assert run_series(lambda env: 1, FirstEnabled(), lambda ex: False) is False

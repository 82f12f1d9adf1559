"""The one place that reads the scheduler shim's results and turns them into conformance's.

``execspec.sched`` explores a scenario and reports what it found in its own terms (an
``Exploration`` with typed ``Failure`` records: an ``ExecutionOutcome`` and a ``FailureReport``);
the shim runner needs a :class:`CheckFailure`. Every read of sched's result types happens here,
so a change in their shape is one edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from execspec.conformance.results import CheckFailure, FailureKind
from execspec.sched import ExecutionOutcome, FirstEnabled, Strategy, run_once
from execspec.sched.explore import explore
from execspec.sched.strategies import PCTStrategy, RandomStrategy

__all__ = ["first_failure", "run_one_schedule", "strategies"]

Scenario = Callable[[Any], object]


def strategies(seed: int) -> list[Strategy]:
    """The strategies each shim check is explored with, in order: seeded random, then PCT."""
    return [RandomStrategy(seed=seed), PCTStrategy(seed=seed, depth=2)]


def run_one_schedule(scenario: Scenario) -> object:
    """Run ``scenario`` once (first-enabled schedule) and return what it returned.

    Raises whatever stops the shim from running it at all.
    """
    return run_once(scenario, FirstEnabled()).return_value


def first_failure(scenario: Scenario, strategy: Strategy, *, schedules: int, seed: int,
                  schedule_dir: Path) -> CheckFailure | None:
    """Explore ``scenario`` for up to ``schedules`` schedules; the first failure found, if any,
    with the schedule file that replays it."""
    found = explore(scenario, strategy, max_schedules=schedules, schedule_dir=schedule_dir)
    if not found.failed:
        return None
    failure = found.failures[0]
    kind = _KINDS[failure.kind]
    if kind is FailureKind.EXCEPTION and failure.explanation.exception_type == "AssertionError":
        kind = FailureKind.ASSERTION  # the check's own assertion, raised inside the shim
    return CheckFailure(
        kind=kind,
        message=failure.render(),
        headline=failure.headline or failure.key,
        seed=seed,
        strategy=str(found.strategy.get("name")),
        schedule=failure.index + 1,
        replay_file=found.schedule_file,
        replay_unsaved=found.unsaved,
        interleaving=failure.explanation.trace or None,
    )


#: how a failed execution ended (sched) -> why the check run failed (conformance)
_KINDS = {
    ExecutionOutcome.DEADLOCK: FailureKind.DEADLOCK,
    ExecutionOutcome.EXCEPTION: FailureKind.EXCEPTION,
    ExecutionOutcome.LIVELOCK: FailureKind.LIVELOCK,
    ExecutionOutcome.LEAKED_THREAD: FailureKind.LEAKED_THREAD,
    ExecutionOutcome.UNCONTROLLED_BLOCK: FailureKind.UNCONTROLLED_BLOCK,
}

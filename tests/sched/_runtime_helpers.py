"""Trivial strategies and helpers for the runtime's own tests (the real strategies live in
``execspec.sched.strategies`` and are tested on their own)."""

from __future__ import annotations

import random
from typing import Any, Callable, Sequence

from execspec.sched.kernel.execution import Execution, Outcome
from execspec.sched.strategies.first_enabled import FirstEnabled
from execspec.sched.runner import run_once
from execspec.sched.kernel.op import Op


First = FirstEnabled  # always the first enabled thread (the lowest id)


class Newest(First):
    """Always the last enabled thread (the highest id): new threads run at once."""

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        return len(enabled) - 1


class Seeded(First):
    """Uniformly random, seeded."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        return self.rng.randrange(len(enabled))


class Scripted(First):
    """Replays ``Execution.schedule`` (the thread id run at each 1-based step)."""

    def __init__(self, tids: Sequence[int]) -> None:
        self.tids = list(tids)

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        want = self.tids[step - 1]
        return next(j for j, op in enumerate(enabled) if op.thread == want)


def run(scenario: Callable[[Any], object], strategy: Any = None, **kw: Any) -> Execution:
    """``run_once`` with the First strategy by default."""
    return run_once(scenario, strategy or First(), **kw)


def outcomes(scenario: Callable[[Any], object], seeds: int = 30, **kw: Any) -> dict[Outcome, int]:
    """How often each outcome occurs over ``seeds`` random schedules."""
    seen: dict[Outcome, int] = {}
    for seed in range(seeds):
        ex = run_once(scenario, Seeded(seed), **kw)
        seen[ex.outcome] = seen.get(ex.outcome, 0) + 1
    return seen

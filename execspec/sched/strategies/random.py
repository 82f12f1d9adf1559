"""Seeded uniform random scheduling: at every point, pick any enabled operation.

Execution ``k`` of a strategy seeded with ``s`` draws from its own generator, seeded from
``(s, k)``; so executions 1000-1999 can run in another process and make exactly the choices a
serial run would have made there (``split``), and a failing execution is named by two numbers.

>>> from execspec.sched.kernel.op import Op
>>> s = RandomStrategy(seed=7)
>>> s.begin_execution()
True
>>> s.choose([Op(0, "yield"), Op(1, "yield")], 0) in (0, 1)
True
"""

from __future__ import annotations

import random
from typing import Sequence

from execspec import config
from execspec.sched.kernel.op import Op

SEED_ENV = config.SEED


def default_seed() -> int:
    """The seed used when none is given: ``$EXECSPEC_SEED``, else 0 (deterministic by default)."""
    return config.seed()


def execution_seed(seed: int, execution: int) -> int:
    """The seed of execution ``execution``: independent of how executions were split up."""
    return (seed & 0xFFFF_FFFF_FFFF) << 32 | (execution & 0xFFFF_FFFF)


class SeededExecutions:
    """Numbered executions, each with its own generator seeded from (seed, execution index).

    ``executions`` bounds how many executions run (None: unbounded, the driver's
    ``max_schedules`` stops it); ``first`` is the index of the first one. Shared by the random
    and PCT strategies, so that both split across processes exactly as they run serially.
    """

    def __init__(self, seed: int | None = None, *, executions: int | None = None,
                 first: int = 0) -> None:
        self.seed = default_seed() if seed is None else seed
        self.first = first
        self.executions = executions
        self.execution = first - 1  # index of the current (or last) execution
        self._rng = random.Random(0)

    def begin_execution(self) -> bool:
        """Move to the next execution and re-seed; False past the last one."""
        nxt = self.execution + 1
        if self.executions is not None and nxt >= self.first + self.executions:
            return False
        self.execution = nxt
        self._rng.seed(execution_seed(self.seed, nxt))  # the state a new Random(...) would have
        return True


class RandomStrategy(SeededExecutions):
    """Uniformly random choice among the enabled operations, seeded per execution."""

    name = "random"

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        n = len(enabled)
        return 0 if n == 1 else int(self._rng.random() * n)

    def end_execution(self, failed: bool) -> None:
        pass

    def describe(self) -> dict[str, object]:
        """What a schedule file records about the current execution."""
        return {"name": self.name, "seed": self.seed, "execution": self.execution}

    def split(self, parts: int, budget: int) -> list[RandomStrategy]:
        """The next ``budget`` executions, as ``parts`` consecutive seed ranges (serial order)."""
        return [RandomStrategy(self.seed, first=start, executions=count)
                for start, count in seed_ranges(self.execution + 1, budget, parts)]


def seed_ranges(start: int, budget: int, parts: int) -> list[tuple[int, int]]:
    """Split executions ``[start, start + budget)`` into at most ``parts`` (first, count) ranges."""
    parts = max(1, min(parts, budget))
    size, extra = divmod(budget, parts)
    out: list[tuple[int, int]] = []
    for i in range(parts):
        count = size + (1 if i < extra else 0)
        if count:
            out.append((start, count))
        start += count
    return out

"""PCT: probabilistic concurrency testing with bug depth ``d`` (Burckhardt et al., ASPLOS 2010).

Each thread gets a random priority when it first shows up; the highest-priority enabled thread
always runs. ``d - 1`` change points are drawn among the ``n`` *decision* steps (steps with more
than one enabled operation); at the i-th one the thread about to run drops to priority
``d - i``, below every initial priority. A bug that needs ``d`` ordering constraints among ``t``
threads is then found by one execution with probability at least ``1 / (t * n ** (d - 1))``.

``n`` is estimated: unless ``steps`` is given, execution 0 runs without change points and its
decision count becomes ``n`` for every later execution. ``n`` is then fixed (not re-estimated
from later runs) so that executions split across processes choose exactly as a serial run.

>>> from execspec.sched.kernel.op import Op
>>> s = PCTStrategy(depth=2, seed=3)
>>> s.begin_execution()
True
>>> s.choose([Op(0, "yield"), Op(1, "yield")], 0) in (0, 1)
True
"""

from __future__ import annotations

from typing import Sequence

from execspec.sched.strategies.random import SeededExecutions, seed_ranges
from execspec.sched.kernel.op import Op


class PCTStrategy(SeededExecutions):
    """Priority-based random scheduling with ``depth - 1`` priority change points."""

    name = "pct"

    def __init__(self, depth: int = 3, seed: int | None = None, *, steps: int | None = None,
                 executions: int | None = None, first: int = 0) -> None:
        if depth < 1:
            raise ValueError(f"PCT depth must be >= 1, got {depth}; depth 1 = no change points")
        super().__init__(seed, executions=executions, first=first)
        self.depth = depth
        self.steps = steps  # n: estimated decision steps per execution (None: calibrate)
        # invariant: every thread seen this execution has exactly one priority; initial ones
        # lie in [depth, depth + 1), lowered ones are the distinct integers 1 .. depth - 1
        self._priority: dict[int, float] = {}
        self._change_points: dict[int, int] = {}  # decision step -> i (1-based)
        self._decisions = 0

    def begin_execution(self) -> bool:
        if not super().begin_execution():
            return False
        self._priority = {}
        self._decisions = 0
        self._change_points = {}
        n = self.steps
        if n is not None and n > 0 and self.depth > 1:
            points = self._rng.sample(range(1, n + 1), min(self.depth - 1, n))
            self._change_points = {c: i for i, c in enumerate(sorted(points), start=1)}
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        priority = self._priority
        for op in enabled:
            if op.thread not in priority:
                priority[op.thread] = self.depth + self._rng.random()
        if len(enabled) == 1:
            return 0
        best = max(range(len(enabled)), key=lambda i: priority[enabled[i].thread])
        change = self._change_points.get(self._decisions)
        self._decisions += 1
        if change is not None:
            priority[enabled[best].thread] = float(self.depth - change)
            best = max(range(len(enabled)), key=lambda i: priority[enabled[i].thread])
        return best

    def end_execution(self, failed: bool) -> None:
        if self.steps is None:
            self.steps = max(self._decisions, 1)

    def describe(self) -> dict[str, object]:
        """What a schedule file records about the current execution."""
        return {"name": self.name, "seed": self.seed, "execution": self.execution,
                "depth": self.depth, "steps": self.steps}

    def split(self, parts: int, budget: int) -> list[PCTStrategy]:
        """The next ``budget`` executions as ``parts`` seed ranges; needs ``steps`` calibrated."""
        if self.steps is None:
            raise RuntimeError("PCT splits only after one execution has calibrated `steps`; "
                               "run one execution first or pass steps=N")
        return [PCTStrategy(self.depth, self.seed, steps=self.steps, first=start, executions=count)
                for start, count in seed_ranges(self.execution + 1, budget, parts)]

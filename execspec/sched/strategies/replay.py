"""Replay a recorded schedule, checking at every step that the program still agrees with it.

A schedule is the list of synchronisation operations chosen, as (thread, kind, label) — not
bytecode counts — so it survives interpreter upgrades and edits that keep the same operations.
When the program no longer does what the schedule says, replay stops trusting it and records a
``ReplayDivergence`` naming the step (numbered from 1, as in traces), what was expected and
what was seen; it then keeps the execution going with the first enabled thread so the caller
still gets an outcome. Steps where only one thread could run are checked by ``observe``, which
the driver calls with every operation run once the execution is over.

>>> from execspec.sched.kernel.op import Op
>>> s = ReplayStrategy([(1, "acquire", "Lock#0.acquire")])
>>> s.begin_execution()
True
>>> s.choose([Op(0, "yield"), Op(1, "acquire", 0, "Lock#0.acquire")], 1)
1
>>> s.observe([Op(1, "acquire", 0, "Lock#0.acquire")]); s.divergence is None
True
"""

from __future__ import annotations

from typing import Sequence

from execspec.sched.kernel.op import Op

#: one recorded step: (thread id, op kind, op label) -- not ``model``'s Step
ReplayStep = tuple[int, str, str]
Step = ReplayStep  # the old name


class ReplayDivergence(Exception):
    """The program's operations stopped matching the recorded schedule."""

    def __init__(self, step: int, expected: str, seen: str) -> None:
        super().__init__(f"replay diverged at step {step}: the schedule expects {expected}, "
                         f"but {seen}. The code under test (or the Python/executor version) "
                         "changed since the schedule was recorded; re-record it by exploring again.")
        self.step = step
        self.expected = expected
        self.seen = seen


def _show(step: ReplayStep) -> str:
    thread, kind, label = step
    return f"thread {thread} to do {label or kind}"


class ReplayStrategy:
    """Runs exactly one execution, making the recorded choices."""

    name = "replay"

    def __init__(self, steps: Sequence[ReplayStep], *, seed: int = 0) -> None:
        self.steps: list[ReplayStep] = [(int(t), str(k), str(lab)) for t, k, lab in steps]
        self.seed = seed
        self.execution = -1
        self.divergence: ReplayDivergence | None = None

    def begin_execution(self) -> bool:
        if self.execution >= 0:
            return False
        self.execution = 0
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        # ``step`` is the runtime's 1-based step number; the schedule lists every step,
        # including those where only one thread could run (checked later, in ``observe``).
        if self.divergence is not None:
            return 0
        if step > len(self.steps):
            self._diverge(step, "the execution to be over",
                          f"threads {[op.thread for op in enabled]} can still run")
            return 0
        thread, kind, label = self.steps[step - 1]
        for idx, op in enumerate(enabled):
            if op.thread == thread:
                if op.kind != kind or op.label != label:
                    self._diverge(step, _show((thread, kind, label)),
                                  f"thread {thread} is about to do {op.label or op.kind}")
                return idx
        runnable = ", ".join(f"{op.thread} ({op.label or op.kind})" for op in enabled)
        self._diverge(step, _show((thread, kind, label)),
                      f"thread {thread} cannot run; runnable are: {runnable}")
        return 0

    def _diverge(self, step: int, expected: str, seen: str) -> None:
        self.divergence = ReplayDivergence(step, expected, seen)

    def observe(self, ops: Sequence[Op]) -> None:
        """Check every step run (decisions and forced steps) against the schedule."""
        if self.divergence is not None:
            return
        for step, (op, want) in enumerate(zip(ops, self.steps), start=1):
            if (op.thread, op.kind, op.label) != want:
                self._diverge(step, _show(want), f"thread {op.thread} did {op.label or op.kind}")
                return
        if len(ops) < len(self.steps):
            self._diverge(len(ops) + 1, _show(self.steps[len(ops)]),
                          f"the execution ended after {len(ops)} steps")
        elif len(ops) > len(self.steps):
            self._diverge(len(self.steps) + 1, "the execution to be over",
                          f"thread {ops[len(self.steps)].thread} did {ops[len(self.steps)].label}")

    def end_execution(self, failed: bool) -> None:
        pass

    def describe(self) -> dict[str, object]:
        """What a schedule file records about the current execution."""
        return {"name": self.name, "seed": self.seed}

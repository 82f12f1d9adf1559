"""What one execution produced: its outcome, report, trace and schedule.

An ``Execution`` keeps the ops run at each step and the virtual clock's jumps; the richer
views (``trace`` rows with names and times, the ``schedule`` of thread ids that replays it)
are built when asked, so exploring thousands of executions stays cheap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Explanation

__all__ = ["Execution", "ExecutionOutcome", "Outcome", "TraceStep", "trace_rows"]


class ExecutionOutcome(enum.Enum):
    """How an execution ended (not to be confused with ``model.states.Outcome``, how a
    future ended, nor with the conformance results). ``Outcome`` is its old name."""

    OK = "ok"
    #: no thread can run and no timed wait is pending
    DEADLOCK = "deadlock"
    #: an exception escaped the scenario or a controlled thread
    EXCEPTION = "exception"
    #: the step bound was exceeded (a livelock, or a scenario too long for the bound)
    LIVELOCK = "livelock"
    #: a non-daemon thread never finished, so interpreter exit would hang
    LEAKED_THREAD = "leaked thread"
    #: a controlled thread blocked on something the shim does not control
    UNCONTROLLED_BLOCK = "uncontrolled block"


#: the old name, kept: ``from execspec.sched import Outcome``
Outcome = ExecutionOutcome


@dataclass(frozen=True)
class TraceStep:
    """One scheduling decision: which thread ran which operation at what virtual time."""

    index: int
    thread: int
    thread_name: str
    label: str
    time: float
    op: Op


def trace_rows(ops: list[Op], marks: list[tuple[int, float]]) -> list[tuple[int, Op, float]]:
    """(thread id, op, virtual time) per step, from the ops and the clock's jumps."""
    rows = []
    clock, i = 0.0, 0
    for step, op in enumerate(ops):
        while i < len(marks) and marks[i][0] <= step:
            clock = marks[i][1]
            i += 1
        rows.append((op.thread, op, clock))
    return rows


class Execution:
    """The result of one ``run_once``: outcome, report, trace, schedule and return value."""

    def __init__(self, outcome: ExecutionOutcome, report: Explanation | None, ops: list[Op],
                 marks: list[tuple[int, float]], names: list[str], steps: int,
                 virtual_time: float, return_value: object) -> None:
        self.outcome = outcome
        self.report = report
        self._ops = ops
        self._marks = marks
        self.thread_names = names
        self.steps = steps
        self.virtual_time = virtual_time
        self.return_value = return_value

    @property
    def failed(self) -> bool:
        """True unless the outcome is OK."""
        return self.outcome is not ExecutionOutcome.OK

    @property
    def schedule(self) -> list[int]:
        """The thread id chosen at each step: enough to replay this execution."""
        return [op.thread for op in self._ops]

    @property
    def ops(self) -> list[Op]:
        """The operation run at each step."""
        return list(self._ops)

    @property
    def trace(self) -> list[TraceStep]:
        """Every step: index (1-based), thread id and name, Op label, virtual time."""
        names = self.thread_names
        return [TraceStep(i, tid, names[tid], op.label, t, op)
                for i, (tid, op, t) in enumerate(trace_rows(self._ops, self._marks), 1)]

    def __repr__(self) -> str:
        return (f"<Execution {self.outcome.name} steps={self.steps} "
                f"virtual_time={self.virtual_time:g}>")

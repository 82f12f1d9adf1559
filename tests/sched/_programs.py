"""A tiny simulator of threaded programs for the strategy tests: no runtime, no shim.

Threads are lists of operations on locks and variables; ``run_program`` runs one execution
under a strategy, calling it as the runtime does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy

Instr = tuple[str, str]  # (kind, object name): lock/unlock a lock, read/write a variable, or spawn


@dataclass
class Run:
    outcome: str                    # "ok", "deadlock" or "lost-update"
    choices: list[Op] = field(default_factory=list)
    enabled_at: list[set[int]] = field(default_factory=list)  # threads enabled at each step
    memory: dict[str, int] = field(default_factory=dict)

    @property
    def threads(self) -> list[int]:
        return [op.thread for op in self.choices]

    def trace_class(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Mazurkiewicz trace of the run: who touched each object, in order."""
        per_obj: dict[str, list[int]] = {}
        for op in self.choices:
            per_obj.setdefault(op.label.split(".")[0], []).append(op.thread)
        return tuple(sorted((k, tuple(v)) for k, v in per_obj.items()))


def run_program(threads: Sequence[Sequence[Instr]], strategy: Strategy) -> Run | None:
    """One execution of ``threads`` under ``strategy``; None when the strategy is exhausted.

    Mirrors the runtime's calling convention: steps are numbered from 1, the strategy is asked
    only when two or more operations are enabled, and ``observe`` (when the strategy has it)
    gets every step's operation before ``end_execution``.
    """
    if not strategy.begin_execution():
        return None
    names = sorted({name for t in threads for _, name in t})
    obj = {name: i for i, name in enumerate(names)}
    pc = [0] * len(threads)
    reg = [0] * len(threads)
    owner: dict[str, int] = {}
    memory: dict[str, int] = {}
    run = Run("ok", memory=memory)
    step = 0
    while True:
        enabled = []
        for t, prog in enumerate(threads):
            if pc[t] < len(prog):
                kind, name = prog[pc[t]]
                if kind == "lock" and name in owner:
                    continue  # blocked: not enabled, as in the runtime
                enabled.append(Op(t, kind, obj[name], f"{name}.{kind}"))
        if not enabled:
            break
        step += 1
        run.enabled_at.append({op.thread for op in enabled})
        op = enabled[strategy.choose(enabled, step) if len(enabled) > 1 else 0]
        run.choices.append(op)
        kind, name = threads[op.thread][pc[op.thread]]
        if kind == "lock":
            owner[name] = op.thread
        elif kind == "unlock":
            del owner[name]
        elif kind == "read":
            reg[op.thread] = memory.get(name, 0)
        elif kind == "write":
            memory[name] = reg[op.thread] + 1
        pc[op.thread] += 1
    if any(pc[t] < len(p) for t, p in enumerate(threads)):
        run.outcome = "deadlock"
    elif any(kind == "read" for t in threads for kind, _ in t) and any(
            memory[n] != sum(1 for t in threads for k, m in t if (k, m) == ("write", n)) for n in memory):
        run.outcome = "lost-update"
    observe = getattr(strategy, "observe", None)
    if observe is not None:
        observe(run.choices)
    strategy.end_execution(run.outcome != "ok")
    return run


def all_runs(threads: Sequence[Sequence[Instr]], strategy: Strategy, limit: int = 100_000) -> list[Run]:
    runs: list[Run] = []
    while len(runs) < limit and (run := run_program(threads, strategy)) is not None:
        runs.append(run)
    return runs


def independent(n_threads: int, n_ops: int) -> list[list[Instr]]:
    return [[("write", f"x{t}_{i}") for i in range(n_ops)] for t in range(n_threads)]


def shared(n_threads: int, n_ops: int) -> list[list[Instr]]:
    return [[("write", "x")] * n_ops for _ in range(n_threads)]


LOCK_INVERSION = [
    [("lock", "A"), ("lock", "B"), ("unlock", "B"), ("unlock", "A")],
    [("lock", "B"), ("lock", "A"), ("unlock", "A"), ("unlock", "B")],
]
LOST_UPDATE = [[("read", "n"), ("write", "n")], [("read", "n"), ("write", "n")]]


def preemptions(run: Run) -> int:
    """Switches away from a thread that could still run, counted as the strategy can see them:
    only at a decision that directly follows another decision."""
    count = 0
    decision = [len(e) > 1 for e in run.enabled_at]
    for k in range(1, len(run.choices)):
        prev, op = run.choices[k - 1].thread, run.choices[k].thread
        if decision[k] and decision[k - 1] and op != prev and prev in run.enabled_at[k]:
            count += 1
    return count

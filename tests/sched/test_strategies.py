"""Strategies on an abstract program: threads as lists of operations on locks and variables.

No runtime here: a tiny simulator plays the role of the shim, so what is checked is the pure
bookkeeping of each strategy — how many interleavings DFS visits, that reductions keep one per
equivalence class, that bounds bound, that PCT finds shallow bugs often enough, that seeds
reproduce and that splitting changes nothing.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Sequence

import pytest

from execspec.sched.strategies import DFSStrategy, PCTStrategy, RandomStrategy, ReplayStrategy
from execspec.sched.strategy import Op, Strategy

Instr = tuple[str, str]  # (kind, object name): lock/unlock a lock, read/write a variable, or spawn


@dataclass
class Run:
    outcome: str                    # "ok", "deadlock" or "lost-update"
    choices: list[Op] = field(default_factory=list)
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
    """One execution of ``threads`` under ``strategy``; None when the strategy is exhausted."""
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
        op = enabled[strategy.choose(enabled, step)]
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
        step += 1
    if any(pc[t] < len(p) for t, p in enumerate(threads)):
        run.outcome = "deadlock"
    elif any(memory.get(n, 0) != sum((k, n) == ("write", n) for t in threads for k, _ in t if _ == n)
             for n in memory):
        run.outcome = "lost-update"
    strategy.end_execution(run.outcome != "ok")
    return run


def all_runs(threads: Sequence[Sequence[Instr]], strategy: Strategy, limit: int = 100_000) -> list[Run]:
    runs = []
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
    count, prev = 0, None
    for i, op in enumerate(run.choices):
        # a switch away from a thread that could still run is a preemption
        if prev is not None and op.thread != prev and _was_enabled(run, i, prev):
            count += 1
        prev = op.thread
    return count


def _was_enabled(run: Run, i: int, thread: int) -> bool:
    return thread in run.enabled_at[i]  # type: ignore[attr-defined]


# --- DFS ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n_threads,n_ops", [(2, 1), (2, 2), (2, 3), (3, 2)])
def test_dfs_without_reduction_enumerates_every_interleaving(n_threads: int, n_ops: int) -> None:
    runs = all_runs(shared(n_threads, n_ops), DFSStrategy(reduction="none"))
    expected = math.factorial(n_threads * n_ops) // math.factorial(n_ops) ** n_threads
    assert len(runs) == expected
    assert len({tuple(r.threads) for r in runs}) == expected


@pytest.mark.parametrize("reduction", ["sleep", "dpor"])
@pytest.mark.parametrize("program", [independent(2, 2), independent(3, 2), shared(2, 2), shared(3, 2),
                                     LOCK_INVERSION, LOST_UPDATE,
                                     [[("write", "x"), ("write", "y")], [("write", "y"), ("write", "z")],
                                      [("write", "z"), ("write", "x")]]])
def test_reduction_visits_every_trace_class(reduction: str, program: list[list[Instr]]) -> None:
    full = all_runs(program, DFSStrategy(reduction="none"))
    reduced = all_runs(program, DFSStrategy(reduction=reduction))
    assert {r.trace_class() for r in reduced} == {r.trace_class() for r in full}
    assert {r.outcome for r in reduced} == {r.outcome for r in full}
    assert len(reduced) <= len(full)


def test_sleep_sets_complete_each_trace_class_once() -> None:
    program = [[("write", "x"), ("write", "y")], [("write", "y"), ("write", "z")],
               [("write", "z"), ("write", "x")]]
    strategy = DFSStrategy(reduction="sleep")
    runs = all_runs(program, strategy)
    complete = len(runs) - strategy.redundant
    assert complete == len({r.trace_class() for r in all_runs(program, DFSStrategy(reduction="none"))})


def test_reductions_collapse_independent_threads() -> None:
    program = independent(3, 3)
    none = all_runs(program, DFSStrategy(reduction="none"))
    sleep_strategy = DFSStrategy(reduction="sleep")
    sleep = all_runs(program, sleep_strategy)
    dpor = all_runs(program, DFSStrategy(reduction="dpor"))
    assert len(none) == 1680
    assert len(sleep) - sleep_strategy.redundant == 1
    assert len(dpor) == 1


def _bounded_reference(program: list[list[Instr]], bound: int) -> set[tuple[int, ...]]:
    out = set()
    for run in all_runs(program, _Tracking(DFSStrategy(reduction="none"))):
        if preemptions(run) <= bound:
            out.add(tuple(run.threads))
    return out


class _Tracking:
    """Wraps a strategy and records the enabled threads at each step on the run."""

    def __init__(self, inner: DFSStrategy) -> None:
        self.inner = inner
        self.enabled: list[set[int]] = []

    def begin_execution(self) -> bool:
        self.enabled = []
        return self.inner.begin_execution()

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        self.enabled.append({op.thread for op in enabled})
        return self.inner.choose(enabled, step)

    def end_execution(self, failed: bool) -> None:
        self.inner.end_execution(failed)


def _all_tracked(program: list[list[Instr]], inner: DFSStrategy) -> list[Run]:
    s = _Tracking(inner)
    runs = []
    while (run := run_program(program, s)) is not None:
        run.enabled_at = s.enabled  # type: ignore[attr-defined]
        runs.append(run)
    return runs


@pytest.mark.parametrize("bound", [0, 1, 2])
@pytest.mark.parametrize("program", [shared(2, 3), shared(3, 2), LOCK_INVERSION])
def test_preemption_bound_explores_exactly_the_bounded_schedules(bound: int, program: list[list[Instr]]) -> None:
    reference = {tuple(r.threads) for r in _all_tracked(program, DFSStrategy(reduction="none"))
                 if preemptions(r) <= bound}
    bounded = _all_tracked(program, DFSStrategy(reduction="none", preemption_bound=bound))
    assert {tuple(r.threads) for r in bounded} == reference
    assert len(bounded) == len(reference)


def test_preemption_bound_zero_runs_each_thread_to_completion() -> None:
    runs = all_runs(shared(2, 3), DFSStrategy(reduction="none", preemption_bound=0))
    assert sorted(tuple(r.threads) for r in runs) == [(0, 0, 0, 1, 1, 1), (1, 1, 1, 0, 0, 0)]


@pytest.mark.parametrize("reduction", ["none", "sleep", "dpor"])
def test_dfs_finds_the_lock_order_inversion(reduction: str) -> None:
    runs = all_runs(LOCK_INVERSION, DFSStrategy(reduction=reduction))
    assert "deadlock" in {r.outcome for r in runs}
    assert {r.outcome for r in all_runs(LOCK_INVERSION, DFSStrategy(preemption_bound=1))} >= {"deadlock"}


@pytest.mark.parametrize("reduction", ["none", "sleep"])
@pytest.mark.parametrize("executions_first", [0, 1, 3, 7])
def test_dfs_split_into_subtrees_equals_the_serial_search(reduction: str, executions_first: int) -> None:
    program = [[("write", "x"), ("write", "y")], [("write", "y"), ("write", "x")], [("write", "x")]]
    serial = [tuple(r.threads) for r in all_runs(program, DFSStrategy(reduction=reduction))]
    strategy = DFSStrategy(reduction=reduction)
    head = all_runs(program, strategy, limit=executions_first)
    units = strategy.split(4, 10**9)
    assert run_program(program, strategy) is None
    parts = [tuple(r.threads) for r in head]
    for unit in units:
        parts += [tuple(r.threads) for r in all_runs(program, unit)]
    assert parts == serial


# --- random and PCT ------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda s: RandomStrategy(seed=s), lambda s: PCTStrategy(depth=2, seed=s)])
def test_same_seed_makes_the_same_choices(make) -> None:  # type: ignore[no-untyped-def]
    a = [r.threads for r in all_runs(shared(3, 3), make(5), limit=50)]
    b = [r.threads for r in all_runs(shared(3, 3), make(5), limit=50)]
    c = [r.threads for r in all_runs(shared(3, 3), make(6), limit=50)]
    assert a == b
    assert a != c


@pytest.mark.parametrize("make", [lambda: RandomStrategy(seed=11), lambda: PCTStrategy(depth=3, seed=11)])
def test_seed_ranges_split_equals_the_serial_run(make) -> None:  # type: ignore[no-untyped-def]
    serial = [r.threads for r in all_runs(shared(3, 2), make(), limit=40)]
    strategy = make()
    head = [r.threads for r in all_runs(shared(3, 2), strategy, limit=1)]
    rest = []
    for part in strategy.split(3, 39):
        rest += [r.threads for r in all_runs(shared(3, 2), part)]
    assert head + rest == serial


def test_random_finds_the_lost_update() -> None:
    runs = all_runs(LOST_UPDATE, RandomStrategy(seed=0), limit=50)
    assert "lost-update" in {r.outcome for r in runs}


def _ordering_bug(length: int) -> list[list[Instr]]:
    # thread 1's single write must come before all of thread 0's `length` writes: depth 1
    return [[("write", "x")] * length, [("write", "flag")]]


def test_pct_finds_a_depth_one_bug_at_least_as_often_as_promised() -> None:
    # P(thread 1 first) >= 1/t = 1/2 for depth 1
    strategy = PCTStrategy(depth=1, seed=0)
    runs = all_runs(_ordering_bug(10), strategy, limit=1000)
    hits = sum(r.threads[0] == 1 for r in runs)
    assert hits / len(runs) >= 0.5 - 0.05


def test_pct_finds_a_depth_two_bug_at_least_as_often_as_promised() -> None:
    # Thread 1 must run exactly between thread 0's 5th and 6th writes: two ordering constraints.
    k = 10
    strategy = PCTStrategy(depth=2, seed=0)
    runs = all_runs(_ordering_bug(k), strategy, limit=2000)
    hits = sum(r.threads.index(1) == 5 for r in runs)
    n = strategy.steps or k
    bound = 1 / (2 * n)  # 1 / (t * n^(d-1))
    assert hits / len(runs) >= bound * 0.8
    uniform = sum(r.threads.index(1) == 5 for r in all_runs(_ordering_bug(k), RandomStrategy(0), limit=2000))
    assert hits >= uniform  # random walks rarely get that deep (2^-5)


def test_pct_change_points_never_exceed_depth_minus_one() -> None:
    strategy = PCTStrategy(depth=3, seed=1, steps=20)
    for _ in range(100):
        strategy.begin_execution()
        assert len(strategy._change_points) == 2
        strategy.end_execution(False)


# --- replay --------------------------------------------------------------------------------

def test_replay_reproduces_a_random_schedule() -> None:
    for run in all_runs(LOCK_INVERSION, RandomStrategy(seed=3), limit=30):
        steps = [(op.thread, op.kind, op.label) for op in run.choices]
        replay = ReplayStrategy(steps)
        again = run_program(LOCK_INVERSION, replay)
        assert again is not None and again.choices == run.choices and again.outcome == run.outcome
        assert replay.divergence is None


def test_replay_of_a_changed_program_says_where_it_diverged() -> None:
    run = run_program(LOCK_INVERSION, ReplayStrategy([(0, "lock", "A.lock"), (0, "lock", "B.lock")]))
    assert run is not None
    changed = [[("lock", "A"), ("lock", "C"), ("unlock", "C"), ("unlock", "A")], LOCK_INVERSION[1]]
    replay = ReplayStrategy([(op.thread, op.kind, op.label) for op in run.choices])
    run_program(changed, replay)
    assert replay.divergence is not None
    assert replay.divergence.step == 1
    assert "B.lock" in str(replay.divergence) and "C.lock" in str(replay.divergence)


def test_replay_runs_exactly_once() -> None:
    replay = ReplayStrategy([])
    assert run_program([[("write", "x")]], replay) is not None
    assert run_program([[("write", "x")]], replay) is None

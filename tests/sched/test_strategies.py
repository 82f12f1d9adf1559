"""Strategies on an abstract program: threads as lists of operations on locks and variables.

No runtime here: a tiny simulator (``_programs.py``) plays the role of the shim, so what is checked is the pure
bookkeeping of each strategy — how many interleavings DFS visits, that reductions keep one per
equivalence class, that bounds bound, that PCT finds shallow bugs often enough, that seeds
reproduce and that splitting changes nothing.
"""

from __future__ import annotations

import math
import random
from typing import Any, Callable

import pytest

from execspec.sched.strategies import DFSStrategy, PCTStrategy, RandomStrategy, ReplayStrategy
from execspec.sched.kernel.protocols import Strategy
from tests.sched._programs import (LOCK_INVERSION, LOST_UPDATE, Instr, all_runs, independent,
                                   preemptions, run_program, shared)

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


@pytest.mark.parametrize("bound", [0, 1, 2])
@pytest.mark.parametrize("program", [shared(2, 3), shared(3, 2), LOCK_INVERSION])
def test_preemption_bound_explores_exactly_the_bounded_schedules(bound: int, program: list[list[Instr]]) -> None:
    reference = {tuple(r.threads) for r in all_runs(program, DFSStrategy(reduction="none"))
                 if preemptions(r) <= bound}
    bounded = all_runs(program, DFSStrategy(reduction="none", preemption_bound=bound))
    assert {tuple(r.threads) for r in bounded} == reference
    assert len(bounded) == len(reference)


def test_bound_variable_applies_only_when_no_bound_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", "2")
    assert DFSStrategy().preemption_bound == 2
    assert DFSStrategy(preemption_bound=None).preemption_bound is None  # asked for unbounded
    assert DFSStrategy(preemption_bound=1).preemption_bound == 1
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", "none")
    assert DFSStrategy().preemption_bound is None
    monkeypatch.delenv("EXECSPEC_PREEMPTION_BOUND")
    assert DFSStrategy().preemption_bound is None


def test_split_units_keep_an_explicit_unbounded_search_unbounded(monkeypatch: pytest.MonkeyPatch) -> None:
    strategy = DFSStrategy(preemption_bound=None, reduction="none")
    run_program(shared(2, 3), strategy)
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", "0")
    units = strategy.split(3, 100)
    assert units and all(u.preemption_bound is None for u in units)


@pytest.mark.parametrize("raw", ["two", "1.5", "-1"])
def test_a_bad_bound_variable_is_an_error_naming_it(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", raw)
    with pytest.raises(ValueError, match=r"\$EXECSPEC_PREEMPTION_BOUND=.*(whole number >= 0|'none')"):
        DFSStrategy()


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_a_bad_preemption_bound_is_rejected_with_what_to_pass(bad: Any) -> None:
    with pytest.raises(ValueError, match="preemption_bound must be"):
        DFSStrategy(preemption_bound=bad)


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
def test_same_seed_makes_the_same_choices(make: Callable[[int], Strategy]) -> None:
    a = [r.threads for r in all_runs(shared(3, 3), make(5), limit=50)]
    b = [r.threads for r in all_runs(shared(3, 3), make(5), limit=50)]
    c = [r.threads for r in all_runs(shared(3, 3), make(6), limit=50)]
    assert a == b
    assert a != c


@pytest.mark.parametrize("make", [lambda: RandomStrategy(seed=11), lambda: PCTStrategy(depth=3, seed=11)])
def test_seed_ranges_split_equals_the_serial_run(make: Callable[[], Any]) -> None:
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
    assert replay.divergence.step == 2  # steps count from 1, as in traces
    assert "B.lock" in str(replay.divergence) and "C.lock" in str(replay.divergence)


def test_replay_runs_exactly_once() -> None:
    replay = ReplayStrategy([])
    assert run_program([[("write", "x")]], replay) is not None
    assert run_program([[("write", "x")]], replay) is None


def test_dfs_reports_a_scenario_that_is_not_deterministic() -> None:
    from execspec.sched.strategies import NondeterministicScenario
    strategy = DFSStrategy(reduction="none")
    programs = iter([LOCK_INVERSION, [[("write", "x")] * 4, [("write", "y")] * 4]] * 10)
    with pytest.raises(NondeterministicScenario, match="not deterministic"):
        for program in programs:
            run_program(program, strategy)


def _random_program(rng: random.Random) -> list[list[Instr]]:
    threads = []
    for _ in range(rng.randint(2, 3)):
        ops: list[Instr] = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.3:
                lock = rng.choice("LM")
                ops += [("lock", lock), ("write", rng.choice("xy")), ("unlock", lock)]
            else:
                ops.append((rng.choice(["read", "write"]), rng.choice("xyw")))
        threads.append(ops)
    return threads


def test_reductions_on_random_programs_keep_every_trace_and_sleep_sets_one_each() -> None:
    rng = random.Random(2024)
    checked = 0
    while checked < 25:
        program = _random_program(rng)
        full = all_runs(program, DFSStrategy(reduction="none"), limit=3000)
        if len(full) == 3000:
            continue  # too big to enumerate here
        classes = {r.trace_class() for r in full}
        sleep, dpor = DFSStrategy(reduction="sleep"), DFSStrategy(reduction="dpor")
        sleep_runs, dpor_runs = all_runs(program, sleep), all_runs(program, dpor)
        assert {r.trace_class() for r in sleep_runs} == classes, program
        assert {r.trace_class() for r in dpor_runs} == classes, program
        assert len(sleep_runs) - sleep.redundant == len(classes), program
        assert len(dpor_runs) - dpor.redundant <= len(classes), program
        checked += 1

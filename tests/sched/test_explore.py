"""The exploration driver on the real runtime: scale-out, schedule files, replay, commands."""

from __future__ import annotations

import concurrent.futures as cf
import functools
import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from execspec.commands import deadlocks
from execspec.commands.deadlocks import main as deadlocks_main
from execspec.commands.replay import main as replay_main
from execspec.sched.strategies.named import make_strategy
from execspec.sched.examples import docs, lost_update
from execspec.sched.explore import Exploration, explore, run_with
from execspec.sched.explore.schedule import Schedule
from execspec.sched.strategies import PCTStrategy, RandomStrategy
from execspec.sched.strategies.hypothesis import search

LOCK_ORDER = "execspec.sched.examples.lock_order:lock_order_inversion"
LOST_UPDATE = "execspec.sched.examples.lost_update:lost_update"


def fingerprint(r: Exploration) -> tuple[Any, ...]:
    return (r.schedules, r.steps, r.decisions, r.redundant, r.exhausted, r.outcomes,
            [(f.key, f.index, f.report, f.schedule.steps) for f in r.failures])


STRATEGIES: dict[str, Callable[[], Any]] = {
    "random": lambda: RandomStrategy(seed=3),
    "pct": lambda: PCTStrategy(depth=2, seed=3),
    "dfs": lambda: make_strategy("dfs"),
    "dfs-bound2": lambda: make_strategy("dfs", preemption_bound=2),
    "dfs-none": lambda: make_strategy("dfs-none", preemption_bound=1),
}


@pytest.mark.parametrize("stop", [True, False])
@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_split_over_an_executor_equals_the_serial_run(name: str, stop: bool) -> None:
    make = STRATEGIES[name]
    serial = explore(LOCK_ORDER, make(), max_schedules=150, stop_on_first_failure=stop,
                     schedule_dir=None)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        split = explore(LOCK_ORDER, make(), max_schedules=150, stop_on_first_failure=stop,
                        executor=pool, parts=5, schedule_dir=None)
    assert fingerprint(split) == fingerprint(serial)


def test_split_over_a_process_pool_equals_the_serial_run() -> None:
    serial = explore(LOST_UPDATE, make_strategy("dfs"), max_schedules=400,
                     stop_on_first_failure=False, schedule_dir=None)
    split = explore(LOST_UPDATE, make_strategy("dfs"), max_schedules=400,
                    stop_on_first_failure=False, executor="process", schedule_dir=None)
    assert fingerprint(split) == fingerprint(serial)
    assert serial.failures


def test_complete_dfs_split_is_complete_too() -> None:
    scenario = "execspec.sched.examples.docs:wait_on_future"
    serial = explore(scenario, make_strategy("dfs"), max_schedules=10_000,
                     stop_on_first_failure=False, schedule_dir=None)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        split = explore(scenario, make_strategy("dfs"), max_schedules=10_000,
                        stop_on_first_failure=False, executor=pool, schedule_dir=None)
    assert serial.exhausted and split.exhausted
    assert fingerprint(split) == fingerprint(serial)


def test_exploration_is_deterministic() -> None:
    a = explore(LOCK_ORDER, RandomStrategy(seed=9), max_schedules=100, schedule_dir=None)
    b = explore(LOCK_ORDER, RandomStrategy(seed=9), max_schedules=100, schedule_dir=None)
    assert fingerprint(a) == fingerprint(b)


def test_scale_out_needs_a_scenario_importable_by_name() -> None:
    with cf.ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(ValueError, match="importable"):
        explore(lambda env: docs.wait_on_future(env, max_workers=2), RandomStrategy(0),
                max_schedules=5, executor=pool, schedule_dir=None)


def test_first_failure_is_rerun_from_its_schedule_file(tmp_path: Path) -> None:
    result = explore(LOCK_ORDER, RandomStrategy(seed=0), max_schedules=500, schedule_dir=tmp_path)
    assert result.first_failure is not None and result.schedule_file is not None
    assert result.first_failure.outcome.name == "DEADLOCK"
    report = result.first_failure.report
    assert report is not None and report.render() == result.failures[0].report
    data = json.loads(result.schedule_file.read_text())
    assert data["strategy"]["seed"] == 0 and data["scenario"] == LOCK_ORDER


def test_replay_command_reproduces_the_same_report(tmp_path: Path) -> None:
    result = explore(docs.wait_on_future, RandomStrategy(seed=0), max_schedules=500,
                     schedule_dir=tmp_path)
    assert result.schedule_file is not None
    out = io.StringIO()
    assert replay_main([str(result.schedule_file)], out=out) == 1
    assert out.getvalue() == result.failures[0].report.rstrip() + "\n"


def test_replay_of_a_changed_schedule_says_at_which_step(tmp_path: Path) -> None:
    result = explore(docs.wait_on_future, RandomStrategy(seed=0), max_schedules=500,
                     schedule_dir=tmp_path)
    assert result.schedule_file is not None
    data = json.loads(result.schedule_file.read_text())
    thread, kind, label = data["steps"][3]
    data["steps"][3] = [thread, kind, label + "-edited"]
    result.schedule_file.write_text(json.dumps(data))
    out = io.StringIO()
    assert replay_main([str(result.schedule_file)], out=out) == 3
    assert "diverged at step 4" in out.getvalue() and "-edited" in out.getvalue()


def test_replay_command_rejects_a_corrupt_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ truncated")
    out = io.StringIO()
    assert replay_main([str(bad)], out=out) == 2
    assert "not valid JSON" in out.getvalue()


def test_deadlocks_command_reports_both_docs_examples(tmp_path: Path) -> None:
    out = io.StringIO()
    status = deadlocks_main(["--schedule-dir", str(tmp_path), "--executor", "concurrent.futures"],
                            out=out)
    text = out.getvalue()
    assert status == 0, text
    assert text.count("== docs example") == 2 and "NOT FOUND" not in text


def test_hypothesis_shrinks_the_lost_update_on_the_real_runtime() -> None:
    found = search(lambda s: run_with(lost_update.lost_update, s),
                   lambda ex: ex is not None and ex.failed, key=b"lost_update", max_examples=300,
                   database=None)
    assert found is not None and found.outcome.name == "EXCEPTION"
    assert found.report is not None and "lost update" in found.report.render()


def test_dpor_over_an_executor_runs_serially_with_the_same_result() -> None:
    serial = explore(LOCK_ORDER, make_strategy("dfs-dpor"), max_schedules=200, schedule_dir=None)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        split = explore(LOCK_ORDER, make_strategy("dfs-dpor"), max_schedules=200, executor=pool,
                        schedule_dir=None)
    assert fingerprint(split) == fingerprint(serial) and serial.failures


def test_split_over_a_forked_process_pool_equals_the_serial_run() -> None:
    import multiprocessing

    serial = explore(LOCK_ORDER, RandomStrategy(seed=1), max_schedules=200,
                     stop_on_first_failure=False, schedule_dir=None)
    context = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        split = explore(LOCK_ORDER, RandomStrategy(seed=1), max_schedules=200,
                        stop_on_first_failure=False, executor=pool, schedule_dir=None)
    assert fingerprint(split) == fingerprint(serial)


# --- per-outcome counts ---------------------------------------------------------------------

EXECUTORS = ["concurrent.futures", "execspec.impl"]


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("strategy", ["dfs", "dfs-dpor"])
def test_docs_example_1_deadlocks_on_every_schedule_of_a_complete_search(
        strategy: str, executor: str) -> None:
    scenario = functools.partial(docs.wait_on_each_other, executor=executor)
    result = explore(scenario, make_strategy(strategy, 0, None), max_schedules=10_000,
                     stop_on_first_failure=False, schedule_dir=None)
    assert result.exhausted, "the search did not finish: not every schedule was seen"
    assert result.outcomes == {"DEADLOCK": result.schedules}


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("strategy", ["dfs", "dfs-dpor"])
def test_docs_example_2_with_two_workers_passes_on_every_schedule_of_a_complete_search(
        strategy: str, executor: str) -> None:
    scenario = functools.partial(docs.wait_on_future, executor=executor, max_workers=2)
    result = explore(scenario, make_strategy(strategy, 0, None), max_schedules=10_000,
                     stop_on_first_failure=False, schedule_dir=None)
    assert result.exhausted and result.schedules > 1
    assert result.outcomes == {"OK": result.schedules}


def test_outcome_counts_add_up_and_see_both_kinds_of_schedule() -> None:
    result = explore(LOCK_ORDER, RandomStrategy(seed=0), max_schedules=200,
                     stop_on_first_failure=False, schedule_dir=None)
    assert sum(result.outcomes.values()) == result.schedules == 200
    assert result.outcomes.get("OK", 0) > 0 and result.outcomes.get("DEADLOCK", 0) > 0


def test_outcome_counts_stop_at_the_first_failure_when_asked_to() -> None:
    result = explore(LOCK_ORDER, RandomStrategy(seed=0), max_schedules=200, schedule_dir=None)
    passed = result.failures[0].index  # the schedules before the first failure passed
    assert result.outcomes == ({"OK": passed} if passed else {}) | {"DEADLOCK": 1}


# --- one schedule file per distinct failure -------------------------------------------------

def deadlock_or_lost_update(env: Any) -> int:
    """Two threads: an unguarded increment (lost on some schedules), then a lock-order
    inversion (a deadlock on others) — two distinct failures."""
    lock_a = env.name(env.threading.Lock(), "A")
    lock_b = env.name(env.threading.Lock(), "B")
    counter = {"n": 0}

    def task(first: Any, second: Any) -> None:
        with lock_a:
            seen = counter["n"]
        with lock_a:
            counter["n"] = seen + 1
        with first:
            with second:
                pass

    threads = [env.threading.Thread(target=task, args=(lock_a, lock_b)),
               env.threading.Thread(target=task, args=(lock_b, lock_a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter["n"] == 2, f"lost update: the counter is {counter['n']}"
    return counter["n"]


def test_each_distinct_failure_gets_its_own_schedule_file(tmp_path: Path) -> None:
    result = explore(deadlock_or_lost_update, RandomStrategy(seed=0), max_schedules=300,
                     stop_on_first_failure=False, schedule_dir=tmp_path)
    outcomes = {f.outcome for f in result.failures}
    assert outcomes >= {"DEADLOCK", "EXCEPTION"}, result.summary()
    assert len(result.schedule_files) == len(result.failures) == len(set(result.schedule_files))
    assert sorted(tmp_path.iterdir()) == sorted(result.schedule_files)
    assert result.schedule_file == result.schedule_files[0]
    for failure, path in zip(result.failures, result.schedule_files):
        assert failure.schedule_file == path
        saved = Schedule.load(path)
        assert saved.outcome == failure.outcome and saved.steps == failure.schedule.steps


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [0, -5])
def test_explore_rejects_a_schedule_budget_below_one(bad: int) -> None:
    with pytest.raises(ValueError, match=f"max_schedules must be a whole number >= 1, got {bad}"):
        explore(LOST_UPDATE, RandomStrategy(seed=0), max_schedules=bad, schedule_dir=None)


@pytest.mark.parametrize("raw", ["many", "0", "-3"])
def test_a_bad_max_schedules_variable_is_an_error_naming_it(
        raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_MAX_SCHEDULES", raw)
    with pytest.raises(ValueError, match="EXECSPEC_MAX_SCHEDULES"):
        explore(LOST_UPDATE, RandomStrategy(seed=0), schedule_dir=None)


def test_explore_rejects_an_executor_name_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="'processes'.*'process'"):
        explore(LOST_UPDATE, RandomStrategy(seed=0), max_schedules=5, executor="processes",
                schedule_dir=None)


def _argparse_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        deadlocks_main(argv, out=io.StringIO())
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_deadlocks_command_rejects_an_unknown_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    err = _argparse_error(["--strategy", "bogus"], capsys)
    assert "invalid choice: 'bogus'" in err and "dfs-dpor" in err


@pytest.mark.parametrize("bad", ["0", "-5", "ten"])
def test_deadlocks_command_rejects_a_schedule_budget_below_one(
        bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _argparse_error(["--max-schedules", bad], capsys)
    assert "--max-schedules" in err


@pytest.mark.parametrize("flag", ["--jobs", "--preemption-bound"])
def test_deadlocks_command_rejects_negative_counts(
        flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert flag in _argparse_error([flag, "-1"], capsys)


def test_deadlocks_command_names_a_bad_bound_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", "two")
    out = io.StringIO()
    assert deadlocks_main(["--strategy", "dfs", "--schedule-dir", ""], out=out) == 2
    assert out.getvalue().startswith("error: $EXECSPEC_PREEMPTION_BOUND='two' is not an integer")


def test_deadlocks_command_errors_on_an_executor_named_explicitly_but_absent() -> None:
    out = io.StringIO()
    assert deadlocks_main(["--executor", "no_such_executor_pkg", "--schedule-dir", ""],
                          out=out) == 2
    assert "error: --executor no_such_executor_pkg: no such module" in out.getvalue()


def test_deadlocks_command_skips_a_default_executor_that_is_not_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlocks, "EXECUTORS", ("no_such_executor_pkg", "concurrent.futures"))
    out = io.StringIO()
    assert deadlocks_main(["--schedule-dir", ""], out=out) == 0
    assert "no_such_executor_pkg: not installed, skipped" in out.getvalue()
    assert "on concurrent.futures" in out.getvalue()


def test_deadlocks_command_over_a_process_pool_prints_what_the_serial_run_prints() -> None:
    argv = ["--executor", "concurrent.futures", "--strategy", "dfs", "--schedule-dir", ""]
    serial, pooled = io.StringIO(), io.StringIO()
    assert deadlocks_main(argv, out=serial) == 0
    assert deadlocks_main([*argv, "--jobs", "2"], out=pooled) == 0
    assert pooled.getvalue() == serial.getvalue()


# --- the preemption bound's environment variable --------------------------------------------

MAX_WORKERS_2 = functools.partial(docs.wait_on_future, max_workers=2)


def test_an_unbounded_search_stays_unbounded_when_the_bound_variable_is_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_PREEMPTION_BOUND", "2")
    unbounded = explore(MAX_WORKERS_2, make_strategy("dfs", 0, None), max_schedules=5000,
                        schedule_dir=None)
    defaulted = explore(MAX_WORKERS_2, make_strategy("dfs"), max_schedules=5000,
                        schedule_dir=None)
    # the counts of the golden files docs2-max-workers-2-dfs and ...-dfs-bound2
    assert (unbounded.schedules, unbounded.exhausted) == (842, True)
    assert (defaulted.schedules, defaulted.exhausted) == (48, True)
    assert defaulted.strategy["preemption_bound"] == 2

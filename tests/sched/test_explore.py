"""The exploration driver on the real runtime: scale-out, schedule files, replay, commands."""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from execspec.sched.cli_commands import deadlocks_main, make_strategy, replay_main
from execspec.sched.examples import docs, lost_update
from execspec.sched.explore import Exploration, explore, run_with
from execspec.sched.strategies import PCTStrategy, RandomStrategy
from execspec.sched.strategies.hypothesis import search

LOCK_ORDER = "execspec.sched.examples.lock_order:lock_order_inversion"
LOST_UPDATE = "execspec.sched.examples.lost_update:lost_update"


def fingerprint(r: Exploration) -> tuple[Any, ...]:
    return (r.schedules, r.steps, r.decisions, r.redundant, r.exhausted,
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


def test_deadlocks_command_skips_an_executor_that_is_not_installed() -> None:
    out = io.StringIO()
    assert deadlocks_main(["--executor", "no_such_executor_pkg", "--schedule-dir", ""], out=out) == 0
    assert "no_such_executor_pkg: not installed, skipped" in out.getvalue()


def test_split_over_a_forked_process_pool_equals_the_serial_run() -> None:
    import multiprocessing

    serial = explore(LOCK_ORDER, RandomStrategy(seed=1), max_schedules=200,
                     stop_on_first_failure=False, schedule_dir=None)
    context = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        split = explore(LOCK_ORDER, RandomStrategy(seed=1), max_schedules=200,
                        stop_on_first_failure=False, executor=pool, schedule_dir=None)
    assert fingerprint(split) == fingerprint(serial)

"""``execspec replay FILE`` and ``execspec deadlocks``: the scheduler's two commands.

Exit codes: 0 the run passed (or, for ``deadlocks``, every documented deadlock was reported),
1 a failure was reproduced (or a documented deadlock was *not* found), 2 a bad file or
argument, 3 a replay that no longer matches the code (it says at which step).
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import sys
from typing import Any, Sequence, TextIO

from execspec.sched.explore import DEFAULT_SCHEDULE_DIR, explore, run_with
from execspec.sched.schedule import Schedule, ScheduleFileError
from execspec.sched.strategies import DFSStrategy, PCTStrategy, RandomStrategy
from execspec.sched.strategies.replay import ReplayStrategy
from execspec.sched.strategy import Strategy


def replay_main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Replay a schedule file and print its report.

    >>> replay_main(["/nonexistent.json"], out=sys.stdout)
    error: cannot read schedule file /nonexistent.json: No such file or directory
    2
    """
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="execspec replay",
                                     description="Replay a recorded schedule and print its report.")
    parser.add_argument("file", help="a schedule file written by an exploration")
    args = parser.parse_args(list(argv))
    try:
        schedule = Schedule.load(args.file)
        scenario = schedule.resolve_scenario()
    except (ScheduleFileError, ImportError, AttributeError) as exc:
        print(f"error: {exc}", file=out)
        return 2
    strategy = schedule.strategy_for_replay()
    execution = run_with(scenario, strategy, max_steps=schedule.max_steps, modules=schedule.modules)
    assert execution is not None and isinstance(strategy, ReplayStrategy)
    report = execution.report.render() if execution.report is not None else ""
    if strategy.divergence is not None:
        print(f"error: {strategy.divergence}", file=out)
        if report:
            print(f"\nThe diverged run ended {execution.outcome.name}:\n{report}", file=out)
        return 3
    print(report.rstrip() if execution.failed else
          f"passed: {execution.steps} steps, returned {execution.return_value!r}", file=out)
    if schedule.report is not None and execution.failed and report != schedule.report:
        print("note: the schedule replayed step for step, but the report differs from the "
              "recorded one (the code's messages or line numbers changed)", file=out)
    return 1 if execution.failed else 0


EXAMPLES = (
    ("docs example 1 (wait_on_each_other)", "execspec.sched.examples.docs", "wait_on_each_other"),
    ("docs example 2 (wait_on_future)", "execspec.sched.examples.docs", "wait_on_future"),
)
EXECUTORS = ("concurrent.futures", "execspec.impl")
ALL_STRATEGIES = ("random", "pct", "dfs", "dfs-dpor")


def make_strategy(name: str, seed: int = 0, preemption_bound: int | None = None) -> Strategy:
    """The strategy called ``name``.

    ``random``; ``pct`` (depth 3); ``dfs`` (sleep sets), ``dfs-dpor`` or ``dfs-none`` (no
    reduction). DFS is unbounded, hence complete, unless ``preemption_bound`` (or
    ``$EXECSPEC_PREEMPTION_BOUND``) is set; 2 is CHESS's advice for large scenarios.

    >>> make_strategy("dfs-dpor", preemption_bound=2).describe()["preemption_bound"]
    2
    """
    if name == "random":
        return RandomStrategy(seed)
    if name == "pct":
        return PCTStrategy(depth=3, seed=seed)
    if name in ("dfs", "dfs-sleep", "dfs-dpor", "dfs-none"):
        reduction = name.partition("-")[2] or "sleep"
        return DFSStrategy(reduction=reduction, preemption_bound=preemption_bound)
    raise ValueError(f"unknown strategy {name!r}: use random, pct, dfs, dfs-dpor or dfs-none")


def deadlocks_main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run the docs' two deadlock examples on each executor and print the reports."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="execspec deadlocks",
        description="Run the concurrent.futures docs' two deadlock examples, as written, under "
                    "the deterministic scheduler, and print each deadlock report.")
    parser.add_argument("--strategy", default="random",
                        help="random (default), pct, dfs, dfs-dpor, dfs-none, or all (the "
                             "report once, then what each strategy needed)")
    parser.add_argument("--preemption-bound", type=int, default=None,
                        help="bound DFS to N preemptions per schedule (default: unbounded)")
    parser.add_argument("--seed", type=int, default=0, help="seed for random and pct (default 0)")
    parser.add_argument("--max-schedules", type=int, default=1000)
    parser.add_argument("--executor", action="append", metavar="MODULE",
                        help=f"executor module (repeatable; default: {', '.join(EXECUTORS)})")
    parser.add_argument("--schedule-dir", default=DEFAULT_SCHEDULE_DIR,
                        help="where schedule files go ('' to write none)")
    args = parser.parse_args(list(argv))
    strategies = ALL_STRATEGIES if args.strategy == "all" else (args.strategy,)
    status = 0
    for executor in args.executor or EXECUTORS:
        if importlib.util.find_spec(executor.partition(".")[0]) is None or not _importable(executor):
            print(f"== {executor}: not installed, skipped\n", file=out)
            continue
        for title, module, func in EXAMPLES:
            scenario: Any = functools.partial(getattr(importlib.import_module(module), func),
                                              executor=executor)
            for k, name in enumerate(strategies):
                result = explore(scenario, make_strategy(name, args.seed, args.preemption_bound),
                                 max_schedules=args.max_schedules,
                                 schedule_dir=args.schedule_dir or None)
                found = [f for f in result.failures if f.outcome == "DEADLOCK"]
                print(f"== {title} on {executor}: {result.summary().splitlines()[0]}", file=out)
                if not found:
                    print("NOT FOUND: no deadlock in the schedules explored", file=out)
                    status = 1
                elif k == 0:
                    print(found[0].report.rstrip(), file=out)
                    if result.schedule_file is not None and result.failures[0] is found[0]:
                        print(f"schedule file: {result.schedule_file}", file=out)
            print(file=out)
    return status


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True

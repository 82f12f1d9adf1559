"""``execspec deadlocks``: the concurrent.futures docs' two deadlock examples, as written,
under the deterministic scheduler, with each deadlock's report.

``execspec deadlocks --jobs N`` (or ``--parallel``, one process per core) splits each
exploration over a process pool; the output is the same as the serial run's.

Exit codes: 0 every documented deadlock was reported, 1 a documented deadlock was *not*
found, 2 a bad argument.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import functools
import importlib
import os
import sys
from typing import Any, Sequence, TextIO

from execspec.cli import parser as cli_parser
from execspec.sched import ExecutionOutcome
from execspec.commands.schedule_dir import add_schedule_dir, schedule_dir, unsaved_line
from execspec.sched.explore import explore, process_pool
from execspec.sched.strategies import FROM_ENV
from execspec.sched.strategies.dfs import resolve_bound
from execspec.sched.strategies.named import ALL_STRATEGIES, STRATEGY_NAMES, make_strategy

__all__ = ["EXAMPLES", "EXECUTORS", "deadlocks_main", "main"]

EXAMPLES = (
    ("docs example 1 (wait_on_each_other)", "execspec.sched.examples.docs", "wait_on_each_other"),
    ("docs example 2 (wait_on_future)", "execspec.sched.examples.docs", "wait_on_future"),
)
EXECUTORS = ("concurrent.futures", "execspec.impl")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _bound(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number (or 'none' for unbounded)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more (or 'none'), got {value}")
    return value


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run the docs' two deadlock examples on each executor and print the reports."""
    out = out or sys.stdout
    parser = cli_parser(
        "deadlocks", "Run the concurrent.futures docs' two deadlock examples, as written, under "
                     "the deterministic scheduler, and print each deadlock report.")
    parser.add_argument("--strategy", default="random", choices=(*STRATEGY_NAMES, "all"),
                        help="random (default), pct, dfs, dfs-dpor, dfs-none, or all (the "
                             "report once, then what each strategy needed)")
    parser.add_argument("--preemption-bound", type=_bound, default=FROM_ENV, metavar="N",
                        help="bound DFS to N preemptions per schedule, or 'none' (default: "
                             "$EXECSPEC_PREEMPTION_BOUND if set, else unbounded)")
    parser.add_argument("--seed", type=int, default=0, help="seed for random and pct (default 0)")
    parser.add_argument("--max-schedules", type=_positive_int, default=1000, metavar="N",
                        help="explore at most N schedules per example and strategy (default 1000)")
    parser.add_argument("--executor", action="append", metavar="MODULE",
                        help=f"executor module (repeatable; default: {', '.join(EXECUTORS)}, "
                             f"each skipped if not installed)")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                        help="split each exploration over a pool of N processes (default: "
                             "serial, in this process)")
    parser.add_argument("--parallel", action="store_true",
                        help="split each exploration over a process pool, one process per core")
    add_schedule_dir(parser, none_allowed=True)
    args = parser.parse_args(list(argv))
    strategies = ALL_STRATEGIES if args.strategy == "all" else (args.strategy,)
    executors: Sequence[str] = args.executor or EXECUTORS
    for executor in args.executor or ():
        if not _importable(executor):  # named explicitly: absent is an error, not a skip
            print(f"error: --executor {executor}: no such module can be imported; name an "
                  f"installed module (e.g. {' or '.join(EXECUTORS)})", file=out)
            return 2
    try:
        args.preemption_bound = resolve_bound(args.preemption_bound)
    except ValueError as exc:  # a bad $EXECSPEC_PREEMPTION_BOUND
        print(f"error: {exc}", file=out)
        return 2
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1) if args.parallel else None
    pool = process_pool(jobs) if jobs is not None else None
    try:
        return _run_deadlocks(args, strategies, executors, pool, out)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _run_deadlocks(args: argparse.Namespace, strategies: Sequence[str],
                   executors: Sequence[str], pool: cf.Executor | None, out: TextIO) -> int:
    status = 0
    lost: list[str | None] = []
    for executor in executors:
        if not _importable(executor):
            print(f"== {executor}: not installed, skipped\n", file=out)
            continue
        for title, module, func in EXAMPLES:
            scenario: Any = functools.partial(getattr(importlib.import_module(module), func),
                                              executor=executor)
            for k, name in enumerate(strategies):
                result = explore(scenario, make_strategy(name, args.seed, args.preemption_bound),
                                 max_schedules=args.max_schedules, executor=pool,
                                 schedule_dir=schedule_dir(args))
                lost.append(result.unsaved)
                found = [f for f in result.failures if f.kind is ExecutionOutcome.DEADLOCK]
                print(f"== {title} on {executor}: {result.summary_line()}", file=out)
                if not found:
                    print("NOT FOUND: no deadlock in the schedules explored", file=out)
                    status = 1
                elif k == 0:
                    print(found[0].render().rstrip(), file=out)
                    if found[0].schedule_file is not None:
                        print(f"schedule file: {found[0].schedule_file}", file=out)
            print(file=out)
    line = unsaved_line(lost, "execspec deadlocks")
    if line is not None:  # the reports are out; only the replay files are missing
        print(line, file=out)
    return status


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except (ImportError, ValueError):  # ValueError: an empty or relative name
        return False
    return True


deadlocks_main = main  # the name execspec.cli's table used

"""``execspec replay FILE``: replay a recorded schedule and print its report; or, for a file
the conformance machine wrote, run its recorded calls again and print the violation.

Exit codes: 0 the run passed, 1 a failure was reproduced, 2 a bad file or argument, 3 a
replay that no longer matches the code (it says at which step).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence, TextIO

from execspec.cli import parser as cli_parser
from execspec.conformance import replay as machine_replay
from execspec.sched.explore import Schedule, ScheduleFileError, run_with
from execspec.sched.strategies import ReplayStrategy

__all__ = ["main", "replay_main"]


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Replay a schedule file and print its report.

    >>> main(["/nonexistent.json"], out=sys.stdout)
    error: cannot read schedule file /nonexistent.json: No such file or directory
    2
    """
    out = out or sys.stdout
    parser = cli_parser("replay", "Replay a recorded schedule and print its report.")
    parser.add_argument("file", help="a schedule file written by an exploration")
    args = parser.parse_args(list(argv))
    machine = _machine_replay(args.file, out)
    if machine is not None:
        return machine
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


def _machine_replay(path: str, out: TextIO) -> int | None:
    """Replay a conformance-machine failure file (its ``kind`` says so); None: not one."""
    import json

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None  # not readable as JSON: the schedule loader says what is wrong
    if not isinstance(doc, dict) or doc.get("kind") != machine_replay.KIND:
        return None
    try:
        r = machine_replay.load(doc)
        v = machine_replay.replay(r)
    except machine_replay.ReplayFileError as exc:
        print(f"error: {path}: {exc}", file=out)
        return 2
    except Exception as exc:  # noqa: BLE001 - a target that no longer loads: one line
        print(f"error: {path}: the target {doc.get('target')!r} cannot be run: {type(exc).__name__}: {exc}", file=out)
        return 2
    if v is None:
        print(f"passed: the {len(r.steps)} recorded calls showed no violation "
              f"(recorded: {', '.join(r.recorded) or 'none'}): the target changed, or the bug is fixed", file=out)
        return 0
    print(str(v), file=out)
    if set(r.recorded) != set(v.clauses):
        print(f"note: the recorded violation named {', '.join(r.recorded)}", file=out)
    return 1


replay_main = main  # the name execspec.cli's table used

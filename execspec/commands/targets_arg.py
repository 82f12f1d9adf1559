"""The TARGET arguments of a command: parsed and validated before any other work starts.

Every target string is parsed (:meth:`execspec.targets.Target.parse`) and every importable one
builds an executor that shuts down again (:func:`execspec.targets.validate`); each bad one gets
one line on stderr, all of them before the command gives up (exit status 2).

A hung factory or shutdown is left on a daemon thread; it may hold threads that the interpreter
joins as it exits (a thread pool's workers), so then the process ends at once (``os._exit``)
after the lines are out, rather than hanging on the way out of a run that never started.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, NoReturn, Sequence

from execspec.targets import Problem, Target, TargetError, TargetProblem, validate

__all__ = ["usable_targets"]


def _exit_now(status: int) -> NoReturn:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def usable_targets(names: Sequence[str], prog: str,
                   exit_now: Callable[[int], NoReturn] = _exit_now) -> list[Target] | None:
    """The targets named, or None after one line on stderr per bad one.

    >>> [t.name for t in usable_targets(["impl"], "execspec check") or []]
    ['impl']
    """
    targets: list[Target] = []
    problems: list[TargetProblem] = []
    for name in names:
        try:
            target = Target.parse(name)
        except TargetError as exc:
            problems.append(TargetProblem(name, Problem.UNREADABLE, str(exc)))
            continue
        found = validate(target)
        if found is None:
            targets.append(target)
        else:
            problems.append(found)
    for p in problems:
        print(f"{prog}: {p.line}", file=sys.stderr)
    if any(p.left_running for p in problems):
        exit_now(2)
    return None if problems else targets

"""The real-thread runner: each applicable clause check against an importable target, in this
interpreter, with bounded real waits, so that a hung executor is reported, not waited for.

A hang costs one bounded wait, not one per check: a check that has not finished after
``HANG_LIMIT`` seconds (or when the target's ``THREADS_BUDGET`` is spent) is reported as hung,
with the stack of every thread it started that is still blocked (the task that hangs among
them), and the checks after it are not run on real threads: the target's threads stay blocked
and would only hang them too. The report says which were left out.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
import traceback
from typing import Sequence

from execspec.conformance.kits.orphans import orphan_safe, spawns_processes
from execspec.conformance.results import CheckFailure, CheckOutcome, FailureKind, Mode
from execspec.conformance.scenarios.applicable import applicable_checks
from execspec.conformance.scenarios.world import Check, World
from execspec.sched.loader.futures_api import futures_api
from execspec.targets import ExecutorKind, Target

__all__ = ["HANG_LIMIT", "THREADS_BUDGET", "run_threads"]

#: A check that has not finished after this many seconds on real threads is reported as hung.
HANG_LIMIT = 30.0
#: Real seconds all of a target's checks on real threads may take together (a process pool's
#: take about 100: the checks whose gates cannot cross a process wait out their own bounds).
THREADS_BUDGET = 150.0


def run_threads(target: Target, hang_limit: float = HANG_LIMIT,
                budget: float = THREADS_BUDGET) -> list[CheckOutcome]:
    """Run every applicable check on real threads against an importable target, until one
    hangs (see the module docstring).

    Raises :class:`~execspec.targets.TargetError` when the target cannot be imported.
    """
    factory = target.load_factory()
    if target.kind is ExecutorKind.PROCESS_POOL or spawns_processes(factory):
        factory = orphan_safe(factory)  # its workers end if the checker is killed
    world = World(cf=_namespace(target), make=factory, threading=threading)
    checks = applicable_checks(target)
    deadline = time.monotonic() + budget
    out: list[CheckOutcome] = []
    for i, chk in enumerate(checks):
        outcome = _run_bounded(chk, world, min(hang_limit, max(0.0, deadline - time.monotonic())),
                               checks[i + 1:])
        out.append(outcome)
        if outcome.failure is not None and outcome.failure.kind is FailureKind.HUNG:
            break
    return out


def _namespace(target: Target) -> object:
    """The wait/as_completed/exceptions that go with the target's futures: its module's, and
    the stdlib's where it has none (``futures_api``)."""
    import concurrent.futures

    return futures_api(importlib.import_module(target.module), concurrent.futures)


def _outcome(chk: Check, failure: CheckFailure | None = None) -> CheckOutcome:
    return CheckOutcome(chk.name, chk.clauses, Mode.THREADS, failure)


def _failure(kind: FailureKind, message: str) -> CheckFailure:
    return CheckFailure(kind, message, headline=message.splitlines()[0] if message else message)


def _run_bounded(chk: Check, world: World, bound: float, after: Sequence[Check]) -> CheckOutcome:
    """Run one check in a helper thread, for at most ``bound`` seconds."""
    box: list[CheckOutcome] = []

    def body() -> None:
        try:
            chk.run(world)
        except AssertionError as exc:
            box.append(_outcome(chk, _failure(FailureKind.ASSERTION, str(exc) or "assertion failed")))
        except BaseException as exc:  # noqa: BLE001 - any escape is a finding about the target
            box.append(_outcome(chk, _failure(FailureKind.EXCEPTION, f"{type(exc).__name__}: {exc}")))
        else:
            box.append(_outcome(chk))

    before = set(threading.enumerate())
    runner = threading.Thread(target=body, name=f"execspec-check-{chk.name}", daemon=True)
    runner.start()
    runner.join(bound)
    if runner.is_alive() or not box:
        blocked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        return _outcome(chk, _hung(bound, blocked, runner, after))
    return box[0]


def _hung(bound: float, blocked: list[threading.Thread], check_thread: threading.Thread,
          after: Sequence[Check]) -> CheckFailure:
    """A hung check: where each of its threads is blocked, the stuck task first."""
    frames = sys._current_frames()
    where: list[tuple[str, list[str], str]] = []  # (thread, its stack, its innermost own frame)
    for t in sorted(blocked, key=lambda t: t is check_thread):  # the check's own thread last
        f = frames.get(t.ident or -1)
        if f is None:
            continue
        stack = traceback.extract_stack(f)
        own = [s for s in stack if not _library(s.filename)]
        at = own[-1] if own else stack[-1]
        where.append((t.name, traceback.format_list(stack), f"{at.name} at {_short(at.filename)}:{at.lineno} "
                                                            f"`{(at.line or '').strip()}`"))
    first = next((w for w in where if w[0] != check_thread.name), where[0] if where else None)
    head = f"hung for {bound:.0f} s on real threads"
    if first is not None:
        head += f": {first[0]} is blocked in {first[2]}"
    lines = [head]
    if after:
        lines.append(f"Not run on real threads after it ({len(after)}): "
                     + ", ".join(c.name for c in after) + " (the target's threads stay blocked).")
    for name, formatted, _ in where:
        lines.append(f"Thread {name}:")
        lines += ["  " + ln.rstrip().replace("\n", "\n  ") for ln in formatted]
    return CheckFailure(FailureKind.HUNG, "\n".join(lines), headline=head)


def _library(filename: str) -> bool:
    return (filename.startswith(_STDLIB) or "/execspec/conformance/" in filename
            or filename.startswith("<frozen"))


def _short(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


_STDLIB = threading.__file__.rsplit("/", 1)[0] + "/"  # the standard library's folder

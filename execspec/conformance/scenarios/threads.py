"""The real-thread runner: each applicable clause check against an importable target, in this
interpreter, with bounded real waits, so that a hung executor is reported, not waited for."""

from __future__ import annotations

import importlib
import threading

from execspec.conformance.results import CheckFailure, CheckOutcome, FailureKind, Mode
from execspec.conformance.scenarios.applicable import applicable_checks
from execspec.conformance.scenarios.world import Check, World
from execspec.targets import Target

__all__ = ["HANG_LIMIT", "run_threads"]

#: A check that has not finished after this many seconds on real threads is reported as hung.
HANG_LIMIT = 30.0


def run_threads(target: Target) -> list[CheckOutcome]:
    """Run every applicable check on real threads against an importable target.

    Raises :class:`~execspec.targets.TargetError` when the target cannot be imported.
    """
    factory = target.load_factory()
    world = World(cf=_namespace(target), make=factory, threading=threading)
    return [_run_bounded(c, world) for c in applicable_checks(target)]


def _namespace(target: Target) -> object:
    """The module whose wait/as_completed/exceptions go with the target's futures."""
    mod = importlib.import_module(target.module)
    if all(hasattr(mod, name) for name in ("wait", "as_completed", "CancelledError")):
        return mod
    import concurrent.futures

    return concurrent.futures


def _outcome(chk: Check, failure: CheckFailure | None = None) -> CheckOutcome:
    return CheckOutcome(chk.name, chk.clauses, Mode.THREADS, failure)


def _failure(kind: FailureKind, message: str) -> CheckFailure:
    return CheckFailure(kind, message, headline=message.splitlines()[0] if message else message)


def _run_bounded(chk: Check, world: World) -> CheckOutcome:
    """Run one check in a helper thread, bounded by :data:`HANG_LIMIT`."""
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

    runner = threading.Thread(target=body, name=f"execspec-check-{chk.name}", daemon=True)
    runner.start()
    runner.join(HANG_LIMIT)
    if runner.is_alive():
        return _outcome(chk, _failure(FailureKind.HUNG, f"hung for {HANG_LIMIT:.0f} s on real threads"))
    return box[0]

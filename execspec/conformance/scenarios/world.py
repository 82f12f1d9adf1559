"""What a clause check may touch (:class:`World`), what a check is (:class:`Check`), and the
small helpers the checks share: a gate task, a falsy exception, "this call must raise".

Everything a check touches comes from the World, so the same check runs on real threads
(bounded real waits) and under the scheduler shim (virtual time, controlled interleavings).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

__all__ = ["BOUND", "Check", "Falsy", "Gate", "World", "cancel_behind_busy_worker", "expect",
           "raise_"]

# A real-thread wait that should succeed at once is bounded by this many seconds; it fails
# the check with a message instead of hanging.
BOUND = 10.0


@dataclass
class World:
    """What a check may use: the module under test, an executor factory, and threading."""

    cf: Any  # the executor's module namespace: wait, as_completed, exceptions, Future
    make: Callable[..., Any]  # executor factory, called as make(max_workers=..., ...)
    threading: ModuleType | Any


@dataclass(frozen=True)
class Check:
    """One scenario and the clause IDs it exercises."""

    name: str
    clauses: tuple[str, ...]
    run: Callable[[World], None]
    #: a factory argument it needs beyond max_workers ("initializer"); a target without it skips it
    needs: str | None = None


class Gate:
    """A task that blocks until released, so a future stays running as long as we want."""

    def __init__(self, w: World) -> None:
        self.started = w.threading.Event()
        self.release = w.threading.Event()

    def __call__(self, value: object = None) -> object:
        self.started.set()
        assert self.release.wait(BOUND), "gate task was never released"
        return value

    def __enter__(self) -> "Gate":
        return self

    def __exit__(self, *exc: object) -> None:
        # Released on the way out, failed assertion or not, so shutdown never waits on it.
        self.release.set()

    def wait_started(self) -> None:
        assert self.started.wait(BOUND), "gate task never started running"


def cancel_behind_busy_worker(ex: Any, gate: Gate) -> Any:
    """Occupy the only worker with ``gate``, queue a call behind it, cancel that call."""
    ex.submit(gate)
    gate.wait_started()
    queued = ex.submit(pow, 2, 2)
    assert queued.cancel() is True, "cancel() of a queued future returned False"
    return queued


class Falsy(Exception):
    """An exception whose truth value is False (gh-132063)."""

    def __bool__(self) -> bool:
        return False


def raise_(exc: BaseException) -> None:
    raise exc


def expect(exc: type[BaseException], call: Callable[[], object], failure: str) -> None:
    """``call()`` must raise ``exc``; otherwise the check fails with ``failure``."""
    try:
        value = call()
    except exc:
        return
    raise AssertionError(f"{failure} (it returned {value!r})")

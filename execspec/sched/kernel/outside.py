"""Waits on something the shim does not control: a real child process, a real thread.

Virtual time may jump only when every thread that could end a wait is a controlled one. A
wait whose end depends on something outside (a child process polled with ``os.waitpid``, a
real ``threading.Timer`` that will set a shim ``Event``) would see virtual time run past it:
``Popen.wait(timeout=30)`` on a child that takes half a second "times out" at once. So such a
wait fails the execution as ``UNCONTROLLED_BLOCK`` at the call, before anything blocks for
real and before the clock moves; the report names the call and says how to bring it under
control. Failing at the call, not after a real stall, keeps the failure on the same step of
every run, so its schedule replays.

The shims raise it for the calls they recognise (``shims.os``: ``waitpid`` and its kin); the
runner watches for real threads started during an execution (``Runtime.watch``, called
before every clock jump and before a stuck execution is failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from execspec.sched.kernel.execution import ExecutionOutcome as Outcome

if TYPE_CHECKING:
    from execspec.sched.kernel.runtime import CThread

__all__ = ["OutsideWait", "UncontrolledWait", "fail_outside"]


@dataclass(frozen=True)
class OutsideWait:
    """What a controlled thread waits on outside the shim, as data (no process ids or other
    values that differ between runs: the report must replay word for word)."""

    call: str  #: what the code called, e.g. ``os.waitpid(pid, WNOHANG)``
    on: str  #: what that waits on, e.g. ``a real child process``
    hint: str  #: how to bring it under the shim's control


class UncontrolledWait(Exception):
    """Carries an ``OutsideWait`` and where it was made to the postmortem (never raised
    into the code under test: the execution is failed with it)."""

    def __init__(self, wait: OutsideWait, frame: FrameType | None) -> None:
        super().__init__(f"{wait.call} waits on {wait.on}")
        self.wait = wait
        self.frame = frame


def fail_outside(th: CThread, wait: OutsideWait, frame: FrameType | None) -> None:
    """End ``th``'s execution now: an uncontrolled wait at ``frame``. Never returns."""
    th.rt.fail(Outcome.UNCONTROLLED_BLOCK, UncontrolledWait(wait, frame), th)

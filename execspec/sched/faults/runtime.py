"""``FaultRuntime``: the kernel's Runtime with one more decision per step, "interrupt a thread
now?", asked of the execution's ``Injector`` before the strategy chooses.

An interrupted thread is parked at a scheduling point (``Runtime.point``), enabled or not: a
thread blocked on a lock, a queue or a join is interrupted in its wait, as a signal's
``KeyboardInterrupt`` interrupts a blocking acquire. It is run next and raises the exception
from ``point``, before the operation it was about to perform: the lock is not taken, the item
not got. The shims undo what a real primitive undoes when interrupted (a ``Condition.wait``
takes its lock back and forgets its waiter).

Which points are offered (``injectable``): threads that have started and are parked at an
operation other than ``release`` (a ``with`` block's exit is not interruptible before the
release in CPython; the thread's next point stands for "right after it"), ``exit`` (the
thread's body is over) or interpreter exit; the scenario's main thread only while the
scenario itself runs, not while the harness settles it.

The execution's runtime becomes a ``FaultRuntime`` from inside its main thread (``adopt``):
the subclass adds no slot, so the switch is an in-place class change, and ``run_once``
needs no option for it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Callable

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.runtime import CThread, Runtime, current_cthread

__all__ = ["FaultRuntime", "Injector", "Parked", "adopt", "injectable", "where"]

#: operations at which no interrupt is offered (see the module docstring)
NOT_INTERRUPTIBLE = frozenset({"release", "exit", "begin", "interpreter_exit"})
_SCHED_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Parked:
    """A thread parked at a scheduling point: what it is about to do, and where."""

    tid: int
    thread: str  # the thread's name
    op: str  # the operation's label, e.g. "SimpleQueue#3.get"
    where: str  # file:line (function) of the innermost frame of the code under test
    filename: str = ""  # that frame's file, in full (a harness leaves its own frames out)


@dataclass
class Injector:
    """One execution's fault plan: at step ``step`` interrupt thread ``tid`` with ``make()``;
    with ``step`` None, only record every step's injectable threads (the listing run)."""

    step: int | None = None
    tid: int | None = None
    make: Callable[[], BaseException] = KeyboardInterrupt
    #: set by the harness while it settles the scenario: main is no longer the scenario's
    settling: bool = False
    #: the listing run: per step (1-based), the threads that could be interrupted there
    listing: list[list[Parked]] = field(default_factory=list)
    #: the injection, once made: the exception and where it landed
    injected: BaseException | None = None
    landed: Parked | None = None
    pending: dict[int, BaseException] = field(default_factory=dict)


def injectable(rt: Runtime, inj: Injector) -> list[CThread]:
    """The live threads an interrupt may hit at this step (see the module docstring)."""
    return [t for t in rt.live
            if t.running and not t.in_exit and t.op.kind not in NOT_INTERRUPTIBLE
            and not (t.tid == 0 and inj.settling) and t.tid not in inj.pending]


def _innermost(t: CThread) -> FrameType | None:
    """``t``'s innermost frame outside the shim."""
    frame: FrameType | None = sys._getframe(2) if t is current_cthread() else t.gr_frame
    while frame is not None and frame.f_code.co_filename.startswith(_SCHED_DIR):
        frame = frame.f_back
    return frame


def where(t: CThread) -> str:
    """file:line (function) of ``t``'s innermost frame outside the shim."""
    frame = _innermost(t)
    if frame is None:
        return "?"
    path = frame.f_code.co_filename.split(os.sep)
    return f"{'/'.join(path[-2:])}:{frame.f_lineno} ({frame.f_code.co_name})"


def _parked(t: CThread) -> Parked:
    op: Op = t.op
    frame = _innermost(t)
    return Parked(t.tid, str(t.shim.name), op.label, where(t), frame.f_code.co_filename if frame else "")


class FaultRuntime(Runtime):
    """A Runtime whose every step first asks its injector (in ``extensions``)."""

    __slots__ = ()

    def _pick(self) -> CThread:
        inj: Injector | None = self.extensions.get(Injector)
        if inj is not None and not self.aborted and inj.injected is None:
            step = self.step + 1
            if inj.step is None:
                inj.listing.append([_parked(t) for t in injectable(self, inj)])
            elif step == inj.step:
                hit = [t for t in injectable(self, inj) if t.tid == inj.tid]
                if hit:
                    t = hit[0]
                    inj.landed = _parked(t)
                    inj.injected = exc = inj.make()
                    inj.pending[t.tid] = exc
                    self.step = step
                    self.trace.append(t.op)
                    return t
        return super()._pick()

    def point(self, th: CThread, op: Op, ready: Callable[[], bool] | None = None,
              deadline: float | None = None) -> None:
        super().point(th, op, ready, deadline)
        inj: Injector | None = self.extensions.get(Injector)
        if inj is not None and inj.pending:
            exc = inj.pending.pop(th.tid, None)
            if exc is not None:
                raise exc


def adopt(inj: Injector) -> Runtime:
    """From inside an execution: make its runtime a FaultRuntime driven by ``inj``."""
    th = current_cthread()
    if th is None:
        raise RuntimeError("adopt() runs inside an execution (from the scenario)")
    rt = th.rt
    rt.__class__ = FaultRuntime
    rt.extensions[Injector] = inj
    return rt

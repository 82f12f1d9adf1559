"""Controlled threads (``CThread``), the Op cache, and the reuse of finished greenlets.

A controlled thread is a greenlet; the kernel that schedules them is ``runtime``.
"""

from __future__ import annotations

import threading as _real_threading
from typing import TYPE_CHECKING, Any, Callable

from greenlet import getcurrent, greenlet  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.strategy import Op

if TYPE_CHECKING:
    from execspec.sched.runtime import Runtime

__all__ = ["CThread", "current_cthread", "make_op", "new_cthread", "recycle", "unfinished"]


# Ops are immutable and the same across executions, so one cache serves every run.
_OPS: dict[tuple[int, str, int | None, str], Op] = {}


def make_op(tid: int, kind: str, oid: int | None, name: str) -> Op:
    """The (cached) Op for thread ``tid`` doing ``kind`` on object ``oid`` named ``name``."""
    key = (tid, kind, oid, name)
    op = _OPS.get(key)
    if op is None:
        if len(_OPS) > 200_000:
            _OPS.clear()
        op = _OPS[key] = Op(tid, kind, oid, f"{name}.{kind}" if name else kind)
    return op


#: idle CThreads of this runner thread (``_IDLE.threads``), reused by later executions:
#: starting a new greenlet and ending it costs ~8 us (on CPython 3.11 each new greenlet maps
#: and unmaps its own frame-stack chunk: 3 syscalls), resuming a parked one ~0.5 us -- about
#: 7% of a 2-worker schedule. Greenlets belong to the OS thread that made them, hence per thread.
_IDLE = _real_threading.local()
_IDLE_MAX = 16


class CThread(greenlet):  # type: ignore[misc,unused-ignore]
    """A controlled thread: a greenlet plus what the kernel needs to schedule it.

    The greenlet outlives the thread: ``run`` calls one thread body after another (see
    ``_IDLE``). ``thread_exit`` leaves the thread to switch to in ``next``; when the body
    returns, the greenlet parks and switches there (or to its parent, the runner, when the
    thread was unwound), which is what dying with ``parent = next`` would do."""

    # slots: the pick loop reads ``ready`` and ``op`` of every live thread at every step
    __slots__ = ("rt", "tid", "shim", "op", "ready", "deadline", "done", "daemon", "in_exit",
                 "body", "next", "running")

    rt: Runtime
    tid: int
    shim: Any  # the shim threading.Thread object this greenlet runs
    op: Op
    ready: Callable[[], bool] | None
    deadline: float | None
    done: bool
    daemon: bool
    in_exit: bool  # blocked in interpreter exit's join of non-daemon threads
    body: Callable[[], object] | None  # the thread's code, until it starts
    next: CThread | None  # set by thread_exit: the thread to hand over to
    running: bool  # its body is on the stack (started, not yet returned)

    def __init__(self, rt: Runtime, tid: int, shim: Any, body: Callable[[], object],
                 daemon: bool) -> None:
        super().__init__(None, rt.runner)
        self.setup(rt, tid, shim, body, daemon)

    def setup(self, rt: Runtime, tid: int, shim: Any, body: Callable[[], object], daemon: bool) -> None:
        """Make this (new or idle) greenlet thread ``tid`` of ``rt``, to run ``body``."""
        self.body = body
        self.next = None
        self.running = False
        self.rt = rt
        self.tid = tid
        self.shim = shim
        self.op = make_op(tid, "begin", None, "")
        self.ready = None
        self.deadline = None
        self.done = False
        self.daemon = daemon
        self.in_exit = False

    def run(self, *_: object) -> None:
        """The greenlet's life: thread bodies, one per execution that reuses it."""
        while True:
            # No local may hold on to this execution's objects while we are parked: freed
            # late, inside a later execution, they could run weakref callbacks there.
            assert self.body is not None
            self.running = True
            self.body()
            self.running = False
            self.body = None
            nxt, self.next = self.next, None
            # Park, handing over as dying would: to the thread chosen at our exit step, else
            # (unwound, or the execution ended) to our parent, the runner. ("is None", not
            # "or": a greenlet not started yet is false.) The first switch of an execution
            # that reuses this greenlet resumes it here.
            (self.parent if nxt is None else nxt).switch()


def current_cthread() -> CThread | None:
    """The running controlled thread, or None outside any execution."""
    g = getcurrent()
    return g if type(g) is CThread else None


def new_cthread(rt: Runtime, tid: int, shim: Any, body: Callable[[], object], daemon: bool) -> CThread:
    """Thread ``tid`` of ``rt``: an idle greenlet of this runner thread, or a new one."""
    idle: list[CThread] | None = getattr(_IDLE, "threads", None)
    if idle:
        th = idle.pop()
        th.parent = rt.runner
        th.setup(rt, tid, shim, body, daemon)
        return th
    return CThread(rt, tid, shim, body, daemon)


def recycle(rt: Runtime) -> None:
    """After the execution: keep its idle greenlets (finished or unwound, then parked; or
    never started) for reuse."""
    idle: list[CThread] | None = getattr(_IDLE, "threads", None)
    if idle is None:
        idle = _IDLE.threads = []
    for t in rt.threads:
        if len(idle) >= _IDLE_MAX:
            break
        if t and not t.dead and not t.running:
            t.shim = t.body = t.ready = t.next = None  # drop this execution's objects
            del t.rt
            idle.append(t)


def unfinished(rt: Runtime) -> list[CThread]:
    """Threads that were started and have not finished (they hold suspended frames)."""
    return [t for t in rt.threads if t.running and not t.dead]

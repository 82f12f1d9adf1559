"""Shim locks: Lock, RLock and Condition (their base, ``Prim``, is the kernel's).

Each operation that reads or writes shared synchronisation state is a scheduling point
(``Runtime.point``); a blocking one passes a ``ready()`` predicate, so the kernel never
offers a thread whose operation could not proceed. The state change happens after the
point returns, atomically with respect to every other controlled thread.

Used from outside a controlled thread (a weakref callback run by the garbage collector in
the runner, say), an operation that need not block just happens, without a scheduling
point; one that would have to block raises ``RuntimeError`` instead of hanging.
"""

from __future__ import annotations

from typing import Any, Callable

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.kernel.op import _OPS, make_op
from execspec.sched.kernel.prim import Prim
from execspec.sched.kernel.runtime import Abort, CThread, Runtime, current_cthread

__all__ = ["Condition", "Lock", "Prim", "RLock", "TIMEOUT_MAX"]

TIMEOUT_MAX = 9223372036.0  # the value of threading.TIMEOUT_MAX on 64-bit Linux

_OUTSIDE = object()  # owner of a lock taken outside any controlled thread


def _deadline(rt: Runtime, timeout: float | None) -> float | None:
    if timeout is None:
        return None
    return rt.clock + max(float(timeout), 0.0)


class Lock(Prim):
    """``threading.Lock``: any thread may release it; records its holder for reports."""

    _kind = "Lock"

    def __init__(self) -> None:
        super().__init__()
        self._owner: object = None

    def _free(self) -> bool:
        return self._owner is None

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock, waiting (in virtual time) up to ``timeout`` seconds."""
        th = getcurrent()
        if blocking is True and timeout == -1 and type(th) is CThread and th.rt is self._rt:
            # the common case, inlined: ``ready`` holds when point returns
            op = _OPS.get((th.tid, "acquire", self._oid, self._name)) or self._op(th, "acquire")
            th.rt.point(th, op, self._free)
            self._owner = th
            return True
        return self._acquire(blocking, timeout)

    def _acquire(self, blocking: bool, timeout: float) -> bool:
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        th = self._me()
        if th is None:
            if self._owner is None:
                self._owner = _OUTSIDE
                return True
            if not blocking or timeout == 0:
                return False
            raise self._cannot_block("acquire()")
        rt = th.rt
        if not blocking or timeout == 0:
            rt.point(th, self._op(th, "try_acquire"))
        elif timeout == -1:
            rt.point(th, self._op(th, "acquire"), self._free)
        else:
            dl = rt.clock + timeout
            rt.point(th, self._op(th, "acquire"), lambda: self._owner is None or rt.clock >= dl, dl)
        if self._owner is None:
            self._owner = th
            return True
        return False

    __enter__ = acquire
    acquire_lock = acquire

    def release(self) -> None:
        """Release the lock; RuntimeError if it is not locked."""
        th = getcurrent()
        if type(th) is CThread and th.rt is self._rt:
            op = _OPS.get((th.tid, "release", self._oid, self._name)) or self._op(th, "release")
            th.rt.point(th, op)
        if self._owner is None:
            raise RuntimeError("release unlocked lock")
        self._owner = None

    release_lock = release

    def __exit__(self, t: object = None, v: object = None, tb: object = None) -> None:
        # ``release``, inlined: the end of every ``with lock:`` block
        th = getcurrent()
        if type(th) is CThread and th.rt is self._rt:
            op = _OPS.get((th.tid, "release", self._oid, self._name)) or self._op(th, "release")
            th.rt.point(th, op)
        if self._owner is None:
            raise RuntimeError("release unlocked lock")
        self._owner = None

    def locked(self) -> bool:
        """True while held (not a scheduling point)."""
        return self._owner is not None

    locked_lock = locked

    def _at_fork_reinit(self) -> None:
        self._owner = None

    # Condition support: a plain Lock is "owned" by whoever acquired it.
    def _is_owned(self) -> bool:
        return self._owner is not None and self._owner is current_cthread()

    def _release_save(self) -> int:
        self._owner = None
        return 1

    def _acquire_restore(self, th: CThread, state: int) -> None:
        self._owner = th

    def __repr__(self) -> str:
        return f"<shim {'locked' if self._owner else 'unlocked'} {self._name}>"


class RLock(Lock):
    """``threading.RLock``: re-entrant; only the owner may release it."""

    _kind = "RLock"

    def __init__(self) -> None:
        super().__init__()
        self._count = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire (re-entrantly: a nested acquire by the owner is not a scheduling point)."""
        th = getcurrent()
        if type(th) is CThread and th.rt is self._rt:
            if self._owner is th:
                self._count += 1
                return True
            if blocking is True and timeout == -1:
                op = _OPS.get((th.tid, "acquire", self._oid, self._name)) or self._op(th, "acquire")
                th.rt.point(th, op, self._free)
                self._owner = th
                self._count = 1
                return True
        got = self._acquire(blocking, timeout)
        if got:
            self._count = 1
        return got

    __enter__ = acquire

    def release(self) -> None:
        """Release one level; RuntimeError unless the caller owns it."""
        th = getcurrent()
        mine = type(th) is CThread and th.rt is self._rt
        owner = self._owner
        if owner is None or (owner is not th and owner is not _OUTSIDE):
            raise RuntimeError("cannot release un-acquired lock")
        if self._count > 1:
            self._count -= 1
            return
        if mine:
            op = _OPS.get((th.tid, "release", self._oid, self._name)) or self._op(th, "release")
            th.rt.point(th, op)
        self._count = 0
        self._owner = None

    def __exit__(self, t: object = None, v: object = None, tb: object = None) -> None:
        # RLock's own ``release``, inlined (Lock's would not count levels)
        th = getcurrent()
        owner = self._owner
        if owner is None or (owner is not th and owner is not _OUTSIDE):
            raise RuntimeError("cannot release un-acquired lock")
        if self._count > 1:
            self._count -= 1
            return
        if type(th) is CThread and th.rt is self._rt:
            op = _OPS.get((th.tid, "release", self._oid, self._name)) or self._op(th, "release")
            th.rt.point(th, op)
        self._count = 0
        self._owner = None

    def _is_owned(self) -> bool:
        return self._owner is not None and self._owner is current_cthread()

    def _release_save(self) -> int:
        count, self._count, self._owner = self._count, 0, None
        return count

    def _acquire_restore(self, th: CThread, state: int) -> None:
        self._owner, self._count = th, state

    def _at_fork_reinit(self) -> None:
        self._owner, self._count = None, 0


class _Waiter:
    __slots__ = ("notified",)

    def __init__(self) -> None:
        self.notified = False


class Condition(Prim):
    """``threading.Condition``; its operations use its lock's id, since wait releases it."""

    _kind = "Condition"

    def __init__(self, lock: Lock | None = None) -> None:
        super().__init__()
        if lock is None:
            lock = RLock()
        if not isinstance(lock, Lock):
            raise TypeError(f"shim Condition needs a shim Lock or RLock, not {lock!r}: create "
                            "it with the scenario's env.threading")
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters: list[_Waiter] = []

    def __enter__(self) -> bool:
        return self._lock.acquire()

    def __exit__(self, t: object = None, v: object = None, tb: object = None) -> None:
        self._lock.release()

    def _op(self, th: CThread, kind: str) -> Any:
        return make_op(th.tid, kind, self._lock._oid, self._name)

    def _owned_by(self, what: str) -> CThread:
        th = self._me()
        if th is None:
            raise self._cannot_block(what)
        if self._lock._owner is not th:
            raise RuntimeError(f"cannot {what.split('(')[0]} on un-acquired lock")
        return th

    def wait(self, timeout: float | None = None) -> bool:
        """Release the lock, wait for a notify (or the virtual timeout), reacquire."""
        th = self._owned_by("wait()")
        rt = th.rt
        # No scheduling point before releasing: the lock is held, so nothing another thread
        # could do here conflicts with the release. The one point is the wake-up below.
        tok = _Waiter()
        self._waiters.append(tok)
        lock = self._lock
        saved = lock._release_save()
        dl = _deadline(rt, timeout)
        ready: Callable[[], bool]
        if dl is None:
            ready = lambda: tok.notified and lock._owner is None  # noqa: E731
        else:
            ready = lambda: (tok.notified or rt.clock >= dl) and lock._owner is None  # noqa: E731
        try:
            rt.point(th, self._op(th, "wait"), ready, dl)
        except (GreenletExit, Abort):
            raise
        except BaseException:
            # Interrupted in its wait (``execspec.sched.faults``): as CPython's Condition.wait
            # does, take the lock back before the exception leaves, and forget the waiter.
            if tok in self._waiters:
                self._waiters.remove(tok)
            rt.point(th, self._op(th, "acquire"), lock._free)
            lock._acquire_restore(th, saved)
            raise
        lock._acquire_restore(th, saved)
        if tok.notified:
            return True
        self._waiters.remove(tok)
        return False

    def wait_for(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        """Wait until ``predicate()`` is true or the (virtual) timeout passes."""
        result = predicate()
        if result:
            return result
        th = self._owned_by("wait_for()")
        end = _deadline(th.rt, timeout)
        while not result:
            if end is not None:
                left = end - th.rt.clock
                if left <= 0:
                    break
                self.wait(left)
            else:
                self.wait()
            result = predicate()
        return result

    def notify(self, n: int = 1) -> None:
        """Wake up to ``n`` waiters, oldest first."""
        if self._me() is not None or self._lock._owner is not _OUTSIDE:
            self._owned_by("notify()")
        # else: outside a controlled thread (a finalizer the collector runs), under the lock
        # taken there too: a notify never blocks, so it just happens, like a free acquire
        # Not a scheduling point: under the lock, a notify commutes with everything another
        # thread can do (waiters join and leave only while holding the lock).
        waiters = self._waiters
        while waiters and n > 0:
            waiters.pop(0).notified = True
            n -= 1

    def notify_all(self) -> None:
        """Wake every waiter."""
        self.notify(len(self._waiters) or 1)

    notifyAll = notify_all

    def __repr__(self) -> str:
        return f"<shim {self._name}({self._lock!r}, {len(self._waiters)} waiting)>"

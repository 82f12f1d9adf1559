"""Shim counting and signalling primitives: Semaphore, BoundedSemaphore, Event.

Same rules as ``shims.sync``: every operation on shared state is a scheduling point, and a
blocking one hands the kernel a ``ready()`` predicate (plus a deadline when timed).
"""

from __future__ import annotations

from execspec.sched.kernel.prim import Prim
from execspec.sched.shims.sync import _deadline

__all__ = ["BoundedSemaphore", "Event", "Semaphore"]


class Semaphore(Prim):
    """``threading.Semaphore``."""

    _kind = "Semaphore"

    def __init__(self, value: int = 1) -> None:
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        super().__init__()
        self._value = value

    def _positive(self) -> bool:
        return self._value > 0

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """Decrement, waiting (virtual time) while the value is zero."""
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        th = self._me()
        if th is None:
            if self._value > 0:
                self._value -= 1
                return True
            if not blocking or timeout == 0:
                return False
            raise self._cannot_block("acquire()")
        rt = th.rt
        if not blocking or (timeout is not None and timeout <= 0):
            rt.point(th, self._op(th, "try_acquire"))
        else:
            dl = _deadline(rt, timeout)
            if dl is None:
                rt.point(th, self._op(th, "acquire"), self._positive)
            else:
                rt.point(th, self._op(th, "acquire"),
                         lambda: self._value > 0 or rt.clock >= dl, dl)
        if self._value > 0:
            self._value -= 1
            return True
        return False

    __enter__ = acquire

    def release(self, n: int = 1) -> None:
        """Increment by ``n``."""
        if n < 1:
            raise ValueError("n must be one or more")
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "release"))
        self._check_release(n)
        self._value += n

    def _check_release(self, n: int) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        self.release()


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore``: releasing above the initial value is an error."""

    _kind = "BoundedSemaphore"

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        self._initial_value = value

    def _check_release(self, n: int) -> None:
        if self._value + n > self._initial_value:
            raise ValueError("Semaphore released too many times")


class Event(Prim):
    """``threading.Event``."""

    _kind = "Event"

    def __init__(self) -> None:
        super().__init__()
        self._flag = False

    def is_set(self) -> bool:
        """The flag (not a scheduling point)."""
        return self._flag

    isSet = is_set

    def _is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        """Set the flag, enabling every waiter."""
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "set"))
        self._flag = True

    def clear(self) -> None:
        """Reset the flag."""
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "clear"))
        self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the flag is set or the virtual timeout passes; return the flag."""
        th = self._me()
        if th is None:
            if self._flag or timeout == 0:
                return self._flag
            raise self._cannot_block("wait()")
        rt = th.rt
        dl = _deadline(rt, timeout)
        if dl is None:
            rt.point(th, self._op(th, "wait"), self._is_set)
        else:
            rt.point(th, self._op(th, "wait"), lambda: self._flag or rt.clock >= dl, dl)
        return self._flag

    def _at_fork_reinit(self) -> None:
        self._flag = False

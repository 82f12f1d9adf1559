"""Deliberately broken variants of impl, each breaking one rule, for test_impl_known_bad.py.

Each is a tiny subclass, so everything except the one rule still works: a check that passes
on one of these cannot see the rule it breaks.
"""

from __future__ import annotations

from typing import Any

import execspec.impl as impl
from execspec.impl import _future


class TruthyResultFuture(impl.Future[Any]):
    """Breaks FUT-RESULT-FALSY-EXC as CPython did before gh-132063: tests the exception's truth."""

    def result(self, timeout: float | None = None) -> Any:
        self.exception(timeout)
        if self._error:  # the bug: a falsy exception is mistaken for "no exception"
            raise self._error
        return self._value


class SilentCancelFuture(impl.Future[Any]):
    """Breaks FUT-WAKES-WAITERS / WAIT-CANCELLED-COUNTS: cancel() wakes nobody (gh-92001 shape)."""

    def cancel(self) -> bool:
        with self._lock:
            if self._status == _future.PENDING:
                self._status = _future.CANCELLED  # state changes, but parked waiters sleep on
        return self._status == _future.CANCELLED


class IgnoresCancelFutures(impl.ThreadPoolExecutor):
    """Breaks EXE-SHUTDOWN-CANCEL-FUTURES: queued calls run anyway."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait)


class RemembersEverything(impl.ThreadPoolExecutor):
    """Breaks "a consumed result is not kept alive": keeps every future it ever made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.history: list[impl.Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> impl.Future[Any]:
        f = super().submit(fn, *args, **kwargs)
        self.history.append(f)
        return f


class MapLastToFirst(impl.ThreadPoolExecutor):
    """Breaks EXE-MAP-ORDER: yields results in reverse."""

    def map(self, fn: Any, *iterables: Any, **kwargs: Any) -> Any:
        return iter(list(super().map(fn, *iterables, **kwargs))[::-1])

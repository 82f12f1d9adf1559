"""impl whose cancel() changes the state but wakes nobody already waiting."""

from __future__ import annotations

from typing import Any

from execspec.impl import Future, _future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._impl_api import SwapsFutureClass


class _SilentCancel(Future[Any]):
    __slots__ = ()

    def cancel(self) -> bool:
        with self._lock:
            state = self._status
            if state == _future.PENDING:
                self._status = _future.CANCELLED  # the bug: the parked gates are never opened
                callbacks, self._callbacks = self._callbacks, None
            elif state != _future.CANCELLED:
                return False
            else:
                return True
        if callbacks:
            self._run_callbacks(callbacks)  # callbacks still run: only the wake-up is lost
        return True


class CancelWakesNobody(SwapsFutureClass):
    """Breaks FUT-WAKES-WAITERS: cancel() of a queued future makes it cancelled and runs its
    callbacks, but threads already blocked in result(), exception(), wait() or as_completed()
    on it sleep on (a lost wake-up); later callers see it cancelled."""

    future_class = _SilentCancel

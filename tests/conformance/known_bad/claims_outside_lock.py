"""From scratch: a worker takes a call off the queue, and claims it only afterwards."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _ClaimsLate(_Shared):
    def next_call(self) -> tuple[_Call, bool] | None:
        with self.cond:
            while not self.calls and not self.closed:
                self.waiting += 1
                try:
                    self.cond.wait()
                finally:
                    self.waiting -= 1
            if not self.calls:
                return None
            call = self.take()
        # the bug: claimed outside the lock, so shutdown(cancel_futures=True) may find the call
        # neither queued nor running, leave it PENDING, and see it run after it returned
        return call, call[0].set_running_or_notify_cancel()


class ClaimsOutsideTheLock(TinyPool):
    """Breaks EXE-SHUTDOWN-CANCEL-FUTURES (as CPython does, EXE-SHUTDOWN-CANCEL-TAKEN): a call a
    worker has taken but not yet claimed escapes shutdown(cancel_futures=True) and runs."""

    _shared_class = _ClaimsLate

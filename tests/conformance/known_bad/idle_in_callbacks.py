"""From scratch: a worker counts itself idle while it runs its call's done-callbacks."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _IdleInCallbacks(_Shared):
    def run(self, call: _Call, runs: bool) -> bool:
        if not runs:
            return True
        f, fn, args, kwargs = call
        try:
            value, error = fn(*args, **kwargs), None
        except BaseException as exc:  # noqa: BLE001
            value, error = None, exc
        with self.cond:
            self.waiting += 1  # the bug: "done with the call", though its callbacks run here next
        try:
            if error is None:
                f.set_result(value)  # the done-callbacks run in here
            else:
                f.set_exception(error)
        finally:
            with self.cond:
                self.waiting -= 1
        return True


class IdleWhileCallbacksRun(TinyPool):
    """Breaks INV-PROGRESS: while a worker runs its call's done-callbacks it counts as idle, so
    a call a callback submits starts no thread although the pool has room; a callback that
    waits for that call waits for itself (and times out, or hangs)."""

    _shared_class = _IdleInCallbacks

"""From scratch: a future cancelled while queued stays CANCELLED, but its callable still runs."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _RunsCancelled(_Shared):
    def run(self, call: _Call, runs: bool) -> bool:
        f, fn, args, kwargs = call
        try:
            value = fn(*args, **kwargs)  # the bug: called even when `runs` is False
        except BaseException as exc:
            if runs:
                f.set_exception(exc)
        else:
            if runs:
                f.set_result(value)
        return True


class CancelledStillRuns(TinyPool):
    """Breaks INV-CANCELLED-NEVER-RUNS: a queued call that was cancelled is still called (its
    future stays cancelled; only the side effect gives it away)."""

    _shared_class = _RunsCancelled

"""From scratch: a worker takes a call off the queue, and claims it only afterwards."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Shared


class _ClaimsLate(_Shared):
    # the bug: claimed outside the lock, so shutdown(cancel_futures=True) may find the call
    # neither queued nor running, leave it PENDING, and see it run after it returned
    claims_under_lock = False


class ClaimsOutsideTheLock(TinyPool):
    """Breaks EXE-SHUTDOWN-CANCEL-FUTURES (as CPython does, EXE-SHUTDOWN-CANCEL-TAKEN): a call a
    worker has taken but not yet claimed escapes shutdown(cancel_futures=True) and runs."""

    _shared_class = _ClaimsLate

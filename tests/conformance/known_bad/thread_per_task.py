"""From scratch: a pool that starts a thread for every call no idle worker can take."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Shared


class _Unbounded(_Shared):
    def needs_worker(self) -> bool:
        return len(self.calls) > self.waiting  # the bug: max_workers is never consulted


class ThreadPerTask(TinyPool):
    """Breaks TPE-MAX-WORKERS-BOUND: while every worker is busy, each new call gets a new
    thread, however many max_workers allows (idle workers are still reused first)."""

    _shared_class = _Unbounded

"""From scratch: a worker that dies after its call raised, leaving the queue to nobody."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _DiesOnError(_Shared):
    def run(self, call: _Call, runs: bool) -> bool:
        f = call[0]
        super().run(call, runs)
        # the bug: after a raising call the thread ends, still counted against max_workers
        return not (f.done() and not f.cancelled() and f.exception(0) is not None)


class WorkerDiesOnException(TinyPool):
    """Breaks TPE-WORKER-SURVIVES-EXCEPTION: the exception is stored in the future, then the
    worker thread exits; it is never replaced, so with one worker later calls never run."""

    _shared_class = _DiesOnError

"""impl whose shutdown(cancel_futures=True) cancels queued futures without waking wait()."""

from __future__ import annotations

import functools
import queue
from typing import Any

from execspec.impl import Future, ThreadPoolExecutor, _future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class CancelFuturesLeavesWaitersAsleep(ThreadPoolExecutor):
    """Breaks EXE-SHUTDOWN-CANCELLED-DONE (the gh-87893 shape): shutdown(cancel_futures=True)
    cancels the queued futures and wakes their result() waiters and callbacks, but a wait() or
    as_completed() already watching them is never told, and sleeps on."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            pool = self._pool
            stranded = []
            with pool.lock:  # take every queued call off (a stop signal met goes back in, last)
                try:
                    while True:
                        call = pool.queue.get(False)
                        if call is not None:
                            stranded.append(call)
                except queue.Empty:
                    pass
                pool.refuse(RuntimeError("cannot submit to an executor after its shutdown()"))
            for f in stranded:
                _cancel_quietly(f)
        super().shutdown(wait)


def _cancel_quietly(f: Future[Any]) -> None:
    with f._lock:
        if f._status != _future.PENDING:
            return
        gates = f._gates or []
        # the bug: wait()/as_completed() park a partial(collector.note, f); those are dropped
        f._gates = [g for g in gates if not isinstance(g, functools.partial)] or None
        callbacks = f._settle(_future.CANCELLED)
    if callbacks:
        f._run_callbacks(callbacks)

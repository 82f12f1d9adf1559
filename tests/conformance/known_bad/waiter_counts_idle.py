"""impl whose worker, while it waits in result() on a future of its own pool, counts as idle."""

from __future__ import annotations

import threading
from typing import Any, Callable

from execspec.impl import Future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._impl_api import SwapsFutureClass

#: id of each future the variant handed out -> its pool (impl's futures take no weak references)
_POOL_OF: dict[int, Any] = {}


class _OffersItself(Future[Any]):
    __slots__ = ()

    def result(self, timeout: float | None = None) -> Any:
        pool = _POOL_OF.get(id(self))
        if pool is None or not threading.current_thread().name.startswith(pool.prefix + "_"):
            return super().result(timeout)
        with pool.lock:
            pool.idle += 1  # the bug: "this worker is only waiting, it can take the next call"
        try:
            return super().result(timeout)
        finally:
            with pool.lock:
                if pool.idle:  # taken back, unless a submit() spent it on a call nobody takes
                    pool.idle -= 1


class WaitingWorkerCountsAsIdle(SwapsFutureClass):
    """Breaks DL-SELF-SUBMIT-SINGLE-WORKER (and TPE-IDLE-REUSE): a worker whose call waits in
    result() on another future of the same pool is counted as idle, so a call submitted
    meanwhile starts no new worker although the pool has room; it stays queued until the
    waiting call ends, a hang the docs allow only when no worker could ever be free."""

    future_class = _OffersItself

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        f = super().submit(fn, *args, **kwargs)
        _POOL_OF[id(f)] = self._pool
        return f

"""Known-bad for ``execspec faults``: impl as it was before issue 11 (621d97c), in two places.
Its shutdown took every queued call off the queue first and cancelled them afterwards, so an
interrupt (or a raising done-callback) between the two stranded the calls not yet cancelled;
its result()/exception() removed their gate only on a timeout, so an interrupted wait left
it on the future. Loaded under the shim as the target module ``faults_known_bad``."""

from __future__ import annotations

import queue
import threading
from typing import Any

import execspec.impl as _impl
from execspec.impl import _future
from execspec.impl import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION,  # noqa: F401
                           CancelledError, TimeoutError, as_completed, wait)
from execspec.impl._thread import _AFTER_SHUTDOWN


class _OldFuture(_impl.Future[Any]):
    __slots__ = ()

    def _wait(self, timeout: float | None) -> None:
        gate = threading.Lock()
        gate.acquire()
        with self._lock:
            if not self._park(gate.release):
                return
        if _future.wait_on(gate, timeout):  # the window: an interrupt here leaves the gate
            return
        with self._lock:
            if self._status >= _future.CANCELLED:
                return
            self._unpark(gate.release)
        raise TimeoutError()


class ThreadPoolExecutor(_impl.ThreadPoolExecutor):
    """impl's pool, shutdown() and its futures' waits as they were at 621d97c."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        f = super().submit(fn, *args, **kwargs)
        f.__class__ = _OldFuture  # same slots: only the wait changes
        return f

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pool = self._pool
        with pool.lock:
            taken: list[Any] = []
            while cancel_futures:
                try:
                    call = pool.queue.get(False)
                except queue.Empty:
                    break
                if call is not None:
                    taken.append(call)
            pool.refuse(RuntimeError(_AFTER_SHUTDOWN))
            if wait:
                pool.reserved_started()
            threads = list(pool.threads)
        for f in taken:  # the window: an interrupt here strands the rest of `taken`
            f.cancel()
        if wait:
            me = threading.current_thread()
            for t in threads:
                if t is not me:
                    t.join()

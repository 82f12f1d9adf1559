"""Known-bad for ``execspec faults``: impl's pool with the shutdown it had before issue 11,
which took every queued call off the queue first and cancelled them afterwards, so an
interrupt (or a raising done-callback) between the two stranded the calls not yet cancelled.
Loaded under the shim as the target module ``faults_known_bad``."""

from __future__ import annotations

import queue
import threading
from typing import Any

import execspec.impl as _impl
from execspec.impl import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION,  # noqa: F401
                           CancelledError, TimeoutError, as_completed, wait)
from execspec.impl._thread import _AFTER_SHUTDOWN


class ThreadPoolExecutor(_impl.ThreadPoolExecutor):
    """impl's pool, shutdown() as it was at 621d97c."""

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
                    taken.append(call[0])
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

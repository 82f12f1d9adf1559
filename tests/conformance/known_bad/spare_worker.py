"""From scratch: a submit made while every worker is busy starts a spare worker too."""

from __future__ import annotations

import threading
from typing import Any, Callable

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyFuture, TinyPool, _work


class StartsASpareWorker(TinyPool):
    """Breaks TPE-LAZY-THREADS: a submit that starts a worker while every other worker is busy
    starts a second one beside it (within max_workers), "for the next call". Calls made one
    after another still share one worker; two that overlap get three threads."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> TinyFuture:
        shared = self._shared
        with shared.cond:  # reentrant: TinyPool.submit takes it again
            before = len(shared.threads)
            busy = before > 0 and shared.waiting == 0
            f = super().submit(fn, *args, **kwargs)
            if busy and before < len(shared.threads) < shared.max_workers:  # the bug: a spare
                t = threading.Thread(name=f"{shared.prefix}_{len(shared.threads)}", target=_work,
                                     args=(shared,))  # fmt: skip
                shared.threads.append(t)
                t.start()
        return f

"""The names every impl-based variant module re-exports, and the one hook they share.

The checker takes ``wait``, ``as_completed``, ``Future`` and the exceptions from a target's
module when it has them, so each variant module re-exports impl's (``from ._impl_api import
*``): impl's futures are then watched by impl's ``wait``, as they must be (the stdlib's
``wait`` cannot watch them).
"""

from __future__ import annotations

from typing import Any, Callable

import execspec.impl as impl
from execspec.impl import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, BrokenExecutor,
                           BrokenThreadPool, CancelledError, DoneAndNotDoneFutures, Executor, Future,
                           InvalidStateError, TimeoutError, ThreadPoolExecutor, as_completed, wait)

__all__ = [
    "ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION", "BrokenExecutor", "BrokenThreadPool",
    "CancelledError", "DoneAndNotDoneFutures", "Executor", "Future", "InvalidStateError", "ThreadPoolExecutor",
    "TimeoutError", "as_completed", "wait",
]  # fmt: skip


class SwapsFutureClass(ThreadPoolExecutor):
    """impl's pool, handing out futures of ``future_class`` (a slot-less subclass of impl's).

    impl's submit() makes a plain ``Future``; the future's class is swapped before submit()
    returns, so every method the *caller* uses is the variant's, while the worker's side of
    the protocol (``_settle``, the gates) stays impl's. Only client-facing methods may be
    overridden: the worker may finish the future before the swap.
    """

    future_class: type[impl.Future[Any]] = impl.Future

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> impl.Future[Any]:
        f = super().submit(fn, *args, **kwargs)
        f.__class__ = self.future_class  # same layout: the subclass adds no slots
        return f

"""impl whose futures drop a callback added after they are done."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import Future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._impl_api import SwapsFutureClass


class _ForgetsLate(Future[Any]):
    __slots__ = ()

    def add_done_callback(self, fn: Callable[[Future[Any]], object]) -> None:
        if self.done():
            if not callable(fn):
                raise TypeError(f"add_done_callback() needs a callable, got {fn!r}")
            return  # the bug: never called
        super().add_done_callback(fn)


class LateCallbackDropped(SwapsFutureClass):
    """Breaks FUT-CB-ALREADY-DONE: add_done_callback() on a future that is already done
    returns without calling the callback (callbacks added earlier still run)."""

    future_class = _ForgetsLate

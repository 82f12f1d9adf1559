"""impl whose futures run every done-callback twice."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import Future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._impl_api import SwapsFutureClass


class _Twice(Future[Any]):
    __slots__ = ()

    def add_done_callback(self, fn: Callable[[Future[Any]], object]) -> None:
        super().add_done_callback(fn)
        super().add_done_callback(fn)  # the bug: registered twice, so it runs twice


class CallbacksRunTwice(SwapsFutureClass):
    """Breaks FUT-CB-ONCE: each callback given to add_done_callback runs two times."""

    future_class = _Twice

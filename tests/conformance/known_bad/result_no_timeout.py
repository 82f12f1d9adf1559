"""impl whose futures' result(timeout) waits without limit."""

from __future__ import annotations

from typing import Any

from execspec.impl._future import check_timeout
from execspec.impl import Future

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._impl_api import SwapsFutureClass


class _Patient(Future[Any]):
    __slots__ = ()

    def result(self, timeout: float | None = None) -> Any:
        if timeout is not None:
            check_timeout(timeout)  # a bad timeout is still refused
        return super().result(None)  # the bug: the timeout is dropped


class ResultNeverTimesOut(SwapsFutureClass):
    """Breaks FUT-RESULT-TIMEOUT: result(timeout) blocks until the future is done and never
    raises TimeoutError (exception(timeout) still times out). map(timeout=) waits through
    result(), so EXE-MAP-TIMEOUT fails with it."""

    future_class = _Patient

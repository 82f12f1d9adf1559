"""From scratch: queued calls start newest first."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _Lifo(_Shared):
    def take(self) -> _Call:
        return self.calls.pop()  # the bug: the newest call, not the oldest


class LifoStart(TinyPool):
    """Breaks TPE-FIFO-START: workers take the most recently queued call first."""

    _shared_class = _Lifo

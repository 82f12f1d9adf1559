"""From scratch: shutdown(wait=True) that returns while calls are still running."""

from __future__ import annotations

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool


class ShutdownReturnsEarly(TinyPool):
    """Breaks EXE-SHUTDOWN-WAIT: shutdown(wait=True) stops the pool but joins no worker, so it
    returns before the running and queued calls have finished (they still finish later)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=cancel_futures)  # the bug: `wait` dropped

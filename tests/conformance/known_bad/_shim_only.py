"""Known-bad executors whose bug only the shim shows deterministically (its client runs while it
can, so threads a pool starts have not begun when the client goes on); checked by the API case
tests (``tests/conformance/test_api_cases_count_threads.py``), not by the real-thread table."""

from __future__ import annotations

import threading

from ._tiny_pool import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from ._tiny_pool import TinyPool, _Call, _Shared


class _RecordsBegun(_Shared):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.begun: set[threading.Thread] = set()

    def next_call(self) -> tuple[_Call, bool] | None:
        with self.cond:
            self.begun.add(threading.current_thread())
        return super().next_call()


class JoinsOnlyBegunWorkers(TinyPool):
    """Breaks EXE-SHUTDOWN-WAIT: shutdown(wait=True) joins only the workers that have begun to
    run; one started just before (by a burst of submits) is not waited for, nor its call."""

    _shared_class = _RecordsBegun

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        shared = self._shared
        assert isinstance(shared, _RecordsBegun)
        with shared.cond:
            begun = set(shared.begun)
            threads, shared.threads = shared.threads, [t for t in shared.threads if t in begun]
        try:
            super().shutdown(wait, cancel_futures=cancel_futures)  # the bug: joins the begun ones
        finally:
            with shared.cond:
                shared.threads = threads

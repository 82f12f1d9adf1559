"""impl that keeps accepting work after shutdown()."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import Future, ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class AcceptsAfterShutdown(ThreadPoolExecutor):
    """Breaks EXE-SUBMIT-AFTER-SHUTDOWN: after shutdown(), submit() (and so map()) runs the
    call in the caller's thread and returns its finished future instead of raising."""

    _was_shut_down = False

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._was_shut_down = True
        super().shutdown(wait, cancel_futures=cancel_futures)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not self._was_shut_down:
            return super().submit(fn, *args, **kwargs)
        f: Future[Any] = Future()  # the bug: accepted, where RuntimeError is due
        f.set_running_or_notify_cancel()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            f.set_exception(exc)
        return f

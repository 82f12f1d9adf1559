"""Known-bad executors whose bug only the shim shows deterministically (its client runs while it
can, so threads a pool starts have not begun when the client goes on; or only the shim forks:
``Env.fork``); checked by the API case tests (``tests/conformance/test_api_cases_count_threads.py``),
not by the real-thread table."""

from __future__ import annotations

import threading
from typing import Any

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


#: one lock for every pool of the module, taken by each submit (CPython's _global_shutdown_lock)
_submitting = threading.Lock()


class ForkUnsafe(TinyPool):
    """Breaks TPE-FORK, as CPython 3.9.0 to 3.9.7 did (bpo-45021): every submit holds a
    module-wide lock that nothing re-creates in a forked child, so a child forked while another
    thread was inside submit() finds it held for ever and can submit to no pool, new or old."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        with _submitting:
            return super().submit(fn, *args, **kwargs)

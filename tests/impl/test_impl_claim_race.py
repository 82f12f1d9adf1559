"""A worker stopped in the middle of its claim (after it read ``cancelling``, before it marked
the call running) must not let shutdown(cancel_futures=True) return with the call pending.

Found by review of the per-future locks (issue 12): the worker took the call out of
``holding`` before its claim, so a shutdown that ran in that moment found it neither queued
nor held and returned while it was still pending; then it ran. The worker is stopped at that
line by a trace function, and the shutdown is seen to wait (blocked on the call's lock) or to
return; never a sleep.
"""

from __future__ import annotations

import inspect
import sys
import threading
import time
import types
from typing import Any

import execspec.impl as impl
from execspec.impl import _future, _thread

from impl_support import BOUND


def _line_of(func: Any, text: str) -> int:
    lines, first = inspect.getsourcelines(func)
    return next(first + i for i, line in enumerate(lines) if text in line)


def _blocked_in(thread: threading.Thread, code: types.CodeType) -> bool:
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def test_shutdown_cancel_futures_waits_for_a_claim_under_way() -> None:
    claim = _thread._work.__code__  # the worker's loop claims a pending call inline
    mark = _line_of(_thread._work, "call._status = RUNNING")
    at_mark, go = threading.Event(), threading.Event()

    def local(frame: types.FrameType, event: str, arg: object) -> Any:
        if event == "line" and frame.f_lineno == mark:
            at_mark.set()
            assert go.wait(BOUND), "the test never let the worker go on"
        return local

    def tracer(frame: types.FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code is claim else None

    ran: list[int] = []
    threading.settrace(tracer)  # the pool's worker starts at the first submit: traced
    try:
        ex = impl.ThreadPoolExecutor(1)
        f = ex.submit(ran.append, 1)
    finally:
        threading.settrace(None)  # type: ignore[arg-type]
    assert at_mark.wait(BOUND), "the worker never reached its claim (has the line moved out of _work?)"
    state_at_return: list[str] = []

    def shut() -> None:
        ex.shutdown(wait=False, cancel_futures=True)
        state_at_return.append(_future._STATE_NAMES[f._status])

    t = threading.Thread(target=shut)
    t.start()
    deadline = time.monotonic() + BOUND
    while not state_at_return and not _blocked_in(t, _future.locked_anyway.__code__):
        assert time.monotonic() < deadline, "shutdown neither returned nor waited for the call's lock"
        t.join(0.001)
    go.set()
    t.join(BOUND)
    ex.shutdown(wait=True)
    assert state_at_return, "shutdown(cancel_futures=True) never returned"
    assert state_at_return[0] != "pending", "shutdown returned with the call still pending, then it ran"
    assert ran == [1] and f.result(BOUND) is None  # claimed before the shutdown: it runs

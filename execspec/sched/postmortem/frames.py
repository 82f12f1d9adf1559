"""Reading a suspended thread: its frames as plain data, and the futures they hold.

The wait analysis (``waits``) sees a stuck execution only through the frames of its
greenlets. This module holds what it needs to read them: which frames are whose (the
shim's, an executor's -- a module the loader ran --, the standard library's, the user's),
each frame as plain data a report can keep, and the duck-typed look for futures and work
items among a frame's locals. A future's state is read through its public API only
(``done``, ``cancelled``, ``running``), as any executor's caller would: the checker never
special-cases ``impl``.
"""

from __future__ import annotations

import linecache
import os
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Iterable

from greenlet import greenlet  # type: ignore[import-untyped,unused-ignore]

if TYPE_CHECKING:
    from execspec.sched.kernel.runtime import CThread

__all__ = ["FrameInfo", "frame_info", "frame_kind", "future_in", "future_state",
           "futures_in_collection", "is_future", "is_shim_file", "locals_of", "running_in",
           "thread_frames"]

#: the ``execspec.sched`` package, whose files are the shim's own ...
_SHIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
#: ... except its example scenarios, which are user code
_EXAMPLES_DIR = os.path.join(_SHIM_DIR, "examples") + os.sep


def is_shim_file(filename: str) -> bool:
    """A file of the shim itself (any module of the ``execspec.sched`` package but its
    ``examples``), or of greenlet: frames a report leaves out."""
    if "greenlet" in filename:
        return True
    return filename.startswith(_SHIM_DIR) and not filename.startswith(_EXAMPLES_DIR)


def is_future(obj: object) -> bool:
    """Duck-typed: anything that looks like a ``concurrent.futures.Future``."""
    return (not isinstance(obj, type) and hasattr(obj, "add_done_callback")
            and hasattr(obj, "set_result") and hasattr(obj, "result"))

@dataclass
class FrameInfo:
    """One frame of a thread's stack, as plain data."""

    filename: str
    lineno: int
    function: str
    kind: str  # "user", "executor" (a loaded module), "shim", "library"
    line: str = ""

    def render(self) -> str:
        """``file:line in function`` plus the source line."""
        text = f'File "{self.filename}", line {self.lineno}, in {self.function}'
        return text + (f"\n    {self.line}" if self.line else "")


def thread_frames(th: CThread, current: FrameType | None) -> list[FrameType]:
    """A thread's frames, outermost first (``current``: the frame if it is running)."""
    frame = th.gr_frame if current is None else current
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames.reverse()
    return frames


def frame_kind(frame: FrameType, executor_files: set[str]) -> str:
    """Classify a frame: shim, executor (a loaded module), library, or user code."""
    fn = frame.f_code.co_filename
    if is_shim_file(fn):
        return "shim"
    if fn in executor_files:
        return "executor"
    if fn.startswith("<frozen") or "/lib/python3" in fn and "site-packages" not in fn:
        return "library"
    return "user"


def frame_info(frame: FrameType, kind: str) -> FrameInfo:
    """Plain data for one frame."""
    code = frame.f_code
    line = linecache.getline(code.co_filename, frame.f_lineno).strip()
    return FrameInfo(code.co_filename, frame.f_lineno, code.co_name, kind, line)


def locals_of(frame: FrameType) -> Iterable[tuple[str, Any]]:
    try:
        return list(frame.f_locals.items())
    except Exception:  # noqa: BLE001 - a report must not fail on an odd frame
        return []


def future_in(value: Any) -> tuple[Any, Any] | None:
    """(future, fn) if ``value`` is a future or a work item holding one. A future may carry
    its own call while queued (an ``fn`` or ``_fn`` attribute, as execspec.impl's do)."""
    if is_future(value):
        fn = next((f for f in (getattr(value, a, None) for a in ("fn", "_fn")) if callable(f)), None)
        return value, fn
    fut = getattr(value, "future", None) if not isinstance(value, (str, bytes, int)) else None
    if fut is not None and is_future(fut):
        return fut, getattr(value, "fn", None)
    if isinstance(value, tuple) and value:
        futs = [v for v in value if is_future(v)]
        if len(futs) == 1:
            fns = [v for v in value if callable(v) and not is_future(v) and not isinstance(v, type)]
            return futs[0], (fns[0] if fns else None)
    return None


def futures_in_collection(value: Any) -> list[Any]:
    if isinstance(value, (set, frozenset, list, tuple)) or type(value).__name__ == "dict_keys":
        items = list(value)
    elif isinstance(value, dict):
        items = list(value)
    else:
        return []
    return [v for v in items if is_future(v)] if len(items) < 1000 else []


_FN_NAMES = ("fn", "func", "function", "target", "callable", "task")


def running_in(frame: FrameType, queued: dict[int, Any],
                run_by: dict[int, int]) -> tuple[Any, Any] | None:
    """(future, fn) a worker frame is running: a future or work item among its locals."""
    loc = dict(locals_of(frame))
    for var, v in loc.items():
        found = future_in(v) if var != "executor" else None
        if found and id(found[0]) not in run_by and id(found[0]) not in queued:
            fn = found[1]
            if fn is None:
                fn = next((loc[n] for n in _FN_NAMES if callable(loc.get(n))), None)
            return found[0], fn
    return None



def future_state(fut: Any) -> str | None:
    """``"cancelled"``, ``"finished"``, ``"running"`` or ``"pending"``, asked through the
    future's public API; None when it cannot say (its lock is held, or it raised).

    The questions are asked from a plain greenlet, outside every controlled thread: there a
    shim operation that need not block just happens, with no scheduling point (the
    execution is stopped while it is being reported), and one that would block raises
    instead of waiting."""

    def ask() -> str:
        if fut.done():
            return "cancelled" if fut.cancelled() else "finished"
        return "running" if fut.running() else "pending"

    try:
        answer = greenlet(ask).switch()
    except Exception:  # noqa: BLE001 - an odd future must not break the report
        return None
    return answer if isinstance(answer, str) else None

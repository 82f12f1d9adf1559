"""Shim ``time`` on the virtual clock: monotonic, perf_counter, time (+ ``_ns``), sleep.

The clock is the execution's ``Runtime.clock``, in seconds from the start of the
execution. It moves only when no controlled thread can run (see ``runtime``), so a
``sleep(3600)`` costs one step and reading the clock is not a scheduling point. Names the
shim does not define (``strftime``, ``gmtime`` ...) come from the real module.
"""

from __future__ import annotations

import time as _real_time
from typing import Any

from execspec.sched.kernel.runtime import current_cthread
from execspec.sched.kernel.op import make_op

__all__ = ["EPOCH", "TEMPLATE", "monotonic", "perf_counter", "sleep", "time"]

#: wall-clock time at virtual time 0 (2026-01-01T00:00:00Z), fixed so runs replay exactly
EPOCH = 1_767_225_600.0
#: monotonic() and perf_counter() at virtual time 0 (some code treats 0.0 as "unset")
_MONO_BASE = 1000.0


def _now() -> float:
    th = current_cthread()
    if th is None:
        return _real_time.monotonic() - _MONO_BASE
    return th.rt.clock


def monotonic() -> float:
    """Virtual monotonic clock."""
    return _MONO_BASE + _now()


def perf_counter() -> float:
    """Virtual performance counter (same clock as ``monotonic``)."""
    return _MONO_BASE + _now()


def time() -> float:
    """Virtual wall clock: ``EPOCH`` plus virtual seconds elapsed."""
    return EPOCH + _now()


def monotonic_ns() -> int:
    """``monotonic()`` in integer nanoseconds."""
    return int(monotonic() * 1e9)


def perf_counter_ns() -> int:
    """``perf_counter()`` in integer nanoseconds."""
    return int(perf_counter() * 1e9)


def time_ns() -> int:
    """``time()`` in integer nanoseconds."""
    return int(time() * 1e9)


def sleep(secs: float) -> None:
    """Block for ``secs`` virtual seconds: a timed wait that ends only when every other
    thread is blocked too (``sleep(0)`` is a plain scheduling point)."""
    secs = float(secs)
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    th = current_cthread()
    if th is None:
        raise RuntimeError("shim time.sleep() outside a controlled thread: call it from the "
                           "scenario or from a thread the scenario starts")
    rt = th.rt
    if secs == 0:
        rt.point(th, make_op(th.tid, "yield", None, ""))
        return
    dl = rt.clock + secs
    rt.point(th, make_op(th.tid, "sleep", None, ""), lambda: rt.clock >= dl, dl)


def _module_getattr(name: str) -> Any:
    return getattr(_real_time, name)


TEMPLATE: dict[str, Any] = {
    "monotonic": monotonic, "perf_counter": perf_counter, "time": time,
    "monotonic_ns": monotonic_ns, "perf_counter_ns": perf_counter_ns, "time_ns": time_ns,
    "sleep": sleep, "__getattr__": _module_getattr,
}


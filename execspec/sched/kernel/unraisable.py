"""Quiet the one unraisable exception the shim itself causes: ``GreenletExit``.

An execution that ends with a controlled thread still parked (a caller blocked in ``next()``
of an ``as_completed`` iterator, say) is abandoned: its greenlets are dropped. A generator
suspended in such a thread is finalized later, by the garbage collector, and its clean-up
(``finally``: take a lock, forget a waiter) meets a dead execution and raises ``GreenletExit``.
Python reports that through ``sys.unraisablehook`` as "Exception ignored in: <generator
...>", dozens of times per run, about code that is not running any more: noise, and never the
target's doing. :func:`quiet_greenlet_exit` wraps the hook in force so that exactly these are
dropped; every other unraisable exception still reaches it.
"""

from __future__ import annotations

import sys
from typing import Any

from greenlet import GreenletExit  # type: ignore[import-untyped,unused-ignore]

__all__ = ["quiet_greenlet_exit"]


class _Quiet:
    """An unraisable hook that drops ``GreenletExit`` and hands on everything else."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, GreenletExit):
            return
        self.inner(unraisable)


def quiet_greenlet_exit() -> None:
    """Wrap ``sys.unraisablehook`` (once; again if someone replaced it since).

    >>> quiet_greenlet_exit(); quiet_greenlet_exit()
    >>> isinstance(sys.unraisablehook, _Quiet) and not isinstance(sys.unraisablehook.inner, _Quiet)
    True
    """
    if not isinstance(sys.unraisablehook, _Quiet):
        sys.unraisablehook = _Quiet(sys.unraisablehook)

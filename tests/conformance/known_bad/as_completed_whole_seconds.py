"""impl with an as_completed() that counts the time left before its deadline in whole seconds."""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Iterator

from execspec.impl import ThreadPoolExecutor
from execspec.impl._future import check_timeout, wait_on
from execspec.impl._waiting import _checked, _Collector

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions


def yield_as_completed(futures: dict[Any, None], deadline: float | None,
                       left_of: Callable[[float], float], expired: float = 0.0) -> Iterator[Any]:  # fmt: skip
    """impl's as_completed loop, with the time left before ``deadline`` read as ``left_of(exact)``,
    and the deadline taken as passed once that is at most ``expired`` (impl's: 0)."""
    total, collector, yielded = len(futures), _Collector(), 0
    try:
        collector.watch(futures)
        while yielded < total:
            batch = collector.take()
            if batch:
                yielded += len(batch)
                yield from batch
                continue
            left = None if deadline is None else left_of(deadline - time.monotonic())
            if (left is None or left > expired) and wait_on(collector.gate, left):
                continue
            if collector.news:
                continue
            raise TimeoutError(f"{total - yielded} of {total} futures not done after the timeout")
    finally:
        collector.unwatch()


def as_completed(fs: Iterable[Any],  # type: ignore[no-redef]  # replaces impl's, on purpose
                 timeout: float | None = None) -> Iterator[Any]:
    """impl's as_completed, except that the time left is cut to whole seconds."""
    limit = check_timeout(timeout)
    deadline = None if limit is None else time.monotonic() + limit
    return yield_as_completed(_checked(fs, "as_completed"), deadline, lambda left: float(int(left)))  # the bug


class WholeSeconds(ThreadPoolExecutor):
    """Breaks AC-TIMEOUT: this module's as_completed(fs, timeout) reads the time left before
    its deadline in whole seconds (``int()``), so a next() with less than a second left gives
    up at once, up to a second early (any timeout under a second: at the first next() that
    finds nothing done). A next() made longer before the deadline waits, and wakes a little
    early only if the deadline was not a whole number of seconds away. The pool is impl's."""

"""impl with an as_completed() whose deadline is computed as ``monotonic() - timeout``."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

from execspec.impl import ThreadPoolExecutor
from execspec.impl._future import check_timeout
from execspec.impl._waiting import _checked, _yield_as_completed

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions


def as_completed(fs: Iterable[Any],  # type: ignore[no-redef]  # replaces impl's, on purpose
                 timeout: float | None = None) -> Iterator[Any]:
    """impl's as_completed, except that its deadline lies ``timeout`` seconds in the past."""
    limit = check_timeout(timeout)
    deadline = None if limit is None else time.monotonic() - limit  # the bug: - for +
    return _yield_as_completed(_checked(fs, "as_completed"), deadline)


class TimesOutEarly(ThreadPoolExecutor):
    """Breaks AC-TIMEOUT: this module's as_completed(fs, timeout) times out at the first next()
    that finds no future done, however little of the timeout has passed (its deadline is
    computed as monotonic() - timeout). It still yields what is done, and times out only while
    nothing is: the model, which has no clock, allows each of its answers; only when they come
    is wrong. The pool itself is impl's."""

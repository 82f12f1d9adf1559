"""impl with an as_completed() that takes -1, Lock.acquire's "no limit", as where an expired
deadline begins."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

from execspec.impl import ThreadPoolExecutor
from execspec.impl._future import check_timeout
from execspec.impl._waiting import _checked

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions
from .as_completed_whole_seconds import yield_as_completed


def as_completed(fs: Iterable[Any],  # type: ignore[no-redef]  # replaces impl's, on purpose
                 timeout: float | None = None) -> Iterator[Any]:
    """impl's as_completed, except that a deadline less than a second past still waits."""
    limit = check_timeout(timeout)
    deadline = None if limit is None else time.monotonic() + limit
    # the bug: "expired" is taken to be at or below -1 (acquire's "block forever"), so between
    # -1 and 0 the negative time left goes to Lock.acquire, which refuses it (ValueError)
    return yield_as_completed(_checked(fs, "as_completed"), deadline, float, expired=-1.0)


class NegativeWait(ThreadPoolExecutor):
    """Breaks AC-TIMEOUT and AC-YIELDS-AS-COMPLETE: a next() on this module's as_completed(fs,
    timeout) made less than a second after the deadline passed hands Lock.acquire the negative
    time left, which raises ValueError instead of TimeoutError (a next() before the deadline,
    or a second or more after it, behaves). The pool is impl's."""

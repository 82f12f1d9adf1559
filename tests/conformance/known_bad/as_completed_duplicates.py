"""impl with an as_completed() that yields a duplicated future once per occurrence."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import execspec.impl as impl
from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions


def as_completed(fs: Iterable[Any],  # type: ignore[no-redef]  # replaces impl's, on purpose
                 timeout: float | None = None) -> Iterator[Any]:
    """impl's as_completed, except that a future given n times is yielded n times."""
    given = list(fs)  # read at the call, as impl's is (AC-ANY-ITERABLE)
    return _repeating(impl.as_completed(given, timeout), given)


def _repeating(done: Iterator[Any], given: list[Any]) -> Iterator[Any]:
    for f in done:
        for _ in range(sum(g is f for g in given)):
            yield f  # the bug: once per occurrence in fs


class AsCompletedYieldsDuplicates(ThreadPoolExecutor):
    """Breaks AC-DUPLICATES: this module's as_completed() yields a future that appears twice in
    fs twice. The pool itself is impl's; the bug is in the module's as_completed, which the
    checker pairs with the pool's futures."""

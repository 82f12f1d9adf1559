"""impl whose map() yields each pair of results swapped."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class MapPairsSwapped(ThreadPoolExecutor):
    """Breaks EXE-MAP-ORDER: results come as 2nd, 1st, 4th, 3rd, ... (a lone last one last).
    Submission, timeouts and cancel-on-close are impl's: only the order is wrong."""

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[Any]:  # fmt: skip
        return _swapped(super().map(fn, *iterables, timeout=timeout, chunksize=chunksize,
                                    buffersize=buffersize))  # fmt: skip


def _swapped(results: Iterator[Any]) -> Iterator[Any]:
    sentinel = object()
    for first in results:
        second = next(results, sentinel)
        if second is not sentinel:
            yield second  # the bug
        yield first

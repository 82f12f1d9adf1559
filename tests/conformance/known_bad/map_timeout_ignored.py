"""impl with a map() that drops its timeout."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class MapIgnoresTimeout(ThreadPoolExecutor):
    """Breaks EXE-MAP-TIMEOUT: map(timeout=) accepts the timeout and never raises TimeoutError;
    each next() waits as long as its call takes."""

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[Any]:  # fmt: skip
        return super().map(fn, *iterables, chunksize=chunksize, buffersize=buffersize)

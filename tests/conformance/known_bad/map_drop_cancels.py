"""impl's map() as it was before the fix of issue 9: the iterator is primed at the call.

A copy of the old logic, kept on purpose: ``map()`` stepped its generator into the ``try``
before returning it, so dropping an iterator that was never advanced ran its ``finally`` and
cancelled every call still queued. ``ex.map(record, range(10)); ex.shutdown(wait=True)`` lost
calls. CPython has run them all since bpo-11777.
"""

from __future__ import annotations

import collections
import time
import weakref
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from execspec.impl._executor import _Refill, _result_before
from execspec.impl._future import check_count, check_timeout
from execspec.impl import Future, ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class DroppedMapCancels(ThreadPoolExecutor):
    """Breaks EXE-MAP-CLOSE-CANCELS: a map iterator dropped (or closed) before its first
    next() cancels the calls not yet started, where it must cancel nothing."""

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[Any]:  # fmt: skip
        limit = check_timeout(timeout)
        if buffersize is not None:
            check_count("buffersize", buffersize)
        if not callable(fn):
            raise TypeError(f"map() needs a callable, got {fn!r}")
        deadline = None if limit is None else time.monotonic() + limit
        inputs = zip(*iterables)
        fs = collections.deque([self.submit(fn, *args) for args in islice(inputs, buffersize)])
        refill = None if buffersize is None else (weakref.ref(self), fn, inputs)
        it = _primed_in_order(fs, deadline, refill)
        next(it)  # the bug: into the try block, so even a never-advanced iterator cancels
        return it


def _primed_in_order(fs: collections.deque[Future[Any]], deadline: float | None,
                     refill: _Refill | None) -> Iterator[Any]:  # fmt: skip
    try:
        yield None
        while fs:
            if refill is not None:
                executor = refill[0]()
                args = next(refill[2], None) if executor is not None else None
                if args is not None:
                    fs.append(executor.submit(refill[1], *args))
                del executor, args
            if deadline is None:
                yield fs.popleft().result()
            else:
                yield _result_before(fs.popleft(), deadline)
    finally:
        for f in fs:
            f.cancel()

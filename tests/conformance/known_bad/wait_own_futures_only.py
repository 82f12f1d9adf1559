"""impl with a wait() that watches only impl's own futures."""

from __future__ import annotations

from typing import Any, Iterable

from execspec.impl import ThreadPoolExecutor
from execspec.impl._future import Future as _ImplFuture
from execspec.impl._future import check_timeout
from execspec.impl._waiting import _RETURN_WHEN, DoneAndNotDoneFutures, _checked, _Collector, _wait_until

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions


class _OwnOnly(_Collector):
    __slots__ = ()

    def watch(self, fs: Iterable[Any]) -> None:
        """impl's, except that a future of another class is never watched (the bug)."""
        super().watch([f for f in fs if isinstance(f, _ImplFuture)])


def wait(fs: Iterable[Any], timeout: float | None = None,  # type: ignore[no-redef]  # replaces impl's
         return_when: str = "ALL_COMPLETED") -> DoneAndNotDoneFutures:
    """impl's wait(), over a collector that watches impl's futures only."""
    limit = check_timeout(timeout)
    if return_when not in _RETURN_WHEN:  # WAIT-RETURN-WHEN-INVALID, as impl's
        raise ValueError(f"return_when must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, not {return_when!r}")
    futures = _checked(fs, "wait")
    _wait_until(_OwnOnly(), futures, limit, return_when)
    done = {f for f in futures if f.done()}
    return DoneAndNotDoneFutures(done, set(futures) - done)


class WatchesOwnFuturesOnly(ThreadPoolExecutor):
    """Breaks WAIT-MIXED-EXECUTORS: this module's wait() watches only impl's own futures, so a
    future of another executor (the stdlib's, say) given to it never counts as done: a wait
    over it sleeps to its timeout, or for ever, though that future is done. The pool is impl's."""

"""wait() and as_completed(): one waiter watching many futures.

A waiter is a ``_Collector``: a gate (a Lock held while there is no news) and a list of news,
the futures seen done. Whoever completes a watched future appends it and opens the gate;
nothing else, and nothing that blocks or takes a lock (a completion under its future's lock
must not wait for a waiter, nor meet an interrupt there, which lands at such operations and
would cut the wake-ups of the other waiters short). The waiting thread does the rest: it
takes the news, counts, decides whether ``return_when`` is met, and sleeps on the gate again
if not. News is appended before
the gate opens and taken before the waiter sleeps, so no wake-up is lost (INV-NO-LOST-WAKEUP);
a wake-up with nothing new is harmless. Our futures are watched through an opener parked under
each one's lock; other futures (the stdlib's, say) through ``add_done_callback``, which cannot
be removed: it stays on that future, harmlessly, until the future is done.
"""

from __future__ import annotations

import concurrent.futures as _cf
import functools
import threading
import time
from concurrent.futures import TimeoutError
from typing import Any, Callable, Iterable, Iterator, NamedTuple, TypeVar

from . import _future
from ._future import Future, check_timeout, wait_on

_T = TypeVar("_T")

# MOD-CONSTANTS: the same strings as concurrent.futures, so either module's constant works.
FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"
_RETURN_WHEN = (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED)


class DoneAndNotDoneFutures(NamedTuple):
    """What wait() returns: the futures that are done, and those that are not."""

    done: set[Any]
    not_done: set[Any]


class _Collector:
    __slots__ = ("gate", "news", "parked")

    def __init__(self) -> None:
        self.gate = threading.Lock()
        self.gate.acquire()
        self.news: list[_cf.Future[Any]] = []  # seen done, not yet taken by the waiter
        # (future, opener) parked so far: unwatch() removes them, however watch() ended
        self.parked: list[tuple[Future[Any], Callable[[], None]]] = []

    def note(self, f: _cf.Future[Any]) -> None:
        """``f`` is done: from any thread (under ``f``'s lock, if it is one of ours)."""
        self.news.append(f)
        try:
            self.gate.release()
        except RuntimeError:
            pass  # open already: the waiter has not taken the earlier news yet

    def take(self) -> list[_cf.Future[Any]]:
        """The waiter: the news since the last take, oldest first (a note racing with this
        appends after the part taken, and is left for the next take)."""
        news = self.news
        n = len(news)
        batch = news[:n]
        del news[:n]
        return batch

    def sleep(self, deadline: float | None) -> bool:
        """The waiter: wait for news until ``deadline`` (monotonic; None: no limit); False
        once it passed with no news."""
        return wait_on(self.gate, None if deadline is None else max(0.0, deadline - time.monotonic()))

    def flush(self) -> None:
        """The waiter, at its deadline: pass through the lock of each of our futures watched,
        so that one marked done a moment ago (it notes itself before it lets go of its lock)
        has told us by now (AC-TIMEOUT: no TimeoutError while a future is done)."""
        for f, _ in self.parked:
            with f._lock:
                pass

    def watch(self, fs: Iterable[_cf.Future[Any]]) -> None:
        """Note the done futures and park on the others (``unwatch`` undoes it, even after
        an interrupt half-way: call both in one try/finally)."""
        parked = self.parked
        foreign: list[_cf.Future[Any]] = []
        for f in fs:
            if isinstance(f, Future):
                opener = functools.partial(self.note, f)
                with f._lock:
                    if f._park(opener):
                        parked.append((f, opener))
                        continue
                self.note(f)  # WAIT-ALREADY-DONE, AC-DONE-FIRST
            else:
                foreign.append(f)  # WAIT-MIXED-EXECUTORS, AC-MIXED-EXECUTORS
        for f in foreign:
            f.add_done_callback(self.note)  # runs at once if already done

    def unwatch(self) -> None:
        """Take back every opener parked, even if interrupted again: leave none."""
        parked = self.parked
        while parked:
            f, opener = parked[-1]
            _future.locked_anyway(f._lock, functools.partial(f._unpark, opener))
            parked.pop()


def _checked(fs: Iterable[_cf.Future[_T]], caller: str) -> dict[_cf.Future[_T], None]:
    """``fs`` once each, in input order (runs replay exactly); TypeError at the first non-future."""
    futures: dict[_cf.Future[_T], None] = {}
    for i, f in enumerate(fs):
        if not isinstance(f, _cf.Future):  # checked before anything is parked
            hint = "; for asyncio futures use asyncio.wait()" if hasattr(f, "get_loop") else ""
            raise TypeError(f"{caller}() takes concurrent.futures.Future objects (what submit() "
                            f"returns); item {i} is {f!r} of type {type(f).__name__}{hint}")
        futures[f] = None
    return futures


def wait(fs: Iterable[_cf.Future[_T]], timeout: float | None = None,
         return_when: str = ALL_COMPLETED) -> DoneAndNotDoneFutures:  # fmt: skip
    """Wait for futures (from any executors) and return ``(done, not_done)`` sets.

    ``return_when`` is FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED (the default);
    ``timeout`` (seconds, None for no limit) caps the wait, which then just returns.
    A cancelled future counts as done.

    >>> from execspec.impl import ThreadPoolExecutor, wait
    >>> with ThreadPoolExecutor(2) as ex:
    ...     done, not_done = wait([ex.submit(pow, 2, n) for n in range(3)])
    >>> sorted(f.result() for f in done), not_done
    ([1, 2, 4], set())
    """
    limit = check_timeout(timeout)
    if return_when not in _RETURN_WHEN:  # WAIT-RETURN-WHEN-INVALID
        raise ValueError("return_when must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, "
                         f"not {return_when!r}")
    futures = _checked(fs, "wait")  # WAIT-DUPLICATES
    _wait_until(_Collector(), futures, limit, return_when)  # WAIT-DEFAULT-ALL
    # WAIT-RETURNS-SETS, INV-WAIT-PARTITION; WAIT-CANCELLED-COUNTS: cancelled is done (gh-92001)
    done = {f for f in futures if f.done()}
    return DoneAndNotDoneFutures(done, set(futures) - done)


def _wait_until(collector: _Collector, futures: dict[_cf.Future[Any], None], limit: float | None,
               return_when: str) -> None:  # fmt: skip
    """wait()'s loop: return once ``return_when`` holds for ``futures``, or ``limit`` seconds
    passed (None: no limit)."""
    deadline = None if limit is None else time.monotonic() + limit
    pending = len(futures)  # WAIT-EMPTY: none, no waiting
    try:  # an interrupted wait (a KeyboardInterrupt) leaves no opener parked either
        collector.watch(futures)
        while pending:
            for f in collector.take():
                pending -= 1  # WAIT-ALL-COMPLETED once none is left
                if return_when == FIRST_COMPLETED or (  # WAIT-FIRST-COMPLETED
                        # WAIT-FIRST-EXCEPTION; FUT-RESULT-FALSY-EXC: `is not None`, not truth
                        return_when == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None):
                    return
            if pending and not collector.sleep(deadline):
                return  # WAIT-TIMEOUT: on timeout just report; never raise
    finally:
        collector.unwatch()


def as_completed(fs: Iterable[_cf.Future[_T]],
                 timeout: float | None = None) -> Iterator[_cf.Future[_T]]:  # fmt: skip
    """Yield the futures (from any executors) as they finish or are cancelled.

    Futures already done come first; each future is yielded once. With a ``timeout``
    (seconds, counted from this call), ``next()`` raises TimeoutError once it expires.

    >>> from execspec.impl import ThreadPoolExecutor, as_completed
    >>> with ThreadPoolExecutor(2) as ex:
    ...     sorted(f.result() for f in as_completed(ex.submit(abs, -n) for n in range(3)))
    [0, 1, 2]
    """
    limit = check_timeout(timeout)
    deadline = None if limit is None else time.monotonic() + limit  # AC-TIMEOUT: from the call
    # AC-ANY-ITERABLE, AC-DUPLICATES: read now (not at the first next()), once each, in order
    return _yield_as_completed(_checked(fs, "as_completed"), deadline)


def _yield_as_completed(futures: dict[_cf.Future[_T], None],
                        deadline: float | None) -> Iterator[_cf.Future[_T]]:  # fmt: skip
    total = len(futures)  # AC-EMPTY: nothing to yield, no waiting
    collector = _Collector()
    yielded = 0
    try:
        collector.watch(futures)
        while yielded < total:
            batch = collector.take()
            if batch:
                yielded += len(batch)
                for f in batch:  # AC-YIELDS-AS-COMPLETE, AC-CANCELLED-COUNTS
                    yield f
                del batch, f  # a consumed future is not kept alive by this generator
                continue
            left = None if deadline is None else deadline - time.monotonic()
            if (left is None or left > 0) and wait_on(collector.gate, left):
                continue
            collector.flush()
            if collector.news:
                continue  # news arrived right at the deadline: deliver it first
            raise TimeoutError(f"{total - yielded} of {total} futures not done after the timeout")
    finally:
        collector.unwatch()

"""wait() and as_completed(): one waiter watching many futures.

A waiter is a ``_Collector``: a gate (a Lock held until there is news) and a tally, both
changed only under the futures' shared lock, and parked on each of our pending futures, so a
completion and the check "is everything done?" cannot interleave badly (INV-NO-LOST-WAKEUP).
Other futures (the stdlib's, say) are watched through their ``add_done_callback``, which
cannot be removed: it stays on that future, harmlessly, until the future is done.
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
    __slots__ = ("gate", "fired", "remaining", "mode", "ready", "parked")

    def __init__(self, count: int, mode: str) -> None:
        self.gate = threading.Lock()
        self.gate.acquire()
        self.fired = False  # the gate was opened and nobody closed it since: release() no more
        self.remaining = count  # futures not yet seen done
        self.mode = mode
        self.ready: list[_cf.Future[Any]] = []  # as_completed only: done, not yet yielded
        # (future, opener) parked so far: unwatch() removes them, however watch() ended
        self.parked: list[tuple[Future[Any], Callable[[], None]]] = []

    def note(self, f: _cf.Future[Any]) -> None:
        """Under the futures' lock: ``f`` is done."""
        self.remaining -= 1
        if self.mode == "stream":
            self.ready.append(f)
        elif not (
            self.remaining == 0  # WAIT-ALL-COMPLETED
            or self.mode == FIRST_COMPLETED  # WAIT-FIRST-COMPLETED
            # WAIT-FIRST-EXCEPTION; FUT-RESULT-FALSY-EXC: `is not None`, never the exception's truth
            or (self.mode == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None)
        ):
            return
        self.fire()

    def fire(self) -> None:
        if not self.fired:
            self.fired = True
            self.gate.release()

    def note_foreign(self, f: _cf.Future[Any]) -> None:
        with _future._lock:
            self.note(f)

    def watch(self, fs: Iterable[_cf.Future[Any]]) -> None:
        """Note the done futures and park on the others (``unwatch`` undoes it, even after
        an interrupt half-way: call both in one try/finally)."""
        parked = self.parked
        foreign: list[_cf.Future[Any]] = []
        with _future._lock:
            for f in fs:
                if isinstance(f, Future):
                    opener = functools.partial(self.note, f)
                    if f._park(opener):
                        parked.append((f, opener))
                    else:
                        self.note(f)  # WAIT-ALREADY-DONE, AC-DONE-FIRST
                else:
                    foreign.append(f)  # WAIT-MIXED-EXECUTORS, AC-MIXED-EXECUTORS
            if self.remaining == 0:  # WAIT-EMPTY, or everything done already
                self.fire()
        for f in foreign:
            f.add_done_callback(self.note_foreign)  # runs at once if already done

    def unwatch(self) -> None:
        _future.locked_anyway(self._unwatch)  # even if interrupted again: leave no gate

    def _unwatch(self) -> None:
        self.fired = True  # late news must not touch the gate again
        for f, opener in self.parked:
            f._unpark(opener)
        self.parked = []


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
    collector = _Collector(len(futures), return_when)  # WAIT-DEFAULT-ALL
    try:  # an interrupted wait (a KeyboardInterrupt) leaves no gate parked either
        collector.watch(futures)
        if not collector.fired:
            wait_on(collector.gate, limit)  # WAIT-TIMEOUT: on timeout just report; never raise
    finally:
        collector.unwatch()
    # WAIT-RETURNS-SETS, INV-WAIT-PARTITION; WAIT-CANCELLED-COUNTS: cancelled is done (gh-92001)
    done = {f for f in futures if f.done()}
    return DoneAndNotDoneFutures(done, set(futures) - done)


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
    collector = _Collector(total, "stream")
    yielded = 0
    try:
        collector.watch(futures)
        while yielded < total:
            with _future._lock:
                batch, collector.ready = collector.ready, []
            if batch:
                yielded += len(batch)
                for f in batch:  # AC-YIELDS-AS-COMPLETE, AC-CANCELLED-COUNTS
                    yield f
                del batch, f  # a consumed future is not kept alive by this generator
                continue
            left = None if deadline is None else deadline - time.monotonic()
            if (left is None or left > 0) and wait_on(collector.gate, left):
                with _future._lock:
                    collector.fired = False  # we hold the gate again; the next note reopens it
                continue
            with _future._lock:
                if collector.ready:
                    continue  # news arrived right at the deadline: deliver it first
            raise TimeoutError(f"{total - yielded} of {total} futures not done after the timeout")
    finally:
        collector.unwatch()


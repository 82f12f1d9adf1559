"""TinyPool: a small thread pool written from scratch on the stdlib's ``concurrent.futures.Future``.

It is the base of the from-scratch known-bad variants, so it must be *correct*: each variant
overrides one hook below and breaks one clause. It is also a good target in its own right
(``conformance.known_bad._tiny_pool:TinyPool``), and the reproductions in
``tests/conformance/test_known_bad_are_really_bad.py`` run on it beside impl.

Design, in the shape of CPython's pool but none of its code:

- the workers hold a ``_Shared`` (inbox, counters, initializer), never the executor, so a pool
  dropped without shutdown() is collected and its finalizer tells the workers to leave
  (TPE-GC-DROPPED);
- one Condition guards everything in ``_Shared``; ``waiting`` counts the workers blocked for
  a call, and submit() starts a thread only when the queued calls outnumber them and the pool
  is below ``max_workers`` (TPE-IDLE-REUSE, TPE-LAZY-THREADS, TPE-MAX-WORKERS-BOUND);
- stopping is a flag (``closed``), not a sentinel in the queue, so a variant can reorder the
  queue without reordering the stop signal; a worker leaves once closed *and* empty.

``TinyFuture`` closes the two places where the stdlib's Future itself diverges from the docs,
so that a from-scratch variant fails only on its own bug: cancel() notifies wait()/as_completed()
at once (gh-92001, WAIT-CANCELLED-COUNTS), and result() raises a falsy exception (gh-132063).
The module's ``as_completed`` closes a third: its deadline counts from the call, not from the
first ``next()`` as the stdlib's generator counts it (AC-TIMEOUT-FROM-CALL).

>>> with TinyPool(max_workers=2) as ex:
...     ex.submit(pow, 2, 5).result()
32
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import itertools
import logging
import os
import threading
import time
import weakref
from concurrent.futures import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, BrokenExecutor,
                                CancelledError, Executor, InvalidStateError, ThreadPoolExecutor, TimeoutError,
                                wait)
from concurrent.futures.thread import BrokenThreadPool
from typing import Any, Callable, Iterable, Iterator

# What the checker reads from a target's module: the stdlib's wait/as_completed watch
# TinyFutures (they are stdlib Futures), and the exceptions are the stdlib's (so are Executor and
# ThreadPoolExecutor: the module's names are the stdlib's, MOD-NAMES).
__all__ = [
    "ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION", "BrokenExecutor", "BrokenThreadPool",
    "CancelledError", "Executor", "Future", "InvalidStateError", "ThreadPoolExecutor", "TimeoutError",
    "as_completed", "wait",
    "TinyFuture", "TinyPool",
]  # fmt: skip

def as_completed(fs: Iterable[cf.Future[Any]], timeout: float | None = None) -> Iterator[cf.Future[Any]]:
    """The stdlib's as_completed, its deadline taken at the call (AC-TIMEOUT-FROM-CALL)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    fs = list(fs)

    def iterate() -> Iterator[cf.Future[Any]]:
        left = None if deadline is None else deadline - time.monotonic()
        yield from cf.as_completed(fs, timeout=left)

    return iterate()


_log = logging.getLogger("concurrent.futures")
_Call = tuple["TinyFuture", Callable[..., Any], tuple[Any, ...], dict[str, Any]]
_numbers = itertools.count()

# TPE-INTERPRETER-EXIT: every live pool's shared state, so the exit hook can close and join them
_live: weakref.WeakSet[_Shared] = weakref.WeakSet()
_live_lock = threading.Lock()
_exiting = False


def _after_fork_in_child() -> None:
    """TPE-FORK: the child has none of the parent's workers, and none of the locks they held:
    each pool's shared state gets a fresh lock and no threads (its calls stay queued, unrun), so
    making pools, and dropping the parent's, never waits on a thread that is not there."""
    _live_lock._at_fork_reinit()  # type: ignore[attr-defined]
    for shared in list(_live):
        shared.cond, shared.threads, shared.waiting = threading.Condition(threading.RLock()), [], 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_live_lock.acquire, after_in_parent=_live_lock.release,
                        after_in_child=_after_fork_in_child)


class TinyFuture(cf.Future):  # type: ignore[type-arg]
    """The stdlib's Future with gh-92001 and gh-132063 closed (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._claim = threading.Lock()  # orders cancel()'s notify against the worker's claim
        self._claimed = False  # set_running_or_notify_cancel() was called (by us or the worker)

    def cancel(self) -> bool:
        if not super().cancel():
            return False
        with self._claim:
            if not self._claimed:  # WAIT-CANCELLED-COUNTS: tell wait()/as_completed() now
                self._claimed = True
                super().set_running_or_notify_cancel()
        return True

    def set_running_or_notify_cancel(self) -> bool:
        with self._claim:
            if self._claimed and self.cancelled():
                return False  # cancel() already notified the waiters
            # claimed and not cancelled: running or done, and the stdlib's raises as it must
            self._claimed = True
            return super().set_running_or_notify_cancel()

    def result(self, timeout: float | None = None) -> Any:
        error = self.exception(timeout)  # CancelledError, TimeoutError as the stdlib's
        if error is not None:  # FUT-RESULT-FALSY-EXC: `is not None`, not the exception's truth
            try:
                raise error
            finally:
                del error
        return super().result(0)


Future = TinyFuture


class _Shared:
    """What the workers of one pool share; every field is guarded by ``cond``."""

    def __init__(self, max_workers: int, prefix: str, initializer: Callable[..., object] | None,
                 initargs: tuple[Any, ...]) -> None:  # fmt: skip
        self.cond = threading.Condition(threading.RLock())  # reentrant: the GC finalizer takes it
        self.calls: collections.deque[_Call] = collections.deque()
        self.waiting = 0  # workers blocked in next_call(); invariant: <= live workers
        self.threads: list[threading.Thread] = []  # invariant: len <= max_workers (the bound)
        self.closed = False  # no call will be added; workers leave when `calls` is empty
        self.broken: str | None = None  # why submit() refuses: an initializer failed
        self.max_workers, self.prefix = max_workers, prefix
        self.initializer, self.initargs = initializer, initargs

    # -- hooks the from-scratch variants override (one each) ------------------------------

    claims_under_lock = True  # next_call() claims the call it takes before it lets go of ``cond``

    def take(self) -> _Call:
        """Under ``cond``: the next call to start (TPE-FIFO-START: the oldest)."""
        return self.calls.popleft()

    def needs_worker(self) -> bool:
        """Under ``cond``, after a put: start a thread? Only if no idle worker will take the
        call (TPE-IDLE-REUSE) and the pool is below its bound (TPE-MAX-WORKERS-BOUND)."""
        return len(self.calls) > self.waiting and len(self.threads) < self.max_workers

    def run(self, call: _Call, runs: bool) -> bool:
        """Run one call in a worker (``runs``: it was claimed, not cancelled), store the
        outcome. True: the worker goes on to the next call (TPE-WORKER-SURVIVES-EXCEPTION:
        always, here)."""
        f, fn, args, kwargs = call
        if not runs:
            return True  # INV-CANCELLED-NEVER-RUNS
        try:
            value = fn(*args, **kwargs)  # EXE-SUBMIT-CALL
        except BaseException as exc:  # TPE-WORKER-SURVIVES-EXCEPTION: stored, the loop goes on
            f.set_exception(exc)
            del exc
        else:
            f.set_result(value)
            del value
        return True

    # -- the rest is shared by every variant ----------------------------------------------

    def next_call(self) -> tuple[_Call, bool] | None:
        """Block until there is a call to run or the pool is closed and empty (None). The call
        is claimed (``set_running_or_notify_cancel``: False if it was cancelled) while still
        under ``cond``: shutdown(cancel_futures=True) takes ``cond`` too, so no call is ever
        out of the queue and still pending where it could miss it (EXE-SHUTDOWN-CANCEL-FUTURES;
        CPython's pool has that window, EXE-SHUTDOWN-CANCEL-TAKEN)."""
        with self.cond:
            while not self.calls and not self.closed:
                self.waiting += 1
                try:
                    self.cond.wait()
                finally:
                    self.waiting -= 1
            if not self.calls:
                return None
            call = self.take()
            if self.claims_under_lock:
                return call, call[0].set_running_or_notify_cancel()
        return call, call[0].set_running_or_notify_cancel()  # (a variant's bug: see claims_outside_lock)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def break_pool(self) -> None:
        """An initializer failed: refuse new work and fail every queued call."""
        with self.cond:
            self.broken = "a thread initializer failed; the pool cannot run anything"
            stranded, self.calls = list(self.calls), collections.deque()
            self.closed = True
            self.cond.notify_all()
        for f, *_ in stranded:  # TPE-INITIALIZER-FAILS-PENDING
            try:
                f.set_exception(BrokenThreadPool(self.broken))
            except InvalidStateError:
                pass  # cancelled while queued: it stays cancelled


def _work(shared: _Shared) -> None:
    if shared.initializer is not None:
        try:
            shared.initializer(*shared.initargs)  # TPE-INITIALIZER-RUNS
        except BaseException:
            _log.critical("TinyPool initializer failed", exc_info=True)
            shared.break_pool()
            return
    while True:
        taken = shared.next_call()
        if taken is None:
            return
        if not shared.run(*taken):
            return
        del taken  # an idle worker keeps no call (and no result) alive


class TinyPool(cf.Executor):
    """A thread pool with ThreadPoolExecutor's constructor, built on TinyFuture."""

    _shared_class: type[_Shared] = _Shared  # the variants' hook

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        if max_workers is None:  # TPE-MAX-WORKERS-DEFAULT-313 (and -38 before process_cpu_count)
            max_workers = min(32, (getattr(os, "process_cpu_count", os.cpu_count)() or 1) + 4)
        elif max_workers <= 0:  # TPE-MAX-WORKERS-INVALID
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):  # TPE-INITIALIZER-NOT-CALLABLE
            raise TypeError("initializer must be a callable")
        prefix = thread_name_prefix or f"TinyPool-{next(_numbers)}"  # TPE-THREAD-NAME-PREFIX
        shared = self._shared_class(max_workers, prefix, initializer, tuple(initargs))
        self._shared = shared
        weakref.finalize(self, shared.close)  # TPE-GC-DROPPED
        with _live_lock:
            _live.add(shared)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> TinyFuture:
        shared = self._shared
        with shared.cond:
            if shared.broken is not None:
                raise BrokenThreadPool(shared.broken)  # TPE-INITIALIZER-FAILS-SUBMIT
            if shared.closed:  # EXE-SUBMIT-AFTER-SHUTDOWN
                raise RuntimeError("cannot schedule new futures after shutdown")
            if _exiting:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            f = TinyFuture()
            shared.calls.append((f, fn, args, kwargs))
            shared.cond.notify()
            if shared.needs_worker():  # started under the lock, so shutdown() joins it
                t = threading.Thread(name=f"{shared.prefix}_{len(shared.threads)}", target=_work,
                                     args=(shared,))  # fmt: skip
                shared.threads.append(t)
                t.start()
        return f

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[Any]:  # fmt: skip
        """Results in input order; every call submitted now, or ``buffersize`` at a time."""
        if buffersize is not None and (not isinstance(buffersize, int) or buffersize < 1):
            raise ValueError("buffersize must be None or a positive integer")
        deadline = None if timeout is None else time.monotonic() + timeout
        inputs = zip(*iterables)
        fs = collections.deque(self.submit(fn, *args)
                               for args in itertools.islice(inputs, buffersize))  # fmt: skip
        return _results(self, fn, fs, inputs if buffersize is not None else None, deadline)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        shared = self._shared
        with shared.cond:
            dropped: list[_Call] = []
            if cancel_futures:  # EXE-SHUTDOWN-CANCEL-FUTURES
                dropped, shared.calls = list(shared.calls), collections.deque()
            shared.closed = True
            shared.cond.notify_all()
            threads = list(shared.threads)
        for f, *_ in dropped:
            f.cancel()  # EXE-SHUTDOWN-CANCELLED-DONE: TinyFuture.cancel() notifies waiters
        if wait:  # EXE-SHUTDOWN-WAIT
            for t in threads:
                if t is not threading.current_thread():
                    t.join()


def _results(ex: TinyPool, fn: Callable[..., Any], fs: collections.deque[TinyFuture],
             more: Iterator[tuple[Any, ...]] | None,
             deadline: float | None) -> Iterator[Any]:  # fmt: skip
    # A generator, so it runs nothing until the first next(): a map iterator dropped unstarted
    # cancels nothing; once started, leaving early cancels what it has not yielded.
    pool = weakref.ref(ex)
    del ex
    try:
        while fs:
            if more is not None:  # EXE-MAP-BUFFERSIZE: one in as one comes out
                executor, args = pool(), next(more, None)
                if executor is not None and args is not None:
                    fs.append(executor.submit(fn, *args))
                del executor, args
            f = fs.popleft()
            try:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                value = f.result(left)
            except TimeoutError:
                f.cancel()
                raise
            del f
            yield value
    finally:
        for f in fs:  # EXE-MAP-CLOSE-CANCELS
            f.cancel()


def _at_exit() -> None:
    """TPE-INTERPRETER-EXIT: close every pool and join its workers before atexit handlers."""
    global _exiting
    with _live_lock:
        _exiting = True
        pools = list(_live)
    for shared in pools:
        shared.close()
        with shared.cond:
            threads = list(shared.threads)
        for t in threads:
            t.join()


threading._register_atexit(_at_exit)  # type: ignore[attr-defined]

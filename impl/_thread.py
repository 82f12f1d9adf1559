"""ThreadPoolExecutor: a queue of calls and the threads that run them.

Workers hold a ``_Pool``, not the executor, so an executor dropped without shutdown() can be
collected; its weakref callback then tells the idle workers to leave (TPE-GC-DROPPED).
Stopping is one ``None`` on the queue, after every call queued before it: a worker that takes
it puts it back and exits, so the one signal reaches every worker.

A worker that finds the queue empty counts itself in ``_Pool.idle`` (under the pool lock,
where every put happens); submit() spends one instead of starting a thread (TPE-IDLE-REUSE).
The count never exceeds the workers about to block on the queue, so no call waits while a
worker could be started. A worker takes a call outside the locks, ``holding`` it until it
claims it under that call's own lock; shutdown(cancel_futures=True) sets ``cancelling`` first,
so a claim after it cancels, and cancels the held calls itself. No lock is shared by the
workers on their way through a call (issue 12: a shared one made a convoy at 32 workers).
A new worker is reserved under the pool lock (it enters ``threads``, so the bound holds) and
started outside it, as a start waits for the OS; joiners first wait until ``reserved`` is
empty, so every call queued before the stop signal has its worker joined. A reserved worker
leaves ``reserved`` when its start() returns or when it begins to run, whichever comes first,
so one interrupt in either thread cannot leave it there.

Starting is chained (issue 12): a start waits until the new thread runs, which under load
means waiting for the GIL behind every busy worker, so a burst into a cold pool would spend
most of its time starting threads. While a started worker has not yet begun (``fresh``), a
submit that needs one more only counts it as ``owed`` (toward the bound); each worker starts
one owed worker as it begins, before its initializer, so none waits on a call. Joiners wait
for the owed ones too; a worker that dies (an interrupt) starts one, if any, as its
replacement; a start the OS refuses with no other worker fresh forgets them.

Exception safety (issue 11): a BaseException may arrive at any lock, queue or wait operation
(a signal's KeyboardInterrupt, where ``execspec faults`` puts one), from a done-callback or
from the initializer; none strands a future. Calls are settled as they are taken off the
queue, one at a time under each one's lock, so an interrupt leaves the rest queued, to be
cancelled at their claim (or run, if the pool broke); a worker that dies of one settles the
call in its hands, passes the stop signal on, gives back its idle count and starts its own
replacement if calls are left queued; callbacks due run even when an interrupt cut the
settling short. CPython can also deliver a KeyboardInterrupt between two bytecodes of the
main thread, where no pure-Python code can close every window: one landing just after a
get() in clear() returned, or at the call of a waiter's opener, still strands that call or
loses those wake-ups, as it would in the stdlib.
"""

from __future__ import annotations

import concurrent.futures as _cf
import functools
import itertools
import os
import queue
import threading
import weakref
from concurrent.futures.thread import BrokenThreadPool
from typing import Any, Callable, ParamSpec, TypeVar

from . import _future
from ._executor import Executor
from ._future import CANCELLED, FINISHED, PENDING, RUNNING, Future, _log, check_count

_T = TypeVar("_T")
_P = ParamSpec("_P")
_BROKEN = "a thread initializer failed, so this thread pool cannot run anything"
_AFTER_SHUTDOWN = "cannot submit to an executor after its shutdown()"
_AFTER_EXIT = "cannot submit once the interpreter has started to exit"
_NOTHING: Any = "<no call in hand>"  # a sentinel (None is the stop signal); a str, as the
# shim's loader can reset immutable globals between executions but not a bare object()
_Due = list[tuple[Future[Any], list[Callable[[Future[Any]], object]]]]

# TPE-INTERPRETER-EXIT: every live pool, so the exit hook can stop and join them all.
_registry_lock = threading.RLock()
_pools: weakref.WeakKeyDictionary[_Pool, None] = weakref.WeakKeyDictionary()
_exiting = False
_executor_numbers = itertools.count()


class _Pool:
    __slots__ = ("lock", "started", "queue", "idle", "reserved", "fresh", "owed", "threads", "max_workers",
                 "prefix", "initializer", "initargs", "refusal", "owner", "cancelling", "holding", "__weakref__")  # fmt: skip

    def __init__(self, max_workers: int, prefix: str, initializer: Callable[..., object] | None,
                 initargs: tuple[Any, ...]) -> None:  # fmt: skip
        self.lock = threading.RLock()  # guards the rest and every put; reentrant as a future's lock
        self.started = threading.Condition(self.lock)  # notified when `reserved` shrinks
        self.queue: queue.SimpleQueue[Future[Any] | None] = queue.SimpleQueue()
        self.idle = 0  # workers that found the queue empty and were not yet handed a call
        # threads in `threads` not yet known to have started (or to have failed to)
        self.reserved: dict[threading.Thread, None] = {}
        self.fresh: dict[threading.Thread, None] = {}  # reserved and not yet begun to run
        self.owed = 0  # workers submits asked for while one was fresh: the next to begin starts one
        # INV-WORKERS-BOUNDED: <= max_workers; a dict, so joins go in start order (replayable)
        self.threads: dict[threading.Thread, None] = {}
        self.max_workers, self.prefix = max_workers, prefix
        self.initializer, self.initargs = initializer, initargs
        # why submit() must refuse, or None while open; set once (INV-BROKEN-STICKY)
        self.refusal: BaseException | None = None
        self.owner: weakref.ref[ThreadPoolExecutor] | None = None
        # shutdown(cancel_futures=True) ran: a call a worker took off the queue but has not
        # claimed yet is cancelled at its claim, as if still queued (EXE-SHUTDOWN-CANCEL-TAKEN)
        self.cancelling = False
        # per worker, the call it took off the queue and has not claimed yet: shutdown
        # (cancel_futures=True) cancels these too, each under its lock, as queued ones
        self.holding: dict[threading.Thread, Future[Any]] = {}

    def refuse(self, error: BaseException) -> None:
        """Stop accepting calls and let every worker go once the queue is drained."""
        if self.refusal is None:
            self.refusal = error
        self.queue.put(None)

    def reserved_started(self) -> None:
        while self.reserved or self.owed:  # under the lock: until every reserved (or owed)
            self.started.wait()  # worker started, or failed to

    def clear(self, error: Callable[[], BaseException] | None,
              refusal: BaseException | None = None) -> None:
        """Settle every queued call as it is taken off the queue (cancel it, or fail it with
        ``error()``), a stop signal met going back last; an interrupt leaves the rest queued,
        to run. The callbacks due run outside the locks, even then. With ``refusal``, refuse
        first (a broken pool's refusal replaces any other: INV-BROKEN-STICKY)."""
        due: _Due = []
        call: Any = _NOTHING
        stop = False
        try:
            with self.lock:  # from here no submit queues a call, and (cancelling) every claim cancels
                if error is None:
                    self.cancelling = True
                if refusal is not None:  # the stop signal goes in last, after what is left
                    if self.refusal is None or isinstance(refusal, BrokenThreadPool):
                        self.refusal = refusal
                    stop = True
            try:  # each call under its own lock, and not the pool's (the lock order)
                while True:
                    call = self.queue.get(False)
                    if call is None:
                        stop = True
                    else:
                        _settle_anyway(call, due, error)
                    call = _NOTHING
            except queue.Empty:
                pass
            finally:
                if call is not _NOTHING and call is not None:
                    _settle_anyway(call, due, error)  # taken, then interrupted: settled too
                if stop:
                    self.queue.put(None)
                if error is None:  # EXE-SHUTDOWN-CANCEL-TAKEN: those workers hold, too
                    for held in list(self.holding.values()):
                        _settle_anyway(held, due, None)
        finally:
            _run_due(due)

    def reserve(self) -> threading.Thread:
        """Under the lock: a new worker, counted in ``threads`` (the bound holds) and in
        ``reserved`` (joiners wait for it); ``start`` it outside the lock."""
        t = threading.Thread(name=f"{self.prefix}_{len(self.threads)}", target=_work, args=(self,))
        self.threads[t] = None
        self.reserved[t] = None
        self.fresh[t] = None
        return t

    def owed_start(self) -> threading.Thread | None:
        """Under the lock: reserve a worker owed to earlier submits, if any (even once refused:
        the calls queued before the stop signal have their workers, as if started at once)."""
        if not self.owed:
            return None
        self.owed -= 1
        return self.reserve()

    def start(self, t: threading.Thread, f: Future[Any] | None) -> None:
        """Start a reserved worker (for ``f``, just queued). One that cannot start (the OS
        refused, or an interrupt came first) is withdrawn, and ``f`` too if still pending;
        with no worker left the queued calls fail: refused or run, never lost. Raises then,
        unless the OS refused and ``f`` runs elsewhere."""
        try:
            t.start()
        except BaseException as exc:
            if t.is_alive():  # interrupted once it began: it works on
                raise
            withdrawn = f is not None and f.cancel()  # before the rest fail: f is refused
            with self.lock:
                self.threads.pop(t, None)
                self.fresh.pop(t, None)
                if not self.fresh:
                    self.owed = 0  # nobody left to start them: the OS refuses threads
                orphaned = not self.threads
            if orphaned:
                self.clear(lambda: RuntimeError("no worker thread could be started to run this call"))
            if withdrawn or f is None or not isinstance(exc, Exception):
                raise
        finally:
            self.begun(t)

    def begun(self, t: threading.Thread, arrived: bool = False) -> threading.Thread | None:
        """``t`` started, or failed to: joiners need not wait for it any more. ``arrived``: ``t``
        itself, as it begins to run; it returns the owed worker it must start, if any."""
        with self.lock:
            self.reserved.pop(t, None)
            self.started.notify_all()  # joiners re-check `reserved`
            if not arrived:
                return None
            self.fresh.pop(t, None)
            return self.owed_start()

    def owner_gone(self, _: object) -> None:
        # TPE-GC-DROPPED. Runs inside the garbage collector, perhaps in a thread that holds
        # self.lock, so it takes no lock: no submit() can race, the executor is gone.
        self.refuse(RuntimeError(_AFTER_SHUTDOWN))


def _settle_anyway(f: Future[Any], due: _Due, error: Callable[[], BaseException] | None) -> None:
    """``_settle`` under ``f``'s lock, taken even if an interrupt arrives while taking it; then
    the call is dropped (outside the lock: what its release frees may run a ``__del__``)."""
    try:
        _future.locked_anyway(f._lock, functools.partial(_settle, f, due, error))
    finally:
        f._fn = f._args = f._kwargs = None


def _settle(f: Future[Any], due: _Due, error: Callable[[], BaseException] | None) -> None:
    """Under ``f``'s lock: cancel ``f`` (or fail it with ``error()``) unless done; it was taken
    off the queue (the caller drops its call once out of the lock)."""
    if f._status >= CANCELLED:
        return
    if error is None:
        if f._status != PENDING:
            return  # a running call is never cancelled (FUT-CANCEL-RUNNING)
        callbacks = f._settle(CANCELLED)
    else:
        f._value, f._error = None, error()
        callbacks = f._settle(FINISHED)
    if callbacks:
        due.append((f, callbacks))


def _run_due(due: _Due) -> None:
    """Run the callbacks of futures settled under the locks; a BaseException from one
    propagates once the others ran (FUT-CB-BASEEXCEPTION)."""
    it = iter(due)
    for f, callbacks in it:
        try:
            f._run_callbacks(callbacks)
        except BaseException:
            _run_due(list(it))
            raise


def _break(pool: _Pool) -> None:
    """TPE-INITIALIZER-FAILS-PENDING, TPE-INITIALIZER-FAILS-SUBMIT: an initializer failed."""
    pool.clear(lambda: BrokenThreadPool(_BROKEN), BrokenThreadPool(_BROKEN))


def _break_anyway(pool: _Pool) -> None:
    """``_break``, even if an interrupt lands while it runs: this worker is the only one that
    knows, so the calls queued must not be left waiting for a worker that will never come.
    The interrupt goes on once the pool is broken."""
    try:
        _break(pool)
    except BaseException:
        _break(pool)
        raise


def _work(pool: _Pool) -> None:
    """A worker thread's body: run queued calls until told to stop."""
    q, lock = pool.queue, pool.lock
    stopped = counted = False
    cancelled: _Due = []  # a taken call cancelled at its claim: its callbacks, run outside the lock
    call: Any = _NOTHING
    me, holding = threading.current_thread(), pool.holding
    try:
        owed = pool.begun(me, arrived=True)  # (if our starter was interrupted)
        if owed is not None:  # before the initializer: it may block, the owed worker must not wait
            _start_quietly(pool, owed)
        if pool.initializer is not None:
            try:
                pool.initializer(*pool.initargs)  # TPE-INITIALIZER-RUNS: once, in each worker
            except BaseException:
                stopped = True  # no replacement: it would fail the same way
                try:
                    _log.critical("thread pool initializer failed", exc_info=True)
                finally:
                    _break_anyway(pool)
                return
        while True:
            # none in hand: wait for one, outside the locks
            while not counted:  # TPE-IDLE-REUSE: never block in get() uncounted
                if q.empty():
                    with lock:
                        if q.empty():
                            pool.idle += 1
                            counted = True
                            break
                try:
                    call = q.get(False)  # a call is queued: take it, no count spent
                    break
                except queue.Empty:
                    pass  # another worker took it first: look again
            if call is _NOTHING:
                call = q.get()
            counted = False  # whoever put this call spent an idle count (perhaps ours)
            if call is None:
                q.put(None)  # pass the stop signal on to the next worker
                stopped = True
                return
            # held until claimed: shutdown(cancel_futures=True) finds it here, or queued (but for
            # a thread switch right after get() returned: for a moment it is in neither, and such
            # a shutdown(wait=False) may return before the claim below cancels it)
            holding[me] = call
            flock = call._lock
            flock.acquire()  # (not `with`, here and below: half the cost; no signal's
            try:  # KeyboardInterrupt reaches a worker thread between acquire and try)
                # the claim (TPE-FIFO-START: calls are taken, hence claimed, in queue order);
                # not if done (INV-CANCELLED-NEVER-RUNS, INV-RUN-AT-MOST-ONCE), nor once a
                # shutdown(cancel_futures=True) began: taken before it, claimed after, it is
                # cancelled (EXE-SHUTDOWN-CANCEL-TAKEN)
                runs = call._status == PENDING and not pool.cancelling
                if runs:
                    call._status = RUNNING
                elif call._status == PENDING:
                    _settle(call, cancelled, None)
                del holding[me]  # only now: a shutdown that found it held waits for the lock
            finally:
                flock.release()
            f = call
            fn, args, kwargs = f._fn, f._args, f._kwargs  # only this worker took f off the queue
            f._fn = f._args = f._kwargs = None  # the future no longer keeps them alive
            if cancelled:
                _run_due(cancelled)
                cancelled.clear()
            if runs:
                try:
                    value, error = fn(*args, **kwargs), None  # EXE-SUBMIT-CALL
                except BaseException as exc:  # TPE-WORKER-SURVIVES-EXCEPTION
                    value, error = None, exc
                callbacks = None
                flock.acquire()  # (f's: the lock of its claim)
                try:
                    if f._status == RUNNING:  # else set_result() won while it ran: that stands
                        f._value, f._error = value, error
                        # TPE-IDLE-REUSE: idle *before* waiters wake, so a submit() made after
                        # result() returns reuses this worker; not if callbacks are due (they run
                        # here first, and may block). Lock order: the future's, then the pool's.
                        if f._callbacks is None and q.empty():
                            with lock:
                                if q.empty():
                                    pool.idle += 1
                                    counted = True
                        if f._gates is None and f._callbacks is None:  # _settle, when nobody waits
                            f._status = FINISHED
                        else:
                            callbacks = f._settle(FINISHED)
                finally:
                    flock.release()
                if callbacks:
                    f._run_callbacks(callbacks)
                del value, error, callbacks  # an idle worker keeps no result alive
            call = _NOTHING
            del f, fn, args, kwargs
    except BaseException as exc:
        # Not from a call (those are caught above): an interrupt, or a done-callback's
        # BaseException. The call in hand is settled with it, the stop signal passed on.
        if call is None and not stopped:
            q.put(None)
        elif call is not _NOTHING and call is not None:
            call._finish(None, exc)  # no-op if done; else its outcome is the interrupt
        raise
    finally:
        holding.pop(me, None)  # an interrupt between the take and the claim: settled above
        if not stopped:
            _replace(pool, counted)


def _replace(pool: _Pool, counted: bool) -> None:
    """A worker dies of a BaseException: make room for a new one, give back its idle count
    and, if calls are left queued, start its replacement (nobody else might)."""
    me = threading.current_thread()
    with pool.lock:
        pool.threads.pop(me, None)
        pool.fresh.pop(me, None)  # if it died before it began, an owed start is left to us
        if counted and pool.idle:
            pool.idle -= 1
        t = pool.owed_start() or (None if pool.queue.empty() else pool.reserve())
    if t is not None:
        _start_quietly(pool, t)


def _start_quietly(pool: _Pool, t: threading.Thread) -> None:
    """Start a worker on behalf of others; one the OS refuses is logged (the queued calls
    failed if no worker is left)."""
    try:
        pool.start(t, None)
    except Exception:
        _log.exception("a worker thread could not be started")


class ThreadPoolExecutor(Executor, _cf.ThreadPoolExecutor):
    """Runs calls on at most ``max_workers`` threads (default min(32, CPUs + 4)), started as
    needed. ``initializer(*initargs)`` runs first in each worker; if it raises, the pool is
    broken: queued calls fail and later submits raise BrokenThreadPool. Subclasses the stdlib's
    ThreadPoolExecutor only for isinstance checks (asyncio's default executor).

    >>> from execspec.impl import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(max_workers=2) as ex:
    ...     ex.submit(sum, [1, 2, 3]).result()
    6
    """

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        if max_workers is None:  # TPE-MAX-WORKERS-DEFAULT-313 (process_cpu_count), -38 before 3.13
            max_workers = min(32, (getattr(os, "process_cpu_count", os.cpu_count)() or 1) + 4)
        else:  # TPE-MAX-WORKERS-INVALID; TPE-MAX-WORKERS-TYPE (stricter than CPython: ints only)
            check_count("max_workers", max_workers)
        if initializer is not None and not callable(initializer):  # TPE-INITIALIZER-NOT-CALLABLE
            raise TypeError(f"initializer must be callable or None, got {initializer!r}")
        if not isinstance(thread_name_prefix, str):
            what = type(thread_name_prefix).__name__
            raise TypeError(f"thread_name_prefix must be a str, not {what}")
        # TPE-THREAD-NAME-PREFIX: threads are named "<prefix>_<n>"
        prefix = thread_name_prefix or f"ThreadPoolExecutor-{next(_executor_numbers)}"
        self._pool = pool = _Pool(max_workers, prefix, initializer, tuple(initargs))
        pool.owner = weakref.ref(self, pool.owner_gone)
        with _registry_lock:
            if _exiting:
                pool.refusal = RuntimeError(_AFTER_EXIT)  # TPE-SUBMIT-AFTER-EXIT
            _pools[pool] = None

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Schedule ``fn(*args, **kwargs)`` on a worker and return its Future at once."""
        if not callable(fn):
            raise TypeError(f"submit() needs a callable as its first argument, got {fn!r}")
        f: Future[_T] = Future()  # EXE-SUBMIT-RETURNS-FUTURE
        f._fn, f._args, f._kwargs = fn, args, kwargs  # EXE-SUBMIT-FN-POSITIONAL: see `/` above
        pool = self._pool
        with pool.lock:
            if pool.refusal is not None:
                # EXE-SUBMIT-AFTER-SHUTDOWN, TPE-SUBMIT-AFTER-EXIT, TPE-INITIALIZER-FAILS-SUBMIT
                raise type(pool.refusal)(*pool.refusal.args)  # fresh: tracebacks don't pile up
            pool.queue.put(f)
            if pool.idle:
                pool.idle -= 1  # TPE-IDLE-REUSE: an idle worker will take it
                return f
            if len(pool.threads) + pool.owed >= pool.max_workers:  # TPE-MAX-WORKERS-BOUND: reserved
                return f  # and owed ones count
            if pool.fresh:  # a worker about to begin will start this one (see the module doc)
                pool.owed += 1
                return f
            t = pool.reserve()  # TPE-LAZY-THREADS: reserved now, started outside the lock
        pool.start(t, f)  # a thread the OS refuses: the call is refused or runs, never lost
        return f

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting calls; with ``wait``, return once every queued call has run and
        the workers have exited. ``cancel_futures`` cancels the calls not yet started.

        >>> ex = ThreadPoolExecutor(1)
        >>> f = ex.submit(len, "abc")
        >>> ex.shutdown()
        >>> f.result()
        3
        """
        pool = self._pool
        refusal = RuntimeError(_AFTER_SHUTDOWN)  # EXE-SHUTDOWN-REPEAT: harmless again
        if cancel_futures:  # EXE-SHUTDOWN-CANCEL-FUTURES, each call as it is taken off the
            pool.clear(None, refusal)  # queue, so an interrupt leaves the rest to run (issue 11);
            # done for waiters at once (EXE-SHUTDOWN-CANCELLED-DONE, gh-87893)
        else:
            with pool.lock:
                pool.refuse(refusal)  # the stop signal, after every call queued
        if wait:  # EXE-SHUTDOWN-WAIT (EXE-SHUTDOWN-NOWAIT: otherwise return at once)
            with pool.lock:
                pool.reserved_started()  # a submit that won the race has its worker joined too
                threads = list(pool.threads)
            me = threading.current_thread()
            for t in threads:
                if t is not me:  # TPE-SHUTDOWN-OWN-WORKER: it cannot join itself; it returns
                    t.join()


def _at_exit() -> None:
    """Run what is queued and join the workers (TPE-INTERPRETER-EXIT), before any atexit
    handler runs (TPE-EXIT-BEFORE-ATEXIT: threading calls this hook first)."""
    global _exiting
    with _registry_lock:
        _exiting = True
        pools = list(_pools)
    for pool in pools:
        with pool.lock:
            pool.refuse(RuntimeError(_AFTER_EXIT))  # TPE-SUBMIT-AFTER-EXIT
            pool.reserved_started()  # TPE-INTERPRETER-EXIT: a submit just before exit still runs
            threads = list(pool.threads)
        for t in threads:
            t.join()


def _after_fork_in_child() -> None:
    # TPE-FORK: the child has none of the parent's threads, and its copies of queued calls
    # belong to the parent; each pool starts empty and starts workers again on demand.
    _registry_lock._at_fork_reinit()  # type: ignore[attr-defined]
    for pool in list(_pools):
        pool.lock, pool.queue, pool.threads = threading.RLock(), queue.SimpleQueue(), {}
        pool.started, pool.idle, pool.reserved = threading.Condition(pool.lock), 0, {}
        pool.fresh, pool.owed = {}, 0


threading._register_atexit(_at_exit)  # type: ignore[attr-defined]
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_registry_lock.acquire, after_in_parent=_registry_lock.release,
                        after_in_child=_after_fork_in_child)  # fmt: skip

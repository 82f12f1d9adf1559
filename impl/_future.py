"""Future: the state of one call, and the only place that state changes.

Design (why it is fast): the stdlib gives every future its own Condition (an RLock, a deque
and two lists per call); here a future is nine slots, one of them an RLock of its own,
``_lock``, which guards its state, gates and callbacks for a few bytecodes at a time. No
lock is shared between futures (issue 12: one lock for all of them made 32 workers queue on
it in a convoy, each hand-off an OS wake-up, at a third of the speed). A thread that has to block parks a
private Lock (the "gate") on the future and sleeps on it; completion opens it.

    worker                          waiter (result(timeout))
    ------                          ------
                                    with f._lock: not done -> park gate
    with f._lock: FINISHED,
      take gates, open them         gate.acquire(timeout) returns True
    run callbacks (no lock held)    read _value (stable once done)

A waiter that times out re-checks under ``_lock``: a completion that raced with the deadline
wins (INV-NO-LOST-WAKEUP); otherwise its gate is removed. Reading ``_status`` without the lock
is safe: it only moves forward (INV-DONE-MONOTONE), after ``_value``/``_error`` are written.
Lock order: a future's lock before a pool's lock and before a waiter's (impl/_waiting.py);
never two futures' locks at once.
"""

from __future__ import annotations

import concurrent.futures as _cf
import functools
import logging
import math
import threading
from concurrent.futures import CancelledError, InvalidStateError, TimeoutError
from typing import Any, Callable, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

_log = logging.getLogger("concurrent.futures")  # the logger users of the stdlib configure

# FUT-STATES: the four states, ordered so that ``state >= CANCELLED`` means done.
PENDING = 0  # entered at creation (FUT-CREATE-PENDING)
RUNNING = 1  # entered by set_running_or_notify_cancel() on a pending future (FUT-RUNNING)
CANCELLED = 2  # entered by cancel() on a pending future; done at once (FUT-CANCELLED)
FINISHED = 3  # entered by set_result()/set_exception() (FUT-SET-RESULT, FUT-SET-EXCEPTION)
_STATE_NAMES = ("pending", "running", "cancelled", "finished")

# A future's lock: never held while user code runs, except what a garbage collection under it
# runs (a __del__, a weakref callback), which may touch the same future: hence reentrant. The C
# class itself where there is one: threading.RLock() is a Python function in front of it, and
# doubled the cost of a Future (where the threading module is the shim's, its RLock).
# TPE-FORK: a child forked while another thread held one of these (a moment's work) blocks if
# it touches that future, as with the stdlib's Conditions; its new pools and futures are fine.
_RLock: Callable[[], Any] = getattr(threading, "_CRLock", None) or threading.RLock


def wait_on(gate: threading.Lock, timeout: float | None) -> bool:
    """Block on ``gate`` for up to ``timeout`` seconds (None: no limit); False on timeout."""
    return gate.acquire(True, -1 if timeout is None else min(timeout, threading.TIMEOUT_MAX))


def locked_anyway(lock: Any, work: Callable[[], _R]) -> _R:
    """``work()`` under the RLock ``lock``, taken even if an interrupt arrives while taking it
    (it is raised once ``work`` is done; a second one goes through): for the cleanup of a wait."""
    interrupted: BaseException | None = None
    try:
        lock.acquire()
    except BaseException as exc:
        interrupted = exc
        if not lock._is_owned():
            lock.acquire()
    try:
        done = work()
    finally:
        lock.release()
    if interrupted is not None:
        raise interrupted
    return done


def check_timeout(value: object) -> float | None:
    """FUT-TIMEOUT-NUMBER: a timeout is None (no limit) or a non-negative int or float."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"timeout must be None or a number of seconds, not {type(value).__name__}")
    if value < 0 or math.isnan(value):
        raise ValueError(f"timeout must be None or a non-negative number of seconds, not {value!r}")
    return float(value)


def check_count(name: str, value: object) -> int:
    """An int of at least 1 (bool excluded), or a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


class Future(_cf.Future[_T]):
    """The result of a call that may not have happened yet. A subclass of the stdlib's Future
    (so asyncio and isinstance checks accept it) that shares none of its machinery.

    >>> f = Future()
    >>> f.set_result(42)
    >>> f.result(), f.done()
    (42, True)
    """

    # _fn, _args, _kwargs: the call a pool queued this future for, set by submit() and
    # dropped by the worker that takes it (impl/_thread.py); one allocation less per call
    __slots__ = ("_lock", "_status", "_value", "_error", "_gates", "_callbacks", "_fn", "_args",
                 "_kwargs")
    _fn: Any  # callable, args tuple and kwargs dict while queued; None once taken (or never set)
    _args: Any
    _kwargs: Any

    def __init__(self) -> None:  # FUT-CREATE-PENDING (no Condition: see the module docstring)
        self._lock = _RLock()
        self._status = PENDING
        self._value: Any = None
        self._error: BaseException | None = None
        self._gates: list[Callable[[], object]] | None = None
        self._callbacks: list[Callable[[Future[_T]], object]] | None = None

    @property
    def _condition(self) -> threading.Condition:  # type: ignore[override]
        raise AttributeError("concurrent.futures.wait()/as_completed() cannot watch execspec.impl "
                             "futures; use execspec.impl.wait()/as_completed(), which accept "
                             "futures of any executor")

    def __repr__(self) -> str:
        state, exc = self._status, self._error
        head = f"<{type(self).__name__} at {id(self):#x} state={_STATE_NAMES[state]}"
        if state != FINISHED:
            return head + ">"
        obj: object = exc if exc is not None else self._value
        return f"{head} {'raised' if exc is not None else 'returned'} {type(obj).__name__}>"

    def cancel(self) -> bool:
        """Cancel the call if it has not started; return True if the future is now cancelled."""
        with self._lock:
            state = self._status
            if state == CANCELLED:
                return True  # FUT-CANCEL-CANCELLED
            if state != PENDING:
                return False  # FUT-CANCEL-RUNNING, FUT-CANCEL-FINISHED
            # FUT-CANCEL-PENDING, WAIT-CANCELLED-COUNTS: done now, for every waiter (gh-92001)
            callbacks = self._settle(CANCELLED)
        if callbacks:
            self._run_callbacks(callbacks)
        return True

    def cancelled(self) -> bool:
        """True if the future was cancelled (FUT-CANCELLED)."""
        return self._status == CANCELLED

    def running(self) -> bool:
        """True while the call is executing (FUT-RUNNING)."""
        return self._status == RUNNING

    def done(self) -> bool:
        """True once the future finished or was cancelled (FUT-DONE)."""
        return self._status >= CANCELLED

    def result(self, timeout: float | None = None) -> _T:
        """Return the call's value, waiting up to ``timeout`` seconds (None: no limit); raise
        its exception, or CancelledError if cancelled, or TimeoutError on timeout."""
        if timeout is not None:
            check_timeout(timeout)  # even when done: a bad timeout must not fail only by chance
        if self._status < CANCELLED:
            self._wait(timeout)  # FUT-RESULT-WAITS, FUT-RESULT-TIMEOUT
        if self._status == CANCELLED:
            raise CancelledError()  # FUT-RESULT-CANCELLED
        exc = self._error
        if exc is not None:  # FUT-RESULT-FALSY-EXC: `is not None`, not truth (gh-132063)
            try:
                raise exc  # FUT-RESULT-RAISES
            finally:
                del exc, self  # the traceback would otherwise tie the frame to the future
        return self._value  # type: ignore[no-any-return]  # FUT-RESULT-VALUE

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """Return the call's exception (None if it returned), waiting like result()."""
        if timeout is not None:
            check_timeout(timeout)
        if self._status < CANCELLED:
            self._wait(timeout)  # FUT-EXCEPTION-WAITS, FUT-EXCEPTION-TIMEOUT
        if self._status == CANCELLED:
            raise CancelledError()  # FUT-EXCEPTION-CANCELLED
        return self._error  # FUT-EXCEPTION-VALUE

    def add_done_callback(self, fn: Callable[[Future[_T]], object]) -> None:
        """Call ``fn(future)`` once the future is done; at once, here, if it already is."""
        if not callable(fn):
            raise TypeError(f"add_done_callback() needs a callable taking the future, got {fn!r}")
        with self._lock:
            if self._status < CANCELLED:  # FUT-CB-ORDER: kept in the order added
                if self._callbacks is None:
                    self._callbacks = []
                self._callbacks.append(fn)
                return
        self._run_callbacks([fn])  # FUT-CB-ALREADY-DONE: in the calling thread

    def set_running_or_notify_cancel(self) -> bool:
        """For executors: mark the future running (True), or report it cancelled (False)."""
        with self._lock:
            state = self._status
            if state == PENDING:
                self._status = RUNNING  # FUT-SRN-PENDING
                return True
            if state == CANCELLED:
                return False  # FUT-SRN-CANCELLED: waiters were already woken by cancel()
        raise RuntimeError(f"set_running_or_notify_cancel() on a future that is "
                           f"{_STATE_NAMES[state]}")

    def set_result(self, result: _T) -> None:
        """For executors: finish the future with ``result`` (InvalidStateError if done)."""
        if not self._finish(result, None):
            raise InvalidStateError(f"set_result() on a future that is already done: {self!r}")

    def set_exception(self, exception: BaseException | None) -> None:
        """For executors: finish the future with ``exception`` (InvalidStateError if done)."""
        if not isinstance(exception, BaseException):
            raise TypeError(f"set_exception() needs an exception instance, got {exception!r}")
        if not self._finish(None, exception):
            raise InvalidStateError(f"set_exception() on a future that is already done: {self!r}")

    # -- internal protocol, shared with the executor and with wait()/as_completed() ----------

    def _finish(self, result: Any, exception: BaseException | None) -> bool:
        """Move to FINISHED unless already done; False if it was (FUT-SET-INVALID)."""
        with self._lock:
            if self._status >= CANCELLED:
                return False
            self._value, self._error = result, exception  # FUT-SET-ON-PENDING: pending is fine
            callbacks = self._settle(FINISHED)
        if callbacks:
            self._run_callbacks(callbacks)
        return True

    def _settle(self, state: int) -> list[Callable[[Future[_T]], object]] | None:
        """Under ``self._lock``: enter a done state, open every gate, hand back the callbacks."""
        self._status = state  # INV-TERMINAL-STABLE: nothing leaves a done state
        gates = self._gates
        if gates is not None:
            self._gates = None
            for open_gate in gates:  # FUT-WAKES-WAITERS
                open_gate()
        callbacks = self._callbacks
        self._callbacks = None  # FUT-CB-ONCE: each runs once, then is dropped
        return callbacks

    def _run_callbacks(self, callbacks: list[Callable[[Future[_T]], object]]) -> None:
        it = iter(callbacks)
        for fn in it:  # FUT-CB-ON-DONE, FUT-CB-THREAD: in the completing thread
            try:
                fn(self)
            except Exception:  # FUT-CB-RAISES: logged, then the next callback runs
                _log.exception("exception calling callback for %r", self)
            except BaseException:
                # FUT-CB-BASEEXCEPTION: it propagates (the docs leave it undefined), but only
                # once the later callbacks ran: FUT-CB-ONCE, an asyncio future wrapping this
                # one still hears of it
                self._run_callbacks(list(it))
                raise

    def _park(self, open_gate: Callable[[], object]) -> bool:
        """Under ``self._lock``: park a gate opener to be called once done; False if done already."""
        if self._status >= CANCELLED:
            return False
        if self._gates is None:
            self._gates = []
        self._gates.append(open_gate)
        return True

    def _unpark(self, open_gate: Callable[[], object]) -> bool:
        """Under ``self._lock``: remove a gate opener parked by a waiter that stopped waiting;
        True if the future is done."""
        gates = self._gates
        if gates is not None and open_gate in gates:
            gates.remove(open_gate)
            if not gates:
                self._gates = None  # a pending future that nobody waits on holds no list
        return self._status >= CANCELLED

    def _wait(self, timeout: float | None) -> None:
        """Block until done; TimeoutError after ``timeout`` seconds (already checked)."""
        gate = threading.Lock()
        gate.acquire()
        opened = False
        try:
            with self._lock:
                opened = not self._park(gate.release)
            if not opened:
                opened = wait_on(gate, timeout)
        finally:
            if not opened:  # timed out, or interrupted (a KeyboardInterrupt): leave no gate;
                # INV-NO-LOST-WAKEUP: done right at the deadline counts as done
                opened = locked_anyway(self._lock, functools.partial(self._unpark, gate.release))
        if not opened:
            raise TimeoutError()  # FUT-RESULT-TIMEOUT, FUT-EXCEPTION-TIMEOUT

"""A call on the machine's own thread, stopped once it outlives a bound.

Most calls the machine makes on real threads run on a caller thread of their own, so a call
that never returns is left behind and reported (``driver.Hung``). Making the executor cannot go
there for pools in this process: some tie themselves to the thread that made them (gevent's
pool runs on that thread's hub), and every later call would then come from a foreign thread.
So the factory is called on the machine's thread, and :func:`call_within` bounds it: when it has
not returned in time, a timer thread sends this process's main thread a signal whose handler
raises the given exception there. A wait on a lock, an event, a queue or a sleep is interrupted
so (CPython lets signals interrupt a blocking lock acquire on POSIX); a C call that ignores
signals is not, and the run's own watchdog (``ending.Watchdog``) remains the last bound.

Off the main thread, or where ``signal.pthread_kill`` is missing (Windows), the call is not
bounded. No library does this: ``func-timeout`` and ``stopit`` raise in the thread with
``PyThreadState_SetAsyncExc``, which waits for the next bytecode and so never interrupts a
blocked ``Event.wait()``, the very call a hung factory is likely to be in.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Callable, TypeVar

__all__ = ["SIGNAL", "call_within"]

T = TypeVar("T")

#: the signal sent (its handler is ours only during the call, then the previous one is back)
SIGNAL = getattr(signal, "SIGUSR2", None)


def call_within(fn: Callable[[], T], seconds: float, late: Callable[[], BaseException]) -> T:
    """``fn()``, on this thread; if it is still running after ``seconds``, ``late()`` is raised
    in it. Bounded on the main thread only (see the module doc).

    Nothing of it outlives the call: the timer is joined, a signal sent just as ``fn`` returned
    is taken here (blocked, then waited for) rather than left for the handler restored after
    it, which may be the default one, which ends the process."""
    if (SIGNAL is None or not hasattr(signal, "pthread_kill")
            or threading.current_thread() is not threading.main_thread()):
        return fn()
    calling = [True]  # read by the handler, on this thread: it raises only while fn runs

    def handler(signum: int, frame: Any) -> None:
        if calling[0]:
            raise late()

    def fire() -> None:
        if calling[0]:
            signal.pthread_kill(threading.main_thread().ident or 0, SIGNAL)

    previous = signal.signal(SIGNAL, handler)
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.name = "execspec-bound"
    try:
        timer.start()
        try:
            return fn()
        finally:
            calling[0] = False  # (a handler that ran just before this raised instead of fn's outcome)
    finally:
        timer.cancel()
        timer.join()  # no signal is sent after this one
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {SIGNAL})
        try:
            if SIGNAL in signal.sigpending():
                signal.sigwait({SIGNAL})
            signal.signal(SIGNAL, previous)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

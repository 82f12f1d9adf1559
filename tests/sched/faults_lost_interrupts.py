"""Known-bad executors for the checks the fault scenarios gained in issue 9, each loaded
under the shim as the target module ``faults_lost_interrupts``:

- ``StaleIdle``, written from scratch on the stdlib's ``Future``: a worker counts itself idle
  before it waits for a call, and a submit that finds a worker idle starts no thread. A worker
  that an interrupt ends while it waits idle never gives its count back, so the next call goes
  to nobody (the ``idle`` scenario must find it stranded). It also counts a thread before it
  starts it and keeps counting one the OS refused, so a one-worker pool never starts another.
- ``InterruptTimesOut``: impl's pool whose futures turn an interrupt of ``result()`` into a
  ``TimeoutError`` (nothing stranded: the interrupt itself is what is lost, which only the
  "must come out as itself" check sees).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

import execspec.impl as _impl


class StaleIdle:
    """A pool of at most ``max_workers`` threads, lazily started, reusing idle ones."""

    def __init__(self, max_workers: int = 1) -> None:
        self._max, self._idle, self._threads = max_workers, 0, []  # type: ignore[var-annotated]
        self._lock, self._queue = threading.Lock(), queue.SimpleQueue()  # type: ignore[var-annotated]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        f: Future[Any] = Future()
        self._queue.put((f, fn, args, kwargs))
        with self._lock:
            if self._idle:  # an idle worker takes it
                self._idle -= 1
                return f
            if len(self._threads) < self._max:
                t = threading.Thread(target=self._work, daemon=True)
                self._threads.append(t)
                t.start()
        return f

    def _work(self) -> None:
        while True:
            item = self._queue.get()  # the window: interrupted here, the idle count stays
            if item is None:
                return
            f, fn, args, kwargs = item
            if f.set_running_or_notify_cancel():
                try:
                    f.set_result(fn(*args, **kwargs))
                except Exception as exc:  # noqa: BLE001
                    f.set_exception(exc)
            with self._lock:
                self._idle += 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        if wait:
            for t in threads:
                t.join()


class _TimesOut(_impl.Future[Any]):
    __slots__ = ()

    def _wait(self, timeout: float | None) -> None:
        try:
            super()._wait(timeout)
        except KeyboardInterrupt:
            raise TimeoutError() from None  # the bug: the interrupt is lost


class InterruptTimesOut(_impl.ThreadPoolExecutor):
    """impl's pool; an interrupted wait on one of its futures raises TimeoutError instead."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        f = super().submit(fn, *args, **kwargs)
        f.__class__ = _TimesOut  # same slots: only the wait changes
        return f

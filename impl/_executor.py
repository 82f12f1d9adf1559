"""Executor: the abstract interface, with map() and the context manager built on submit()."""

from __future__ import annotations

import collections
import concurrent.futures as _cf
import time
import weakref
from itertools import islice
from types import TracebackType
from typing import Any, Callable, Iterable, Iterator, ParamSpec, TypeVar

from ._future import Future, check_count, check_timeout

_T = TypeVar("_T")
_P = ParamSpec("_P")
_Self = TypeVar("_Self", bound="Executor")
_Refill = tuple["weakref.ref[Executor]", Callable[..., Any], Iterator[tuple[Any, ...]]]


class Executor(_cf.Executor):
    """Base class of executors (a subclass of the stdlib's): subclasses provide submit(), and
    shutdown() if they hold resources; map() and ``with`` come from here."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Schedule ``fn(*args, **kwargs)`` and return a Future for its outcome."""
        raise NotImplementedError(f"{type(self).__name__} must implement submit()")  # EXE-ABSTRACT

    def map(self, fn: Callable[..., _T], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[_T]:  # fmt: skip
        """Like ``map(fn, *iterables)``, with the calls run by this executor; results come in
        input order. Without ``buffersize`` every call is submitted now; with it, at most
        ``buffersize`` calls are in flight and the inputs are read lazily. ``timeout`` (seconds,
        from this call) bounds the wait for each result; ``chunksize`` is ignored (process pools).
        Once iterated, an iterator closed or dropped early cancels the calls it has not yielded;
        one never iterated cancels nothing, so its calls all run.

        >>> from execspec.impl import ThreadPoolExecutor
        >>> with ThreadPoolExecutor(2) as ex:
        ...     list(ex.map(pow, [2, 3], [5, 2]))
        [32, 9]
        """
        limit = check_timeout(timeout)
        if buffersize is not None:
            check_count("buffersize", buffersize)  # EXE-MAP-BUFFERSIZE-INVALID
        if not callable(fn):
            raise TypeError(f"map() needs a callable, got {fn!r}")
        deadline = None if limit is None else time.monotonic() + limit  # EXE-MAP-TIMEOUT
        submit = self.submit
        # EXE-MAP-EAGER: every call is submitted now; EXE-MAP-BUFFERSIZE-LAZY: or the first few
        refill: _Refill | None = None
        if len(iterables) == 1 and buffersize is None:  # the common case, without zip's tuples
            fs = collections.deque([submit(fn, x) for x in iterables[0]])
        else:
            inputs = zip(*iterables)  # EXE-MAP-ZIP: stops at the shortest iterable
            fs = collections.deque([submit(fn, *args) for args in islice(inputs, buffersize)])
            if buffersize is not None:  # held weakly: an unfinished iterator keeps no executor alive
                refill = (weakref.ref(self), fn, inputs)
        # EXE-MAP-CLOSE-CANCELS: not primed, so an iterator dropped before its first next()
        # never enters the try below and cancels nothing: its calls run (bpo-11777, gh-136578)
        return _in_order(fs, deadline, refill)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Release the executor's resources; later submit() calls raise RuntimeError."""

    def __enter__(self: _Self) -> _Self:
        return self  # EXE-CONTEXT-ENTER

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.shutdown(wait=True)  # EXE-CONTEXT-EXIT, EXE-CONTEXT-EXCEPTION: `exc` propagates


def _in_order(fs: collections.deque[Future[_T]], deadline: float | None,
              refill: _Refill | None) -> Iterator[_T]:
    try:
        while fs:
            if refill is not None:
                # EXE-MAP-BUFFERSIZE: one new call goes in as one result comes out
                executor = refill[0]()
                args = next(refill[2], None) if executor is not None else None
                if args is not None:
                    fs.append(executor.submit(refill[1], *args))  # type: ignore[union-attr]
                del executor, args
            if deadline is None:
                yield fs.popleft().result()  # EXE-MAP-ORDER, EXE-MAP-EXCEPTION
            else:
                yield _result_before(fs.popleft(), deadline)
    finally:
        # EXE-MAP-CLOSE-CANCELS: a started iterator that raised, or was closed or dropped before
        # its end, cancels the calls it has not yielded; those already running finish
        for f in fs:
            f.cancel()


def _result_before(f: Future[_T], deadline: float) -> _T:
    try:
        return f.result(max(0.0, deadline - time.monotonic()))
    except _cf.TimeoutError:
        f.cancel()  # EXE-MAP-TIMEOUT: a call whose result is abandoned is not left queued
        raise

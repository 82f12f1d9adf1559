"""Executor: the abstract interface, with map() and the context manager built on submit()."""

from __future__ import annotations

import collections
import concurrent.futures as _cf
import itertools
import time
import weakref
from types import TracebackType
from typing import Any, Callable, Iterable, Iterator, ParamSpec, TypeVar

from ._future import Future, check_count, check_timeout

_T = TypeVar("_T")
_P = ParamSpec("_P")
_Self = TypeVar("_Self", bound="Executor")


class Executor(_cf.Executor):
    """Base class of executors: subclasses provide submit(), and shutdown() if they hold
    resources; map() and ``with`` come from here.

    A subclass of ``concurrent.futures.Executor``, so code that type-checks against the
    stdlib's base accepts it.
    """

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Schedule ``fn(*args, **kwargs)`` and return a Future for its outcome."""
        raise NotImplementedError(f"{type(self).__name__} must implement submit()")  # EXE-ABSTRACT

    def map(self, fn: Callable[..., _T], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, buffersize: int | None = None) -> Iterator[_T]:  # fmt: skip
        """Like ``map(fn, *iterables)``, with the calls run by this executor.

        Results come in input order. Without ``buffersize`` every call is submitted now;
        with it, at most ``buffersize`` calls are in flight and the inputs are read lazily.
        ``timeout`` (seconds, from this call) bounds the wait for each next result;
        ``chunksize`` is accepted and ignored (it matters only to process pools).

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
        inputs = zip(*iterables)  # EXE-MAP-ZIP: stops at the shortest iterable
        submit = self.submit
        if buffersize is None:
            # EXE-MAP-EAGER: every call is submitted before map() returns
            fs = collections.deque([submit(fn, *args) for args in inputs])
            return _primed(_in_order(fs, deadline, None))
        # EXE-MAP-BUFFERSIZE-LAZY: only the first `buffersize` inputs are read now
        fs = collections.deque([submit(fn, *args) for args in itertools.islice(inputs, buffersize)])
        # a weak reference, so an unfinished iterator does not keep the executor alive
        return _primed(_in_order(fs, deadline, (weakref.ref(self), fn, inputs)))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Release the executor's resources; later submit() calls raise RuntimeError."""

    def __enter__(self: _Self) -> _Self:
        return self  # EXE-CONTEXT-ENTER

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # EXE-CONTEXT-EXIT, EXE-CONTEXT-EXCEPTION: wait for the work; never swallow `exc`
        self.shutdown(wait=True)


def _in_order(
    fs: collections.deque[Future[_T]],
    deadline: float | None,
    refill: tuple[weakref.ref[Executor], Callable[..., _T], Iterator[tuple[Any, ...]]] | None,
) -> Iterator[_T]:
    try:
        yield None  # type: ignore[misc]  # see _primed()
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
        for f in fs:  # EXE-MAP-CLOSE-CANCELS: closing or dropping the iterator cancels the rest
            f.cancel()


def _primed(it: Iterator[_T]) -> Iterator[_T]:
    next(it)  # into the try block: closing before the first next() still cancels (EXE-MAP-CLOSE-CANCELS)
    return it


def _result_before(f: Future[_T], deadline: float) -> _T:
    try:
        return f.result(max(0.0, deadline - time.monotonic()))
    except _cf.TimeoutError:
        f.cancel()  # EXE-MAP-TIMEOUT: a call whose result is abandoned is not left queued
        raise

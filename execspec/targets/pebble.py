"""pebble's pools as ``concurrent.futures`` executors, so that they can be checked.

pebble's ``ThreadPool`` and ``ProcessPool`` are not ``Executor``s: work goes in through
``schedule(fn, args, kwargs)`` (``submit`` exists, for ``run_in_executor``, with the process
pool's ``timeout`` as a positional argument), their ``map`` returns one future of all the results
rather than an iterator, and they end with ``close()`` or ``stop()`` then ``join()``. Their
futures are ``concurrent.futures.Future`` (the process pool's a subclass, ``ProcessFuture``). The
adapter is as thin as the ``Executor`` interface lets it be, so that what a check finds is
pebble's:

=====================================  =============================================================
``Executor``                           pebble
=====================================  =============================================================
``submit(fn, *args, **kwargs)``        ``pool.schedule(fn, args, kwargs)`` (no timeout)
``map(fn, *iterables, timeout=)``      the stdlib's ``Executor.map`` over that ``submit``
``shutdown(wait=True)``                ``pool.close()`` (pending work still runs), ``pool.join()``
``shutdown(wait=False)``               ``pool.close()``, then ``pool.join()`` on a daemon thread: the
                                       docs' "resources freed when the pending futures are done"
                                       (a pebble pool closed and never joined keeps its threads)
``shutdown(cancel_futures=True)``      ``pool.stop()`` ("stops the pool without performing any
                                       pending task"), then as above
``max_workers=None``                   pebble's own default, ``multiprocessing.cpu_count()``
``initializer``, ``initargs``          passed as they are
=====================================  =============================================================

Targets: ``execspec.targets.pebble:thread_pool`` and ``execspec.targets.pebble:process_pool``
(which the checker drives as a process pool: its class says so, ``execspec_kind``). Both are
checked on real threads only (``execspec_no_shim`` says why).

>>> import importlib.util
>>> if importlib.util.find_spec("pebble"):
...     with thread_pool(max_workers=1) as ex:
...         print(ex.submit(pow, 2, 5).result(timeout=10))
... else:
...     print(32)
32
"""

from __future__ import annotations

import concurrent.futures
import importlib
import threading
from typing import Any, Callable, Iterable

from execspec.targets.kind import ExecutorKind

__all__ = ["PebbleExecutor", "PebbleProcessExecutor", "process_pool", "thread_pool"]


class PebbleExecutor(concurrent.futures.Executor):
    """A pebble pool behind the ``Executor`` interface (see the module's table)."""

    #: what :func:`execspec.targets.classify` takes this executor for
    execspec_kind = ExecutorKind.IN_PROCESS_THREADS
    _pool_class = "ThreadPool"

    def __init__(self, max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: Iterable[Any] = ()) -> None:
        pebble: Any = importlib.import_module("pebble")  # an optional extra, untyped
        pool_class = getattr(pebble, self._pool_class)
        kwargs: dict[str, Any] = {"initializer": initializer, "initargs": tuple(initargs)}
        if max_workers is not None:
            kwargs["max_workers"] = max_workers
        self._pool = pool_class(**kwargs)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = self._pool.schedule(fn, args=args, kwargs=kwargs)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            self._pool.stop()
        else:
            self._pool.close()
        if wait:
            self._pool.join()
        else:
            threading.Thread(target=self._pool.join, name="execspec-pebble-join", daemon=True).start()


class PebbleProcessExecutor(PebbleExecutor):
    """pebble's ``ProcessPool`` behind the ``Executor`` interface: tasks run in worker processes."""

    execspec_kind = ExecutorKind.PROCESS_POOL
    _pool_class = "ProcessPool"


def thread_pool(max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                initargs: Iterable[Any] = ()) -> PebbleExecutor:
    """pebble's ``ThreadPool`` as an ``Executor``."""
    return PebbleExecutor(max_workers, initializer, initargs)


def process_pool(max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: Iterable[Any] = ()) -> PebbleProcessExecutor:
    """pebble's ``ProcessPool`` as an ``Executor`` (its tasks must pickle)."""
    return PebbleProcessExecutor(max_workers, initializer, initargs)


#: why the checker runs these on real threads only (``execspec_no_shim``, read by the checker)
_NO_SHIM = ("the adapter imports pebble as it is: its pools start real threads, which the shim does not "
            "control (pebble is not loaded fresh under the shim)")
thread_pool.execspec_no_shim = _NO_SHIM  # type: ignore[attr-defined]
process_pool.execspec_no_shim = _NO_SHIM  # type: ignore[attr-defined]

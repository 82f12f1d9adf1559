"""Factories for foreign executors that have no ``ThreadPoolExecutor``-like constructor of their
own, as ``module:factory`` targets:

==============================================  ====================================================
``execspec.targets.foreign:dask_executor``       dask's ``ClientExecutor`` on a ``LocalCluster`` with
                                                 one in-process worker of ``max_workers`` threads
``execspec.targets.foreign:dask_process_executor``  the same on ``max_workers`` worker processes of one
                                                 thread each (nannies, spawned)
``execspec.targets.foreign:loky_executor``       loky's ``ProcessPoolExecutor`` (a fresh one each time)
==============================================  ====================================================

A factory takes the thread pool's ``max_workers``, ``initializer``, ``initargs``; one whose executor
has no counterpart for an argument refuses it (``TypeError``), and the machine leaves the rules
out for that kind, with the reason (``execspec.conformance.loading.NOT_APPLICABLE``).

Each factory has an ``execspec_close`` attribute: a function that releases everything the
factory started and is still up (for dask: every Client and LocalCluster). The checker calls it
when a session ends. The clusters are not closed when the executor shuts down or is dropped:
``ClientExecutor.shutdown(wait=True)`` returns once the dask futures are done, but the results
reach the ``concurrent.futures`` futures a moment later, on the client's event loop; closing the
client then would cancel futures in flight, and a dropped ``ClientExecutor`` leaves its client
running for a real user too.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any, Callable

__all__ = ["close_all", "dask_executor", "dask_process_executor", "loky_executor"]

_LOCK = threading.Lock()
_LIVE: list[tuple[Any, Any]] = []  # (client, cluster) started by a dask factory, not yet closed


def _no_initializer(name: str, initializer: Any, initargs: tuple[Any, ...]) -> None:
    if initializer is not None or initargs:
        raise TypeError(f"{name}: ClientExecutor takes no initializer or initargs (dask's per-worker "
                        "set-up is a WorkerPlugin, which runs per worker, not per thread)")


def _dask(max_workers: int | None, processes: bool) -> Any:
    import importlib
    import logging

    distributed: Any = importlib.import_module("distributed")  # an optional extra, untyped
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    n = 2 if max_workers is None else max_workers
    if n < 1:
        raise ValueError("max_workers must be greater than 0")
    for name in ("distributed", "distributed.scheduler", "distributed.worker", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if processes:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    else:
        cluster = LocalCluster(n_workers=1, threads_per_worker=n, processes=False, dashboard_address=None,
                               silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    with _LOCK:
        _LIVE.append((client, cluster))
    return client.get_executor()


def dask_executor(max_workers: int | None = None, initializer: Callable[..., Any] | None = None,
                  initargs: tuple[Any, ...] = ()) -> Any:
    """dask's ``ClientExecutor`` on a LocalCluster of one in-process worker with ``max_workers``
    threads (None: 2)."""
    _no_initializer("dask_executor", initializer, initargs)
    return _dask(max_workers, processes=False)


def dask_process_executor(max_workers: int | None = None, initializer: Callable[..., Any] | None = None,
                          initargs: tuple[Any, ...] = ()) -> Any:
    """dask's ``ClientExecutor`` on a LocalCluster of ``max_workers`` worker processes (None: 2),
    one thread each."""
    _no_initializer("dask_process_executor", initializer, initargs)
    return _dask(max_workers, processes=True)


def close_all() -> None:
    """Close every Client and LocalCluster a dask factory started (idempotent)."""
    with _LOCK:
        live = list(_LIVE)
        _LIVE.clear()
    for client, cluster in live:
        for thing in (client, cluster):
            try:
                thing.close(timeout=10)
            except TypeError:  # pragma: no cover - a close() without timeout=
                thing.close()
            except Exception:  # noqa: BLE001 - closing what is half gone is best effort
                pass


def loky_executor(max_workers: int | None = None, initializer: Callable[..., Any] | None = None,
                  initargs: tuple[Any, ...] = ()) -> Any:
    """loky's ``ProcessPoolExecutor`` (not the reusable one: every call makes a new pool)."""
    import importlib

    loky: Any = importlib.import_module("loky")  # an optional extra, untyped
    return loky.ProcessPoolExecutor(max_workers=max_workers, initializer=initializer, initargs=initargs)


def _nothing() -> None:
    """Nothing to release."""


dask_executor.execspec_close = close_all  # type: ignore[attr-defined]
dask_process_executor.execspec_close = close_all  # type: ignore[attr-defined]
loky_executor.execspec_close = _nothing  # type: ignore[attr-defined]
atexit.register(close_all)

"""The kit for dask distributed's ``ClientExecutor``: the cross-process kit, reachable from
dask's workers.

dask ships tasks with ``cloudpickle``, so the socket kit's ``functools.partial(run_task,
channel)`` travels as it is, to a thread of an in-process worker (``LocalCluster(processes=
False)``) or to a worker process started by a nanny (``processes=True``): both reach the kit's
server on 127.0.0.1.

Why not ``distributed.Event``/``Variable``/``Queue``: they would route every gate and every
"begun" record through the scheduler of the very system under test, on the client's event
loop, the loop that also carries results back to the ``concurrent.futures`` futures. A slow
probe would then look like a slow executor, and a probe's own failure (a worker that cannot
reach the scheduler) like the executor's. The socket channel keeps the watcher outside the
thing watched. (It needs the workers on this machine, which is what ``LocalCluster`` gives;
``host`` is a parameter for a cluster that can reach another address of the client's.)

Two things differ from a process pool and are the kit's to know:

- dask's ``submit``/``map`` are *pure* by default: a call is named by a hash of the callable and
  its arguments, and a second identical call is the first one again. Every task here has its own
  future number, and every kit its own port, so no two calls of one run, or of two runs, share a
  key.
- ClientExecutor takes no initializer (see :mod:`execspec.targets.foreign`): :meth:`initializer`
  is there for the protocol, but the machine leaves the initializer rules out for this kind.
"""

from __future__ import annotations

from execspec.conformance.kits.process import GATE_BOUND, SocketKit


class DaskKit(SocketKit):
    """Tasks, gates and probes for a ``ClientExecutor`` whose workers run on this machine."""

    def __init__(self, host: str = "127.0.0.1", gate_bound: float = GATE_BOUND) -> None:
        super().__init__(host, gate_bound)


__all__ = ["DaskKit"]

"""Worker processes that end with their parent: no orphan when the checker is killed.

A process pool's workers are children of the checker. When the checker ends normally it ends
them (``execspec.conformance.ending``); when it is killed (SIGKILL, an OOM kill, a CI job
cancelled) nothing of it runs any more, and a worker blocked on its call queue would live on:
its siblings, forked from the same parent, hold the queue's write end open, so it never reads
EOF. So every worker started through :func:`orphan_safe` runs :func:`guard_then` first: a
daemon thread that notices the parent is gone (the worker was re-parented) and ends the worker.

Why not ``prctl(PR_SET_PDEATHSIG)``: on Linux the "parent" it watches is the *thread* that
forked the worker, and a pool forks from whichever thread submitted first (a check's helper
thread, a driver's caller thread) -- the workers would be killed when that thread ends, while
the pool is still in use, and the check would see a BrokenProcessPool of our making.

The wrapper keeps the factory's behaviour: the target's own initializer still runs (after the
guard, with its own arguments) and its exceptions still break the pool.

May import: nothing of ours.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any, Callable

__all__ = ["POLL", "guard_then", "orphan_safe", "spawns_processes"]

#: real seconds between two looks at the worker's parent
POLL = 0.25


def guard_then(parent: int, initializer: Callable[..., object] | None, *initargs: Any) -> None:
    """In the worker: end this process once ``parent`` is no longer its parent, then run the
    target's own initializer (module level, so it pickles with any start method)."""
    if not any(t.name == "execspec-orphan-guard" for t in threading.enumerate()):
        threading.Thread(target=_watch, args=(parent,), name="execspec-orphan-guard", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _watch(parent: int) -> None:
    ended = threading.Event()  # never set: a timed wait between looks
    while os.getppid() == parent:
        ended.wait(POLL)
    os._exit(1)


def spawns_processes(make: Callable[..., Any]) -> bool:
    """Whether ``make`` is known, from what it is, to build a pool of worker processes (a
    ``ProcessPoolExecutor`` class or subclass), without building one."""
    import concurrent.futures

    return isinstance(make, type) and issubclass(make, concurrent.futures.ProcessPoolExecutor)


def orphan_safe(make: Callable[..., Any]) -> Callable[..., Any]:
    """``make`` (a process-pool factory taking ``initializer``/``initargs`` keywords) whose
    workers run :func:`guard_then` first. Calls that pass the initializer positionally, or one
    that is not callable (the factory's own error must show), are passed through unchanged."""

    @functools.wraps(make)
    def make_orphan_safe(*args: Any, **kwargs: Any) -> Any:
        init = kwargs.get("initializer")
        if len(args) > 2 or (init is not None and not callable(init)):
            return make(*args, **kwargs)
        initargs = tuple(kwargs.pop("initargs", ()))
        kwargs["initializer"] = guard_then
        kwargs["initargs"] = (os.getpid(), init, *initargs)
        return make(*args, **kwargs)
    return make_orphan_safe

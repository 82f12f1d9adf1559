"""What kind of executor a target makes: where its tasks run decides what a check can do.

An in-process thread pool shares memory with the checker (gates and probes are plain
``threading`` objects); a process pool or a cluster runs tasks elsewhere, so its checks need a
*task kit* (picklable module-level tasks, gates through a channel every worker can reach); a
source-only target can run only under the scheduler shim.

A target's kind is first *derived* from its string (:attr:`execspec.targets.Target.kind`);
:func:`classify` refines it once an executor has been built, from what the object is.

>>> import concurrent.futures as cf
>>> with cf.ThreadPoolExecutor(1) as ex:
...     classify(ex)
<ExecutorKind.IN_PROCESS_THREADS: 'in-process threads'>
"""

from __future__ import annotations

import concurrent.futures
import enum
import inspect
from typing import Callable

__all__ = ["ExecutorKind", "classify", "takes_initializer", "takes_keyword"]


class ExecutorKind(enum.Enum):
    """Where an executor runs its tasks."""

    #: threads (or greenlets) in the checker's own process: shared memory, plain gates
    IN_PROCESS_THREADS = "in-process threads"
    #: worker processes on this machine (``ProcessPoolExecutor``, loky): tasks must pickle
    PROCESS_POOL = "process pool"
    #: workers elsewhere, reached through a scheduler (dask distributed)
    DISTRIBUTED = "distributed"
    #: source that this interpreter cannot import (another CPython's stdlib): shim only
    SOURCE_ONLY = "source only"


#: top-level package of an executor's class -> its kind, for executors that are not
#: subclasses of the stdlib's pools
_BY_PACKAGE = {
    "distributed": ExecutorKind.DISTRIBUTED,
    "dask": ExecutorKind.DISTRIBUTED,
    "loky": ExecutorKind.PROCESS_POOL,
    "joblib": ExecutorKind.PROCESS_POOL,  # joblib vendors loky as joblib.externals.loky
}


def classify(executor: object) -> ExecutorKind:
    """The kind of an executor already built, from its class (not from the target's name).

    Unknown executors count as in-process threads, the kind every ``Executor`` can be
    checked as without a task kit. An adapter can say what it is with an ``execspec_kind``
    class attribute (``execspec.targets.pebble``).
    """
    declared = getattr(type(executor), "execspec_kind", None)
    if isinstance(declared, ExecutorKind):
        return declared
    if isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        return ExecutorKind.PROCESS_POOL
    if isinstance(executor, concurrent.futures.ThreadPoolExecutor):
        return ExecutorKind.IN_PROCESS_THREADS
    package = type(executor).__module__.partition(".")[0]
    return _BY_PACKAGE.get(package, ExecutorKind.IN_PROCESS_THREADS)


def takes_initializer(factory: Callable[..., object]) -> bool:
    """Whether ``factory`` takes an ``initializer`` (by name, or any keyword): the checks of
    TPE-INITIALIZER-* need one, and a factory without is not broken for lacking it.

    >>> takes_initializer(concurrent.futures.ThreadPoolExecutor), takes_initializer(lambda max_workers: None)
    (True, False)
    """
    return takes_keyword(factory, "initializer")


def takes_keyword(fn: Callable[..., object], name: str) -> bool:
    """Whether ``fn`` takes keyword ``name`` (by name, or any keyword); True when it has no
    signature to read (nothing is concluded from what cannot be seen).

    >>> takes_keyword(concurrent.futures.ThreadPoolExecutor.shutdown, "cancel_futures")
    True
    >>> takes_keyword(lambda self, wait=True: None, "cancel_futures")
    False
    """
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any((p.name == name and p.kind is not p.POSITIONAL_ONLY) or p.kind is p.VAR_KEYWORD for p in params)

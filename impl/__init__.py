"""execspec.impl: a reference executor, a drop-in for the thread side of concurrent.futures.

Names, signatures and behaviour follow the ``concurrent.futures`` docs as of Python 3.14
(``map(buffersize=)`` included), on Python 3.10 and later. Where CPython's code and its docs
disagree, this follows the docs: a future cancelled by ``cancel()`` counts as done for
wait()/as_completed() at once (gh-92001); a falsy exception is still raised by ``result()``
(gh-132063). Stricter than CPython, on purpose: a negative or NaN timeout, a ``max_workers``
that is not an int (or is a bool) and a non-callable ``fn`` are refused at the call.

With the stdlib: the exceptions *are* its classes, so either module's ``except`` clauses
catch them; ``Future`` and ``ThreadPoolExecutor`` subclass its classes, so asyncio's
``wrap_future``, ``run_in_executor`` and ``set_default_executor`` accept them;
``execspec.impl.wait``/``as_completed`` accept futures of any executor. The stdlib's
``wait``/``as_completed`` do NOT accept our futures: they read a private ``_condition`` that
ours lack, and raise AttributeError.

>>> from execspec.impl import ThreadPoolExecutor, as_completed
>>> with ThreadPoolExecutor(max_workers=4) as ex:
...     futures = [ex.submit(pow, 2, n) for n in range(5)]
...     sorted(f.result() for f in as_completed(futures))
[1, 2, 4, 8, 16]
"""

# EXC-*: the stdlib's own classes, so either module's except clauses catch them
from concurrent.futures import BrokenExecutor, CancelledError, InvalidStateError, TimeoutError
from concurrent.futures.thread import BrokenThreadPool

from ._executor import Executor
from ._future import Future
from ._thread import ThreadPoolExecutor
from ._waiting import ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, DoneAndNotDoneFutures
from ._waiting import as_completed, wait

# MOD-NAMES: the thread side of concurrent.futures' public names
__all__ = [
    "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED",
    "CancelledError", "TimeoutError", "InvalidStateError", "BrokenExecutor", "BrokenThreadPool",
    "Future", "Executor", "ThreadPoolExecutor", "wait", "as_completed", "DoneAndNotDoneFutures",
]  # fmt: skip


def __getattr__(name: str) -> object:
    if name in ("ProcessPoolExecutor", "InterpreterPoolExecutor", "BrokenProcessPool"):
        raise AttributeError(f"execspec.impl covers only the thread side of concurrent.futures; "
                             f"use concurrent.futures.{name} for {name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

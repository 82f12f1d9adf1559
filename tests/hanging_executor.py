"""A known-bad executor whose tasks never run: each one blocks forever in its worker first.

Its workers are the stdlib's (non-daemon: interpreter exit joins them), so a checker that
waits for them at exit never ends; ``execspec check`` must report the hang, with the blocked
task's stack, and end anyway.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
from typing import Any, Callable

#: never set: every task waits on it before it runs
NEVER = threading.Event()


def block_forever_then(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What every task runs: a wait nothing ends, then the call it was given."""
    NEVER.wait()
    return fn(*args, **kwargs)


class HangingTasks(cf.ThreadPoolExecutor):
    """Breaks every clause that needs a task to run: each task blocks forever first."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        return super().submit(block_forever_then, fn, args, kwargs)


class PollsAChild(cf.ThreadPoolExecutor):
    """Waits on a real child process at every submit (``os.waitpid(-1, WNOHANG)``: at once
    on real threads, an uncontrolled wait under the shim, which controls no process)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pass
        return super().submit(fn, *args, **kwargs)

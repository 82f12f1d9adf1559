"""Known-bad: a factory whose third call never returns (it waits on an event nobody sets).

The check's own probe of a target calls the factory once, so a factory that hangs at once is
refused before any run; this one hangs only later, inside the machine's run on real threads,
where making the executor must be bounded like any call that must return."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_made = itertools.count()
NEVER = threading.Event()


def make(*args: Any, **kwargs: Any) -> ThreadPoolExecutor:
    if next(_made) == 2:
        NEVER.wait()
    return ThreadPoolExecutor(*args, **kwargs)

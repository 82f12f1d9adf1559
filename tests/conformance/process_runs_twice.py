"""Known-bad: a process pool that runs every call twice (breaks INV-RUN-AT-MOST-ONCE).

Built on the stdlib's ProcessPoolExecutor, whose own departures the machine's process pool
reading explains; running a call twice is none of them, so the machine must still report it.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable


def _twice(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    fn(*args, **kwargs)
    return fn(*args, **kwargs)


class RunsTwice(ProcessPoolExecutor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return super().submit(_twice, fn, *args, **kwargs)

"""Known-bad, and unsteady on purpose: every other ThreadPoolExecutor this factory makes refuses
its first submit (a RuntimeError, where the docs promise a future), the others are the stdlib's.

What it is for: two runs of one example see different behaviour, as real threads can make any
target do. Hypothesis replays the rules drawn so far while it generates, so a machine whose
rule set followed what it saw (an example over once a known violation is met) drew differently
in the replay and the round ended "flaky", passing nothing (tests/conformance/test_unsteady_target.py).
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

_made = itertools.count()


class EveryOtherPool(ThreadPoolExecutor):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refuses = next(_made) % 2 == 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._refuses:
            self._refuses = False
            raise RuntimeError("every other pool refuses its first submit")
        return super().submit(fn, *args, **kwargs)

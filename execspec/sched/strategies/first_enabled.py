"""``FirstEnabled``: always the first enabled operation (one schedule; examples and tests)."""

from __future__ import annotations

from typing import Sequence

from execspec.sched.kernel.op import Op

__all__ = ["FirstEnabled"]


class FirstEnabled:
    """The simplest strategy: always the first enabled operation, i.e. the thread with the
    lowest id, so the main thread runs as far as it can. One schedule, never exhausted: for
    examples, tests and a first look at a scenario (exploration uses ``strategies``)."""

    def begin_execution(self) -> bool:
        """Always ready for another execution (each one is the same schedule)."""
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        """The first enabled operation."""
        return 0

    def end_execution(self, failed: bool) -> None:
        """Nothing to record."""

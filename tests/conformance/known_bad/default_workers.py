"""impl whose default max_workers is 1; one whose default ignores the CPU count."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class DefaultOneWorker(ThreadPoolExecutor):
    """Breaks TPE-MAX-WORKERS-DEFAULT-313 (TPE-MAX-WORKERS-DEFAULT-38 before 3.13): with
    max_workers omitted the pool has one worker, not min(32, CPUs + 4)."""

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        super().__init__(1 if max_workers is None else max_workers, thread_name_prefix,
                         initializer, initargs)  # fmt: skip


class DefaultIgnoresCpus(ThreadPoolExecutor):
    """Breaks TPE-MAX-WORKERS-DEFAULT-313 (TPE-MAX-WORKERS-DEFAULT-38 before 3.13): with
    max_workers omitted the pool has 6 workers, min(32, CPUs + 4) on two CPUs, whatever the
    CPU count (so a checker that only ever reports two CPUs cannot tell)."""

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        super().__init__(6 if max_workers is None else max_workers, thread_name_prefix,
                         initializer, initargs)  # fmt: skip

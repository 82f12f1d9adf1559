"""impl that calls the initializer without its initargs."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class InitargsDropped(ThreadPoolExecutor):
    """Breaks TPE-INITIALIZER-RUNS: each worker calls ``initializer()``, not
    ``initializer(*initargs)``; an initializer that takes no arguments cannot tell."""

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        super().__init__(max_workers, thread_name_prefix, initializer, ())  # the bug: () always

"""impl that accepts any initializer and finds out it cannot be called only in a worker."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class InitializerCheckedLate(ThreadPoolExecutor):
    """Breaks TPE-INITIALIZER-NOT-CALLABLE: ``initializer=42`` is accepted by the constructor;
    the first worker then calls it, fails, and the pool breaks (BrokenThreadPool for the
    pending work), where CPython refuses the argument at once with TypeError. A callable
    initializer behaves as impl's."""

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        given: Any = initializer

        def late(*args: Any) -> None:
            given(*args)  # the bug: the type of the argument is found out here, in a worker

        super().__init__(max_workers, thread_name_prefix, late if initializer is not None else None, initargs)

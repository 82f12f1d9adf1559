"""impl that swallows a failing initializer."""

from __future__ import annotations

from typing import Any, Callable

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions


class InitializerFailureIgnored(ThreadPoolExecutor):
    """Breaks TPE-INITIALIZER-FAILS-PENDING: an initializer that raises an Exception is ignored,
    so the queued calls run instead of failing with BrokenThreadPool. (The pool never breaks,
    so TPE-INITIALIZER-FAILS-SUBMIT, its consequence, fails with it.)"""

    def __init__(self, max_workers: int | None = None, thread_name_prefix: str = "",
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:  # fmt: skip
        if initializer is not None and not callable(initializer):  # (TPE-INITIALIZER-NOT-CALLABLE holds)
            raise TypeError("initializer must be a callable")

        def swallowing(*args: Any) -> None:
            try:
                initializer(*args)  # type: ignore[misc]
            except Exception:  # the bug: the failure is dropped, the worker carries on
                pass

        super().__init__(max_workers, thread_name_prefix,
                         swallowing if initializer is not None else None, initargs)  # fmt: skip

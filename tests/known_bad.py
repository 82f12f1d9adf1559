"""Known-bad executors: each breaks one clause on purpose, so the checks must catch it.

They wrap the stdlib executor and break a single rule, keeping everything else intact, so a
check that passes on them is a check that cannot see that rule.
"""

from __future__ import annotations

import concurrent.futures as cf
from typing import Any, Callable, Iterator


class _Wrapped(cf.ThreadPoolExecutor):
    pass


class NoCancel(_Wrapped):
    """Breaks FUT-CANCEL-PENDING: futures refuse every cancel()."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        fut = super().submit(fn, *args, **kwargs)
        fut.cancel = lambda: False  # type: ignore[method-assign]
        return fut


class MapOutOfOrder(_Wrapped):
    """Breaks EXE-MAP-ORDER: map yields results last-to-first."""

    def map(self, fn: Callable[..., Any], *iterables: Any, **kwargs: Any) -> Iterator[Any]:  # type: ignore[override]
        return iter(list(super().map(fn, *iterables, **kwargs))[::-1])


class AcceptsAfterShutdown(_Wrapped):
    """Breaks EXE-SUBMIT-AFTER-SHUTDOWN: shutdown leaves the pool accepting work."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        if self._shutdown:
            fut: cf.Future[Any] = cf.Future()
            fut.set_result(fn(*args, **kwargs))
            return fut
        return super().submit(fn, *args, **kwargs)


class CallbackTwice(_Wrapped):
    """Breaks FUT-CB-ONCE: every done-callback is registered twice."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        fut = super().submit(fn, *args, **kwargs)
        add = fut.add_done_callback

        def twice(callback: Callable[[cf.Future[Any]], object]) -> None:
            add(callback)
            add(callback)

        fut.add_done_callback = twice  # type: ignore[method-assign]
        return fut


class InitializerIgnored(_Wrapped):
    """Breaks TPE-INITIALIZER-FAILS-PENDING: a failing initializer is swallowed."""

    def __init__(self, max_workers: int | None = None, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> None:
        def safe(*args: Any) -> None:
            try:
                initializer(*args)
            except Exception:
                pass

        super().__init__(max_workers, initializer=safe if initializer else None, initargs=initargs)

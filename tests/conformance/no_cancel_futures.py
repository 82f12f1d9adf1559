"""impl with a ``shutdown()`` from before Python 3.9 (no ``cancel_futures``), as loky's and
dask's are, and, for contrast, one that takes the keyword and then raises TypeError itself."""

from __future__ import annotations

from typing import Any

from conformance.known_bad._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from execspec.impl import ThreadPoolExecutor


class NoCancelFutures(ThreadPoolExecutor):
    """shutdown(wait=True): passing cancel_futures raises TypeError, as Python does."""

    def shutdown(self, wait: bool = True) -> None:  # type: ignore[override]  # the point
        super().shutdown(wait)


class TakesItRaisesAnyway(ThreadPoolExecutor):
    """shutdown() takes cancel_futures but raises TypeError when it is True: a bug of its own
    code, not of its signature."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False, **_: Any) -> None:
        if cancel_futures:
            raise TypeError("cancel_futures is not supported")
        super().shutdown(wait)

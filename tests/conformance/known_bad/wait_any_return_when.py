"""impl whose module's wait() takes any return_when for ALL_COMPLETED."""

from __future__ import annotations

from typing import Any, Iterable

import execspec.impl as impl
from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's as_completed/Future/exceptions
from ._impl_api import ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION


def wait(fs: Iterable[Any], timeout: float | None = None, return_when: str = ALL_COMPLETED) -> Any:
    """impl's wait(), but a return_when that is none of the three constants waits as
    ALL_COMPLETED instead of raising ValueError (WAIT-RETURN-WHEN-INVALID)."""
    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        return_when = ALL_COMPLETED  # the bug: an unknown value is taken for the default
    return impl.wait(fs, timeout=timeout, return_when=return_when)


class LenientWaitPool(ThreadPoolExecutor):
    """Breaks WAIT-RETURN-WHEN-INVALID: impl's pool, paired (through this module) with a
    ``wait`` that accepts an unknown ``return_when`` as ALL_COMPLETED, where the clause requires
    ValueError whenever wait() has to block. The pool itself is impl's."""

"""impl with a pool that learns of interpreter exit only from its exit hook."""

from __future__ import annotations

from typing import Any

from execspec.impl import ThreadPoolExecutor

from ._impl_api import *  # noqa: F403 - the target's wait/Future/exceptions


class ExitRefusesOldPoolsOnly(ThreadPoolExecutor):
    """Breaks TPE-SUBMIT-AFTER-EXIT: a pool made once interpreter exit has begun (in an atexit
    handler, say) accepts calls, because only the pools alive when the exit hook ran were told
    to refuse; its calls run on a thread started during exit. The pool is otherwise impl's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool.refusal = None  # the bug: forget the refusal a pool made during exit starts with

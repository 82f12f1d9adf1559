"""TPE-SHUTDOWN-OWN-WORKER: a call that shuts its own pool down with wait=True. The pool is
shut down either way and nothing hangs; impl returns, CPython raises RuntimeError."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any

import pytest

import execspec.impl as impl

pytestmark = pytest.mark.timeout(60)


def _shut_own_pool(mod: Any, workers: int) -> tuple[Any, list[Any], Any]:
    ex = mod.ThreadPoolExecutor(max_workers=workers)
    go = threading.Event()
    own = ex.submit(lambda: go.wait(10) and ex.shutdown(wait=True))
    queued = [ex.submit(abs, -i) for i in range(3)] if workers == 1 else []
    go.set()
    return ex, queued, own


@pytest.mark.parametrize("workers", [1, 3])
def test_impl_returns_from_shutting_down_its_own_pool(workers: int) -> None:
    ex, queued, own = _shut_own_pool(impl, workers)
    assert own.result(timeout=10) is None  # TPE-SHUTDOWN-OWN-WORKER: returns, no RuntimeError
    with pytest.raises(RuntimeError):
        ex.submit(abs, 1)  # the shutdown took effect
    ex.shutdown(wait=True)
    assert [f.result() for f in queued] == list(range(len(queued)))  # queued calls still ran


def test_the_stdlib_raises_from_shutting_down_its_own_pool() -> None:
    ex, queued, own = _shut_own_pool(cf, 1)
    with pytest.raises(RuntimeError, match="cannot join current thread"):
        own.result(timeout=10)
    with pytest.raises(RuntimeError):
        ex.submit(abs, 1)
    ex.shutdown(wait=True)
    assert [f.result() for f in queued] == [0, 1, 2]

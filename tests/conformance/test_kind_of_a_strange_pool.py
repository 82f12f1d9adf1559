"""``loading.kind_of`` makes one executor to classify it and shuts it down on a thread of its
own; a shutdown that raises, or an object with none, is the machine's to judge later, never a
traceback from that thread on the checker's stderr (seen before the fix, run_machine on
``pebble:ProcessPool``: "Exception in thread execspec-classify-shutdown: AttributeError")."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from execspec.conformance.loading import kind_of
from execspec.targets.kind import ExecutorKind


class NoShutdown:
    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers


class ShutdownRaises(NoShutdown):
    def shutdown(self, wait: bool = True) -> None:
        raise RuntimeError("refuses")


@pytest.mark.parametrize("factory", [NoShutdown, ShutdownRaises])
def test_kind_of_a_pool_whose_shutdown_fails_leaves_no_traceback(factory: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    died: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(f"{args.thread}: {args.exc_value!r}"))
    assert kind_of(factory) is ExecutorKind.IN_PROCESS_THREADS
    for t in [t for t in threading.enumerate() if t.name == "execspec-classify-shutdown"]:
        t.join(5.0)
    assert died == []

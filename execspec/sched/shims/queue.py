"""Shim ``queue``: SimpleQueue, Queue, LifoQueue, PriorityQueue on the virtual clock.

``Empty`` and ``Full`` are the real module's classes, so code that catches them works
whichever module it imported them from. Every queue registers itself with its execution so
a deadlock report can say which futures are queued where.
"""

from __future__ import annotations

import heapq
import queue as _real_queue
from collections import deque
from typing import Any

from greenlet import getcurrent  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.kernel.op import _OPS
from execspec.sched.kernel.prim import Prim
from execspec.sched.kernel.runtime import CThread

__all__ = ["Empty", "Full", "LifoQueue", "PriorityQueue", "Queue", "SimpleQueue",
           "TEMPLATE"]

Empty = _real_queue.Empty
Full = _real_queue.Full


class SimpleQueue(Prim):
    """``queue.SimpleQueue``: unbounded FIFO; ``put`` never blocks."""

    _kind = "SimpleQueue"

    def __init__(self) -> None:
        super().__init__()
        self._queue: Any = deque()
        if self._rt is not None:
            self._rt.objects.append(self)

    def _adopt(self) -> None:
        super()._adopt()
        if self._rt is not None:
            self._rt.objects.append(self)

    def _has_item(self) -> bool:
        return bool(self._queue)

    def _put(self, item: Any) -> None:
        self._queue.append(item)

    def _get(self) -> Any:
        return self._queue.popleft()

    def items(self) -> list[Any]:
        """The queued items, next first (for reports; not a scheduling point)."""
        return list(self._queue)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Append ``item`` (a scheduling point)."""
        th = getcurrent()
        if type(th) is CThread and th.rt is self._rt:
            th.rt.point(th, _OPS.get((th.tid, "put", self._oid, self._name)) or self._op(th, "put"))
        self._put(item)

    def put_nowait(self, item: Any) -> None:
        """``put(item, block=False)``."""
        self.put(item, False)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        """Remove and return the next item, waiting (virtual time) while empty."""
        th = getcurrent()
        if block is True and timeout is None and type(th) is CThread and th.rt is self._rt:
            # the common case, inlined: ``ready`` holds when point returns
            th.rt.point(th, _OPS.get((th.tid, "get", self._oid, self._name)) or self._op(th, "get"),
                        self._has_item)
            return self._get()
        th = self._me()
        if th is None:
            if self._queue:
                return self._get()
            raise Empty
        if timeout is not None and timeout < 0:
            raise ValueError("'timeout' must be a non-negative number")
        self._wait(th, "get" if block else "try_get", self._has_item, block, timeout)
        if not self._queue:
            raise Empty
        return self._get()

    def _wait(self, th: CThread, kind: str, ready: Any, block: bool, timeout: float | None) -> None:
        rt = th.rt
        if not block or timeout == 0:
            rt.point(th, self._op(th, kind))
            return
        if timeout is None:
            rt.point(th, self._op(th, kind), ready)
        else:
            dl = rt.clock + float(timeout)
            rt.point(th, self._op(th, kind), lambda: ready() or rt.clock >= dl, dl)

    def get_nowait(self) -> Any:
        """``get(block=False)``."""
        return self.get(False)

    def empty(self) -> bool:
        """True when nothing is queued (not a scheduling point)."""
        return not self._queue

    def qsize(self) -> int:
        """Number of queued items (not a scheduling point)."""
        return len(self._queue)

    def __repr__(self) -> str:
        return f"<shim {self._name} ({len(self._queue)} queued)>"


class Queue(SimpleQueue):
    """``queue.Queue``: optional ``maxsize``; ``task_done``/``join`` track unfinished tasks."""

    _kind = "Queue"

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.unfinished_tasks = 0
        self._init(maxsize)

    def _init(self, maxsize: int) -> None:
        self._queue = deque()

    def _has_room(self) -> bool:
        return self.maxsize <= 0 or len(self._queue) < self.maxsize

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Add ``item``, waiting (virtual time) while full; ``Full`` on timeout."""
        th = self._me()
        if th is None:
            if not self._has_room():
                raise Full
        else:
            if timeout is not None and timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            self._wait(th, "put" if block else "try_put", self._has_room, block, timeout)
            if not self._has_room():
                raise Full
        self._put(item)
        self.unfinished_tasks += 1

    def task_done(self) -> None:
        """Mark one fetched item as processed."""
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "task_done"))
        if self.unfinished_tasks <= 0:
            raise ValueError("task_done() called too many times")
        self.unfinished_tasks -= 1

    def join(self) -> None:
        """Wait until every item put has been marked done."""
        th = self._me()
        if th is None:
            if self.unfinished_tasks:
                raise self._cannot_block("join()")
            return
        self._wait(th, "join", lambda: self.unfinished_tasks == 0, True, None)

    def full(self) -> bool:
        """True when ``maxsize`` items are queued (not a scheduling point)."""
        return not self._has_room()


class LifoQueue(Queue):
    """``queue.LifoQueue``."""

    _kind = "LifoQueue"

    def _get(self) -> Any:
        return self._queue.pop()


class PriorityQueue(Queue):
    """``queue.PriorityQueue``: lowest item first."""

    _kind = "PriorityQueue"

    def _init(self, maxsize: int) -> None:
        self._queue = []

    def _put(self, item: Any) -> None:
        heapq.heappush(self._queue, item)

    def _get(self) -> Any:
        return heapq.heappop(self._queue)

    def items(self) -> list[Any]:
        """The queued items in priority order."""
        return sorted(self._queue)


TEMPLATE: dict[str, Any] = {
    "SimpleQueue": SimpleQueue, "Queue": Queue, "LifoQueue": LifoQueue,
    "PriorityQueue": PriorityQueue, "Empty": Empty, "Full": Full,
    "__all__": ["Empty", "Full", "Queue", "PriorityQueue", "LifoQueue", "SimpleQueue"],
}


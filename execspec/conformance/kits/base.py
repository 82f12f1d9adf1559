"""What every kit provides, and the exceptions tasks raise (compared with the model by name).

The exceptions live at module level so that a process pool can pickle them back to the client.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from execspec.model import TaskKind


class TaskError(Exception):
    """What a task of kind ``TaskKind.RAISES`` raises (the model's ``Err('TaskError')``)."""


class FalsyError(Exception):
    """What a task of kind ``TaskKind.RAISES_FALSY`` raises: ``bool()`` of it is False
    (FUT-RESULT-FALSY-EXC)."""

    def __bool__(self) -> bool:
        return False


def act(fid: int, kind: TaskKind) -> int:
    """Do what a task of ``kind`` does once its gate is open (and, for ``TaskKind.WAITS``, its
    wait is over): by the model's convention a task that returns gives its own future's number."""
    if kind is TaskKind.RAISES:
        raise TaskError(f"task {fid}")
    if kind is TaskKind.RAISES_FALSY:
        raise FalsyError(f"task {fid}")
    return fid


class Kit(Protocol):
    """The tasks of one machine run, and what the machine may ask about them."""

    #: the callable every task runs, as ``fn(fid)`` (for ``submit`` and ``map`` alike)
    fn: Callable[[int], int]
    #: whether :meth:`begun` is all there is to know about a task's beginning. A thread pool
    #: marks a future RUNNING in the thread that calls the task a moment later, and the model
    #: makes the two one step, so such a kit lets a RUNNING future count as begun. A pool whose
    #: tasks run in other processes marks RUNNING in the client's process, at a time of its
    #: own choosing (a process pool's manager, ahead of the workers): there only the record counts.
    begun_exactly: bool

    def wait_begun(self, fid: int, timeout: float) -> bool:
        """Wait (bounded) until task ``fid`` has begun; whether it has."""

    def prepare(self, fid: int, kind: TaskKind, gated: bool) -> None:
        """Say what task ``fid`` does before it is submitted; a gated task parks until
        :meth:`open_gate`."""

    def open_gate(self, fid: int) -> None:
        """Let gated task ``fid`` go on (idempotent)."""

    def begun(self) -> dict[int, int]:
        """How many times each task began (a task that never began is absent)."""

    def initializer(self, fails: BaseException | None) -> Callable[..., None]:
        """An initializer that records its arguments, then raises ``fails`` if given."""

    def init_calls(self) -> list[tuple[Any, ...]]:
        """The arguments of every initializer call so far."""

    def close(self) -> None:
        """Open every gate and release what the kit holds (threads, processes, servers)."""

"""Shim ``threading.Barrier``: ``parties`` threads meet; the last one to arrive runs the
action and releases the rest. A timeout, ``abort()`` or ``reset()`` breaks it: current and
later waiters raise ``BrokenBarrierError`` (until ``reset``).

State: ``_count`` threads of generation ``_generation`` are waiting; a waiter is released
when the generation moves on or the barrier breaks.
"""

from __future__ import annotations

from typing import Callable

from execspec.sched.kernel.prim import Prim

__all__ = ["Barrier", "BrokenBarrierError"]


class BrokenBarrierError(RuntimeError):
    """Raised by ``Barrier.wait`` on a broken barrier (the name real threading uses)."""


class Barrier(Prim):
    """``threading.Barrier`` on the virtual clock."""

    _kind = "Barrier"

    def __init__(self, parties: int, action: Callable[[], object] | None = None,
                 timeout: float | None = None) -> None:
        if parties < 1:
            raise ValueError("parties must be >= 1")
        super().__init__()
        self._parties = parties
        self._action = action
        self._timeout = timeout
        self._count = 0
        self._generation = 0
        self._broken = False
        self._reset_gens: set[int] = set()  # generations whose waiters a reset() broke

    def wait(self, timeout: float | None = None) -> int:
        """Wait for all parties; return this thread's arrival index (0 .. parties-1)."""
        th = self._me()
        if th is None:
            raise self._cannot_block("wait()")
        rt = th.rt
        rt.point(th, self._op(th, "wait"))
        if self._broken:
            raise BrokenBarrierError
        index = self._count
        self._count += 1
        if self._count == self._parties:
            try:
                if self._action is not None:
                    self._action()
            except BaseException:
                self._break()
                raise
            self._count = 0
            self._generation += 1
            return index
        if timeout is None:
            timeout = self._timeout
        gen = self._generation
        dl = None if timeout is None else rt.clock + max(float(timeout), 0.0)
        if dl is None:
            rt.point(th, self._op(th, "release"), lambda: self._generation != gen or self._broken)
        else:
            rt.point(th, self._op(th, "release"),
                     lambda: self._generation != gen or self._broken or rt.clock >= dl, dl)
        if gen in self._reset_gens:
            raise BrokenBarrierError
        if self._generation != gen:
            return index
        if not self._broken:  # timed out: break it for everyone
            self._break()
        raise BrokenBarrierError

    def _break(self) -> None:
        self._broken = True
        self._count = 0

    def reset(self) -> None:
        """Break the barrier for current waiters, then make it usable again."""
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "reset"))
        if self._count:
            # Waiters of the current generation see it broken; a new generation starts clean.
            self._reset_gens.add(self._generation)
            self._count = 0
        self._generation += 1
        self._broken = False

    def abort(self) -> None:
        """Break the barrier: every current and future waiter raises BrokenBarrierError."""
        th = self._me()
        if th is not None:
            th.rt.point(th, self._op(th, "abort"))
        self._break()

    @property
    def parties(self) -> int:
        """Threads required to pass."""
        return self._parties

    @property
    def n_waiting(self) -> int:
        """Threads currently waiting."""
        return self._count

    @property
    def broken(self) -> bool:
        """True once broken (until ``reset``)."""
        return self._broken

"""``Prim``: the base of every shim object (locks, conditions, queues, semaphores ...).

A shim object belongs to the execution that made it, has a small id for its Ops (creation
order, so replays agree) and a name for traces and reports. It lives in the kernel because
everything above (the shims, the loader that names module globals, the snapshots that reset
them, the postmortem that reads them) knows shim objects by this base.
"""

from __future__ import annotations

from typing import Any

from execspec.sched.kernel.op import _OPS, make_op
from execspec.sched.kernel.runtime import CThread, Runtime, current_cthread

__all__ = ["Prim"]


class Prim:
    """Base of shim objects: the execution that made it, an id for Ops, a name for reports."""

    _kind = "Prim"
    _rt: Runtime | None
    _oid: int
    _name: str

    def __init__(self) -> None:
        th = current_cthread()
        if th is None:
            self._rt, self._oid = None, -1
        else:
            self._rt = th.rt
            self._oid = th.rt.new_oid()
        self._name = f"{self._kind}#{self._oid}"

    def __hash__(self) -> int:
        return self._oid  # creation order, so sets of shim objects iterate the same way each run

    def _adopt(self) -> None:
        """Join the running execution (a module-level object reused from an earlier one)."""
        th = current_cthread()
        self._rt = None if th is None else th.rt

    def _me(self) -> CThread | None:
        """The running controlled thread, or None when outside this object's execution
        (a collector callback for an object of an earlier execution must not schedule)."""
        th = current_cthread()
        if th is None or th.rt is not self._rt:
            return None
        return th

    def _op(self, th: CThread, kind: str) -> Any:
        return (_OPS.get((th.tid, kind, self._oid, self._name))
                or make_op(th.tid, kind, self._oid, self._name))

    def _cannot_block(self, what: str) -> RuntimeError:
        return RuntimeError(
            f"{self._name}.{what} would block outside a controlled thread; call it from the "
            "scenario or from a thread the scenario starts")

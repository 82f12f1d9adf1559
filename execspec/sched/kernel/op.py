"""``Op``: the next operation of a controlled thread -- what a strategy chooses among -- and
the cache that makes one Op per (thread, kind, object, name) across executions.

At every scheduling point the runtime hands the strategy (``kernel.protocols.Strategy``) the
list of *enabled* pending operations, one per runnable thread, and the strategy answers with
the index of the one to run. A schedule is therefore a seed plus the list of thread ids
chosen, which is all that replay needs. Not to be confused with ``model.ops.Op``, a client
operation of the model.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Op", "make_op"]


@dataclass(frozen=True)
class Op:
    """The next operation a runnable controlled thread will perform.

    ``obj`` is a stable small integer naming the shim object the operation touches (a lock,
    a condition, a queue ...), or ``None`` for an operation that touches nothing shared
    (thread start, a plain yield). Two operations commute when they are on different
    threads and either has ``obj is None`` or their ``obj`` differ; partial-order
    reduction relies on exactly this and on nothing else.
    """

    thread: int
    kind: str
    obj: int | None = None
    label: str = ""  # human-readable, e.g. "Lock#3.acquire" (traces and replay checks)

    def conflicts_with(self, other: "Op") -> bool:
        """True when the two operations may not be reordered."""
        if self.thread == other.thread:
            return True
        return self.obj is not None and self.obj == other.obj


# Ops are immutable and the same across executions, so one cache serves every run.
_OPS: dict[tuple[int, str, int | None, str], Op] = {}


def make_op(tid: int, kind: str, oid: int | None, name: str) -> Op:
    """The (cached) Op for thread ``tid`` doing ``kind`` on object ``oid`` named ``name``."""
    key = (tid, kind, oid, name)
    op = _OPS.get(key)
    if op is None:
        if len(_OPS) > 200_000:
            _OPS.clear()
        op = _OPS[key] = Op(tid, kind, oid, f"{name}.{kind}" if name else kind)
    return op

"""Deliberately broken variants of the model: known-bad inputs the explorer must reject.

Each variant wraps the real transition functions and bends one rule, as a buggy executor
would. The explorer must find the broken invariant with a shortest counterexample
(``tests/model/test_explorer_rejects_broken_variants.py``); if it did not, the invariants would
be too weak to catch that bug in a real executor.

>>> from execspec.model.explore import explore
>>> report = explore(VARIANTS["cancel-running"].bounds, VARIANTS["cancel-running"].model)
>>> report.violation.invariants[0], len(report.violation.path)
('INV-CANCELLED-NEVER-RUNS', 3)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from execspec.model import ops as O
from execspec.model.explore import Bounds, Model
from execspec.model.states import FState, Options, Outcome, Returned, State, TaskKind, Timeout


def _cancel_running(s: State, op: O.Op, opts: Options) -> frozenset[Outcome]:
    """Bug: cancel() also "succeeds" on a running future (breaks FUT-CANCEL-RUNNING)."""
    outcomes = O.allowed(s, op, opts)
    if isinstance(op, O.Cancel) and s.futures[op.fid].state is FState.RUNNING:
        bad = s.with_fut(op.fid, replace(s.futures[op.fid], state=FState.CANCELLED))
        outcomes |= {Outcome(Returned(True), bad, "cancel.running")}
    return outcomes


def _lost_wakeup_on_cancel(s: State, op: O.Op, opts: Options) -> frozenset[Outcome]:
    """Bug: cancel() forgets to notify the threads blocked on the future (FUT-WAKES-WAITERS)."""
    outcomes = O.allowed(s, op, opts)
    if not isinstance(op, O.Cancel):
        return outcomes
    return frozenset(replace(o, state=_forget_signals(s, o.state)) for o in outcomes)


def _forget_signals(before: State, after: State) -> State:
    waiters = tuple(
        replace(w, signalled=before.waiters[i].signalled) if i < len(before.waiters) else w
        for i, w in enumerate(after.waiters)
    )
    return replace(after, waiters=waiters)


def _shutdown_returns_early(s: State, op: O.Op, opts: Options) -> frozenset[Outcome]:
    """Bug: shutdown(wait=True) returns without joining the workers (EXE-SHUTDOWN-WAIT)."""
    outcomes = O.allowed(s, op, opts)
    if isinstance(op, O.Shutdown) and op.wait:
        early = O.allowed(s, O.Shutdown(False, op.cancel_futures), opts)
        return frozenset(
            Outcome(o.result, o.state.with_pool(joined=True), "shutdown.joins") for o in early
        )
    return outcomes


@dataclass(frozen=True)
class Variant:
    """A broken model, the bounds that expose it, and what the explorer must report."""

    model: Model
    bounds: Bounds
    invariant: str  # the first invariant the shortest counterexample breaks
    steps: int  # the length of that counterexample


_SMALL = Bounds(max_workers=1, futures=1, tasks=(TaskKind.RETURNS,), timeouts=(Timeout.NONE,))

VARIANTS: dict[str, Variant] = {
    "cancel-running": Variant(
        Model("cancel-running", _cancel_running), _SMALL, "INV-CANCELLED-NEVER-RUNS", 3
    ),
    "lost-wakeup": Variant(
        Model("lost-wakeup", _lost_wakeup_on_cancel), _SMALL, "INV-NO-LOST-WAKEUP", 3
    ),
    "shutdown-returns-early": Variant(
        Model("shutdown-returns-early", _shutdown_returns_early), _SMALL, "INV-SHUTDOWN-WAIT-ALL-DONE", 2
    ),
}

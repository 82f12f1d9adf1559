"""The safety invariants (INV-*), as predicates the explorer checks on every state and step.

Three kinds:

- *state* invariants hold in every reachable state;
- *step* invariants relate a state to each successor (whatever rule fired);
- *quiescent* invariants hold in every state where no internal step is possible any more,
  i.e. what must have happened by the time the executor has nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from execspec.model.states import TERMINAL, FState, Options, State, WorkerStatus
from execspec.model.waiters import FUTURE_WAITS, condition

@dataclass(frozen=True)
class Invariant:
    """One invariant: its clause ID, kind, a sentence, and the predicate."""

    id: str
    kind: Literal["state", "step", "quiescent"]
    statement: str
    check: Callable[..., bool]  # (state, options) or, for a step, (before, after)


def _terminal_stable(s: State, t: State) -> bool:
    return all(f.state is g.state for f, g in zip(s.futures, t.futures) if f.state in TERMINAL)


def _done_monotone(s: State, t: State) -> bool:
    return all(g.done for f, g in zip(s.futures, t.futures) if f.done)


def _result_set_iff_finished(s: State, _: Options) -> bool:
    return all((f.outcome is not None) == (f.state is FState.FINISHED) for f in s.futures)


def _result_stable(s: State, t: State) -> bool:
    return all(f.outcome == g.outcome for f, g in zip(s.futures, t.futures) if f.outcome is not None)


def _callbacks_well_formed(s: State, _: Options) -> bool:
    for f in s.futures:
        numbers = f.called + f.callbacks
        if sorted(numbers) != list(range(f.n_callbacks)):
            return False  # a callback lost or duplicated
        if f.called and not f.done:
            return False  # called before the future was done
    return True


def _callbacks_append_only(s: State, t: State) -> bool:
    return all(g.called[: len(f.called)] == f.called for f, g in zip(s.futures, t.futures))


def _callbacks_all_called(s: State, _: Options) -> bool:
    return all(not f.callbacks for f in s.futures if f.done)


def _run_at_most_once(s: State, _: Options) -> bool:
    return all(f.runs <= 1 for f in s.futures)


def _cancelled_never_runs(s: State, _: Options) -> bool:
    return all(f.runs == 0 for f in s.futures if f.state is FState.CANCELLED)


def _joined_means_done(s: State, _: Options) -> bool:
    # shutdown(wait=True) returns exactly when no worker is left (see waiters.condition)
    if not (s.pool.stopping and not s.pool.workers):
        return True
    return all(f.done for f in s.futures if f.task is not None)


def _workers_bounded(s: State, _: Options) -> bool:
    return len(s.pool.workers) <= s.pool.max_workers


def _no_lost_wakeup(s: State, opts: Options) -> bool:
    return all(
        w.signalled
        for w in s.waiters
        if w.blocked and w.kind in FUTURE_WAITS and condition(s, w, opts)
    )


def _running_has_worker(s: State, _: Options) -> bool:
    busy = [w.task for w in s.pool.workers if w.status is WorkerStatus.BUSY]
    running = [i for i, f in enumerate(s.futures) if f.task is not None and f.state is FState.RUNNING]
    return sorted(busy) == running


def _broken_sticky(s: State, t: State) -> bool:
    return t.pool.broken or not s.pool.broken


def _progress(s: State, opts: Options) -> bool:
    if s.pool.queue:
        return False  # queued work nobody will ever run
    return not any(w.blocked and condition(s, w, opts) for w in s.waiters)


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("INV-TERMINAL-STABLE", "step", "a cancelled or finished future never changes state", _terminal_stable),
    Invariant("INV-DONE-MONOTONE", "step", "once done() is True it stays True", _done_monotone),
    Invariant("INV-RESULT-STABLE", "state", "a future has an outcome exactly when FINISHED", _result_set_iff_finished),
    Invariant("INV-RESULT-STABLE", "step", "an outcome, once set, never changes", _result_stable),
    Invariant("INV-CB-EXACTLY-ONCE", "state", "no callback is lost, duplicated, or called before done", _callbacks_well_formed),
    Invariant("INV-CB-EXACTLY-ONCE", "step", "a callback, once called, stays called, in order", _callbacks_append_only),
    Invariant("INV-CB-EXACTLY-ONCE", "quiescent", "every callback of a done future has been called", _callbacks_all_called),
    Invariant("INV-RUN-AT-MOST-ONCE", "state", "a submitted call begins at most once", _run_at_most_once),
    Invariant("INV-CANCELLED-NEVER-RUNS", "state", "a cancelled future's call never began", _cancelled_never_runs),
    Invariant("INV-SHUTDOWN-WAIT-ALL-DONE", "state", "when shutdown(wait=True) can return, every accepted future is done", _joined_means_done),
    Invariant("INV-WORKERS-BOUNDED", "state", "never more than max_workers worker threads", _workers_bounded),
    Invariant("INV-NO-LOST-WAKEUP", "state", "a blocked call whose condition holds has been signalled", _no_lost_wakeup),
    Invariant("INV-RUNNING-HAS-WORKER", "state", "a running pool future is run by exactly one busy worker", _running_has_worker),
    Invariant("INV-BROKEN-STICKY", "step", "a broken pool stays broken", _broken_sticky),
    Invariant("INV-PROGRESS", "quiescent", "nothing queued is left behind and no call stays blocked once its condition holds", _progress),
)


def violated_in_state(s: State, opts: Options, quiescent: bool) -> list[Invariant]:
    """The state (and, when ``quiescent``, quiescent) invariants ``s`` breaks."""
    kinds = ("state", "quiescent") if quiescent else ("state",)
    return [inv for inv in INVARIANTS if inv.kind in kinds and not inv.check(s, opts)]


def violated_by_step(s: State, t: State) -> list[Invariant]:
    """The step invariants the step ``s`` -> ``t`` breaks."""
    return [inv for inv in INVARIANTS if inv.kind == "step" and not inv.check(s, t)]

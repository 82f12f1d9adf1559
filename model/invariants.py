"""The safety invariants (INV-*), as predicates the explorer checks on every state and step.

Three kinds:

- *state* invariants hold in every reachable state;
- *step* invariants relate a state to each successor, given the client call and what it
  showed (``None`` for an internal step);
- *quiescent* invariants hold in every state where no internal step is possible any more,
  i.e. what must have happened by the time the executor has nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from execspec.model.future import done_for_waiting
from execspec.model.hazards import stuck
from execspec.model.ops import Op, Wait
from execspec.model.states import (
    TERMINAL,
    DoneAndNotDone,
    FState,
    Options,
    Result,
    Returned,
    State,
    WaitKind,
    WorkerStatus,
    dispatched,
)
from execspec.model.waiters import FUTURE_WAITS, condition

Call = tuple[Op, Result]  # a client call and what it showed

@dataclass(frozen=True)
class Invariant:
    """One invariant: its clause ID, kind, a sentence, and the predicate."""

    id: str
    kind: Literal["state", "step", "quiescent"]
    statement: str
    check: Callable[..., bool]  # (state, options); for a step (before, after, call, options)


def _terminal_stable(s: State, t: State, _: Call | None, __: Options) -> bool:
    return all(f.state is g.state for f, g in zip(s.futures, t.futures) if f.state in TERMINAL)


def _done_monotone(s: State, t: State, _: Call | None, __: Options) -> bool:
    for f, g in zip(s.futures, t.futures):
        if (f.done and not g.done) or (f.state is FState.RUNNING and g.state is FState.PENDING):
            return False
    return True


def _outcome_iff_finished(s: State, _: Options) -> bool:
    return all((f.outcome is not None) == (f.state is FState.FINISHED) for f in s.futures)


def _result_stable(s: State, t: State, _: Call | None, __: Options) -> bool:
    return all(f.outcome == g.outcome for f, g in zip(s.futures, t.futures) if f.outcome is not None)


def _callbacks_counted(s: State, _: Options) -> bool:
    return all(sorted(f.called + f.callbacks) == list(range(f.n_callbacks)) for f in s.futures)


def _callbacks_see_done(s: State, _: Options) -> bool:
    return all(f.done for f in s.futures if f.called)


def _callbacks_append_only(s: State, t: State, _: Call | None, __: Options) -> bool:
    return all(g.called[: len(f.called)] == f.called for f, g in zip(s.futures, t.futures))


def _callbacks_all_called(s: State, _: Options) -> bool:
    return all(not f.callbacks for f in s.futures if f.done)


def _run_at_most_once(s: State, _: Options) -> bool:
    return all(f.runs <= 1 for f in s.futures)


def _cancelled_never_runs(s: State, _: Options) -> bool:
    return all(f.runs == 0 for f in s.futures if f.state is FState.CANCELLED)


def _joined_means_done(s: State, _: Options) -> bool:
    if not s.pool.joined:
        return True
    return all(f.done for f in s.futures if f.task is not None)


def _workers_bounded(s: State, _: Options) -> bool:
    return len(s.pool.workers) <= s.pool.max_workers


def _no_lost_wakeup(s: State, opts: Options) -> bool:
    return all(
        w.signalled for w in s.waiters if w.blocked and w.kind in FUTURE_WAITS and condition(s, w, opts)
    )


def _nobody_left_blocked(s: State, opts: Options) -> bool:
    return not any(w.blocked and condition(s, w, opts) for w in s.waiters)


def _running_has_worker(s: State, opts: Options) -> bool:
    # Options.queue_marks_running departs from this on purpose: a future in the call queue is
    # RUNNING with no worker yet (its call has not begun), one whose result is on its way back
    # RUNNING with its worker gone on; by the docs there is no such future
    busy = sorted(w.task for w in s.pool.workers if w.status is WorkerStatus.BUSY)
    waiting = set(dispatched(s)) | set(s.pool.delivering) if opts.queue_marks_running else set()
    running = [i for i, f in enumerate(s.futures)
               if f.task is not None and f.state is FState.RUNNING and i not in waiting]
    return busy == running


def _broken_sticky(s: State, t: State, call: Call | None, _: Options) -> bool:
    if not s.pool.broken:
        return True
    started = any(f.runs < g.runs for f, g in zip(s.futures, t.futures))
    accepted = any(f.task is not None for f in t.futures[len(s.futures):])
    return t.pool.broken and not started and not accepted


def _can_start(s: State, _: Options) -> bool:
    p = s.pool
    if not p.queue or p.broken:
        return True
    ready = any(w.status in (WorkerStatus.IDLE, WorkerStatus.STARTING) for w in p.workers)
    return ready or len(p.workers) == p.max_workers


def _nothing_queued_at_rest(s: State, _: Options) -> bool:
    # DL-SELF-SUBMIT-SINGLE-WORKER: a call queued behind workers that all wait is the docs' hazard
    left = set(s.pool.queue) | set(dispatched(s))  # (a process pool's call queue counts as queued)
    return not left or left <= stuck(s)


def _partition(done: DoneAndNotDone, given: frozenset[int], s: State, opts: Options) -> bool:
    return (
        not done.done & done.not_done
        and done.done | done.not_done == given
        and all(done_for_waiting(s.futures[i], opts.gh92001) for i in done.done)
    )


def _wait_partition(s: State, t: State, call: Call | None, opts: Options) -> bool:
    shown: list[tuple[Result | None, frozenset[int]]] = []
    if call is not None and isinstance(call[0], Wait) and isinstance(call[1], Returned):
        shown.append((call[1], frozenset(call[0].fids)))
    for w, v in zip(s.waiters, t.waiters):  # a wait() that returned in this step
        if w.kind is WaitKind.WAIT and w.blocked and not v.blocked:
            shown.append((v.result, frozenset(w.fids)))
    return all(
        isinstance(r, Returned) and isinstance(r.value, DoneAndNotDone)
        and _partition(r.value, given, t, opts)
        for r, given in shown
    )


def _ac_yields_done_once(s: State, opts: Options) -> bool:
    for it in s.iterators:
        if len(set(it.yielded)) != len(it.yielded) or not set(it.yielded) <= set(it.fids):
            return False
        if not all(done_for_waiting(s.futures[i], opts.gh92001) for i in it.yielded):
            return False
        if it.over and not it.timed_out and set(it.yielded) != set(it.fids):
            return False
    return True


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("INV-TERMINAL-STABLE", "step",
              "a cancelled or finished future never changes state", _terminal_stable),
    Invariant("INV-DONE-MONOTONE", "step",
              "done() stays True; a running future never becomes pending", _done_monotone),
    Invariant("INV-RESULT-STABLE", "state",
              "a future has an outcome exactly when FINISHED", _outcome_iff_finished),
    Invariant("INV-RESULT-STABLE", "step",
              "an outcome, once set, never changes", _result_stable),
    Invariant("INV-CB-EXACTLY-ONCE", "state",
              "every callback added is pending or called, once", _callbacks_counted),
    Invariant("INV-CB-EXACTLY-ONCE", "step",
              "a callback, once called, stays called", _callbacks_append_only),
    Invariant("INV-CB-EXACTLY-ONCE", "quiescent",
              "every callback of a done future was called", _callbacks_all_called),
    Invariant("INV-CB-SEES-DONE", "state",
              "no callback is called before its future is done", _callbacks_see_done),
    Invariant("INV-RUN-AT-MOST-ONCE", "state",
              "a submitted call begins at most once", _run_at_most_once),
    Invariant("INV-CANCELLED-NEVER-RUNS", "state",
              "a cancelled future's call never began", _cancelled_never_runs),
    Invariant("INV-SHUTDOWN-WAIT-ALL-DONE", "state",
              "once shutdown(wait=True) returned, every accepted future is done", _joined_means_done),
    Invariant("INV-WORKERS-BOUNDED", "state",
              "never more than max_workers worker threads", _workers_bounded),
    Invariant("INV-NO-LOST-WAKEUP", "state",
              "a blocked call whose condition holds has been signalled", _no_lost_wakeup),
    Invariant("INV-NO-LOST-WAKEUP", "quiescent",
              "no call stays blocked once its condition holds", _nobody_left_blocked),
    Invariant("INV-RUNNING-HAS-WORKER", "state",
              "each running pool future has its own busy worker", _running_has_worker),
    Invariant("INV-BROKEN-STICKY", "step",
              "a broken pool stays broken, accepts and starts nothing", _broken_sticky),
    Invariant("INV-PROGRESS", "state",
              "queued work with an idle worker or room for one can start", _can_start),
    Invariant("INV-PROGRESS", "quiescent",
              "nothing queued is left behind (but by the docs' deadlocks, DL-*)",
              _nothing_queued_at_rest),
    Invariant("INV-WAIT-PARTITION", "step",
              "wait() returns a partition of its futures; done ones are done", _wait_partition),
    Invariant("INV-AC-YIELDS-DONE-ONCE", "state",
              "as_completed yields given, done futures once each, all of them", _ac_yields_done_once),
)


def violated_in_state(s: State, opts: Options, quiescent: bool) -> list[Invariant]:
    """The state (and, when ``quiescent``, quiescent) invariants ``s`` breaks."""
    kinds = ("state", "quiescent") if quiescent else ("state",)
    return [inv for inv in INVARIANTS if inv.kind in kinds and not inv.check(s, opts)]


_STEP = tuple(inv for inv in INVARIANTS if inv.kind == "step")
_CALL_ONLY = tuple(inv for inv in _STEP if inv.id == "INV-WAIT-PARTITION")


def violated_by_step(s: State, t: State, call: Call | None, opts: Options) -> list[Invariant]:
    """The step invariants the step ``s`` -> ``t`` breaks (``call``: the client call, if any).

    A step that changes nothing can break only what depends on the call's result."""
    checks = _CALL_ONLY if t is s else _STEP
    return [inv for inv in checks if not inv.check(s, t, call, opts)]

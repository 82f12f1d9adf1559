"""The docs' deadlock hazards: when tasks that wait on futures have stopped the pool for good.

A ``TaskKind.WAITS`` call blocks in ``result()`` on another future and holds its worker while it
waits (FUT-RESULT-WAITS). The docs warn of two ways that never ends:

- DL-MUTUAL-WAIT: the awaited future's call waits, in turn, on the first one (a cycle);
- DL-SELF-SUBMIT-SINGLE-WORKER: the awaited call is queued, and every worker is busy with a
  call that waits (with one worker: the waiting call itself).

Such a state is allowed: a conforming executor hangs there, and the conformance machine
reports reaching one as the documented hazard, not as a failure. It is *stable*: no internal
step leaves it (only a client call can, such as cancelling the queued call)::

    one worker            queue      the awaited future
    busy: f0 waits on f1  [f1]       PENDING: no worker will ever be free to take it

:func:`stuck` is the greatest set of unfinished pool futures that no sequence of internal steps
can finish: a running waiting call whose awaited future is stuck, and a queued call while every
one of ``max_workers`` workers is busy with a stuck call. A waiting call on a bare future, on one
not made yet, or on a plain running call is not stuck: the client or that call can still end it.

>>> from execspec.model.ops import Submit, allowed, internal_successors
>>> from execspec.model.states import TaskKind, initial
>>> s = initial(max_workers=1)
>>> (o,) = allowed(s, Submit(TaskKind.WAITS, awaits=1))
>>> s = o.state
>>> s = next(st.state for st in internal_successors(s) if st.rule == "worker.takes")
>>> (o,) = allowed(s, Submit())
>>> sorted(stuck(o.state)), hazard_clauses(o.state)
([0, 1], ('DL-SELF-SUBMIT-SINGLE-WORKER',))
"""

from __future__ import annotations

from execspec.model.states import Fut, FState, State, TaskKind, WorkerStatus, dispatched


def _begun(f: Fut) -> bool:
    """The call is being run by a worker: RUNNING and begun (a process pool's call queue holds
    futures RUNNING that have not begun: ``Options.queue_marks_running``)."""
    return f.state is FState.RUNNING and f.runs > 0


def stuck(s: State) -> frozenset[int]:
    """The unfinished pool futures no sequence of internal steps can finish (see the module doc)."""
    p = s.pool
    cand: set[int] = set()
    waiting = set(dispatched(s))
    for fid, f in enumerate(s.futures):
        if f.task is None or f.done:
            continue
        if fid in p.delivering:
            continue  # its call returned: the manager will finish it
        if _begun(f) and f.task is TaskKind.WAITS and 0 <= f.awaits < len(s.futures):
            cand.add(fid)
        elif (f.state is FState.PENDING and fid in p.queue or fid in waiting) and not p.broken:
            cand.add(fid)  # queued, or in a process pool's call queue: it waits for a free worker
    changed = True
    while changed:  # the greatest fixpoint: drop what some internal step can still finish
        changed = False
        full = len(p.workers) == p.max_workers and all(
            w.status is WorkerStatus.BUSY and w.task in cand for w in p.workers)
        for fid in sorted(cand):
            f = s.futures[fid]
            ok = f.awaits in cand if _begun(f) else full
            if not ok:
                cand.discard(fid)
                changed = True
    return frozenset(cand)


def deadlocked(s: State) -> bool:
    """Whether ``s`` is one of the docs' deadlocks (DL-MUTUAL-WAIT, DL-SELF-SUBMIT-SINGLE-WORKER)."""
    return bool(stuck(s))


def hazard_clauses(s: State) -> tuple[str, ...]:
    """The DL-* clauses that describe the deadlock in ``s`` (none when it is not deadlocked):
    DL-MUTUAL-WAIT for a cycle of waiting calls, DL-SELF-SUBMIT-SINGLE-WORKER for a running call
    waiting on a queued one."""
    held = stuck(s)
    out: set[str] = set()
    for fid in held:
        f = s.futures[fid]
        if not _begun(f):
            continue
        if not _begun(s.futures[f.awaits]):  # queued (or in a process pool's call queue)
            out.add("DL-SELF-SUBMIT-SINGLE-WORKER")
        seen, k = {fid}, f.awaits
        while k in held and s.futures[k].task is TaskKind.WAITS and k not in seen:
            seen.add(k)
            k = s.futures[k].awaits
        if k == fid:
            out.add("DL-MUTUAL-WAIT")
    return tuple(sorted(out))


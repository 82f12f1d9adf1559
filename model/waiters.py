"""Blocked calls: result()/exception() with a timeout, wait(), as_completed(), and the wake-ups.

A call whose condition does not hold yet either fails at once (timeout=0) or becomes a
:class:`Waiter`. Whatever makes a future done goes through :func:`settle`, which *signals* every
blocked waiter whose condition now holds (FUT-WAKES-WAITERS) and appends the future to the
as_completed iterators watching it. A signalled waiter wakes in an internal step; a waiter
whose timeout can fire may instead time out, but only while its condition does not hold.

    client            model                             internal step
    result(f, None)   Waiter(RESULT, f) blocked          .
    .                 (a worker finishes f: settle)      Waiter signalled
    .                 .                                  waiter.wakes: result recorded

A blocked waiter whose condition holds but which was never signalled would sleep forever: that
is a lost wake-up, and :mod:`execspec.model.invariants` rejects it (INV-NO-LOST-WAKEUP).
"""

from __future__ import annotations

from dataclasses import replace

from execspec.model.future import done_for_waiting, exception_now, has_exception, result_now
from execspec.model.states import (
    AcIter,
    Blocked,
    DoneAndNotDone,
    Fut,
    Options,
    Outcome,
    Raised,
    Result,
    Returned,
    ReturnWhen,
    State,
    Step,
    Timeout,
    Waiter,
    WaitKind,
)

#: Waiters that wait on futures (and so must be signalled); the others join worker threads.
FUTURE_WAITS = frozenset({WaitKind.RESULT, WaitKind.EXCEPTION, WaitKind.WAIT, WaitKind.AS_COMPLETED})


def wait_condition(n_done: int, n_total: int, any_exception: bool, return_when: ReturnWhen) -> bool:
    """Whether ``wait()`` may return, given how many of its futures are done.

    pre: 0 <= n_done <= n_total
    post: _ or n_done < n_total
    post: not (return_when == ReturnWhen.FIRST_COMPLETED and n_done > 0) or _
    """
    if return_when is ReturnWhen.FIRST_COMPLETED and n_done > 0:
        return True  # WAIT-FIRST-COMPLETED
    if return_when is ReturnWhen.FIRST_EXCEPTION and any_exception:
        return True  # WAIT-FIRST-EXCEPTION
    return n_done == n_total  # WAIT-ALL-COMPLETED (and WAIT-EMPTY)


def _split(s: State, fids: tuple[int, ...], opts: Options) -> DoneAndNotDone:
    done = frozenset(i for i in fids if done_for_waiting(s.futures[i], opts.gh92001))
    return DoneAndNotDone(done, frozenset(fids) - done)


def _wait_holds(s: State, fids: tuple[int, ...], rw: ReturnWhen, opts: Options) -> bool:
    split = _split(s, fids, opts)
    exc = any(has_exception(s.futures[i]) for i in split.done)
    return wait_condition(len(split.done), len(fids), exc, rw)


def condition(s: State, w: Waiter, opts: Options) -> bool:
    """Whether what blocked waiter ``w`` waits for has happened."""
    if w.kind in (WaitKind.RESULT, WaitKind.EXCEPTION):
        return s.futures[w.fids[0]].done  # result() wakes on cancel too (FUT-RESULT-CANCELLED)
    if w.kind is WaitKind.WAIT:
        if w.stuck:  # WAIT-DUPLICATES-DONE under dup_done_waits: only a failure ends it
            return _failed(s, w.fids, w.return_when, opts)
        return _wait_holds(s, w.fids, w.return_when, opts)
    if w.kind is WaitKind.AS_COMPLETED:
        it = s.iterators[w.iterator]
        return bool(it.arrived) or not it.pending
    # SHUTDOWN, EXIT: every worker thread has exited (and a process pool's manager has handed
    # back every result on its way: Pool.delivering)
    return not s.pool.workers and not s.pool.delivering


def _signal(s: State, opts: Options) -> State:
    waiters = tuple(
        replace(w, signalled=True)
        if w.blocked and not w.signalled and w.kind in FUTURE_WAITS and condition(s, w, opts)
        else w
        for w in s.waiters
    )
    return replace(s, waiters=waiters)


def settle(s: State, fid: int, new: Fut, opts: Options) -> State:
    """Replace future ``fid`` by ``new``; if that made it done, tell everyone who waits on it."""
    before = s.futures[fid]
    s = s.with_fut(fid, new)
    became_countable = not done_for_waiting(before, opts.gh92001) and done_for_waiting(new, opts.gh92001)
    if became_countable:
        iterators = tuple(
            replace(it, arrived=it.arrived + (fid,)) if fid in it.pending and not it.over else it
            for it in s.iterators
        )
        s = replace(s, iterators=iterators)
    if became_countable or (new.done and not before.done):
        s = _signal(s, opts)
    return s


def _block(s: State, w: Waiter) -> tuple[Result, State]:
    return Blocked(len(s.waiters)), replace(s, waiters=s.waiters + (w,))


# ---- result() / exception() ----------------------------------------------------------------


def result_call(
    s: State, fid: int, timeout: Timeout, exception: bool, opts: Options
) -> frozenset[Outcome]:
    """``f.result(timeout)`` or ``f.exception(timeout)``."""
    f = s.futures[fid]
    now = exception_now(f) if exception else result_now(f, opts.gh132063)
    name = "exception" if exception else "result"
    if now is not None:
        if isinstance(now, Raised) and now.exc == "CancelledError":
            return frozenset({Outcome(now, s, f"{name}.cancelled")})
        rule = "result.raises" if isinstance(now, Raised) else f"{name}.value"
        return frozenset({Outcome(now, s, rule)})
    if timeout is Timeout.ZERO:
        return frozenset({Outcome(Raised("TimeoutError"), s, f"{name}.timeout")})
    kind = WaitKind.EXCEPTION if exception else WaitKind.RESULT
    r, s2 = _block(s, Waiter(kind, fids=(fid,), timeout=timeout))
    return frozenset({Outcome(r, s2, f"{name}.blocks")})


# ---- wait() --------------------------------------------------------------------------------


def wait_call(
    s: State, fids: tuple[int, ...], rw: ReturnWhen, timeout: Timeout, opts: Options
) -> frozenset[Outcome]:
    """``wait(fs, timeout, return_when)``; duplicates in ``fs`` count once (WAIT-DUPLICATES)."""
    given, fids = fids, tuple(sorted(set(fids)))
    stuck = opts.dup_done_waits and rw is not ReturnWhen.FIRST_COMPLETED and any(
        given.count(i) > 1 and done_for_waiting(s.futures[i], opts.gh92001) for i in fids)
    if _wait_holds(s, fids, rw, opts) and not (stuck and not _failed(s, fids, rw, opts)):
        return frozenset({Outcome(Returned(_split(s, fids, opts)), s, "wait.returns")})
    if timeout is Timeout.ZERO:
        return frozenset({Outcome(Returned(_split(s, fids, opts)), s, "wait.timeout")})
    r, s2 = _block(s, Waiter(WaitKind.WAIT, fids=fids, return_when=rw, timeout=timeout, stuck=stuck))
    return frozenset({Outcome(r, s2, "wait.blocks")})


def _failed(s: State, fids: tuple[int, ...], rw: ReturnWhen, opts: Options) -> bool:
    """FIRST_EXCEPTION and one of ``fids`` done with an exception (what ends a stuck wait)."""
    return rw is ReturnWhen.FIRST_EXCEPTION and any(has_exception(s.futures[i]) for i in _split(s, fids, opts).done)


# ---- as_completed() ------------------------------------------------------------------------


def as_completed_call(
    s: State, fids: tuple[int, ...], timeout: Timeout, opts: Options
) -> frozenset[Outcome]:
    """``as_completed(fs, timeout)``: an iterator (its index), nothing yielded yet."""
    unique = tuple(sorted(set(fids)))  # AC-DUPLICATES
    early = frozenset(i for i in unique if done_for_waiting(s.futures[i], opts.gh92001))
    it = AcIter(fids=unique, early=early, timeout=timeout)
    s2 = replace(s, iterators=s.iterators + (it,))
    return frozenset({Outcome(Returned(len(s.iterators)), s2, "ac.start")})


def _with_iter(s: State, iid: int, it: AcIter) -> State:
    return replace(s, iterators=s.iterators[:iid] + (it,) + s.iterators[iid + 1 :])


def as_completed_next(s: State, iid: int) -> frozenset[Outcome]:
    """``next(it)`` on as_completed iterator ``iid``."""
    it = s.iterators[iid]
    if it.over or (not it.pending and not it.early and not it.arrived):
        over = _with_iter(s, iid, replace(it, over=True))
        return frozenset({Outcome(Raised("StopIteration"), over, "ac.stops")})
    if it.early:  # AC-DONE-FIRST: those done before the call come first, in any order
        return frozenset(
            Outcome(Returned(i), _with_iter(s, iid, _yield_early(it, i)), "ac.yields") for i in it.early
        )
    if it.arrived:
        return frozenset({Outcome(Returned(it.arrived[0]), _yield_arrived(s, iid), "ac.yields")})
    if it.timeout is Timeout.ZERO:
        timed_out = _with_iter(s, iid, replace(it, over=True, timed_out=True))
        return frozenset({Outcome(Raised("TimeoutError"), timed_out, "ac.timeout")})
    r, s2 = _block(s, Waiter(WaitKind.AS_COMPLETED, fids=it.fids, timeout=it.timeout, iterator=iid))
    return frozenset({Outcome(r, s2, "ac.blocks")})


def _yield_early(it: AcIter, fid: int) -> AcIter:
    return replace(it, early=it.early - {fid}, yielded=it.yielded + (fid,))


def _yield_arrived(s: State, iid: int) -> State:
    it = s.iterators[iid]
    return _with_iter(s, iid, replace(it, arrived=it.arrived[1:], yielded=it.yielded + it.arrived[:1]))


# ---- internal steps ------------------------------------------------------------------------


def _finish_waiter(s: State, wid: int, result: Result) -> State:
    w = replace(s.waiters[wid], result=result)
    return replace(s, waiters=s.waiters[:wid] + (w,) + s.waiters[wid + 1 :])


def _wake_result(s: State, w: Waiter, opts: Options) -> tuple[Result, State]:
    if w.kind is WaitKind.RESULT:
        r = result_now(s.futures[w.fids[0]], opts.gh132063)
    elif w.kind is WaitKind.EXCEPTION:
        r = exception_now(s.futures[w.fids[0]])
    elif w.kind is WaitKind.WAIT:
        r = Returned(_split(s, w.fids, opts))
    elif w.kind is WaitKind.AS_COMPLETED:
        it = s.iterators[w.iterator]
        if it.arrived:
            return Returned(it.arrived[0]), _yield_arrived(s, w.iterator)
        r = Raised("StopIteration")
        s = _with_iter(s, w.iterator, replace(it, over=True))
    else:
        r = Returned(None)  # shutdown(wait=True) and the exit join return None
        s = s.with_pool(joined=True)
    assert r is not None
    return r, s


def waiter_steps(s: State, opts: Options) -> list[Step]:
    """Every wake-up and every timeout that may happen now."""
    steps: list[Step] = []
    for wid, w in enumerate(s.waiters):
        if not w.blocked:
            continue
        holds = condition(s, w, opts)
        if holds and (w.signalled or w.kind not in FUTURE_WAITS):
            r, s2 = _wake_result(s, w, opts)
            rule = "waiter.wakes" if w.kind in FUTURE_WAITS else "join.returns"
            returned = _finish_waiter(s2, wid, r)
            steps.append(Step(rule, f"waiter {wid} ({w.kind.value}) returns", returned))
        if not holds and w.timeout is Timeout.FINITE:
            label = f"waiter {wid} ({w.kind.value}) times out"
            steps.append(Step("waiter.times-out", label, _time_out(s, wid, opts)))
    return steps


def _time_out(s: State, wid: int, opts: Options) -> State:
    w = s.waiters[wid]
    if w.kind is WaitKind.WAIT:
        return _finish_waiter(s, wid, Returned(_split(s, w.fids, opts)))  # WAIT-TIMEOUT: no raise
    if w.kind is WaitKind.AS_COMPLETED:
        it = s.iterators[w.iterator]
        s = _with_iter(s, w.iterator, replace(it, over=True, timed_out=True))
    return _finish_waiter(s, wid, Raised("TimeoutError"))

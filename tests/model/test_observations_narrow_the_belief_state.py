"""Belief-state tracking: what the conformance machine will use to check a real executor."""

from __future__ import annotations

import pytest

from execspec.model import (
    CPYTHON,
    DEPARTS_FROM,
    DOCS,
    FutureView,
    Map,
    Op,
    Options,
    Result,
    Shutdown,
    TaskKind,
    View,
    State,
    Blocked,
    Cancel,
    DoneAndNotDone,
    FState,
    GetResult,
    Returned,
    Submit,
    Timeout,
    Wait,
    advance,
    allowed,
    closure,
    explain,
    initial,
    observe,
    view,
)
from execspec.model.observe import observe_calls


def test_closure_contains_every_internal_interleaving() -> None:
    beliefs = advance({initial(2)}, Submit(), Returned(0))
    beliefs = advance(beliefs, Submit(), Returned(1))
    states = {tuple(f.state for f in s.futures) for s in closure(beliefs)}
    assert (FState.FINISHED, FState.PENDING) in states  # any queued call may start first
    assert (FState.PENDING, FState.FINISHED) in states


def test_an_allowed_observation_keeps_some_belief() -> None:
    beliefs = advance({initial(1)}, Submit(), Returned(0))
    assert advance(beliefs, Cancel(0), Returned(False))  # it may have started already
    assert advance(beliefs, Cancel(0), Returned(True))  # or not


def test_a_forbidden_observation_empties_the_belief_state() -> None:
    beliefs = advance({initial(1)}, Submit(), Returned(0))
    beliefs = advance(beliefs, GetResult(0, Timeout.ZERO), Returned(0))  # it finished
    assert not advance(beliefs, Cancel(0), Returned(True))  # FUT-CANCEL-FINISHED
    assert set(explain(beliefs, Cancel(0))) == {Returned(False)}
    assert "FUT-CANCEL-FINISHED" in explain(beliefs, Cancel(0))[Returned(False)]


def test_views_filter_states_by_what_the_client_sees() -> None:
    beliefs = advance({initial(1)}, Submit(), Returned(0))
    started = [s for s in closure(beliefs) if s.futures[0].state is FState.RUNNING]
    seen = view(started[0])
    narrowed = observe(beliefs, seen)
    assert narrowed and all(view(s) == seen for s in narrowed)


def test_a_blocked_call_returns_as_a_waiter_result_in_the_view() -> None:
    beliefs = advance({initial(1)}, Submit(), Returned(0))
    beliefs = advance(beliefs, GetResult(0, Timeout.NONE), Blocked(0))
    returned = [s for s in closure(beliefs) if view(s).waiters == (Returned(0),)]
    assert returned, "the model never lets the blocked result() return the value"


def _second_future_cancelled_while_queued(opts: Options) -> frozenset[State]:
    b = advance({initial(1)}, Submit(), Returned(0), opts=opts)
    b = advance(b, Submit(), Returned(1), opts=opts)
    return advance(b, Cancel(1), Returned(True), opts=opts)


def test_cpython_variant_explains_gh92001_where_the_docs_do_not() -> None:
    not_counted = Returned(DoneAndNotDone(frozenset(), frozenset({1})))
    docs = _second_future_cancelled_while_queued(DOCS)
    assert not advance(docs, Wait((1,), timeout=Timeout.ZERO), not_counted)  # WAIT-CANCELLED-COUNTS
    cpython = _second_future_cancelled_while_queued(CPYTHON)
    assert advance(cpython, Wait((1,), timeout=Timeout.ZERO), not_counted, opts=CPYTHON)
    assert advance(cpython, Wait((1,)), Blocked(0), opts=CPYTHON)


def test_closure_toward_a_view_prunes_but_keeps_every_state_showing_it() -> None:
    s = initial(2)
    for _ in range(3):
        ((s, _),) = {(o.state, o.rule) for o in allowed(s, Submit())}
    full = closure({s})
    for target in {view(t) for t in full}:
        pruned = closure({s}, toward=target)
        assert {t for t in full if view(t) == target} <= pruned <= full
    nothing_started = view(s)
    assert len(closure({s}, toward=nothing_started)) < len(full) // 4


def test_a_call_that_blocked_inside_may_be_reported_by_what_it_returned() -> None:
    beliefs = advance({initial(1)}, Submit(), Returned(0))
    # a real-thread observer cannot tell the call blocked; it reports the value it got
    after = advance(beliefs, GetResult(0, Timeout.NONE), Returned(0))
    assert after and all(s.futures[0].state is FState.FINISHED for s in after)
    assert not advance(beliefs, GetResult(0, Timeout.NONE), Returned(1))


def test_a_view_without_waiters_compares_only_the_futures() -> None:
    from execspec.model import View, shows

    beliefs = advance({initial(1)}, Submit(), Returned(0))
    beliefs = advance(beliefs, GetResult(0, Timeout.NONE), Blocked(0))
    s = next(iter(beliefs))
    assert shows(s, View(view(s).futures)) and not shows(s, View(view(s).futures, ()))


def _taken_call_runs_after_shutdown(op: Op, returned: Result, opts: Options) -> frozenset[State]:
    """ThreadPoolExecutor(1); op; shutdown(wait=False, cancel_futures=True) returns with the
    future still PENDING; then its call is seen begun (what the conformance machine saw CPython
    3.11's stdlib do, in 3 of 60 interleavings)."""
    pending = View((FutureView(FState.PENDING, None, (), False),))
    b = advance({initial(1)}, op, returned, opts=opts)
    b = advance(b, Shutdown(wait=False, cancel_futures=True), Returned(None), pending, opts)
    return observe_calls(b, (True,), (), opts)


@pytest.mark.parametrize(("op", "returned"), [(Submit(), Returned(0)),
                                              (Map((TaskKind.RETURNS,)), Returned((0,)))],
                         ids=["submit", "map"])
def test_cpython_variant_explains_a_call_run_after_shutdown_cancelled_futures_where_the_docs_do_not(
        op: Op, returned: Result) -> None:
    assert not _taken_call_runs_after_shutdown(op, returned, DOCS)  # EXE-SHUTDOWN-CANCEL-TAKEN
    explained = _taken_call_runs_after_shutdown(op, returned, CPYTHON)
    assert explained and all(s.futures[0].runs == 1 for s in explained)
    # the single option that explains it is the one recorded against the clause
    alone = [name for name, clauses in DEPARTS_FROM.items() if clauses and getattr(CPYTHON, name)
             and _taken_call_runs_after_shutdown(op, returned, Options(fifo=True, **{name: True}))]
    assert alone == ["take_then_start"]
    assert DEPARTS_FROM["take_then_start"] == ("EXE-SHUTDOWN-CANCEL-TAKEN",)


def test_docs_reading_lets_shutdown_cancel_futures_show_only_cancelled_or_begun() -> None:
    b = advance({initial(1)}, Submit(), Returned(0))
    after = advance(b, Shutdown(wait=False, cancel_futures=True), Returned(None))
    assert {(s.futures[0].state, s.futures[0].runs) for s in after} >= {
        (FState.CANCELLED, 0), (FState.RUNNING, 1), (FState.FINISHED, 1)}
    assert not any(s.futures[0].state is FState.PENDING for s in after)


def test_cpython_38_reading_lets_a_done_future_given_twice_hold_wait_up() -> None:
    """WAIT-DUPLICATES-DONE: the docs (and 3.9+) return at once; 3.8's reading blocks until the
    timeout under ALL_COMPLETED and FIRST_EXCEPTION, and FIRST_COMPLETED still returns."""
    from execspec.model import NewFuture, ReturnWhen, SetResult, cpython_options

    s = initial(1)
    for op in (NewFuture(), SetResult(0)):
        (s,) = {o.state for o in allowed(s, op)}
    twice = (0, 0)
    for rw in (ReturnWhen.ALL_COMPLETED, ReturnWhen.FIRST_EXCEPTION, ReturnWhen.FIRST_COMPLETED):
        docs = {o.result for o in allowed(s, Wait(twice, rw, Timeout.NONE))}
        assert docs == {Returned(DoneAndNotDone(frozenset({0}), frozenset()))}, rw
        assert {o.result for o in allowed(s, Wait(twice, rw, Timeout.NONE), cpython_options((3, 9)))} == docs
        old = {o.result for o in allowed(s, Wait(twice, rw, Timeout.NONE), cpython_options((3, 8)))}
        assert old == (docs if rw is ReturnWhen.FIRST_COMPLETED else {Blocked(0)}), rw
    assert "WAIT-DUPLICATES-DONE" in DEPARTS_FROM["dup_done_waits"]

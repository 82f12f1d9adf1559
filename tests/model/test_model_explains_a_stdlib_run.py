"""A short run of the running interpreter's ThreadPoolExecutor, observed after every call, is one
the model allows (a smoke test of the API the conformance machine will use; real threads,
coordinated by events, no sleeps).

The stdlib is checked against the CPYTHON options: whether wait() already counts the cancelled
f1 depends on whether the worker has dequeued it yet (gh-92001), which the docs reading forbids.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading

from execspec.model import (
    CPYTHON,
    Cancel,
    DoneAndNotDone,
    Err,
    FState,
    FutureView,
    GetResult,
    Ok,
    Returned,
    Shutdown,
    State,
    Submit,
    Timeout,
    View,
    Wait,
    advance,
    initial,
    observe,
)


class Run:
    """Real futures plus what their tasks and callbacks did, as the model numbers them."""

    def __init__(self) -> None:
        self.futures: list[cf.Future[int]] = []
        self.started: dict[int, threading.Event] = {}

    def task(self, fid: int, gate: threading.Event | None) -> int:
        self.started[fid].set()
        if gate is not None:
            assert gate.wait(10), "the test never opened the gate"
        return fid  # the model's convention: a task returns its own number

    def submit(self, ex: cf.ThreadPoolExecutor, gate: threading.Event | None = None) -> int:
        fid = len(self.futures)
        self.started[fid] = threading.Event()
        self.futures.append(ex.submit(self.task, fid, gate))
        return fid

    def view(self) -> View:
        seen = []
        for fid, f in enumerate(self.futures):
            if f.cancelled():
                state, outcome = FState.CANCELLED, None
            elif f.done():
                exc = f.exception(0)
                state, outcome = FState.FINISHED, Err(type(exc).__name__) if exc else Ok(f.result(0))
            else:
                state, outcome = (FState.RUNNING if f.running() else FState.PENDING), None
            seen.append(FutureView(state, outcome, (), self.started[fid].is_set()))
        return View(tuple(seen))


def test_model_explains_submit_cancel_wait_and_shutdown_of_the_stdlib_pool() -> None:
    run, gate = Run(), threading.Event()
    beliefs: frozenset[State] = frozenset({initial(max_workers=1)})
    with cf.ThreadPoolExecutor(max_workers=1) as ex:
        beliefs = advance(beliefs, Submit(), Returned(run.submit(ex, gate)), opts=CPYTHON)
        beliefs = advance(beliefs, Submit(), Returned(run.submit(ex)), opts=CPYTHON)
        assert run.started[0].wait(10)
        beliefs = observe(beliefs, run.view(), CPYTHON)
        assert beliefs, "the model does not allow f0 running while f1 waits"
        cancelled = run.futures[1].cancel()
        beliefs = advance(beliefs, Cancel(1), Returned(cancelled), run.view(), CPYTHON)
        assert beliefs, "the model does not allow cancelling the queued f1"
        gate.set()
        value = run.futures[0].result(10)  # blocks inside until the gate opens f0's way
        beliefs = advance(beliefs, GetResult(0, Timeout.NONE), Returned(value), opts=CPYTHON)
        assert beliefs, "the model does not allow f0's result"
        done, not_done = cf.wait(run.futures, timeout=0)
        shown = DoneAndNotDone(frozenset(run.futures.index(f) for f in done),
                               frozenset(run.futures.index(f) for f in not_done))
        beliefs = advance(beliefs, Wait((0, 1), timeout=Timeout.ZERO), Returned(shown), run.view(),
                          CPYTHON)
        assert beliefs, f"the model does not allow wait() to return {shown}"
        ex.shutdown(wait=True)
        beliefs = advance(beliefs, Shutdown(wait=True), Returned(None), run.view(), CPYTHON)
        assert beliefs, "the model does not allow shutdown(wait=True) to return here"

"""One future on its own: the small pure functions every Future transition is made of.

Each function takes a :class:`Fut` and returns the new one; none touches waiters or the pool
(that is :mod:`execspec.model.waiters` and :mod:`execspec.model.pool`). The ``pre:``/``post:``
lines are PEP 316 contracts that ``crosshair check --analysis_kind=PEP316`` proves
(``tests/model/test_crosshair_contracts_hold.py``).

    PENDING --cancel()--------------------------> CANCELLED
    PENDING --worker starts / srnc() True-------> RUNNING --returns/raises--> FINISHED
    PENDING --set_result()/set_exception()-----------------------------------> FINISHED

A process pool's manager (``Options.queue_marks_running``) splits "worker starts" in two: it
marks the future RUNNING as it moves the call into the call queue (:func:`dispatch`), and a
worker process begins the call later (:func:`begin_dispatched`).
"""

from __future__ import annotations

from dataclasses import replace

from execspec.model.states import (
    Err,
    FState,
    Fut,
    Ok,
    Raised,
    Result,
    Returned,
    Settled,
)


def cancel(f: Fut) -> tuple[bool, Fut]:
    """``Future.cancel()``: what it returns and the future after it (callbacks not yet called).

    FUT-CANCEL-PENDING, FUT-CANCEL-RUNNING, FUT-CANCEL-FINISHED, FUT-CANCEL-CANCELLED.

    post: _[0] == (f.state in (FState.PENDING, FState.CANCELLED))
    post: _[0] or _[1] == f
    post: _[1].runs == f.runs
    """
    if f.state is FState.PENDING:
        return True, replace(f, state=FState.CANCELLED)
    # FUT-CANCEL-RUNNING: a running future can't be cancelled; FUT-CANCEL-FINISHED likewise
    return f.state is FState.CANCELLED, f


def start(f: Fut) -> Fut:
    """A worker begins the call (or ``set_running_or_notify_cancel()`` returns True).

    pre: f.state == FState.PENDING
    post: _.state == FState.RUNNING and _.runs == f.runs + 1
    """
    return replace(f, state=FState.RUNNING, runs=f.runs + 1)


def dispatch(f: Fut) -> Fut:
    """``set_running_or_notify_cancel()`` returns True as the manager queues the call for a
    worker process: RUNNING, and the call has not begun (what FUT-RUNNING-EXECUTING departs from).

    pre: f.state == FState.PENDING
    post: _.state == FState.RUNNING and _.runs == f.runs
    """
    return replace(f, state=FState.RUNNING)


def begin_dispatched(f: Fut) -> Fut:
    """A worker process begins a call the manager marked RUNNING (see :func:`dispatch`).

    pre: f.state == FState.RUNNING and f.runs == 0
    post: _.state == FState.RUNNING and _.runs == 1
    """
    return replace(f, runs=f.runs + 1)


def finish(f: Fut, outcome: Settled) -> Fut:
    """The call returned or raised (or ``set_result``/``set_exception``): FINISHED, for good.

    pre: f.state in (FState.PENDING, FState.RUNNING)
    post: _.state == FState.FINISHED and _.outcome == outcome
    post: _.callbacks == f.callbacks and _.called == f.called
    """
    return replace(f, state=FState.FINISHED, outcome=outcome)


def notice_cancel(f: Fut) -> Fut:
    """``set_running_or_notify_cancel()`` on a CANCELLED future: it is now *notified*.

    pre: f.state == FState.CANCELLED
    post: _.state == FState.CANCELLED and _.notified
    """
    return replace(f, notified=True)


def add_callback(f: Fut) -> tuple[bool, Fut]:
    """``add_done_callback(fn)``: whether ``fn`` was called at once, and the future after it.

    The new callback's number is how many were added before it. FUT-CB-ALREADY-DONE: on a
    done future it is called at once, in the caller's thread.

    post: _[0] == f.done
    post: _[1].n_callbacks == f.n_callbacks + 1
    post: _[1].state == f.state
    """
    number = f.n_callbacks
    if f.done:
        return True, replace(f, called=f.called + (number,))
    return False, replace(f, callbacks=f.callbacks + (number,))


def add_callback_behind(f: Fut) -> Fut:
    """``add_done_callback(fn)`` on a done future whose earlier callbacks are not all called
    yet: ``fn`` waits its turn (FUT-CB-ORDER) instead of being called at once
    (FUT-CB-ALREADY-DONE). The docs allow both readings in that window; CPython calls at once.

    pre: f.done and len(f.callbacks) > 0
    post: _.callbacks == f.callbacks + (f.n_callbacks,) and _.called == f.called
    """
    return replace(f, callbacks=f.callbacks + (f.n_callbacks,))


def call_next_callback(f: Fut) -> Fut:
    """The completing thread calls the oldest callback not yet called (FUT-CB-ORDER).

    pre: f.done and len(f.callbacks) > 0
    post: _.called == f.called + f.callbacks[:1]
    post: _.n_callbacks == f.n_callbacks
    """
    return replace(f, callbacks=f.callbacks[1:], called=f.called + f.callbacks[:1])


def call_all_callbacks(f: Fut) -> Fut:
    """The thread that made the future done calls every pending callback, in order.

    pre: f.done
    post: _.callbacks == () and _.called == f.called + f.callbacks
    """
    return replace(f, callbacks=(), called=f.called + f.callbacks)


def done_for_waiting(f: Fut, gh92001: bool) -> bool:
    """Whether ``wait()``/``as_completed()`` count this future as done.

    The docs: cancelled or finished (WAIT-CANCELLED-COUNTS, AC-CANCELLED-COUNTS). CPython
    (gh-92001) counts a cancelled future only once it was *notified*.

    post: _ == (f.state == FState.FINISHED or (f.state == FState.CANCELLED and (f.notified or not gh92001)))
    """
    if f.state is FState.FINISHED:
        return True
    return f.state is FState.CANCELLED and (f.notified or not gh92001)


def has_exception(f: Fut) -> bool:
    """Finished by raising (what FIRST_EXCEPTION waits for; a cancelled future did not raise).

    post: not _ or f.state == FState.FINISHED
    """
    return f.state is FState.FINISHED and isinstance(f.outcome, Err)


#: The exception a ``TaskKind.RAISES_FALSY`` call raises: ``bool()`` of it is False.
FALSY = "FalsyError"


def result_now(f: Fut, gh132063: bool = False) -> Result | None:
    """What ``result()`` does on this future now; None when it would have to wait.

    ``gh132063``: CPython before the 2025 fix returned None for a falsy exception.

    pre: (f.outcome is not None) == (f.state == FState.FINISHED)
    post: (_ is None) == (f.state not in (FState.CANCELLED, FState.FINISHED))
    post: gh132063 or not isinstance(f.outcome, Err) or _ == Raised(f.outcome.exc)
    """
    if f.state is FState.CANCELLED:
        return Raised("CancelledError")  # FUT-RESULT-CANCELLED
    if f.state is FState.FINISHED:
        if isinstance(f.outcome, Err):
            if gh132063 and f.outcome.exc == FALSY:
                return Returned(None)  # CPython tested the exception's truth (gh-132063)
            # FUT-RESULT-FALSY-EXC: an exception whose bool() is False is still raised
            return Raised(f.outcome.exc)
        if isinstance(f.outcome, Ok):
            return Returned(f.outcome.value)
    return None


def exception_now(f: Fut) -> Result | None:
    """What ``exception()`` does on this future now; None when it would have to wait.

    pre: (f.outcome is not None) == (f.state == FState.FINISHED)
    post: (_ is None) == (f.state not in (FState.CANCELLED, FState.FINISHED))
    """
    if f.state is FState.CANCELLED:
        return Raised("CancelledError")  # FUT-EXCEPTION-CANCELLED
    if f.state is FState.FINISHED:
        return Returned(f.outcome if isinstance(f.outcome, Err) else None)
    return None

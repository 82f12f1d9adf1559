"""Client operations and the two questions the model answers about them.

- :func:`allowed` — the set of outcomes a client operation may have in a state;
- :func:`internal_successors` — every internal step that may happen on its own in a state.

Each operation is a small frozen dataclass named after the call it stands for. Calling one in a
state where the client cannot make that call (an unknown future, a dropped executor, a bare
future's method on a pool future) raises :class:`InvalidOperation` saying what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

from execspec.model import future as F
from execspec.model import pool as P
from execspec.model import waiters as W
from execspec.model.states import (
    DOCS,
    Err,
    FState,
    Fut,
    Ok,
    Options,
    Outcome,
    Raised,
    Returned,
    ReturnWhen,
    State,
    Step,
    TaskKind,
    Timeout,
)


class InvalidOperation(ValueError):
    """The operation cannot be made in this state; the message says what to do instead."""


@dataclass(frozen=True)
class Submit:
    """``executor.submit(fn)`` where ``fn`` behaves as ``task`` says; a ``TaskKind.WAITS`` task
    waits on future ``awaits`` (an earlier one, or one made later: the docs' deadlock shapes)."""

    task: TaskKind = TaskKind.RETURNS
    awaits: int = -1


@dataclass(frozen=True)
class Map:
    """``executor.map(fn, items)``, one task per item; iterate with :class:`GetResult` in order."""

    tasks: tuple[TaskKind, ...] = ()


@dataclass(frozen=True)
class NewFuture:
    """``Future()`` made by the client itself (as executor writers and tests do)."""


@dataclass(frozen=True)
class Cancel:
    """``futures[fid].cancel()``."""

    fid: int


@dataclass(frozen=True)
class Query:
    """``(f.cancelled(), f.running(), f.done())``."""

    fid: int


@dataclass(frozen=True)
class GetResult:
    """``futures[fid].result(timeout)``."""

    fid: int
    timeout: Timeout = Timeout.NONE


@dataclass(frozen=True)
class GetException:
    """``futures[fid].exception(timeout)``."""

    fid: int
    timeout: Timeout = Timeout.NONE


@dataclass(frozen=True)
class AddDoneCallback:
    """``futures[fid].add_done_callback(fn)``."""

    fid: int


@dataclass(frozen=True)
class SetRunningOrNotifyCancel:
    """``f.set_running_or_notify_cancel()`` on a bare future."""

    fid: int


@dataclass(frozen=True)
class SetResult:
    """``f.set_result(value)`` on a bare future."""

    fid: int
    value: str = "set"


@dataclass(frozen=True)
class SetException:
    """``f.set_exception(exc)`` on a bare future."""

    fid: int
    exc: str = "TaskError"


@dataclass(frozen=True)
class Shutdown:
    """``executor.shutdown(wait, cancel_futures=...)``; leaving a ``with`` block is ``Shutdown()``."""

    wait: bool = True
    cancel_futures: bool = False


@dataclass(frozen=True)
class Wait:
    """``wait(fs, timeout, return_when)``; ``fids`` may repeat (WAIT-DUPLICATES)."""

    fids: tuple[int, ...]
    return_when: ReturnWhen = ReturnWhen.ALL_COMPLETED  # WAIT-DEFAULT-ALL
    timeout: Timeout = Timeout.NONE


@dataclass(frozen=True)
class AsCompleted:
    """``as_completed(fs, timeout)``: returns the new iterator's index."""

    fids: tuple[int, ...]
    timeout: Timeout = Timeout.NONE


@dataclass(frozen=True)
class AsCompletedNext:
    """``next(it)`` on as_completed iterator ``iterator``."""

    iterator: int


@dataclass(frozen=True)
class InterpreterExit:
    """The main thread reaches the end of the program."""


@dataclass(frozen=True)
class DropExecutor:
    """The client drops its last reference to the executor, without shutdown()."""


Op = Union[
    Submit, Map, NewFuture, Cancel, Query, GetResult, GetException, AddDoneCallback,
    SetRunningOrNotifyCancel, SetResult, SetException, Shutdown, Wait, AsCompleted,
    AsCompletedNext, InterpreterExit, DropExecutor,
]


def allowed(s: State, op: Op, opts: Options = DOCS) -> frozenset[Outcome]:
    """Every outcome the contract allows for ``op`` in state ``s``.

    >>> from execspec.model.states import initial
    >>> [o.result for o in allowed(initial(), Submit())]
    [Returned(value=0)]
    """
    _check(s, op)
    if isinstance(op, Submit):
        return P.submit(s, op.task, op.awaits)
    if isinstance(op, Map):
        return P.map_call(s, op.tasks)
    if isinstance(op, Cancel):
        return P.cancel(s, op.fid, opts)
    if isinstance(op, Shutdown):
        return P.shutdown(s, op.wait, op.cancel_futures, opts)
    if isinstance(op, InterpreterExit):
        return P.interpreter_exit(s)
    if isinstance(op, DropExecutor):
        return P.drop(s)
    if isinstance(op, (GetResult, GetException)):
        return W.result_call(s, op.fid, op.timeout, isinstance(op, GetException), opts)
    if isinstance(op, Wait):
        return W.wait_call(s, op.fids, op.return_when, op.timeout, opts)
    if isinstance(op, AsCompleted):
        return W.as_completed_call(s, op.fids, op.timeout, opts)
    if isinstance(op, AsCompletedNext):
        return W.as_completed_next(s, op.iterator)
    return _future_op(s, op, opts)


def _future_op(s: State, op: Op, opts: Options) -> frozenset[Outcome]:
    if isinstance(op, NewFuture):
        s2 = replace(s, futures=s.futures + (Fut(task=None),))
        return frozenset({Outcome(Returned(len(s.futures)), s2, "future.new")})
    if isinstance(op, Query):
        f = s.futures[op.fid]
        value = (f.state is FState.CANCELLED, f.state is FState.RUNNING, f.done)
        return frozenset({Outcome(Returned(value), s, "query")})
    if isinstance(op, AddDoneCallback):
        before = s.futures[op.fid]
        now, f = F.add_callback(before)
        rule = "callback.add-done" if now else "callback.add-pending"
        outcomes = {Outcome(Returned(None), s.with_fut(op.fid, f), rule)}
        if before.done and before.callbacks:  # earlier callbacks still being called
            behind = s.with_fut(op.fid, F.add_callback_behind(before))
            outcomes.add(Outcome(Returned(None), behind, "callback.add-behind"))
        return frozenset(outcomes)
    if isinstance(op, SetRunningOrNotifyCancel):
        f = s.futures[op.fid]
        if f.state is FState.PENDING:
            return frozenset({Outcome(Returned(True), s.with_fut(op.fid, F.start(f)), "srnc.pending")})
        if f.state is FState.CANCELLED and not f.notified:
            s2 = W.settle(s, op.fid, F.notice_cancel(f), opts)
            return frozenset({Outcome(Returned(False), s2, "srnc.cancelled")})
        return frozenset({Outcome(Raised("RuntimeError"), s, "srnc.other")})
    if isinstance(op, (SetResult, SetException)):
        f = s.futures[op.fid]
        if f.done:  # FUT-SET-INVALID (3.8+)
            return frozenset({Outcome(Raised("InvalidStateError"), s, "set.invalid")})
        outcome = Ok(op.value) if isinstance(op, SetResult) else Err(op.exc)
        s2 = W.settle(s, op.fid, F.call_all_callbacks(F.finish(f, outcome)), opts)
        rule = "set.result" if isinstance(op, SetResult) else "set.exception"
        return frozenset({Outcome(Returned(None), s2, rule)})
    raise InvalidOperation(f"unknown operation {op!r}: use one of the classes in execspec.model.ops")


_EXECUTOR_OPS = (Submit, Map, Shutdown, InterpreterExit, DropExecutor)
_BARE_OPS = (SetRunningOrNotifyCancel, SetResult, SetException)


def _check(s: State, op: Op) -> None:
    fids: tuple[int, ...] = ()
    if isinstance(op, Submit):
        _check_submit(s, op)
    if isinstance(op, Map) and TaskKind.WAITS in op.tasks:
        raise InvalidOperation(f"{op!r}: map() items cannot wait on futures; submit a TaskKind.WAITS task")
    if isinstance(op, (Wait, AsCompleted)):
        fids = op.fids
    elif hasattr(op, "fid"):
        fids = (getattr(op, "fid"),)
    for fid in fids:
        if not 0 <= fid < len(s.futures):
            raise InvalidOperation(
                f"{op!r}: there is no future {fid} (there are {len(s.futures)}); "
                "make one first with Submit() or NewFuture()"
            )
    if isinstance(op, _EXECUTOR_OPS) and s.pool.dropped:
        raise InvalidOperation(f"{op!r}: the executor was dropped; make no more calls on it")
    if isinstance(op, InterpreterExit) and s.pool.exiting:
        raise InvalidOperation("InterpreterExit(): the interpreter exits only once")
    if isinstance(op, _BARE_OPS) and s.futures[op.fid].task is not None:
        raise InvalidOperation(
            f"{op!r}: future {op.fid} belongs to the executor; these methods are for bare "
            "futures made with NewFuture()"
        )
    if isinstance(op, AsCompletedNext):
        if not 0 <= op.iterator < len(s.iterators):
            raise InvalidOperation(f"{op!r}: no such iterator; call AsCompleted(...) first")
        if any(w.blocked and w.iterator == op.iterator for w in s.waiters):
            raise InvalidOperation(f"{op!r}: a next() on this iterator is still blocked")


def _check_submit(s: State, op: Submit) -> None:
    if (op.task is TaskKind.WAITS) != (op.awaits >= 0):
        raise InvalidOperation(f"{op!r}: a TaskKind.WAITS task names the future it waits on "
                               "(awaits >= 0), and no other kind does (awaits=-1)")
    if op.awaits == len(s.futures):
        raise InvalidOperation(f"{op!r}: a task cannot wait on its own future (it is f{op.awaits})")


def internal_successors(s: State, opts: Options = DOCS) -> tuple[Step, ...]:
    """Every internal step that may happen in ``s`` (empty when ``s`` is quiescent)."""
    return tuple(P.worker_steps(s, opts) + P.callback_steps(s) + W.waiter_steps(s, opts))

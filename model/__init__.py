"""execspec.model: an executable model of the concurrent.futures thread pool (pure).

A state machine of futures, the pool (open, shutting down, broken, terminated; a queue; worker
slots; idle workers; the initializer) and blocked callers. No threads, clocks, I/O or
randomness: every state is an immutable, hashable value, and every question has a set answer.

The API
=======

States (:mod:`.states`)
    ``initial(max_workers, init)`` a fresh executor. ``State`` holds ``futures`` (a future is its
    index, its *fid*), ``pool``, ``waiters`` (blocked calls; a waiter is its index, its *wid*)
    and ``iterators`` (as_completed). ``phase(pool)`` is OPEN / SHUTTING_DOWN / TERMINATED /
    BROKEN. Results a call can show: ``Returned(value)``, ``Raised(exc_name)``,
    ``Blocked(wid)``; a future's outcome is ``Ok(value)`` or ``Err(exc_name)``. A task that
    returns gives its own fid as its value.

Client operations (:mod:`.ops`)
    ``Submit(task)``, ``Map(tasks)``, ``NewFuture()``, ``Cancel(fid)``, ``Query(fid)``,
    ``GetResult(fid, timeout)``, ``GetException(fid, timeout)``, ``AddDoneCallback(fid)``,
    ``SetRunningOrNotifyCancel(fid)``, ``SetResult(fid)``, ``SetException(fid)``,
    ``Shutdown(wait, cancel_futures)``, ``Wait(fids, return_when, timeout)``,
    ``AsCompleted(fids, timeout)``, ``AsCompletedNext(iterator)``, ``InterpreterExit()``,
    ``DropExecutor()``. A timeout is ``Timeout.ZERO`` / ``FINITE`` / ``NONE`` (no clocks: a
    finite timeout may fire at any moment its condition does not hold).

``allowed(state, op, options) -> frozenset[Outcome]``
    Every outcome the contract allows: ``Outcome(result, state, rule)``.
``internal_successors(state, options) -> tuple[Step, ...]``
    Every internal step possible now (a worker starts, runs its initializer, takes a task, the
    task returns or raises, a callback runs, a blocked call wakes or times out, a worker exits):
    ``Step(rule, label, state)``.
``closure(states, options)``, ``advance(beliefs, op, observed, seen, options)``, ``view(state)``,
``shows(state, seen)``, ``observe(beliefs, seen)``, ``explain(beliefs, op)`` (:mod:`.observe`)
    For the conformance machine: a belief state (the set of model states consistent with what
    was observed) narrowed after each call; empty means the executor broke the contract.
``deadlocked(state)``, ``hazard_clauses(state)``, ``stuck(state)`` (:mod:`.hazards`)
    The docs' deadlocks: ``Submit(TaskKind.WAITS, awaits=k)`` is a task that waits on future
    ``k`` (made before it, or after), holding its worker; a state where such calls can never
    finish by internal steps is a hazard the docs allow (DL-MUTUAL-WAIT,
    DL-SELF-SUBMIT-SINGLE-WORKER), not a breach of the contract.
``RULES[rule].cites`` (:mod:`.rules`)
    The clause IDs each transition encodes. ``INVARIANTS`` (:mod:`.invariants`) the INV-*
    checks; ``CHECKED_ELSEWHERE`` (:mod:`.coverage`) the clauses the model does not encode.
``api.CASES``, ``api.allowed(case, python, cpython)`` (:mod:`.api`)
    The API surface, which no state depends on: per bad argument the exception required, the
    module's names and constants, the exception hierarchy per Python version, int and float
    timeouts, any iterable for as_completed, ``fn`` positional-only; each a short client
    program and what it must show (the conformance machine's ``api_case`` rule performs them).
``Options(fifo, ..., take_then_start)``; ``DOCS`` (default) and ``CPYTHON``; ``DEPARTS_FROM``
    Where CPython differs from the docs (gh-92001, gh-87893, gh-132063, and the unreported
    TPE-INITIALIZER-FAILS-DROPPED and EXE-SHUTDOWN-CANCEL-TAKEN) or fixes what the docs leave
    open (FIFO start), ``CPYTHON`` models CPython. The conformance machine can check a
    target under both: one that conforms only with an option on breaks exactly the clauses
    ``DEPARTS_FROM[option]`` lists (the catalogue's upstream-divergence clauses), no others.
Conventions an observer must follow to compare a real executor with the model
    Futures are numbered in creation order (submit, map items in order, ``Future()``); a task
    that returns gives its own number as its value, one that raises raises ``TaskError``
    (``FalsyError`` for ``TaskKind.RAISES_FALSY``); exceptions are compared by class name.
    Callbacks are numbered per future in the order added; ``FutureView.called`` lists those
    called, in call order. Blocked calls are numbered in the order they blocked
    (``Blocked(n)``), and ``View.waiters[n]`` is what call ``n`` returned (None: still blocked).
    An observer that cannot see a call block (real threads) reports what it finally returned,
    and leaves ``View.waiters`` None: ``advance`` lets the call block inside and wake.
    ``wait()`` returns ``DoneAndNotDone``; ``Query`` returns ``(cancelled, running, done)``.

``explore(bounds)``, ``main_report(names)``, ``main(argv)``, ``summary()`` (:mod:`.explore`)
    The explicit-state explorer; ``BOUNDS`` names configurations, ``model/manifest.json``
    records their counts. Broken variants in :mod:`.broken`; Mermaid diagrams in :mod:`.diagram`.

>>> s = initial(max_workers=1)
>>> (o,) = allowed(s, Submit())
>>> o.result, o.rule
(Returned(value=0), 'submit.accepted')
>>> [step.rule for step in internal_successors(o.state)]
['worker.takes']
"""

from execspec.model.explore import BOUNDS, Bounds, Report, explore, main_report
from execspec.model.hazards import deadlocked, hazard_clauses, stuck
from execspec.model.invariants import INVARIANTS, Invariant
from execspec.model.observe import FutureView, View, advance, closure, explain, observe, shows, view
from execspec.model.ops import (
    AddDoneCallback,
    AsCompleted,
    AsCompletedNext,
    Cancel,
    DropExecutor,
    GetException,
    GetResult,
    InterpreterExit,
    InvalidOperation,
    Map,
    NewFuture,
    Op,
    Query,
    SetException,
    SetResult,
    SetRunningOrNotifyCancel,
    Shutdown,
    Submit,
    Wait,
    allowed,
    internal_successors,
)
from execspec.model.rules import RULES, Rule, cites
from execspec.model.states import (
    CPYTHON,
    CPYTHON_PROCESS_POOL,
    cpython_options,
    DEPARTS_FROM,
    DOCS,
    NEEDS,
    Blocked,
    DoneAndNotDone,
    Err,
    FState,
    InitKind,
    Ok,
    Options,
    Outcome,
    Phase,
    Raised,
    Result,
    Returned,
    ReturnWhen,
    State,
    Step,
    TaskKind,
    Timeout,
    initial,
    phase,
)

__all__ = [
    "AddDoneCallback", "AsCompleted", "AsCompletedNext", "BOUNDS", "Blocked", "Bounds", "CPYTHON", "CPYTHON_PROCESS_POOL", "NEEDS", "cpython_options",
    "DEPARTS_FROM",
    "Cancel", "DOCS", "DoneAndNotDone", "DropExecutor", "Err", "FState", "FutureView",
    "GetException", "GetResult", "INVARIANTS", "InitKind", "InterpreterExit", "Invariant",
    "InvalidOperation", "Map", "NewFuture", "Ok", "Op", "Options", "Outcome", "Phase", "Query",
    "RULES", "Raised", "Report", "Result", "Returned", "ReturnWhen", "Rule", "SetException",
    "SetResult", "SetRunningOrNotifyCancel", "Shutdown", "State", "Step", "Submit", "TaskKind",
    "Timeout", "View", "Wait", "advance", "allowed", "cites", "closure", "explain", "explore", "shows",
    "initial", "internal_successors", "main_report", "observe", "phase", "view",
    "deadlocked", "hazard_clauses", "stuck",
]

"""The transition table: every rule the model can fire, and the clauses it encodes.

A rule is one kind of transition. Every :class:`~execspec.model.ops.Outcome` and
:class:`~execspec.model.ops.Step` names the rule that produced it, so a conformance failure can
say which clauses an observation broke: ``RULES[outcome.rule].cites``.

*Client* rules fire when a client calls the API; *internal* rules fire on their own (a worker
moves, a blocked call wakes). Rule names read ``subject.what-happens``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Rule:
    """One kind of transition, with the clause IDs it encodes."""

    name: str
    kind: Literal["client", "internal"]
    cites: tuple[str, ...]
    summary: str


def _table(*rows: tuple[str, Literal["client", "internal"], str, str]) -> dict[str, Rule]:
    return {name: Rule(name, kind, tuple(cites.split()), summary) for name, kind, cites, summary in rows}


C: Literal["client"] = "client"
I: Literal["internal"] = "internal"

RULES: dict[str, Rule] = _table(
    # -- Executor.submit / map -------------------------------------------------------------
    ("submit.accepted", C,
     "EXE-SUBMIT-RETURNS-FUTURE FUT-CREATE-PENDING TPE-LAZY-THREADS TPE-IDLE-REUSE"
     " TPE-MAX-WORKERS-BOUND", "queue the call, return a pending future; reuse or spawn a worker"),
    ("submit.after-shutdown", C, "EXE-SUBMIT-AFTER-SHUTDOWN", "RuntimeError after shutdown()"),
    ("submit.after-exit", C, "TPE-SUBMIT-AFTER-EXIT", "RuntimeError once the interpreter exits"),
    ("submit.broken", C, "TPE-INITIALIZER-FAILS-SUBMIT EXC-BROKEN-THREADPOOL EXC-BROKEN-EXECUTOR",
     "BrokenThreadPool once an initializer failed"),
    ("map.accepted", C, "EXE-MAP-EAGER EXE-MAP-ORDER EXE-MAP-EXCEPTION EXE-MAP-CHUNKSIZE",
     "submit every item at once, in order; iterate by result() in that order"),
    ("map.after-shutdown", C, "EXE-MAP-AFTER-SHUTDOWN", "RuntimeError after shutdown()"),
    ("map.broken", C, "TPE-INITIALIZER-FAILS-SUBMIT", "BrokenThreadPool once broken"),
    # -- Future: cancel and queries --------------------------------------------------------
    ("cancel.pending", C, "FUT-CANCEL-PENDING FUT-WAKES-WAITERS FUT-CB-ON-DONE FUT-CB-THREAD",
     "a pending future becomes CANCELLED; cancel() returns True and calls its callbacks"),
    ("cancel.running", C, "FUT-CANCEL-RUNNING", "a running future can't be cancelled: False"),
    ("cancel.finished", C, "FUT-CANCEL-FINISHED", "a finished future can't be cancelled: False"),
    ("cancel.cancelled", C, "FUT-CANCEL-CANCELLED", "cancelling again returns True"),
    ("query", C, "FUT-CANCELLED FUT-RUNNING FUT-DONE FUT-STATES",
     "cancelled(), running(), done() read the state"),
    # -- Future.result / exception ---------------------------------------------------------
    ("result.value", C, "FUT-RESULT-VALUE", "return the call's value"),
    ("result.raises", C, "FUT-RESULT-RAISES FUT-RESULT-FALSY-EXC", "raise the call's exception"),
    ("result.cancelled", C, "FUT-RESULT-CANCELLED EXC-CANCELLED", "CancelledError"),
    ("result.timeout", C, "FUT-RESULT-TIMEOUT EXC-TIMEOUT FUT-TIMEOUT-NONPOSITIVE",
     "TimeoutError at once (timeout <= 0)"),
    ("result.blocks", C, "FUT-RESULT-WAITS", "block until done or timeout"),
    ("exception.value", C, "FUT-EXCEPTION-VALUE", "return the exception, or None"),
    ("exception.cancelled", C, "FUT-EXCEPTION-CANCELLED EXC-CANCELLED", "CancelledError"),
    ("exception.timeout", C, "FUT-EXCEPTION-TIMEOUT EXC-TIMEOUT FUT-TIMEOUT-NONPOSITIVE",
     "TimeoutError at once"),
    ("exception.blocks", C, "FUT-EXCEPTION-WAITS", "block until done or timeout"),
    # -- callbacks -------------------------------------------------------------------------
    ("callback.add-pending", C, "FUT-CB-ORDER FUT-CB-ON-DONE", "remember it, to call when done"),
    ("callback.add-done", C, "FUT-CB-ALREADY-DONE FUT-CB-THREAD FUT-CB-RAISES",
     "already done: call it now, in the calling thread"),
    ("callback.add-behind", C, "FUT-CB-ORDER",
     "done, but earlier callbacks not yet called: call it after them (FUT-CB-ORDER reading)"),
    # -- bare futures (for executor writers) -----------------------------------------------
    ("future.new", C, "FUT-CREATE-PENDING", "Future() is PENDING"),
    ("srnc.pending", C, "FUT-SRN-PENDING", "PENDING becomes RUNNING; returns True"),
    ("srnc.cancelled", C, "FUT-SRN-CANCELLED FUT-WAKES-WAITERS",
     "CANCELLED is marked notified, waiters wake; returns False"),
    ("srnc.other", C, "FUT-SRN-OTHER", "RuntimeError in any other state"),
    ("set.result", C, "FUT-SET-RESULT FUT-SET-ON-PENDING FUT-WAKES-WAITERS FUT-CB-ON-DONE",
     "FINISHED with a value; callbacks called, waiters woken"),
    ("set.exception", C, "FUT-SET-EXCEPTION FUT-SET-ON-PENDING FUT-WAKES-WAITERS FUT-CB-ON-DONE",
     "FINISHED with an exception; callbacks called, waiters woken"),
    ("set.invalid", C, "FUT-SET-INVALID EXC-INVALID-STATE", "InvalidStateError when already done"),
    # -- shutdown, exit, drop --------------------------------------------------------------
    ("shutdown.returns", C,
     "EXE-SHUTDOWN-NOWAIT EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-KEEPS-RUNNING"
     " EXE-SHUTDOWN-REPEAT EXE-SHUTDOWN-CANCELLED-DONE EXE-SHUTDOWN-CANCEL-TAKEN EXE-SHUTDOWN-CANCEL-AT-ONCE",
     "flag shutdown (optionally cancel queued futures); return at once"),
    ("shutdown.joins", C, "EXE-SHUTDOWN-WAIT EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-KEEPS-RUNNING"
     " EXE-SHUTDOWN-REPEAT EXE-SHUTDOWN-CANCELLED-DONE EXE-SHUTDOWN-CANCEL-TAKEN EXE-CONTEXT-EXIT"
     " EXE-CONTEXT-EXCEPTION",
     "flag shutdown (optionally cancel queued futures), then join every worker"),
    ("exit.begins", C, "TPE-INTERPRETER-EXIT EXE-SHUTDOWN-PROGRAM-EXIT",
     "interpreter exit: no new work; join every worker after the queue drains"),
    ("executor.dropped", C, "TPE-GC-DROPPED", "the executor is garbage: workers exit once idle"),
    # -- wait / as_completed ---------------------------------------------------------------
    ("wait.returns", C,
     "WAIT-RETURNS-SETS WAIT-DUPLICATES WAIT-DUPLICATES-DONE WAIT-ALREADY-DONE WAIT-EMPTY WAIT-DEFAULT-ALL"
     " WAIT-FIRST-COMPLETED WAIT-FIRST-EXCEPTION WAIT-ALL-COMPLETED WAIT-CANCELLED-COUNTS"
     " WAIT-MIXED-EXECUTORS", "the condition holds already: return (done, not_done)"),
    ("wait.timeout", C, "WAIT-TIMEOUT FUT-TIMEOUT-NONPOSITIVE",
     "timeout=0 and the condition fails: return at once"),
    ("wait.blocks", C, "WAIT-FIRST-COMPLETED WAIT-FIRST-EXCEPTION WAIT-ALL-COMPLETED",
     "block until the condition holds or the timeout fires"),
    ("ac.start", C, "AC-DUPLICATES AC-DONE-FIRST AC-MIXED-EXECUTORS AC-CANCELLED-COUNTS",
     "as_completed(): note which futures are done already"),
    ("ac.yields", C, "AC-YIELDS-AS-COMPLETE AC-DONE-FIRST", "next(): yield a done future"),
    ("ac.stops", C, "AC-EMPTY AC-YIELDS-AS-COMPLETE", "next(): every future yielded"),
    ("ac.timeout", C, "AC-TIMEOUT EXC-TIMEOUT FUT-TIMEOUT-NONPOSITIVE",
     "next() with timeout 0 and nothing done"),
    ("ac.blocks", C, "AC-YIELDS-AS-COMPLETE", "next(): block until one more future is done"),
    # -- workers (internal) ----------------------------------------------------------------
    ("worker.init-ok", I, "TPE-INITIALIZER-RUNS", "the initializer returns; the worker is idle"),
    ("worker.init-fails", I,
     "TPE-INITIALIZER-FAILS-PENDING TPE-INITIALIZER-FAILS-DROPPED TPE-INITIALIZER-FAILS-SUBMIT"
     " EXC-BROKEN-EXECUTOR INV-BROKEN-STICKY",
     "the pool breaks (dropped or not) and refuses new work from now on; the worker exits"),
    ("worker.exits-broken", I, "TPE-INITIALIZER-FAILS-PENDING INV-BROKEN-STICKY",
     "a broken pool's queue is empty: a worker whose initializer failed exits"),
    ("pool.fails-queued", I,
     "TPE-INITIALIZER-FAILS-PENDING TPE-INITIALIZER-FAILS-DROPPED TPE-INITIALIZER-FAILS-CANCELLED"
     " EXC-BROKEN-THREADPOOL",
     "a broken pool fails a queued future with BrokenThreadPool"),
    ("pool.drain-dies", I, "TPE-INITIALIZER-FAILS-CANCELLED TPE-INITIALIZER-FAILS-PENDING",
     "failing a cancelled queued future raises: the draining worker dies, the rest of the queue "
     "left to the next worker whose initializer fails (CPython's variant)"),
    ("worker.init-fails-unseen", I, "TPE-INITIALIZER-FAILS-DROPPED TPE-GC-DROPPED",
     "the pool was dropped: the worker exits without breaking it; queued futures stay pending "
     "forever (CPython's variant)"),
    ("worker.takes", I,
     "EXE-SUBMIT-CALL FUT-RUNNING FUT-RUNNING-EXECUTING TPE-FIFO-START TPE-IDLE-REUSE EXE-SHUTDOWN-CANCEL-TAKEN",
     "an idle worker dequeues a call and runs it, in one step"),
    ("worker.dequeues", I, "EXE-SHUTDOWN-CANCEL-TAKEN TPE-FIFO-START TPE-IDLE-REUSE",
     "an idle worker takes a call off the queue; its future stays PENDING (CPython's variant)"),
    ("worker.starts", I, "EXE-SUBMIT-CALL FUT-RUNNING FUT-RUNNING-EXECUTING EXE-SHUTDOWN-CANCEL-TAKEN",
     "the worker starts the call it took off the queue: RUNNING (CPython's variant)"),
    ("worker.skips-cancelled", I,
     "FUT-SRN-CANCELLED WAIT-CANCELLED-COUNTS EXE-SHUTDOWN-CANCEL-TAKEN",
     "the call a worker dequeued was cancelled: it is skipped, its waiters notified (gh-92001, "
     "or a cancel() after a CPython worker took it)"),
    ("pool.dispatches", I, "FUT-RUNNING-EXECUTING TPE-FIFO-START",
     "a process pool's manager marks the oldest queued future RUNNING as it puts the call in the "
     "call queue, before any worker begins it (queue_marks_running)"),
    ("pool.skips-cancelled", I, "FUT-SRN-CANCELLED WAIT-CANCELLED-COUNTS",
     "the manager drops a cancelled queued call instead of queueing it, notifying its waiters "
     "(queue_marks_running with gh-92001)"),
    ("pool.cancels-queued", I, "EXE-SHUTDOWN-CANCEL-AT-ONCE EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-CANCELLED-DONE",
     "the manager does the cancelling shutdown(cancel_futures=True) asked for: every queued "
     "pending future is cancelled (manager_cancels)"),
    ("pool.delivers", I, "FUT-RUNNING-EXECUTING FUT-WAKES-WAITERS",
     "a result a worker process sent back reaches the manager, which finishes the future "
     "(queue_marks_running)"),
    ("worker.takes-dispatched", I, "TPE-IDLE-REUSE TPE-FIFO-START",
     "a free worker process takes the oldest call in the call queue (queue_marks_running)"),
    ("worker.runs-dispatched", I, "EXE-SUBMIT-CALL FUT-RUNNING-EXECUTING",
     "the worker process begins the call it took (queue_marks_running)"),
    ("task.returns", I, "EXE-SUBMIT-CALL FUT-WAKES-WAITERS", "the call returns: FINISHED"),
    ("task.wait-returns", I,
     "EXE-SUBMIT-CALL FUT-WAKES-WAITERS FUT-RESULT-WAITS DL-MUTUAL-WAIT DL-SELF-SUBMIT-SINGLE-WORKER",
     "a call waiting on another future returns once that one is done; until then it holds its "
     "worker, so waiting calls can deadlock the pool (model.hazards)"),
    ("task.raises", I, "FUT-WAKES-WAITERS TPE-WORKER-SURVIVES-EXCEPTION",
     "the call raises: FINISHED with it; the worker lives on"),
    ("worker.exits", I, "EXE-SHUTDOWN-WAIT TPE-GC-DROPPED TPE-INTERPRETER-EXIT",
     "stopping and nothing queued: an idle worker exits"),
    ("callback.runs", I, "FUT-CB-ON-DONE FUT-CB-ORDER FUT-CB-THREAD FUT-CB-ONCE FUT-CB-RAISES",
     "the thread that completed the future calls its next callback"),
    # -- blocked calls (internal) ----------------------------------------------------------
    ("waiter.wakes", I, "FUT-RESULT-WAITS FUT-EXCEPTION-WAITS WAIT-FIRST-COMPLETED"
     " WAIT-FIRST-EXCEPTION WAIT-ALL-COMPLETED AC-YIELDS-AS-COMPLETE FUT-WAKES-WAITERS",
     "a signalled blocked call returns"),
    ("waiter.times-out", I, "FUT-RESULT-TIMEOUT FUT-EXCEPTION-TIMEOUT WAIT-TIMEOUT AC-TIMEOUT",
     "the timeout of a blocked call fires while its condition does not hold"),
    ("join.returns", I, "EXE-SHUTDOWN-WAIT TPE-INTERPRETER-EXIT",
     "every worker exited: shutdown(wait=True) or the exit join returns"),
)


def cites(rule: str) -> tuple[str, ...]:
    """The clause IDs a rule encodes.

    >>> cites("cancel.running")
    ('FUT-CANCEL-RUNNING',)
    """
    return RULES[rule].cites

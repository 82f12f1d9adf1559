"""Text for people: a client call and what it showed, and a state on one line.

Used by the explorer's counterexamples; the conformance machine can use the same words.
"""

from __future__ import annotations

from execspec.model import ops as O
from execspec.model.states import Raised, Result, Returned, State


def call_text(op: O.Op) -> str:
    """A client operation written as the Python call it stands for.

    >>> call_text(O.Wait((0, 1)))
    'wait([f0, f1], ALL_COMPLETED, timeout=None)'
    """
    if isinstance(op, O.Submit):
        return f"submit({op.task.value}" + (f" on f{op.awaits})" if op.awaits >= 0 else ")")
    if isinstance(op, O.Map):
        return f"map({', '.join(t.value for t in op.tasks)})"
    if isinstance(op, (O.GetResult, O.GetException)):
        name = "result" if isinstance(op, O.GetResult) else "exception"
        return f"f{op.fid}.{name}(timeout={op.timeout.value})"
    if isinstance(op, O.Shutdown):
        return f"shutdown(wait={op.wait}, cancel_futures={op.cancel_futures})"
    if isinstance(op, O.Wait):
        return f"wait({_fids(op.fids)}, {op.return_when.value}, timeout={op.timeout.value})"
    if isinstance(op, O.AsCompleted):
        return f"as_completed({_fids(op.fids)}, timeout={op.timeout.value})"
    if isinstance(op, O.AsCompletedNext):
        return f"next(it{op.iterator})"
    method = {
        O.Cancel: "cancel", O.Query: "cancelled/running/done", O.AddDoneCallback: "add_done_callback",
        O.SetRunningOrNotifyCancel: "set_running_or_notify_cancel", O.SetResult: "set_result",
        O.SetException: "set_exception",
    }.get(type(op))
    if method is not None:
        return f"f{getattr(op, 'fid')}.{method}()"
    return {O.NewFuture: "Future()", O.InterpreterExit: "<interpreter exit>",
            O.DropExecutor: "del executor"}.get(type(op), repr(op))


def _fids(fids: tuple[int, ...]) -> str:
    return "[" + ", ".join(f"f{i}" for i in fids) + "]"


def result_text(r: Result) -> str:
    """What a call showed: ``-> value``, ``raises Name`` or ``blocks (waiter n)``."""
    if isinstance(r, Returned):
        return f"-> {r.value!r}"
    if isinstance(r, Raised):
        return f"raises {r.exc}"
    return f"blocks (waiter {r.waiter})"


def describe(op: O.Op, r: Result) -> str:
    """A client call and what it showed, as a reader would write it.

    >>> describe(O.Cancel(0), Returned(True))
    'f0.cancel() -> True'
    >>> describe(O.Submit(), Returned(1))
    'submit(returns) -> f1'
    """
    shown = result_text(r)
    if isinstance(r, Returned):  # name the new futures and iterators as the rest of the path does
        if isinstance(op, (O.Submit, O.NewFuture)) and isinstance(r.value, int):
            shown = f"-> f{r.value}"
        elif isinstance(op, O.Map) and isinstance(r.value, tuple):
            shown = f"-> {_fids(r.value)}"
        elif isinstance(op, O.AsCompleted):
            shown = f"-> it{r.value}"
    return f"{call_text(op)} {shown}"


def state_text(s: State) -> str:
    """A state on one line: each future, the pool, each blocked call."""
    parts = []
    for i, f in enumerate(s.futures):
        words = [f"f{i}{'' if f.task else ' (bare)'} {f.state.value}"]
        if f.outcome is not None:
            words.append(f"outcome={f.outcome}")
        if f.runs:
            words.append(f"runs={f.runs}")
        if f.n_callbacks:
            words.append(f"callbacks called={list(f.called)} pending={list(f.callbacks)}")
        parts.append(" ".join(words))
    p = s.pool
    workers = [w.status.value + (f" f{w.task}" if w.task >= 0 else "") for w in p.workers]
    flags = [n for n in ("shutdown", "broken", "exiting", "dropped", "joined", "cancelling") if getattr(p, n)]
    queue = [f"f{q}" for q in p.queue]
    pool = f"pool max_workers={p.max_workers} queue={queue} workers={workers} {' '.join(flags)}"
    if p.delivering:  # a process pool's results on their way back (Options.queue_marks_running)
        pool = pool.rstrip() + f" delivering={[f'f{d}' for d in p.delivering]}"
    parts.append(pool.rstrip())
    for i, w in enumerate(s.waiters):
        status = result_text(w.result) if w.result is not None else "blocked"
        parts.append(f"waiter {i} {w.kind.value}{' signalled' if w.signalled else ''} {status}")
    return " | ".join(parts)

"""Failure reports: what went wrong, in the executor's terms, plus the trace table.

A report is built while the failed execution's greenlets still exist (their frames are the
evidence) and keeps only plain data, so it can outlive them. ``render()`` gives::

    DEADLOCK: worker 0 (ThreadPoolExecutor-0_0) waits on future b (wait_on_a), run by ...

    Wait-for cycle:
      worker 0 (ThreadPoolExecutor-0_0), running wait_on_b
        -> waits on future b (wait_on_a)
      ...
    Threads:
      main thread: interpreter exit: joins worker 0 (ThreadPoolExecutor-0_0)
          File "<docs ...>", line 14, in <module>
      ...
    Trace (one column per thread, one row per step):
      ...

The wait analysis lives in ``waits`` (frames read by ``frames``); this module
words it.
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Callable

from execspec.sched.kernel.execution import ExecutionOutcome as Outcome
from execspec.sched.kernel.outside import UncontrolledWait
from execspec.sched.kernel.runtime import CThread, Runtime, current_cthread
from execspec.sched.postmortem.frames import FrameInfo, frame_info, frame_kind, is_shim_file
from execspec.sched.postmortem.trace import trace_table
from execspec.sched.postmortem.waits import ThreadWait, WaitGraph, analyze

__all__ = ["EXPLAINER", "FailureReport", "Postmortem", "Report", "build_report", "has_wait_cycle",
           "outside_report", "trace_table", "uncontrolled_report"]


@dataclass
class FailureReport:
    """A failed execution, explained, as plain data (picklable: it crosses process pools).
    ``render()`` is the text a person reads; ``headline`` its first line."""

    outcome: Outcome
    headline: str
    cycle: list[str] = field(default_factory=list)
    threads: list[ThreadWait] = field(default_factory=list)
    exception: str = ""  # the formatted traceback (EXCEPTION)
    #: the escaped exception's class, e.g. "ModuleNotFoundError" (EXCEPTION; else "")
    exception_type: str = ""
    details: str = ""
    #: the raw steps (tid, Op, virtual time) and thread names, rendered on demand
    trace_rows: list[tuple[int, Any, float]] = field(default_factory=list, repr=False)
    thread_names: list[str] = field(default_factory=list, repr=False)

    @property
    def trace(self) -> str:
        """The trace table (rendered when asked: exploration rarely reads it)."""
        return trace_table(self.trace_rows, self.thread_names)

    def render(self) -> str:
        """The whole report as text (headline first)."""
        out = [self.headline, ""]
        if self.details:
            out += [self.details, ""]
        if self.cycle:
            out.append("Wait-for cycle:")
            out += [f"  {line}" for line in self.cycle]
            out.append("")
        if self.exception:
            out += ["Exception:", *[f"  {line}" for line in self.exception.rstrip().splitlines()], ""]
        if self.threads:
            out.append("Threads:")
            for tw in self.threads:
                state = "finished" if tw.done else (tw.waits or "runnable")
                task = f", running {tw.task}" if tw.task else ""
                out.append(f"  {tw.label}{task}: {state}")
                if not tw.done:
                    out += [f"      {line}" for line in _stack_lines(tw.stack)]
            out.append("")
        if self.trace:
            out += ["Trace (one column per thread, one row per step):", self.trace]
        return "\n".join(out).rstrip() + "\n"

    def __str__(self) -> str:
        return self.render()


#: the old name, kept: ``from execspec.sched import Report``
Report = FailureReport


def _stack_lines(stack: list[FrameInfo]) -> list[str]:
    """User frames in full; runs of executor/library frames folded into one line; the
    shim's own frames left out (their number depends on how the report was reached)."""
    lines: list[str] = []
    folded: list[FrameInfo] = []

    def flush() -> None:
        if folded:
            where = sorted({_short(f.filename) for f in folded})
            lines.append(f"[{len(folded)} frame{'s' * (len(folded) > 1)} in {', '.join(where)}]")
            folded.clear()

    for f in stack:
        if f.kind == "user":
            flush()
            lines += f.render().splitlines()
        elif f.kind != "shim":
            folded.append(f)
    flush()
    return lines


def _short(filename: str) -> str:
    if "/execspec/sched/" in filename:
        return "the shim"
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-3:]) if len(parts) > 3 else filename


# -- building ---------------------------------------------------------------------------

def _graph(rt: Runtime, current: CThread | None) -> WaitGraph:
    frame = sys._getframe() if current is not None else None
    return analyze(rt, current, frame)


def has_wait_cycle(rt: Runtime) -> bool:
    """True when blocked threads wait on each other in a cycle (through futures and queues)."""
    try:
        g = rt.extensions[WaitGraph] = _graph(rt, current_cthread())  # build_report reuses it
        return g.cycle() is not None
    except Exception:  # noqa: BLE001 - be conservative: a deadlock is the safer verdict
        return True


def _cycle_lines(g: WaitGraph, cycle: list[tuple[str, int]]) -> list[str]:
    lines = []
    for i, node in enumerate(cycle):
        name = g.nodes.get(node, str(node))
        if node[0] == "thread":
            tw = g.threads[node[1]]
            if i:
                prev = cycle[i - 1]
                if prev[0] == "thread":
                    lines.append(f"  -> {g.via.get((prev, node), 'waits on')}")
            lines.append(f"{name}" + (f", running {tw.task}" if tw.task else ""))
        else:
            note = g.notes.get(node, "")
            lines.append(f"  -> {'waits on ' if node[0] == 'future' else ''}{name}"
                         + (f" ({note})" if note and node[0] == "queue" else ""))
    first = g.nodes.get(cycle[0], "")
    if cycle[-1][0] == "thread":
        lines.append(f"  -> {g.via.get((cycle[-1], cycle[0]), 'waits on')}")
    lines.append(f"  -> back to {first}")
    return lines


def _cycle_headline(g: WaitGraph, cycle: list[tuple[str, int]]) -> str:
    threads = [n for n in cycle if n[0] == "thread"]
    futures = [n for n in cycle if n[0] == "future"]
    queues = [n for n in cycle if n[0] == "queue"]
    if len(threads) == 1 and queues and futures:
        tw = g.threads[threads[0][1]]
        fut = g.nodes[futures[0]]
        busy = g.notes.get(queues[0], "")
        who = "the only worker" if busy.startswith("the only worker") else tw.label
        where = g.notes.get(futures[0], "").replace("queued at ", "")
        return (f"{who} ({tw.name}) is busy running {tw.task or 'a task'}, which waits on {fut}, "
                f"queued behind it ({where})")

    def short(node: tuple[str, int]) -> str:
        if node[0] == "thread":
            tw = g.threads[node[1]]
            return tw.role if tw.role else tw.label
        return g.nodes.get(node, str(node))

    # "worker 0 waits on future b (wait_on_a), run by worker 1, which waits on ..., run by worker 0"
    text = short(cycle[0])
    for i, node in enumerate(cycle):
        text += _clause(g, node, cycle[(i + 1) % len(cycle)], short, first=i == 0)
    return text


def _clause(g: WaitGraph, node: tuple[str, int], nxt: tuple[str, int],
            name: Callable[[tuple[str, int]], str], first: bool) -> str:
    """The wait-for edge ``node -> nxt`` as the next clause of a headline: " waits on future
    b (wait_on_a)", ", run by worker 1", ... ``name`` words a node; ``first``: no clause yet."""
    if node[0] == "thread":
        how = g.via.get((node, nxt), "waits on")  # "waits for lock B, held by" / "joins"
        return (" " if first else ", which ") + f"{how} {name(nxt)}"
    if node[0] == "future" and nxt[0] == "thread":
        return f", run by {name(nxt)}"
    if node[0] == "future" and nxt[0] == "queue":
        return ", " + g.notes.get(node, f"queued in {name(nxt)}")  # "queued at position 1 in Q"
    if node[0] == "queue":
        return f", served by {name(nxt)}"
    return ""


def _chain_headline(g: WaitGraph) -> str:
    """No cycle: follow the main thread's waits to the dead end and say what that is."""
    node: tuple[str, int] = ("thread", 0)
    if g.threads[0].done or not g.threads[0].waits:
        blocked = [("thread", t) for t, tw in sorted(g.threads.items()) if tw.waits and not tw.done]
        if not blocked:
            return ""
        node = blocked[0]
    seen = {node}
    text = g.threads[node[1]].label

    def name(n: tuple[str, int]) -> str:
        return g.nodes.get(n, str(n))

    while True:
        succ = g.edges.get(node, [])
        if not succ:
            break
        nxt = succ[0]
        if nxt in seen:
            break
        seen.add(nxt)
        if node[0] == "thread" and len(succ) > 1:  # wait(): any/all of several futures
            text += (", which " if len(seen) > 2 else " ") + g.threads[node[1]].waits.split(";")[0]
            text += f"; {name(nxt)} is"
            node = nxt
            continue
        clause = _clause(g, node, nxt, name, first=len(seen) == 2)
        text += clause[1:] if text.endswith(" is") else clause  # "...; future a is run by ..."
        node = nxt
    if node[0] == "thread":
        tw = g.threads[node[1]]
        if len(seen) > 1:
            text += f", which {tw.waits}" if tw.waits else ""
        else:
            text += f" {tw.waits}"
    elif node[0] == "future":
        text += f" ({g.notes.get(node, 'nothing will complete it')})"
    return text


def build_report(rt: Runtime, outcome: Outcome, exc: BaseException | None,
                 thread: CThread | None) -> FailureReport:
    """The report for ``outcome``; never raises (a broken analysis is noted, not fatal)."""
    if outcome is Outcome.UNCONTROLLED_BLOCK and isinstance(exc, UncontrolledWait):
        return outside_report(rt, exc, thread)
    current = current_cthread()
    try:
        g: WaitGraph | None = rt.extensions.get(WaitGraph) or _graph(rt, current)
        note = ""
    except Exception as err:  # noqa: BLE001 - keep the report, say what broke
        g, note = None, f"(wait analysis failed: {err!r})"
    rep = FailureReport(outcome, outcome.name, details=note, trace_rows=rt.rows(),
                 thread_names=rt.thread_names())
    live = [tw for tw in g.threads.values()] if g is not None else []
    rep.threads = live
    if outcome is Outcome.DEADLOCK or outcome is Outcome.LEAKED_THREAD:
        cycle = g.cycle() if g is not None else None
        if cycle and g is not None:
            rep.cycle = _cycle_lines(g, cycle)
            rep.headline = f"{outcome.name}: {_cycle_headline(g, cycle)}"
        elif outcome is Outcome.DEADLOCK:
            chain = _chain_headline(g) if g is not None else ""
            rep.headline = "DEADLOCK: " + (chain or "no thread can run and no timed wait is pending")
        else:
            stuck = [tw for tw in live if not tw.done and tw.tid != 0]
            rep.headline = "LEAKED_THREAD: " + "; ".join(
                f"{tw.label} is still alive at interpreter exit ({tw.waits or 'blocked'})"
                for tw in stuck) if stuck else "LEAKED_THREAD"
    elif outcome is Outcome.EXCEPTION and exc is not None:
        who = "the scenario (main thread)" if thread is None or thread.tid == 0 else (
            g.threads[thread.tid].label if g is not None else thread.shim.name)
        rep.headline = f"EXCEPTION in {who}: {type(exc).__name__}: {exc}"
        if g is not None and thread is not None and thread.tid in g.threads:
            g.threads[thread.tid].waits = "raised the exception above"
        rep.exception = _format_exception(exc)
        rep.exception_type = type(exc).__name__
    elif outcome is Outcome.LIVELOCK:
        rep.headline = (f"LIVELOCK: the step bound ({rt.max_steps}) was exceeded at virtual time "
                        f"{rt.clock:g}; threads were still running (raise max_steps if the "
                        "scenario is just long)")
        tail = rt.trace[-200:]
        busy = Counter((op.thread, op.label or op.kind) for op in tail).most_common(3)
        names = rt.thread_names()
        rep.details = f"The last {len(tail)} steps: " + ", ".join(
            f"{names[tid]} {label} x{n}" for (tid, label), n in busy)
    return rep


def _format_exception(exc: BaseException) -> str:
    """The traceback without the shim's own frames (the scenario's caller, the runner)."""
    te = traceback.TracebackException.from_exception(exc)
    kept = [f for f in te.stack if not is_shim_file(f.filename)]
    te.stack = traceback.StackSummary.from_list(kept or list(te.stack))
    return "".join(te.format())


def uncontrolled_report(rt: Runtime, frame: FrameType | None,
                        stalled_for: float) -> FailureReport:
    """A controlled thread blocked outside the shim: name where, in its own code."""
    files = rt.env.files if rt.env is not None else set()
    tid = rt.trace[-1].thread if rt.trace else 0
    th = rt.threads[tid] if tid < len(rt.threads) else None
    stack: list[FrameInfo] = []
    f = frame
    while f is not None:
        stack.append(frame_info(f, frame_kind(f, files)))
        f = f.f_back
    stack.reverse()
    at = next((s for s in reversed(stack) if s.kind in ("user", "executor")), None)
    where = f'{at.filename}:{at.lineno} `{at.line}`' if at else "an unknown place"
    name = th.shim.name if th is not None else "?"
    rep = FailureReport(Outcome.UNCONTROLLED_BLOCK,
                 f"UNCONTROLLED_BLOCK: thread {name} made no scheduling step for "
                 f"{stalled_for:.1f} s: it blocks outside the shim at {where}",
                 details=("The shim controls only the primitives of env.threading, env.queue and "
                          "env.time (and of modules loaded with env.load). A real lock, a real "
                          "time.sleep or a real queue blocks the whole execution: create them "
                          "through the scenario's env instead. This execution was abandoned."),
                 trace_rows=rt.rows(), thread_names=rt.thread_names())
    rep.threads = [ThreadWait(tid, name, role="blocked thread", waits=f"blocked at {where}",
                              stack=[s for s in stack if s.kind != "shim"])]
    return rep


def outside_report(rt: Runtime, exc: UncontrolledWait, thread: CThread | None) -> FailureReport:
    """A controlled thread waits on something the shim does not control (``kernel.outside``):
    name the call, where it was made, and how to bring it under control."""
    files = rt.env.files if rt.env is not None else set()
    stack: list[FrameInfo] = []
    f = exc.frame
    while f is not None:
        stack.append(frame_info(f, frame_kind(f, files)))
        f = f.f_back
    stack.reverse()
    kept = [s for s in stack if s.kind != "shim"]
    at = next((s for s in reversed(kept) if s.kind in ("user", "executor")), kept[-1] if kept else None)
    where = f"{_short(at.filename)}:{at.lineno} `{at.line}`" if at else "an unknown place"
    name = thread.shim.name if thread is not None else "?"
    w = exc.wait
    rep = FailureReport(Outcome.UNCONTROLLED_BLOCK,
                        f"UNCONTROLLED_BLOCK: thread {name} waits on {w.on}, which the shim does "
                        f"not control: {w.call} at {where}",
                        details=f"Virtual time was not advanced past it. Fix: {w.hint}.",
                        trace_rows=rt.rows(), thread_names=rt.thread_names())
    rep.threads = [ThreadWait(thread.tid if thread is not None else 0, name, role="blocked thread",
                              waits=f"waits on {w.on}: {w.call}", stack=kept)]
    return rep


class Postmortem:
    """The ``Explainer`` ``run_once`` hands the runtime: the wait analysis and this report."""

    def explain(self, rt: Runtime, outcome: Outcome, exc: BaseException | None,
                thread: CThread | None) -> FailureReport:
        """``build_report``."""
        return build_report(rt, outcome, exc, thread)

    def has_wait_cycle(self, rt: Runtime) -> bool:
        """``has_wait_cycle``."""
        return has_wait_cycle(rt)


EXPLAINER = Postmortem()

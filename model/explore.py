"""An explicit-state explorer: every reachable model state for small bounds, every invariant.

Breadth-first, like TLC: from a fresh executor it fires every client operation the
:class:`Bounds` allow and every internal step, in every order, stores each distinct state once,
and checks every invariant of :mod:`execspec.model.invariants` on every state and step. Being
breadth-first, the first violation it meets has a shortest path, which it prints step by step.

>>> report = explore(BOUNDS["tiny"])
>>> report.ok, report.distinct_states > 0
(True, True)
>>> print(main_report(["tiny"]))  # doctest: +ELLIPSIS
bounds tiny: ... distinct states, ... transitions, depth ..., no invariant violated ...
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Union

from execspec.model import ops as O
from execspec.model.invariants import violated_by_step, violated_in_state
from execspec.model.render import describe, state_text
from execspec.model.states import (
    CPYTHON,
    CPYTHON_PROCESS_POOL,
    DOCS,
    Blocked,
    InitKind,
    Options,
    Outcome,
    Result,
    ReturnWhen,
    State,
    Step,
    TaskKind,
    Timeout,
    initial,
)


@dataclass(frozen=True)
class Bounds:
    """How much of the model to explore: each bound a documented setting."""

    max_workers: int = 1
    futures: int = 2  # futures made over a run (submitted or bare)
    bare: int = 0  # of which at most this many bare Future() objects
    tasks: tuple[TaskKind, ...] = (TaskKind.RETURNS, TaskKind.RAISES)
    init: InitKind = InitKind.NONE
    callbacks: int = 1  # add_done_callback calls per future
    waiters: int = 1  # blocked calls over a run
    timeouts: tuple[Timeout, ...] = (Timeout.ZERO, Timeout.NONE)  # for result, wait, as_completed
    exception_timeouts: tuple[Timeout, ...] = (Timeout.ZERO,)  # for exception()
    return_when: tuple[ReturnWhen, ...] = tuple(ReturnWhen)
    iterators: int = 0  # as_completed() calls over a run
    shutdown: bool = True  # shutdown(wait, cancel_futures) in all four forms
    exit: bool = False  # interpreter exit
    drop: bool = False  # dropping the executor
    options: Options = DOCS


_R, _X, _W = TaskKind.RETURNS, TaskKind.RAISES, TaskKind.WAITS
_FC, _FE, _AC = ReturnWhen.FIRST_COMPLETED, ReturnWhen.FIRST_EXCEPTION, ReturnWhen.ALL_COMPLETED
_BLOCK, _ZERO, _FINITE = (Timeout.NONE,), (Timeout.ZERO,), (Timeout.FINITE,)

#: Named bound configurations; ``model/manifest.json`` records what each explores.
BOUNDS: dict[str, Bounds] = {
    # fast tier: every area of the model, a few seconds in all
    "tiny": Bounds(futures=1, callbacks=2),
    "w2f2": Bounds(max_workers=2, futures=2, tasks=(_R,), return_when=(_FC,)),
    "w1f2-exit": Bounds(futures=2, tasks=(_X,), return_when=(_FE,), timeouts=_BLOCK,
                        exception_timeouts=_ZERO + _BLOCK, exit=True, drop=True),
    "bare2": Bounds(futures=2, bare=2, tasks=(), return_when=(_FC,), timeouts=_BLOCK,
                    shutdown=False),
    "mixed": Bounds(futures=2, bare=1, tasks=(_R,), return_when=(_AC,), timeouts=_BLOCK,
                    shutdown=False),
    "init-ok": Bounds(max_workers=2, futures=2, init=InitKind.OK, tasks=(_R,),
                      return_when=(_FC,), timeouts=_BLOCK),
    "init-fails": Bounds(max_workers=2, futures=2, init=InitKind.FAILS, tasks=(_R,),
                         return_when=(_FC,)),
    "ac": Bounds(futures=2, iterators=1, tasks=(_R,), return_when=(), timeouts=_FINITE,
                 shutdown=False),
    "ac0": Bounds(futures=1, iterators=1, tasks=(_R,), return_when=(), timeouts=_ZERO,
                  shutdown=False),
    "cpython": Bounds(futures=2, tasks=(_R,), return_when=(_AC,), options=CPYTHON),
    # a process pool's call queue (queue_marks_running): two calls marked RUNNING ahead of one worker
    "process": Bounds(futures=3, tasks=(_R,), callbacks=0, return_when=(_AC,), timeouts=_BLOCK,
                      options=CPYTHON_PROCESS_POOL),
    # tasks that wait on futures: both of the docs' deadlocks (DL-*), the self-submit one on one
    # worker, mutual waits on two
    "waits-w1": Bounds(futures=2, tasks=(_R, _W), callbacks=0, return_when=(), timeouts=_BLOCK),
    "waits-w2": Bounds(max_workers=2, futures=2, tasks=(_R, _W), callbacks=0, return_when=(),
                       timeouts=_BLOCK),
    # slow tier: every operation in every form
    "w1f2-full": Bounds(futures=2, exit=True, drop=True),
    "w2f2-full": Bounds(max_workers=2, futures=2),
    "bare2-full": Bounds(futures=2, bare=2, tasks=(_R,)),
    "init-ok-full": Bounds(max_workers=2, futures=2, init=InitKind.OK),
    "cpython-full": Bounds(futures=2, options=CPYTHON),
    "w2f3": Bounds(max_workers=2, futures=3, tasks=(_R,), return_when=(_FC,), timeouts=_BLOCK),
    "w2f3-full": Bounds(max_workers=2, futures=3, return_when=(_FE,)),
    "ac-full": Bounds(futures=2, iterators=1, tasks=(_R,), return_when=(), timeouts=_ZERO + _FINITE,
                      exception_timeouts=_ZERO + _FINITE),
}
FAST = ("tiny", "w2f2", "w1f2-exit", "bare2", "mixed", "init-ok", "init-fails", "ac", "ac0",
        "cpython", "process", "waits-w1", "waits-w2")
SLOW = tuple(n for n in BOUNDS if n not in FAST)

AllowedFn = Callable[[State, "O.Op", Options], frozenset[Outcome]]
InternalFn = Callable[[State, Options], tuple[Step, ...]]


@dataclass(frozen=True)
class Model:
    """The transition relation the explorer walks; broken variants swap a function."""

    name: str = "docs"
    allowed: AllowedFn = O.allowed
    internal: InternalFn = O.internal_successors


def client_ops(s: State, b: Bounds) -> Iterator[O.Op]:
    """Every client operation the bounds allow in ``s``."""
    n, p = len(s.futures), s.pool
    fids = tuple(range(n))
    if not p.dropped:
        if n < b.futures:
            yield from (O.Submit(t) for t in b.tasks if t is not TaskKind.WAITS)
            if TaskKind.WAITS in b.tasks:  # on an earlier future, or the next one (DL-*)
                yield from (O.Submit(TaskKind.WAITS, k) for k in range(n + 2) if k != n and k < b.futures)
        mappable = tuple(t for t in b.tasks if t is not TaskKind.WAITS)
        if n + 2 <= b.futures and mappable:
            yield O.Map((mappable[0], mappable[-1]))
        if b.shutdown:
            yield from (O.Shutdown(w, c) for w in (False, True) for c in (False, True))
        if b.exit and not p.exiting:
            yield O.InterpreterExit()
        if b.drop:
            yield O.DropExecutor()
    if n < b.futures and sum(f.task is None for f in s.futures) < b.bare:
        yield O.NewFuture()
    for fid, f in enumerate(s.futures):
        yield from (O.Cancel(fid), O.Query(fid))
        yield from (O.GetResult(fid, t) for t in b.timeouts)
        yield from (O.GetException(fid, t) for t in b.exception_timeouts)
        if f.n_callbacks < b.callbacks:
            yield O.AddDoneCallback(fid)
        if f.task is None:
            yield from (O.SetRunningOrNotifyCancel(fid), O.SetResult(fid), O.SetException(fid))
    if fids:
        yield from (O.Wait(fids, rw, t) for rw in b.return_when for t in b.timeouts)
        if len(s.iterators) < b.iterators:
            yield from (O.AsCompleted(fids, t) for t in b.timeouts)
    for i, it in enumerate(s.iterators):
        if not it.over and not any(w.blocked and w.iterator == i for w in s.waiters):
            yield O.AsCompletedNext(i)


Label = Union[str, tuple["O.Op", Result]]  # a step's label, or the call and its result


def label_text(label: Label) -> str:
    """A label as text (calls are described only when a path is printed)."""
    return label if isinstance(label, str) else describe(*label)


def successors(s: State, b: Bounds, model: Model) -> Iterator[tuple[str, Label, State]]:
    """(rule, label, next state) for every client outcome and internal step within bounds."""
    for op in client_ops(s, b):
        for o in model.allowed(s, op, b.options):
            if isinstance(o.result, Blocked) and len(o.state.waiters) > b.waiters:
                continue
            yield o.rule, (op, o.result), o.state
    for st in model.internal(s, b.options):
        yield st.rule, st.label, st.state


@dataclass(frozen=True)
class Violation:
    """An invariant broken, and the shortest path that breaks it."""

    invariants: tuple[str, ...]
    path: tuple[tuple[str, str], ...]  # (rule, label) per step from the initial state
    state: State

    def render(self) -> str:
        """The counterexample, step by step."""
        broken = ", ".join(self.invariants)
        lines = [f"invariant {broken} violated after {len(self.path)} steps (shortest, BFS):"]
        lines.append("  0  initial state: a fresh executor, no futures")
        for i, (rule, label) in enumerate(self.path, 1):
            lines.append(f"  {i:<2} {label:<60} [{rule}]")
        lines.append(f"  state: {state_text(self.state)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """What one exploration saw, like TLC's summary."""

    bounds: str
    model: str
    distinct_states: int
    transitions: int
    depth: int
    seconds: float
    quiescent_states: int
    violation: Violation | None = None
    rules_fired: frozenset[str] = field(default=frozenset())

    @property
    def ok(self) -> bool:
        """No invariant was violated."""
        return self.violation is None

    def render(self) -> str:
        """One summary line (and the counterexample, if any)."""
        verdict = "no invariant violated" if self.ok else "INVARIANT VIOLATED"
        line = (
            f"bounds {self.bounds}: {self.distinct_states} distinct states, {self.transitions} "
            f"transitions, depth {self.depth}, {verdict} ({self.seconds:.2f} s, model {self.model})"
        )
        return line if self.violation is None else line + "\n" + self.violation.render()


Visit = Callable[[State, str, State], None]


def explore(
    b: Bounds, model: Model = Model(), name: str = "custom", visit: Visit | None = None
) -> Report:
    """Walk every reachable state within ``b``; stop at the first invariant violated.

    ``visit(before, rule, after)`` is called on every transition (the diagrams use it)."""
    name = next((k for k, v in BOUNDS.items() if v == b), name)
    start = time.perf_counter()
    init = initial(b.max_workers, b.init)
    parent: dict[State, tuple[State, str, Label] | None] = {init: None}
    frontier, depth, transitions, quiescent = deque([(init, 0)]), 0, 0, 0
    fired: set[str] = set()

    def _report(violation: Violation | None) -> Report:
        return Report(name, model.name, len(parent), transitions, depth, time.perf_counter() - start,
                      quiescent, violation, frozenset(fired))

    while frontier:
        s, d = frontier.popleft()
        depth = max(depth, d)
        internal = model.internal(s, b.options)
        quiescent += not internal
        bad = violated_in_state(s, b.options, quiescent=not internal)
        if bad:
            return _report(Violation(tuple(dict.fromkeys(i.id for i in bad)), _path(parent, s), s))
        for rule, label, t in successors(s, b, model):
            transitions += 1
            fired.add(rule)
            if visit is not None:
                visit(s, rule, t)
            call = label if isinstance(label, tuple) else None
            bad = violated_by_step(s, t, call, b.options)
            if t not in parent:
                parent[t] = (s, rule, label)
                frontier.append((t, d + 1))
            if bad:
                path = _path(parent, s) + ((rule, label_text(label)),)
                return _report(Violation(tuple(dict.fromkeys(i.id for i in bad)), path, t))
    return _report(None)


def _path(parent: dict[State, tuple[State, str, Label] | None], s: State) -> tuple[tuple[str, str], ...]:
    steps: list[tuple[str, str]] = []
    link = parent[s]
    while link is not None:
        prev, rule, label = link
        steps.append((rule, label_text(label)))
        link = parent[prev]
    return tuple(reversed(steps))


def run(names: Sequence[str] | None = None) -> list[Report]:
    """Explore the named bound configurations (default: the fast tier, or the comma-separated
    names in the environment variable ``EXECSPEC_BOUNDS``)."""
    if names is None:
        env = os.environ.get("EXECSPEC_BOUNDS")
        names = env.split(",") if env else FAST
    unknown = [n for n in names if n not in BOUNDS]
    if unknown:
        raise ValueError(f"unknown bounds {unknown}: choose from {', '.join(BOUNDS)}")
    return [explore(BOUNDS[n], name=n) for n in names]


def main_report(bounds: Sequence[str] | None = None) -> str:
    """One summary line per bound configuration (and any counterexample), like TLC prints."""
    return "\n".join(r.render() for r in run(bounds))


def summary(bounds: Sequence[str] | None = None) -> str:
    """One line for ``execspec check``: the explorer over the fast tier, totals only."""
    reports = run(bounds)
    bad = [r.bounds for r in reports if not r.ok]
    verdict = f"invariant violated at {', '.join(bad)}" if bad else "no invariant violated"
    return (
        f"model: {len(reports)} bound configurations, "
        f"{sum(r.distinct_states for r in reports)} distinct states, "
        f"{sum(r.transitions for r in reports)} transitions, {verdict} "
        f"({sum(r.seconds for r in reports):.1f} s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``execspec explore [BOUNDS ...] [--slow | --all] [--list]``; 1 if an invariant broke."""
    import argparse

    parser = argparse.ArgumentParser(prog="execspec explore", description=__doc__.split("\n")[0])
    parser.add_argument("bounds", nargs="*", help=f"bound configurations (default: {' '.join(FAST)})")
    parser.add_argument("--slow", action="store_true", help="the slow tier's configurations")
    parser.add_argument("--all", action="store_true", help="every configuration")
    parser.add_argument("--list", action="store_true", help="list the configurations and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, b in BOUNDS.items():
            print(f"{name:<14} {'fast' if name in FAST else 'slow'}  {b}")
        return 0
    names = list(BOUNDS) if args.all else list(SLOW) if args.slow else (args.bounds or None)
    try:
        reports = run(names)
    except ValueError as e:
        parser.error(str(e))
    for r in reports:
        print(r.render(), flush=True)
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

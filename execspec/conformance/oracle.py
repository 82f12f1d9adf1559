"""The oracle: the model's belief state, narrowed by every observation the machine makes.

After each action the machine hands the oracle what it saw; the oracle keeps the set of model
states consistent with everything so far (``execspec.model.observe``) and raises
:class:`Violation` the moment that set is empty, naming the clauses that said what should
have happened instead. The oracle never looks at an executor: only at observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from execspec.conformance.driver import Snapshot
from execspec.conformance.timing import TimingFault
from execspec.model import (
    DOCS, Blocked, Cancel, Err, FState, FutureView, InitKind, Op, Options, Result, State, advance, cites,
    closure, explain, initial,
)
from execspec.model.future import FALSY
from execspec.model.pool import outcome_of
from execspec.model.observe import (
    advance_any, explain_return, forget, observe_calls, pending_steps, quiescent,
)


@dataclass
class Violation(AssertionError):
    """An observation no state of the model explains.

    ``clauses`` are the clause IDs whose rules said what was allowed instead; ``what`` says
    what was seen and what the model allowed, in words; ``kind`` is one of ``call`` (a call
    returned what no rule allows), ``view`` (a future or a call showed what no internal step
    leads to), ``progress`` (the executor stopped while the model says something is still due),
    ``hang`` (a call the model says returns did not) or ``time`` (a timed call returned at the
    wrong instant: ``timing`` says when it began, returned, and should have; see
    :mod:`execspec.conformance.timing`).
    """

    kind: str
    what: str
    clauses: tuple[str, ...]
    step: int = -1  # the index of the action that showed it (set by the machine)
    due: tuple[str, ...] = ()  # a progress violation: the model rules still due
    timing: TimingFault | None = None  # a time violation: the call's clock readings

    def __post_init__(self) -> None:
        super().__init__(self.what)

    def __str__(self) -> str:
        return f"{self.kind} violation ({', '.join(self.clauses) or 'no clause'}): {self.what}"


def _view_of(s: State, fid: int) -> FutureView:
    f = s.futures[fid]
    return FutureView(f.state, f.outcome, f.called, f.runs > 0)


def _shown(s: State, fid: int, seen: FutureView | bool) -> bool:
    return (s.futures[fid].runs > 0) == seen if isinstance(seen, bool) else _view_of(s, fid) == seen


@dataclass
class Oracle:
    """The belief state of one machine run."""

    opts: Options = DOCS
    beliefs: frozenset[State] = frozenset()
    outstanding: list[Op] = field(default_factory=list)  # calls seen blocked, not yet returned
    #: per outstanding call, the clauses on what it may return (taken when it blocked: an
    #: outstanding call cannot be asked about again)
    blocked_clauses: list[tuple[str, ...]] = field(default_factory=list)
    default_clause: str | None = None  # see create()
    #: the last call: the beliefs before it, the op, what it showed, the held futures then
    last: tuple[frozenset[State], Op, Result, frozenset[int]] | None = None
    #: futures whose tasks are parked on a closed gate: they cannot finish until it opens (the
    #: machine sets this before each observation)
    held: frozenset[int] = frozenset()

    def create(self, max_workers: int, init: InitKind, default_clause: str | None = None) -> None:
        """A fresh executor; ``default_clause`` names the clause that set ``max_workers`` when
        the client asked for the default (a worker that never comes is then that clause's)."""
        self.beliefs = frozenset({initial(max_workers, init)})
        self.default_clause = default_clause

    def may_block(self, op: Op) -> bool:
        """Whether the model lets ``op`` block now (so the driver must not wait for it)."""
        return any(isinstance(r, Blocked) for r in explain(self.beliefs, op, self.opts, self.held))

    def call(self, op: Op, result: Result | None) -> None:
        """``op`` showed ``result`` (None: it is blocked, and outstanding from now on)."""
        keep = len(self.outstanding)
        shown = Blocked(keep) if result is None else result
        after = advance(self.beliefs, op, shown, opts=self.opts, held=self.held)
        if not after:
            allowed = explain(self.beliefs, op, self.opts, self.held)
            said = "; ".join(f"{repr(r)} ({', '.join(c)})" for r, c in allowed.items())
            clauses = {c for cs in allowed.values() for c in cs}
            if self._last_call_to_blame(op, shown):
                clauses |= set(self._rested())
            raise Violation("call", f"{op!r} showed {repr(shown)}; the model allows: {said}",
                            tuple(sorted(clauses)))
        if result is None:
            self.outstanding.append(op)
            self.blocked_clauses.append(tuple(sorted({c for cs in explain(self.beliefs, op, self.opts, self.held)
                                                      .values() for c in cs})))
            keep += 1
        self.last = (self.beliefs, op, shown, self.held)  # what is seen next may contradict it
        self.beliefs = frozenset(forget(s, keep) for s in after)

    def cancel_any(self, fids: tuple[int, ...]) -> None:
        """The client cancelled these futures and did not see the answers (a map iterator's
        clean-up does that)."""
        for fid in fids:
            self.beliefs = frozenset(advance_any(self.beliefs, Cancel(fid), self.opts, self.held))

    def snapshot(self, snap: Snapshot, returned: list[int]) -> None:
        """The client saw ``snap`` at one instant; ``returned`` outstanding calls are done."""
        after = observe_calls(self.beliefs, snap.futures, snap.returns, self.opts, self.held)
        if not after:
            raise self._blame(snap)
        self.outstanding = [op for i, op in enumerate(self.outstanding) if i not in returned]
        self.blocked_clauses = [c for i, c in enumerate(self.blocked_clauses) if i not in returned]
        keep = len(self.outstanding)
        self.beliefs = frozenset(forget(s, len(s.waiters), returned) for s in after)
        assert all(len(s.waiters) == keep for s in self.beliefs)

    def settled(self, held: frozenset[int], waited: str = "") -> None:
        """Every thread of the executor is parked (the shim knows; on real threads, ``waited``
        says how long the machine waited for that): nothing may still be due but the tasks
        parked on closed gates."""
        after = quiescent(self.beliefs, held, self.opts)
        if not after:
            steps = {t.rule: t.label for s in self.beliefs for t in pending_steps(s, held, self.opts)}
            taking = bool({"worker.takes", "worker.dequeues"} & set(steps))  # a worker should take a call
            clauses = tuple(sorted({c for rule in steps for c in cites(rule)}
                                   | ({self.default_clause} if self.default_clause and taking else set())))
            if taking and any(isinstance(f.outcome, Err)
                                               for st in self.beliefs for f in st.futures):
                clauses = tuple(sorted(set(clauses) | {"TPE-WORKER-SURVIVES-EXCEPTION"}))  # a task raised before
            raise Violation("progress", f"{waited}every thread of the executor is parked, but the model says "
                            f"these steps are still due: {', '.join(sorted(steps.values()))}", clauses,
                            due=tuple(sorted(steps)))
        self.beliefs = after

    def hung(self, op: Op, bound: str) -> Violation:
        allowed = explain(self.beliefs, op, self.opts, self.held)
        clauses = tuple(sorted({c for cs in allowed.values() for c in cs}))
        return Violation("hang", f"{op!r} {bound}; the model says it returns "
                         f"({', '.join(repr(r) for r in allowed)})", clauses)

    def _blame(self, snap: Snapshot) -> Violation:
        """Which part of a snapshot no state explains, and the clauses about that part, with
        the clauses the last call's result rested on (a view right after a call that returned
        too early contradicts what the call said)."""
        v = self._blame_part(snap)
        # a cancelled future whose task began is no state of the model at all, however early or
        # late the last call returned: what that call's result rested on would be named for nothing
        impossible = any(isinstance(f, FutureView) and f.state is FState.CANCELLED and f.started
                         for f in snap.futures) or self._outcome_not_the_tasks(snap)
        if not impossible:
            rested = self._rested()
            if rested and self._view_after_another_result(snap):
                # what is seen is what the last call would have led to, had it shown anything
                # else: its result is what broke the contract (a shutdown(wait=True) that returned
                # before the work was done), not the clauses about the view
                v.clauses = tuple(sorted(rested))
            else:
                v.clauses = tuple(sorted(set(v.clauses) | set(rested)))
        if all(s.pool.init is InitKind.FAILS for s in self.beliefs):
            v.clauses = tuple(sorted(set(v.clauses) | {"TPE-INITIALIZER-FAILS-PENDING"}))
        return v

    def _outcome_not_the_tasks(self, snap: Snapshot) -> bool:
        """Whether a pool future shows an outcome its task cannot end with (its kind fixes it):
        no earlier call's result bears on that either."""
        for fid, seen in enumerate(snap.futures):
            if not (isinstance(seen, FutureView) and seen.state is FState.FINISHED):
                continue
            tasks = {s.futures[fid].task for s in self.beliefs if fid < len(s.futures)}
            if tasks and None not in tasks and all(outcome_of(fid, t) != seen.outcome for t in tasks):
                return True
        return False

    def _rested(self) -> tuple[str, ...]:
        """The clauses the last call's result rested on: the rules that let it show that
        result directly or, for a call that blocked inside and came back, the rules that
        brought it back (a ``shutdown(wait=True)`` that returned while a task still ran is
        contradicted only by what is seen later)."""
        if self.last is None:
            return ()
        before, op, shown, held = self.last
        direct = explain(before, op, self.opts, held).get(shown, ())
        if direct or isinstance(shown, Blocked):
            return direct
        return explain_return(before, op, shown, self.opts, held)

    def _last_call_to_blame(self, op: Op, shown: Result) -> bool:
        """Whether ``op`` showing ``shown`` would be explained had the last call shown
        anything else: then that call's result is as much to blame as this one."""
        if self.last is None:
            return False
        before, last_op, _, held = self.last
        keep = len(self.outstanding)
        relaxed = frozenset(forget(s, keep) for s in advance_any(before, last_op, self.opts, held))
        return bool(advance(relaxed, op, shown, opts=self.opts, held=self.held))

    def _view_after_another_result(self, snap: Snapshot) -> bool:
        """Whether ``snap`` is explained had the last call shown any result the model allows
        (the observations since it are part of the beliefs only through that result)."""
        if self.last is None:
            return False
        before, last_op, _, held = self.last
        keep = len(snap.returns)
        relaxed = frozenset(forget(s, keep) for s in advance_any(before, last_op, self.opts, held))
        return bool(observe_calls(relaxed, snap.futures, snap.returns, self.opts, self.held))

    def _blame_part(self, snap: Snapshot) -> Violation:
        states = closure(self.beliefs, self.opts, held=self.held)
        for fid, seen in enumerate(snap.futures):
            if any(_shown(s, fid, seen) for s in states):
                continue
            allowed = sorted({_fmt_view(_view_of(s, fid), isinstance(seen, bool)) for s in states})
            return Violation("view", f"future {fid} showed {_fmt_view(seen, isinstance(seen, bool))}; "
                             f"the model allows {' | '.join(allowed)}", _view_clauses(seen, states, fid))
        for i, r in enumerate(snap.returns):
            if any(s.waiters[i].result == r for s in states if len(s.waiters) > i):
                continue
            op = self.outstanding[i]
            could = {s.waiters[i].result for s in states if len(s.waiters) > i}
            return Violation("view", f"blocked call {op!r} showed {repr(r) if r else 'still blocked'}; "
                             f"the model allows {' | '.join(sorted(repr(a) if a else 'still blocked' for a in could))}",
                             self.blocked_clauses[i] if i < len(self.blocked_clauses) else ())
        return Violation("view", "each future alone is explained, but not all of them at once: "
                         f"{snap}", ("INV-RUNNING-HAS-WORKER", "INV-WORKERS-BOUNDED", "TPE-MAX-WORKERS-BOUND"))


def _view_clauses(seen: FutureView | bool, states: frozenset[State], fid: int) -> tuple[str, ...]:
    if isinstance(seen, bool):  # a future made by map(): its task began, or did not
        return ("EXE-MAP-EAGER", "EXE-MAP-CLOSE-CANCELS", "INV-PROGRESS") if not seen else \
            ("INV-CANCELLED-NEVER-RUNS", "INV-RUN-AT-MOST-ONCE")
    out: set[str] = set()
    if seen.state is FState.CANCELLED and seen.started:
        out |= {"INV-CANCELLED-NEVER-RUNS", "FUT-CANCEL-PENDING"}
    if len(set(seen.called)) < len(seen.called):
        out |= {"FUT-CB-ONCE", "INV-CB-EXACTLY-ONCE"}
    views = [_view_of(s, fid) for s in states]
    if seen.state not in {v.state for v in views}:
        out |= {"FUT-STATES", "INV-TERMINAL-STABLE"} if seen.state is not FState.RUNNING else \
            {"TPE-MAX-WORKERS-BOUND", "INV-WORKERS-BOUNDED", "INV-RUNNING-HAS-WORKER", "FUT-RUNNING"}
    if seen.state is FState.FINISHED and seen.outcome not in {v.outcome for v in views}:
        out |= {"FUT-RESULT-VALUE", "FUT-RESULT-RAISES", "INV-RESULT-STABLE"}
        if Err(FALSY) in {v.outcome for v in views} and not isinstance(seen.outcome, Err):
            out.add("FUT-RESULT-FALSY-EXC")  # a falsy exception taken for no exception (`if exc:`)
    if not out and seen.started not in {v.started for v in views if v.state is seen.state}:
        out |= {"INV-CANCELLED-NEVER-RUNS", "INV-RUN-AT-MOST-ONCE", "FUT-SRN-PENDING"}
    if not out:
        out |= {"FUT-CB-ON-DONE", "FUT-CB-ORDER", "INV-CB-EXACTLY-ONCE"}
    return tuple(sorted(out))


def _fmt_view(v: FutureView | bool, started_only: bool) -> str:
    if isinstance(v, bool):
        return "task begun" if v else "task not begun"
    if started_only:
        return "task begun" if v.started else "task not begun"
    out = v.state.value + (f" {v.outcome}" if v.outcome is not None else "")
    return out + (f" callbacks {list(v.called)}" if v.called else "") + (" (task begun)" if v.started else "")

"""The loop every rule of the conformance machine goes through: perform an action through the
session, hand what it showed to the oracles, keep the shortest violation, and tell a documented
divergence of CPython's stdlib (one the CPYTHON options explain) from a violation.

The rules themselves are in :mod:`execspec.conformance.machine`; this is the part that does not
depend on which rules there are.
"""

from __future__ import annotations

import enum
import functools
import itertools
import os
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, ClassVar, NoReturn

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

from execspec.conformance.actions import TIMEOUTS, Action, Call, MapNext
from execspec.conformance.driver import HarnessError
from execspec.conformance.oracle import Oracle, Violation
from execspec.conformance.session import Record, Session, ShimSession
from execspec.conformance.timing import Deadline, judge
from execspec.model import (
    DEPARTS_FROM, DOCS, NEEDS, AddDoneCallback, AsCompleted, AsCompletedNext, DoneAndNotDone, Err, FutureView, GetException,
    GetResult, Map, Options, Raised, Result, Returned, ReturnWhen, Shutdown, Timeout, Wait, cpython_options,
)
from execspec.model.waiters import wait_condition
from execspec.targets.kind import takes_keyword


#: AC-TIMEOUT-FROM-CALL: CPython's as_completed() is a generator, so its deadline counts from
#: the first next() instead of the call (a divergence of the stdlib, judged here: the model has
#: no clock)
AC_FROM_CALL = "AC-TIMEOUT-FROM-CALL"

#: the divergences the machine judges on its own clock, beside the model's options
#: (``DEPARTS_FROM``): the reading's name and the clauses it departs from
CLOCK_DIVERGENCES: dict[str, tuple[str, ...]] = {"as_completed_counts_from_first_next": (AC_FROM_CALL,)}


class Mode(enum.Enum):
    """Where the machine runs the target."""

    SHIM = "shim"  # under the scheduler shim: deterministic, interleavings chosen and shrunk
    THREADS = "threads"  # on real threads: any executor, bounded real waits


@dataclass
class Divergence:
    """A documented upstream divergence the machine saw (CPython's stdlib only)."""

    option: str
    clauses: tuple[str, ...]
    violation: Violation
    actions: list[Action]


@dataclass
class Found:
    """A violation and the actions (with their schedule seeds) that showed it."""

    violation: Violation
    actions: list[Action]
    seeds: list[int]
    first_seen: float  # when the first violation of this run was seen (monotonic seconds)
    shape: str | None = None  # the enumerated shape that showed it (None: Hypothesis generated it)
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # the rule calls (replay)


class ShrinkBudgetSpent(BaseException):
    """Stops Hypothesis once shrinking has had its budget: the shortest violation so far is kept.
    A BaseException, so that Hypothesis does not take it for a failure of the target."""


class KnownViolation(Exception):
    """A violation naming a clause an earlier round of the run already found (``Observing.ignored``):
    the rule under way stops, and the example ends as a documented deadlock ends one (``ended``:
    no rule but the idle settle applies, the invariants rest), not as a new failure, so the round
    looks for what else is broken. Raising nothing into Hypothesis keeps its data generation the
    same whether the violation is met or not."""


class BudgetSpent(BaseException):
    """Stops the machine once its run has had its budget (``Profile.budget``) and nothing was
    found: no example starts after it, and the examples that ran are what the run reports.
    A BaseException for the same reason as ``ShrinkBudgetSpent``."""


#: real seconds a Settle on real threads waits for the model to have nothing more due
SETTLE_BOUND = 5.0


def default_workers(shim: bool) -> int:
    """What ``max_workers=None`` means (TPE-MAX-WORKERS-DEFAULT-38/-313): CPUs + 4, at most 32.
    Under the shim the CPU count is the execution's fixed 2."""
    if shim:
        return 6
    count = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return min(32, count + 4)


class FixedData:
    """Draws for actions the machine makes itself (the teardown's): schedule seed 0, the
    simplest interleaving."""

    def draw(self, strategy: Any, label: str = "") -> int:
        return 0


def _departed(departs: tuple[str, ...], named: tuple[str, ...]) -> tuple[str, ...]:
    """The clauses a divergence is charged to: those of the option that the docs reading's
    violation named; failing that, those of its areas (a wait() that CPython's reading
    explains breaks the wait clause, not as_completed's); failing that, all of them."""
    exact = tuple(c for c in departs if c in named)
    if exact:
        return exact
    areas = {c.split("-")[0] for c in named}
    return tuple(c for c in departs if c.split("-")[0] in areas) or departs


class Observing(RuleBasedStateMachine):
    """A state machine whose every observation goes to the model's oracles."""


    make_session: ClassVar[list[Callable[[], Session]]]  # [0]: makes a fresh session per example
    shim: ClassVar[bool]
    cpython: ClassVar[bool]  # the target is CPython's stdlib: divergences are recorded, not raised
    #: the reading beside the docs' that a violation is tried against, so that one a known
    #: departure explains names that departure's clauses alone (DEPARTS_FROM) and the example
    #: goes on: CPython's for its stdlib, a process pool's for process pools, else none
    reading: ClassVar[Options | None] = None
    defaults_apply: ClassVar[bool] = True  # max_workers=None means the thread pool's default
    python: ClassVar[tuple[int, int] | None] = None  # the CPython whose stdlib the target is
    model_notes: ClassVar[list[str]]  # where the model's CPython reading failed to explain CPython
    kind: ClassVar[Any] = None  # the target's ExecutorKind, when the session factory classified it
    #: rules (or parts of create, "create:...") that cannot apply to the target's kind -> why;
    #: such a rule's body does nothing (never a precondition: those must depend on actions only)
    not_applicable: ClassVar[dict[str, str]] = {}
    divergences: ClassVar[list[Divergence]]
    examples: ClassVar[list[int]]  # [0]: machine runs started (examples)
    found: ClassVar[list[Found]]  # the shortest violation seen so far ([0]), with when it was first seen
    shrink_budget: ClassVar[float] = 60.0  # seconds of shrinking before the best so far is kept
    #: monotonic time after which no example starts while nothing was found (None: no budget)
    stop_at: ClassVar[float | None] = None
    #: clauses earlier rounds found broken: a violation naming any of these ends its example
    #: quietly (most are the same bug seen from another side), its other clauses noted in ``masked``
    ignored: ClassVar[frozenset[str]] = frozenset()
    masked: ClassVar[set[str]]  # clauses named only by violations ignored: neither failed nor passed
    discards: ClassVar[list[int]]  # [0]: examples that ended at such a violation
    #: [0]: the budget that stopped the run (BudgetSpent or ShrinkBudgetSpent), once one did. An
    #: example cut short so ends earlier than its recorded prefix, and Hypothesis then raises
    #: Flaky in place of the stop: the run reads this to tell the two apart
    stopped: ClassVar[list[type[BaseException] | None]]
    #: the target's factory when it could be imported here ([0]; None: not known), to read the
    #: signatures of its executor's methods where no executor is at hand (under the shim)
    factory: ClassVar[list[Any]] = [None]

    def __init__(self) -> None:
        super().__init__()
        self.within_budget()
        self.examples[0] += 1
        self.session = self.make_session[0]()
        self.oracles: dict[str, Oracle] = {"docs": Oracle(DOCS)}
        if self.reading is not None:
            self.oracles["cpython"] = Oracle(self.reading)
        self.outstanding: list[Callable[[Record, int], None]] = []  # per blocked call: on return
        self.actions: list[Action] = []
        self.steps: list[tuple[str, dict[str, Any]]] = []  # the rules called, with their arguments
        self.callbacks_added: dict[int, int] = {}  # per future: callbacks added (their numbers)
        self.nesting: dict[int, int] = {}  # future -> the number of its nesting callback
        self.nested_told: set[int] = set()  # futures whose nested add the model has been told of
        self.failed = False  # a violation was raised: the teardown only releases what is held
        self.ended = False  # the example is over (a documented deadlock, or a known violation)
        self.discarded = False  # it met a violation an earlier round found (KnownViolation)
        self.history: list[Callable[[Oracle], None]] = []  # every observation, to replay (divergences)
        self.last = Record()
        # when timed calls return (timing.py): per outstanding call, what it was given
        self.timed: list[tuple[Any, Call | MapNext] | None] = []
        self.map_origins: list[tuple[tuple[float, float], float | None]] = []  # per map(): clock, timeout
        self.ac_origins: dict[int, tuple[tuple[float, float], float | None]] = {}  # per as_completed()
        self.ac_first: dict[int, float] = {}  # per as_completed iterator: when its first next() began
        self.refused: tuple[str, str, str] | None = None  # the call being judged: see _refused

    def within_budget(self) -> None:
        """Called as an example starts and before each of its rules: raise BudgetSpent once the
        run's budget is spent with nothing found, ShrinkBudgetSpent once a violation found has
        been shrunk for its budget. So a run ends at most one rule and a teardown past either."""
        if self.found:
            if time.monotonic() - self.found[0].first_seen > self.shrink_budget:
                self.stopped[0] = ShrinkBudgetSpent
                raise ShrinkBudgetSpent()
        elif self.stop_at is not None and time.monotonic() >= self.stop_at:
            self.stopped[0] = BudgetSpent
            raise BudgetSpent()

    # -- the loop every rule goes through -------------------------------------------------

    def _name_more(self, v: Violation) -> None:
        """Add to ``v.clauses`` what the rules know and the model cannot (a subclass hook)."""

    def _refused(self, op: Any, result: Result | None) -> tuple[str, str, str] | None:
        """(method, keyword, clause) when ``op`` raised TypeError for passing a keyword that the
        executor's method does not take: the call breaks the clause that gave the method that
        keyword, not every clause the model's allowed outcomes cite (shutdown's 8). The one such
        keyword the driver passes is 3.9's ``cancel_futures`` (it passes it only when asked)."""
        if not (isinstance(op, Shutdown) and op.cancel_futures) or result != Raised("TypeError"):
            return None
        owner = getattr(getattr(self.session, "driver", None), "ex", None)
        if owner is None:  # under the shim (the executor lives in the execution), or not made
            owner = self.factory[0]
        method = getattr(owner, "shutdown", None)
        if method is None or takes_keyword(method, "cancel_futures"):
            return None
        return ("shutdown", "cancel_futures", "EXE-SHUTDOWN-CANCEL-FUTURES")

    def _held(self) -> frozenset[int]:
        """Futures whose tasks cannot finish now (parked on a closed gate: a subclass hook)."""
        return frozenset()

    def _fail(self, v: Violation) -> NoReturn:
        """Raise ``v``, keeping it if it is the shortest violation seen (Hypothesis shrinks
        toward shorter ones; the budget may stop it before it is done)."""
        if v.step < 0:
            v.step = len(self.actions) - 1
        self.failed = True
        self._name_more(v)
        if self.refused is not None and v.kind == "call":
            method, keyword, clause = self.refused
            v.clauses = (clause,)
            v.what += f" (its {method}() takes no {keyword} keyword: {clause} is what that breaks)"
        if self.ignored & set(v.clauses):
            self.masked.update(set(v.clauses) - self.ignored)
            self.ended = self.discarded = True
            raise KnownViolation(str(v))
        seeds = list(getattr(self.session, "seeds", []))
        now = time.monotonic()
        if not self.found:
            self.found.append(Found(v, list(self.actions), seeds, now, steps=list(self.steps)))
        elif len(self.actions) <= len(self.found[0].actions):
            self.found[0] = Found(v, list(self.actions), seeds, self.found[0].first_seen, steps=list(self.steps))
        raise v

    def _run(self, a: Action, data: st.DataObject) -> Record:
        seed = data.draw(st.integers(0, 255), label="schedule seed") if self.shim else 0
        self.actions.append(a)
        rec = self.session.run(a, seed) if isinstance(self.session, ShimSession) else self.session.run(a)
        self.last = rec
        return rec

    def _check(self, observation: Callable[[Oracle], None]) -> None:
        """Apply one observation to every oracle; a violation of the docs reading that CPython's
        reading explains is a divergence (CPython's stdlib only)."""
        held = self._held()

        def step(o: Oracle) -> None:
            o.held = held
            observation(o)

        self.history.append(step)
        failed: dict[str, Violation] = {}
        for name, o in list(self.oracles.items()):
            try:
                step(o)
            except Violation as v:
                v.step = len(self.actions) - 1
                failed[name] = v
        if not failed:
            return
        if len(failed) == len(self.oracles):
            self._fail(failed.get("docs") or failed["cpython"])
        if "docs" not in failed:  # the model's CPython reading is wrong about CPython: a model finding
            self.model_notes.append(f"the CPYTHON options do not explain: {failed['cpython']}")
            del self.oracles["cpython"]
            return
        docs = failed.pop("docs")
        del self.oracles["docs"]
        options = self._explaining_options()
        departs = {c for name in options for c in DEPARTS_FROM[name]} if options else \
            {c for cs in DEPARTS_FROM.values() for c in cs}
        clauses = _departed(tuple(sorted(departs)), docs.clauses)
        self.divergences.append(Divergence("+".join(options) or "several", clauses, docs, list(self.actions)))

    def _explaining_options(self) -> tuple[str, ...]:
        """The fewest of the reading's options (one, else two) under which everything observed so far is
        explained (the observations replayed through a fresh oracle per choice); () if it
        takes more. Two departures meet in one example often enough: a process pool's call
        queue (queue_marks_running) and a cancelled call it drops (gh92001)."""
        # the reading's own departures (FIFO narrows the model: it explains nothing)
        names = [name for name in DEPARTS_FROM if DEPARTS_FROM[name] and getattr(self.reading, name, False)]
        for choice in [(n,) for n in names] + list(itertools.combinations(names, 2)):
            on = {name: True for n in choice for name in (n, *NEEDS.get(n, ()))}
            o = Oracle(Options(fifo=True, **on))
            try:
                for step in self.history:
                    step(o)
            except Violation:
                continue
            return choice
        return ()

    def _may_block(self, op: Any) -> bool:
        """Whether any oracle lets ``op`` block now (the driver must not wait for it then)."""
        held = self._held()
        for o in self.oracles.values():
            o.held = held
        return any(o.may_block(op) for o in self.oracles.values())

    def _observe(self, rec: Record, op: Any = None, call: bool = False,
                 on_return: Callable[[Record, int], None] | None = None) -> None:
        """Judge what ``rec`` shows: the call's result (``call``), then the snapshot after it.
        ``on_return``: ``op`` blocked, and this is to run once it is seen to return."""
        if rec.harness is not None:
            self.failed = True
            raise HarnessError(rec.harness)
        if rec.hung is not None:
            o = self.oracles.get("cpython", self.oracles.get("docs"))
            assert o is not None
            v = o.hung(op, rec.hung) if op is not None else Violation("hang", rec.hung, ())
            v.step = len(self.actions) - 1
            if isinstance(self.session, ShimSession) and self.session.last and self.session.last.report:
                v.what += "\n" + self.session.last.report
            self._fail(v)
        if call:
            self.refused = self._refused(op, rec.result)
            try:
                self._check(lambda o: o.call(op, rec.result))
            finally:
                self.refused = None
        if on_return is not None:  # the call blocked: outstanding before the snapshot is judged,
            # which may already show it returned (it came back while the snapshot was read)
            self.outstanding.append(on_return)
            blocked = self.actions[-1]
            self.timed.append((op, blocked) if isinstance(blocked, Call) else None)
        self._tell_nested(rec)
        returned = [i for i, r in enumerate(rec.snapshot.returns) if r is not None]
        self._check(lambda o: o.snapshot(rec.snapshot, returned))
        action = self.actions[-1] if self.actions else None
        if call and isinstance(action, (Call, MapNext)) and rec.result is not None and rec.snapshot.call_times:
            self._on_time(op, action, rec.result, rec.snapshot.call_times, rec)
        for i in returned:
            timed, times = self.timed[i] if i < len(self.timed) else None, rec.snapshot.times[i]
            if timed is not None and times is not None:
                result = rec.snapshot.returns[i]
                assert result is not None
                self._on_time(timed[0], timed[1], result, times, rec)
        for i in returned:
            self.outstanding[i](rec, i)
        self.outstanding = [f for i, f in enumerate(self.outstanding) if i not in returned]
        self.timed = [t for i, t in enumerate(self.timed) if i not in returned]

    def _tell_nested(self, rec: Record) -> None:
        """A nesting callback that ran has added one more callback to its (done) future: the
        model hears of that add as a client call, once a snapshot shows the outer one called."""
        for fid, outer in self.nesting.items():
            view = rec.snapshot.futures[fid] if fid < len(rec.snapshot.futures) else None
            if fid not in self.nested_told and isinstance(view, FutureView) and outer in view.called:
                self.nested_told.add(fid)
                self._check(functools.partial(_told_of_add, AddDoneCallback(fid)))

    # -- when timed calls return (timing.py) ------------------------------------------------

    def _seconds(self, t: Timeout) -> float | None:
        shim, real = TIMEOUTS[t]
        return shim if self.shim else real

    def _deadline(self, op: Any, action: Call | MapNext, began: float) -> Deadline | None:
        """What a call that began at ``began`` was given: its timeout and where it counts from
        (None: no timeout, or no deadline to check)."""
        if isinstance(action, MapNext):
            if action.mid >= len(self.map_origins):
                return None
            origin, seconds = self.map_origins[action.mid]
            return None if seconds is None else Deadline("EXE-MAP-TIMEOUT", f"next() on map {action.mid}", seconds,
                                                         origin)
        if isinstance(op, (GetResult, GetException, Wait)):
            seconds = self._seconds(op.timeout)
            clause = {GetResult: "FUT-RESULT-TIMEOUT", GetException: "FUT-EXCEPTION-TIMEOUT",
                      Wait: "WAIT-TIMEOUT"}[type(op)]
            call = f"wait({list(op.fids)}, {op.return_when.value})" if isinstance(op, Wait) else \
                f"{'result' if isinstance(op, GetResult) else 'exception'}() of future {op.fid}"
            return None if seconds is None else Deadline(clause, call, seconds, (began, began))
        if isinstance(op, AsCompletedNext) and op.iterator in self.ac_origins:
            (before, after), seconds = self.ac_origins[op.iterator]
            self.ac_first.setdefault(op.iterator, began)
            # AC-TIMEOUT: from the call (AC-TIMEOUT-FROM-CALL; CPython counts from the first
            # next(), which _on_time judges as a divergence of CPython's stdlib)
            return None if seconds is None else Deadline("AC-TIMEOUT", f"next() on as_completed {op.iterator}",
                                                         seconds, (before, after))
        return None

    def _sleeps_by_cpython(self, op: Any) -> bool:
        """WAIT-DUPLICATES-DONE: CPython 3.8's wait() over a done future given twice sleeps to
        its deadline (Options.dup_done_waits; the model judges that, as a divergence)."""
        return (self.cpython and isinstance(op, Wait) and len(set(op.fids)) < len(op.fids)
                and cpython_options(self.python).dup_done_waits)

    def _cpython_as_completed(self, op: Any, d: Deadline, times: tuple[float, float], timed_out: bool) -> bool:
        """Whether a next() on as_completed that missed its deadline counted from the call would
        have met one counted from the iterator's first next(), as CPython's generator counts."""
        if not isinstance(op, AsCompletedNext) or op.iterator not in self.ac_first:
            return False
        first = self.ac_first[op.iterator]
        return judge(replace(d, origin=(first, first)), times[0], times[1], timed_out, exact=self.shim) is None

    def _on_time(self, op: Any, action: Call | MapNext, result: Result, times: tuple[float, float],
                 rec: Record) -> None:
        """A call returned ``result``, having begun and returned at ``times``: note where
        later deadlines count from, and judge when it returned."""
        if isinstance(action, Call) and isinstance(op, Map) and isinstance(result, Returned):
            self.map_origins.append((times, self._seconds(Timeout.FINITE) if action.map_timeout else None))
            return
        if isinstance(op, AsCompleted) and isinstance(result, Returned) and isinstance(result.value, int):
            self.ac_origins[result.value] = (times, self._seconds(op.timeout))
            return
        d = self._deadline(op, action, times[0])
        if d is None:
            return
        timed_out = _timed_out(op, result, rec)
        fault = judge(d, times[0], times[1], timed_out, exact=self.shim)
        if fault is not None and fault.fault == "overslept" and self._sleeps_by_cpython(op):
            return  # the model's CPython reading has it sleep to its deadline: a divergence it recorded
        if fault is not None:
            clauses = (d.clause,) + (_wakes(op, action) if fault.fault == "overslept" else ())
            from_first = self._cpython_as_completed(op, d, times, timed_out)
            if from_first:
                clauses += (AC_FROM_CALL,)
            v = Violation("time", fault.describe(self.shim), tuple(sorted(set(clauses))), timing=fault)
            v.step = len(self.actions) - 1
            if from_first and self.cpython:  # CPython's reading: a divergence, not a violation
                if not any(AC_FROM_CALL in dv.clauses for dv in self.divergences):
                    name = "as_completed_counts_from_first_next"
                    self.divergences.append(Divergence(name, CLOCK_DIVERGENCES[name], v, list(self.actions)))
                return
            self._fail(v)

    def _call(self, op: Any, data: st.DataObject, on_return: Callable[[Record, int], None] | None = None,
              **extra: Any) -> Record:
        may_block = self._may_block(op)
        rec = self._run(Call(op, may_block=may_block, **extra), data)
        blocked = rec.result is None and rec.hung is None and isinstance(
            op, (GetResult, GetException, Wait, AsCompletedNext, Shutdown))
        self._observe(rec, op, call=True, on_return=(on_return or (lambda r, i: None)) if blocked else None)
        return rec


def _wakes(op: Any, action: Call | MapNext) -> tuple[str, ...]:
    """The clauses that say a blocked call returns once its condition holds (an overslept call
    breaks them as well as its timeout's)."""
    if isinstance(op, Wait):
        return ({ReturnWhen.ALL_COMPLETED: "WAIT-ALL-COMPLETED", ReturnWhen.FIRST_COMPLETED: "WAIT-FIRST-COMPLETED",
                 ReturnWhen.FIRST_EXCEPTION: "WAIT-FIRST-EXCEPTION"}[op.return_when],)
    if isinstance(op, AsCompletedNext):
        return ("AC-YIELDS-AS-COMPLETE",)
    return ("FUT-WAKES-WAITERS",)


def _told_of_add(op: AddDoneCallback, o: Oracle) -> None:
    o.call(op, Returned(None))


def _timed_out(op: Any, result: Result, rec: Record) -> bool:
    """Whether ``result`` is a timeout: a TimeoutError, or a wait() whose partition does not
    meet its return_when (WAIT-TIMEOUT: wait() reports a timeout by returning)."""
    if isinstance(result, Raised):
        return result.exc == "TimeoutError"
    if isinstance(op, Wait) and isinstance(result, Returned) and isinstance(result.value, DoneAndNotDone):
        done, fids = result.value.done, set(op.fids)
        views = rec.snapshot.futures
        exc = any(isinstance(v, FutureView) and isinstance(v.outcome, Err)
                  for v in (views[i] for i in done if i < len(views)))
        return not wait_condition(len(done & fids), len(fids), exc, op.return_when)
    return False

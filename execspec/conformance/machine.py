"""The conformance machine: a Hypothesis state machine, built per target, whose rules are the
model's client operations, and whose oracle is the model.

Each rule makes an action, a session performs it (on real threads, or under the shim), and the
record it shows is handed to the oracle, which raises :class:`~.oracle.Violation` as soon as no
state of the model explains it. No rule asserts anything of its own: what a call may return,
which futures may be running, when a blocked call must wake, all come from the model.

For CPython's own stdlib a second oracle follows the ``CPYTHON`` options: an observation the
docs reading forbids but CPython's reading allows is recorded as a divergence on the clauses
``DEPARTS_FROM`` names for that option, and the run goes on under CPython's reading.

>>> from execspec.conformance.machine import machine_for, Mode
>>> from execspec.targets import Target
>>> Machine = machine_for(Target.parse("impl"), Mode.SHIM)
>>> Machine.__name__
'Conformance_impl_shim'
"""

from __future__ import annotations

import enum
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NoReturn

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from execspec.conformance.actions import Action, Call, Create, MapClose, MapNext, OpenGate, Settle
from execspec.conformance.driver import HarnessError, World
from execspec.conformance.kits import ThreadKit
from execspec.conformance.oracle import Oracle, Violation
from execspec.conformance.session import Record, Session, ShimSession, ThreadSession
from execspec.model import (
    CPYTHON, DEPARTS_FROM, DOCS, AddDoneCallback, AsCompleted, AsCompletedNext, Cancel, DropExecutor,
    GetException, GetResult, InitKind, InterpreterExit, Map, NewFuture, Options, Query, Raised,
    Returned, ReturnWhen, SetException, SetResult, SetRunningOrNotifyCancel, Shutdown, Submit,
    TaskKind, Timeout, Wait,
)


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


class ShrinkBudgetSpent(BaseException):
    """Stops Hypothesis once shrinking has had its budget: the shortest violation so far is kept.
    A BaseException, so that Hypothesis does not take it for a failure of the target."""


#: real seconds a Settle on real threads waits for the model to have nothing more due
SETTLE_BOUND = 5.0


@dataclass
class _Iter:
    fids: tuple[int, ...]
    taken: int = 0
    over: bool = False
    timeout: bool = False
    busy: bool = False  # as_completed: a next() is outstanding


#: futures one example may make (counting attempts, so the bound does not depend on timing):
#: the model's belief state grows with every future whose state the client cannot pin down
MAX_FUTURES = 6

_TIMEOUTS = st.sampled_from([Timeout.NONE, Timeout.ZERO, Timeout.FINITE])
_KINDS = st.sampled_from([TaskKind.RETURNS, TaskKind.RAISES, TaskKind.RAISES_FALSY])


def default_workers(shim: bool) -> int:
    """What ``max_workers=None`` means (TPE-MAX-WORKERS-DEFAULT-38/-313): CPUs + 4, at most 32.
    Under the shim the CPU count is the execution's fixed 2."""
    if shim:
        return 6
    count = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return min(32, count + 4)


class ConformanceMachine(RuleBasedStateMachine):
    """The rules; :func:`machine_for` makes a subclass bound to one target and mode."""

    make_session: ClassVar[list[Callable[[], Session]]]  # [0]: makes a fresh session per example
    shim: ClassVar[bool]
    cpython: ClassVar[bool]  # the target is CPython's stdlib: divergences are recorded, not raised
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

    def __init__(self) -> None:
        super().__init__()
        self.examples[0] += 1
        if self.found and time.monotonic() - self.found[0].first_seen > self.shrink_budget:
            raise ShrinkBudgetSpent()
        self.session = self.make_session[0]()
        self.oracles: dict[str, Oracle] = {"docs": Oracle(DOCS)}
        if self.cpython:
            self.oracles["cpython"] = Oracle(CPYTHON)
        self.kinds: list[str] = []  # per future: "pool", "map" or "bare"
        self.closed: set[int] = set()  # gated tasks whose gate is still closed
        self.maps: list[_Iter] = []
        self.iters: list[_Iter] = []
        self.outstanding: list[Callable[[Record, int], None]] = []  # per blocked call: on return
        self.actions: list[Action] = []
        self.created = self.gone = self.exited = False
        self.made = 0  # futures asked for so far (see MAX_FUTURES)
        self.failed = False  # a violation was raised: the teardown only releases what is held
        self.history: list[Callable[[Oracle], None]] = []  # every observation, to replay (divergences)
        self.initargs: tuple[int, ...] = ()
        self.last = Record()

    # -- the loop every rule goes through -------------------------------------------------

    def _fail(self, v: Violation) -> NoReturn:
        """Raise ``v``, keeping it if it is the shortest violation seen (Hypothesis shrinks
        toward shorter ones; the budget may stop it before it is done)."""
        if v.step < 0:
            v.step = len(self.actions) - 1
        self.failed = True
        if v.kind == "progress" and any(k == "map" and not begun for k, begun in
                                        zip(self.kinds, self._begun())):
            v.clauses = tuple(sorted(set(v.clauses) | {"EXE-MAP-EAGER", "EXE-MAP-CLOSE-CANCELS"}))
        if v.kind == "progress" and self.initargs is not None and any(
                s.pool.init is InitKind.FAILS for o in self.oracles.values() for s in o.beliefs):
            v.clauses = tuple(sorted(set(v.clauses) | {"TPE-INITIALIZER-FAILS-PENDING"}))
        last = self.actions[-1] if self.actions else None
        if isinstance(last, MapNext) and v.kind in ("call", "hang"):
            # the model sees next() on a map as result() of its next future: say it was map()
            timed = getattr(last.op, "timeout", None) is Timeout.FINITE
            extra = {"EXE-MAP-TIMEOUT"} if v.kind == "hang" or timed else set()
            v.clauses = tuple(sorted(set(v.clauses) | {"EXE-MAP-ORDER"} | extra))
        seeds = list(getattr(self.session, "seeds", []))
        now = time.monotonic()
        if not self.found:
            self.found.append(Found(v, list(self.actions), seeds, now))
        elif len(self.actions) <= len(self.found[0].actions):
            self.found[0] = Found(v, list(self.actions), seeds, self.found[0].first_seen)
        raise v

    def _run(self, a: Action, data: st.DataObject) -> Record:
        seed = data.draw(st.integers(0, 255), label="schedule seed") if self.shim else 0
        self.actions.append(a)
        rec = self.session.run(a, seed) if isinstance(self.session, ShimSession) else self.session.run(a)
        self.last = rec
        return rec

    def _check(self, step: Callable[[Oracle], None]) -> None:
        """Apply one observation to every oracle; a violation of the docs reading that CPython's
        reading explains is a divergence (CPython's stdlib only)."""
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
        option = self._explaining_option()
        clauses = DEPARTS_FROM[option] if option else tuple(sorted({c for cs in DEPARTS_FROM.values() for c in cs}))
        clauses = tuple(c for c in clauses if c in docs.clauses) or clauses  # the ones the docs reading named
        self.divergences.append(Divergence(option or "several", clauses, docs, list(self.actions)))

    def _explaining_option(self) -> str | None:
        """The single CPython option under which everything observed so far is explained (the
        observations replayed through a fresh oracle per option); None if it takes several."""
        for name in DEPARTS_FROM:
            if not DEPARTS_FROM[name]:
                continue  # an option that narrows the model (FIFO) explains no divergence
            o = Oracle(Options(fifo=True, **{name: True}))
            try:
                for step in self.history:
                    step(o)
            except Violation:
                continue
            return name
        return None

    def _observe(self, rec: Record, op: Any = None, call: bool = False) -> None:
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
            self._check(lambda o: o.call(op, rec.result))
        returned = [i for i, r in enumerate(rec.snapshot.returns) if r is not None]
        self._check(lambda o: o.snapshot(rec.snapshot, returned))
        for i in returned:
            self.outstanding[i](rec, i)
        self.outstanding = [f for i, f in enumerate(self.outstanding) if i not in returned]

    def _call(self, op: Any, data: st.DataObject, on_return: Callable[[Record, int], None] | None = None,
              **extra: Any) -> Record:
        may_block = any(o.may_block(op) for o in self.oracles.values())
        rec = self._run(Call(op, may_block=may_block, **extra), data)
        self._observe(rec, op, call=True)
        if rec.result is None and rec.hung is None and isinstance(op, (GetResult, GetException, Wait,
                                                                     AsCompletedNext, Shutdown)):
            self.outstanding.append(on_return or (lambda r, i: None))
        return rec

    def _fid(self, n: int, kinds: tuple[str, ...] = ("pool", "bare")) -> int | None:
        fids = [i for i, k in enumerate(self.kinds) if k in kinds]
        return fids[n % len(fids)] if fids else None

    def _begun(self) -> list[bool]:
        """Per future, whether the last snapshot saw its task begin."""
        return [v if isinstance(v, bool) else v.started for v in self.last.snapshot.futures]

    def _room(self, n: int) -> bool:
        """Whether ``n`` more futures fit in this example; if so they are counted as made."""
        if self.made + n > MAX_FUTURES:
            return False
        self.made += n
        return True

    def _open(self) -> bool:
        return self.created and not self.gone and not self.exited

    # -- rules ------------------------------------------------------------------------------

    @initialize(workers=st.sampled_from([1, 2, 3, None]), init=st.sampled_from(list(InitKind)),
                base=st.booleans(), initargs=st.sampled_from([(), (7,), (7, 8)]), data=st.data())
    def create(self, workers: int | None, init: InitKind, base: bool, initargs: tuple[int, ...],
               data: st.DataObject) -> None:
        if workers is None and not self.defaults_apply:
            workers = 2
        if init is not InitKind.NONE and "create:initializer" in self.not_applicable:
            init = InitKind.NONE
        self.initargs = initargs if init is not InitKind.NONE else ()
        rec = self._run(Create(workers, init, base and init is InitKind.FAILS, self.initargs), data)
        if rec.hung is not None or rec.result != Returned(None):
            self._fail(Violation("call", f"making the executor showed {rec.result or rec.hung}",
                                 ("TPE-INITIALIZER-RUNS", "EXE-ABSTRACT")))
        n = default_workers(self.shim) if workers is None else workers
        clause = None
        if workers is None:  # TPE-MAX-WORKERS-DEFAULT-38, or -313 where it counts usable CPUs
            clause = "TPE-MAX-WORKERS-DEFAULT-313" if (self.python or sys.version_info[:2]) >= (3, 13) \
                else "TPE-MAX-WORKERS-DEFAULT-38"
        self.history.append(lambda o: o.create(n, init, clause))
        for o in self.oracles.values():
            o.create(n, init, clause)
        self.created = True
        self._observe(rec)

    @precondition(lambda self: self._open())
    @rule(kind=_KINDS, gated=st.booleans(), data=st.data())
    def submit(self, kind: TaskKind, gated: bool, data: st.DataObject) -> None:
        if not self._room(1):
            return
        rec = self._call(Submit(kind), data, gates=(gated,))
        if isinstance(rec.result, Returned):
            self.kinds.append("pool")
            if gated:
                self.closed.add(len(self.kinds) - 1)

    def _map_atomic(self) -> bool:
        """Whether a map() now submits all or nothing. A pool whose initializer fails may break
        between two of map's submits; map() then raises with futures made that the client never
        sees, which the model does not encode (an open question, see the module doc)."""
        return all(s.pool.init is not InitKind.FAILS or s.pool.broken
                   for o in self.oracles.values() for s in o.beliefs)

    @precondition(lambda self: self._open())
    @rule(kinds=st.lists(_KINDS, min_size=1, max_size=3), gated=st.lists(st.booleans(), min_size=3, max_size=3),
          timeout=st.booleans(), data=st.data())
    def map(self, kinds: list[TaskKind], gated: list[bool], timeout: bool, data: st.DataObject) -> None:
        if not self._map_atomic() or not self._room(len(kinds)):
            return
        gates = tuple(gated[: len(kinds)])
        rec = self._call(Map(tuple(kinds)), data, gates=gates, map_timeout=timeout)
        if isinstance(rec.result, Returned):
            first = len(self.kinds)
            fids = tuple(range(first, first + len(kinds)))
            self.kinds += ["map"] * len(kinds)
            self.closed |= {fid for fid, g in zip(fids, gates) if g}
            self.maps.append(_Iter(fids, timeout=timeout))

    @precondition(lambda self: self.created)
    @rule(data=st.data())
    def new_future(self, data: st.DataObject) -> None:
        if not self._room(1):
            return
        rec = self._call(NewFuture(), data)
        if isinstance(rec.result, Returned):
            self.kinds.append("bare")

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), data=st.data())
    def open_gate(self, n: int, data: st.DataObject) -> None:
        if not self.closed:
            return
        fid = sorted(self.closed)[n % len(self.closed)]
        self.closed.discard(fid)
        self._observe(self._run(OpenGate(fid), data))

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), what=st.sampled_from(["cancel", "query", "result", "exception"]),
          timeout=_TIMEOUTS, data=st.data())
    def future_call(self, n: int, what: str, timeout: Timeout, data: st.DataObject) -> None:
        fid = self._fid(n)
        if fid is None:
            return
        op = {"cancel": Cancel(fid), "query": Query(fid), "result": GetResult(fid, timeout),
              "exception": GetException(fid, timeout)}[what]
        self._call(op, data)

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), raising=st.booleans(), data=st.data())
    def add_done_callback(self, n: int, raising: bool, data: st.DataObject) -> None:
        fid = self._fid(n)
        if fid is None:
            return
        self._call(AddDoneCallback(fid), data, raising=raising)

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), what=st.sampled_from(["set_result", "set_exception", "srnc"]), data=st.data())
    def bare_call(self, n: int, what: str, data: st.DataObject) -> None:
        fid = self._fid(n, ("bare",))
        if fid is None:
            return
        op = {"set_result": SetResult(fid), "set_exception": SetException(fid),
              "srnc": SetRunningOrNotifyCancel(fid)}[what]
        self._call(op, data)

    @precondition(lambda self: self.created)
    @rule(ns=st.lists(st.integers(0, 255), min_size=1, max_size=3),
          when=st.sampled_from(list(ReturnWhen)), timeout=_TIMEOUTS, data=st.data())
    def wait(self, ns: list[int], when: ReturnWhen, timeout: Timeout, data: st.DataObject) -> None:
        fids = tuple(f for f in (self._fid(n) for n in ns) if f is not None)
        if not fids:
            return
        self._call(Wait(fids, when, timeout), data)

    @precondition(lambda self: self.created)
    @rule(ns=st.lists(st.integers(0, 255), min_size=1, max_size=3), timeout=_TIMEOUTS, data=st.data())
    def as_completed(self, ns: list[int], timeout: Timeout, data: st.DataObject) -> None:
        fids = tuple(f for f in (self._fid(n) for n in ns) if f is not None)
        if not fids:
            return
        rec = self._call(AsCompleted(fids, timeout), data)
        if isinstance(rec.result, Returned):
            self.iters.append(_Iter(fids))

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), data=st.data())
    def as_completed_next(self, n: int, data: st.DataObject) -> None:
        free = [i for i, it in enumerate(self.iters) if not it.over and not it.busy]
        if not free:
            return
        i = free[n % len(free)]
        it = self.iters[i]

        def returned(rec: Record, k: int) -> None:
            it.busy = False
            it.over = isinstance(rec.snapshot.returns[k], Raised)

        rec = self._call(AsCompletedNext(i), data, on_return=returned)
        if rec.result is None:
            it.busy = True
        else:
            it.over = isinstance(rec.result, Raised)

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), data=st.data())
    def map_next(self, n: int, data: st.DataObject) -> None:
        live = [i for i, m in enumerate(self.maps) if not m.over]
        if not live:
            return
        mid = live[n % len(live)]
        m = self.maps[mid]
        op = GetResult(m.fids[m.taken], Timeout.FINITE if m.timeout else Timeout.NONE)
        if not m.timeout and any(o.may_block(op) for o in self.oracles.values()):
            return  # would block for good with nothing left to open it: not a useful call
        rec = self._run(MapNext(mid, op), data)
        m.taken += 1
        self._observe(rec, op, call=True)
        if isinstance(rec.result, Raised) or m.taken == len(m.fids):
            m.over = True
            # The iterator ended by raising: its clean-up cancels what it has not yielded, the
            # future whose result raised included (CPython 3.10+; cancel() of a done one is a no-op).
            rest = m.fids[m.taken - 1:] if isinstance(rec.result, Raised) else ()
            if rest:
                self._check(lambda o: o.cancel_any(rest))

    @precondition(lambda self: self.created)
    @rule(n=st.integers(0, 255), data=st.data())
    def map_close(self, n: int, data: st.DataObject) -> None:
        live = [i for i, m in enumerate(self.maps) if not m.over]
        if not live:
            return
        mid = live[n % len(live)]
        m = self.maps[mid]
        rec = self._run(MapClose(mid), data)
        m.over = True
        if m.taken > 0:  # EXE-MAP-CLOSE-CANCELS: only an iterator that has started cancels
            rest = m.fids[m.taken:]
            self._check(lambda o: o.cancel_any(rest))
        self._observe(rec)

    @precondition(lambda self: self._open())
    @rule(wait=st.booleans(), cancel=st.booleans(), data=st.data())
    def shutdown(self, wait: bool, cancel: bool, data: st.DataObject) -> None:
        if self.python is not None and self.python < (3, 9):
            cancel = False  # EXE-SHUTDOWN-CANCEL-FUTURES is 3.9+: the argument does not exist
        self._call(Shutdown(wait, cancel), data)

    @precondition(lambda self: self._open())
    @rule(data=st.data())
    def drop_executor(self, data: st.DataObject) -> None:
        self._call(DropExecutor(), data)
        self.gone = True

    @precondition(lambda self: self._open() and self.shim)
    @rule(data=st.data())
    def interpreter_exit(self, data: st.DataObject) -> None:
        if self.closed:  # the exit joins the workers: a task parked on a gate would hold it forever
            return
        self._call(InterpreterExit(), data)
        self.exited = True

    @precondition(lambda self: self.created)
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        self._settle(data)

    def _settle(self, data: st.DataObject) -> None:
        held = frozenset(self.closed)
        if self.shim:
            rec = self._run(Settle(), data)
            self._observe(rec)
            self._check(lambda o: o.settled(held))
            return
        # Real threads: read again until the model has nothing more due, bounded.
        deadline = time.monotonic() + SETTLE_BOUND
        while True:
            rec = self.session.snapshot()
            self._observe(rec)
            try:
                for o in self.oracles.values():
                    Oracle(o.opts, o.beliefs, list(o.outstanding)).settled(held)
                return
            except Violation as v:
                if time.monotonic() > deadline:
                    self._fail(Violation("progress", f"after {SETTLE_BOUND:g} s on real threads: {v.what}",
                                         v.clauses))

    # -- invariants and the end -------------------------------------------------------------

    @invariant()
    def tasks_run_at_most_once(self) -> None:
        if self.last.snapshot.repeats:
            self._fail(Violation("view", f"tasks {list(self.last.snapshot.repeats)} began more than once",
                                 ("INV-RUN-AT-MOST-ONCE",)))

    @invariant()
    def callbacks_see_their_future_done(self) -> None:
        if self.last.snapshot.early_callbacks:
            fid, cb = self.last.snapshot.early_callbacks[0]
            self._fail(Violation("view", f"callback {cb} of future {fid} ran while the future was not done",
                                 ("INV-CB-SEES-DONE", "FUT-CB-ON-DONE")))

    @invariant()
    def initializer_gets_its_initargs(self) -> None:
        bad = [c for c in self.last.snapshot.init_calls if c != self.initargs]
        if bad:
            self._fail(Violation("view", f"the initializer was called with {bad[0]!r}, not the initargs "
                                 f"{self.initargs!r}", ("TPE-INITIALIZER-RUNS",)))

    def teardown(self) -> None:
        """Let everything finish, as observed actions the oracle checks: open every gate, give
        every bare future a result, let the executor settle, and shut it down, waiting. Then
        no call the machine made may still be blocked."""
        try:
            if self.created and not self.failed:
                data: Any = _FixedData()
                for fid in sorted(self.closed):
                    self.closed.discard(fid)
                    self._observe(self._run(OpenGate(fid), data))
                for fid in [i for i, k in enumerate(self.kinds) if k == "bare"]:
                    self._call(SetResult(fid), data)
                self._settle(data)
                if self._open():
                    self._call(Shutdown(True, False), data)
        finally:
            stuck = self.session.close()
        if stuck and not self.failed:
            self._fail(Violation("hang", f"calls still blocked after every gate opened: {', '.join(stuck)}",
                                 ("INV-PROGRESS", "FUT-WAKES-WAITERS")))


class _FixedData:
    """Draws for the teardown's own actions: schedule seed 0 (the simplest interleaving)."""

    def draw(self, strategy: Any, label: str = "") -> int:
        return 0


def machine_for(target: Any, mode: Mode, shim_modules: tuple[str, ...] = ()) -> type[ConformanceMachine]:
    """The machine class for one target in one mode (run it with Hypothesis's
    ``run_state_machine_as_test`` or expose ``.TestCase`` to pytest). ``shim_modules``: other
    modules the target imports that must be loaded fresh under the shim as well."""
    from execspec.conformance.loading import session_factory

    name = "".join(c if c.isalnum() else "_" for c in target.name)
    make = session_factory(target, mode, shim_modules)
    na = dict(getattr(make, "not_applicable", {}))
    attrs = {"make_session": [make], "shim": mode is Mode.SHIM, "kind": getattr(make, "kind", None),
             "not_applicable": na, "defaults_apply": "create:default_max_workers" not in na,
             "cpython": bool(getattr(target, "is_cpython_stdlib", False)), "divergences": [],
             "found": [], "examples": [0], "model_notes": [], "python": getattr(target, "version", None)}
    return type(f"Conformance_{name}_{mode.value}", (ConformanceMachine,), attrs)


__all__ = ["ConformanceMachine", "Divergence", "Found", "Mode", "ShrinkBudgetSpent", "default_workers",
           "machine_for"]

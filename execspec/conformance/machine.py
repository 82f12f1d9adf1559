"""The conformance machine: a Hypothesis state machine, built per target, whose rules are the
model's client operations, and whose oracle is the model.

Each rule makes an action, a session performs it (on real threads, or under the shim), and the
record it shows is handed to the oracle, which raises :class:`~.oracle.Violation` as soon as no
state of the model explains it. No rule asserts anything of its own: what a call may return,
which futures may be running, when a blocked call must wake, all come from the model.

For CPython's own stdlib a second oracle follows the ``CPYTHON`` options: an observation the
docs reading forbids but CPython's reading allows is recorded as a divergence on the clauses
``DEPARTS_FROM`` names for that option, and the run goes on under CPython's reading.

Tasks that wait on another future (``submit_waiting``: the docs' deadlock shapes) can stop the
pool for good. Once every state the model still believes in is such a deadlock
(``model.deadlocked``), the executor did what the docs warn of (DL-MUTUAL-WAIT,
DL-SELF-SUBMIT-SINGLE-WORKER): that is recorded as a :class:`Hazard`, not a violation, and the
example ends there (no rule runs after it; the kit releases the waiting tasks at the end). A
hang the model does not allow (a waiting task whose future a free worker should have run)
stays a violation.

>>> from execspec.conformance.machine import machine_for, Mode
>>> from execspec.targets import Target
>>> Machine = machine_for(Target.parse("impl"), Mode.SHIM)
>>> Machine.__name__
'Conformance_impl_shim'
"""

from __future__ import annotations

import functools
import inspect
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import INITIALIZE_RULE_MARKER, RULE_MARKER, initialize, invariant, precondition, rule

from execspec.conformance.actions import ApiCall, Call, Create, MapClose, MapNext, OpenGate, Pause, Settle
from execspec.conformance.hazards import Hazard, reached
from execspec.conformance.loop import (
    SETTLE_BOUND, Divergence, FixedData, Found, KnownViolation, Mode, Observing, ShrinkBudgetSpent,
    default_workers,
)
from execspec.conformance.oracle import Oracle, Violation
from execspec.conformance.session import Record
from execspec.model import (
    AddDoneCallback, AsCompleted, AsCompletedNext, Cancel, DropExecutor, GetException, GetResult,
    FState, InitKind, InterpreterExit, Map, NewFuture, Query, Raised, Returned, ReturnWhen, SetException,
    SetResult, SetRunningOrNotifyCancel, Shutdown, Submit, TaskKind, Timeout, Wait,
)
from execspec.model import CPYTHON_PROCESS_POOL, Options, api, cpython_options
from execspec.targets.kind import ExecutorKind


@dataclass
class _Iter:
    fids: tuple[int, ...]
    taken: int = 0
    over: bool = False
    timeout: bool = False
    busy: bool = False  # as_completed: a next() is outstanding
    yielded: set[int] = field(default_factory=set)  # as_completed: the futures it has yielded


#: real seconds the docs reading is waited for once CPython's reading of its own stdlib has
#: nothing more due (a divergence then: the step the docs reading wants is not coming)
SETTLE_DIVERGING = 0.5

#: futures one example may make (counting attempts, so the bound does not depend on timing):
#: the model's belief state grows with every future whose state the client cannot pin down
MAX_FUTURES = 6

#: virtual seconds the client may pause for (shim only), against the FINITE timeout's 5: a
#: next() after a pause of 4.5 has half a second left, after another of 1 it is half a second late
PAUSES = (1.0, 4.5)

_TIMEOUTS = st.sampled_from([Timeout.NONE, Timeout.ZERO, Timeout.FINITE])
_KINDS = st.sampled_from([TaskKind.RETURNS, TaskKind.RAISES, TaskKind.RAISES_FALSY])


def _resting(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """An invariant that rests once its example was discarded (its last view is a known violation's)."""
    @functools.wraps(check)
    def run(self: Any) -> None:
        if not self.discarded:
            try:
                check(self)
            except KnownViolation:  # this example is over (discarded), quietly
                pass
    return run


class ConformanceMachine(Observing):
    """The rules; :func:`machine_for` makes a subclass bound to one target and mode."""

    hazards: ClassVar[list[Hazard]]  # the documented deadlocks reached (DL-*), one per example

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []  # per future: "pool", "map" or "bare"
        self.closed: set[int] = set()  # gated tasks whose gate is still closed
        self.maps: list[_Iter] = []
        self.iters: list[_Iter] = []
        self.created = self.gone = self.exited = False
        self.made = 0  # futures asked for so far (see MAX_FUTURES)
        self.initargs: tuple[int, ...] = ()
        self.waiting: set[int] = set()  # futures whose tasks wait on another future
        self.forward = -1  # the fid a waiting task waits on before it is made (else -1)
        self.ended = False  # a documented deadlock was reached: the example is over
        self.foreign: set[int] = set()  # bare futures of the stdlib's class (new_future(foreign=True))

    def _name_more(self, v: Violation) -> None:
        if v.kind == "progress" and any(k == "map" and not begun for k, begun in
                                        zip(self.kinds, self._begun())):
            v.clauses = tuple(sorted(set(v.clauses) | {"EXE-MAP-EAGER", "EXE-MAP-CLOSE-CANCELS"}))
        if v.kind == "progress" and any(
                s.pool.init is InitKind.FAILS for o in self.oracles.values() for s in o.beliefs):
            v.clauses = tuple(sorted(set(v.clauses) | {"TPE-INITIALIZER-FAILS-PENDING"}))
        if "waiter.wakes" in v.due and any(isinstance(a, Call) and isinstance(a.op, Shutdown) and a.op.cancel_futures
                                           for a in self.actions):
            # a waiter left asleep after shutdown(cancel_futures=True) cancelled what it waits on
            v.clauses = tuple(sorted(set(v.clauses) | {"EXE-SHUTDOWN-CANCELLED-DONE"}))
        taking = v.kind == "hang" or (v.kind == "progress" and {"worker.takes", "worker.dequeues"} & set(v.due))
        if taking and any(f.task is TaskKind.WAITS and f.state is FState.RUNNING
                          for o in self.oracles.values() for s in o.beliefs for f in s.futures):
            # a call stays queued while a task that waits holds its worker, and another worker
            # could take the call: the docs' hang needs every worker held (DL-SELF-SUBMIT-SINGLE-WORKER)
            v.clauses = tuple(sorted(set(v.clauses) | {"DL-SELF-SUBMIT-SINGLE-WORKER"}))
        mixed = {"WAIT-MIXED-EXECUTORS" if isinstance(a.op, Wait) else "AC-MIXED-EXECUTORS" for a in self.actions
                 if isinstance(a, Call) and isinstance(a.op, (Wait, AsCompleted)) and self.foreign & set(a.op.fids)
                 and len(self.foreign & set(a.op.fids)) < len(set(a.op.fids))}
        if mixed and v.kind in ("progress", "hang", "call", "time"):
            # a wait() or as_completed() over futures of two kinds is in the run: it may be the one
            v.clauses = tuple(sorted(set(v.clauses) | mixed))
        if v.kind == "view" and any(isinstance(a, Call) and isinstance(a.op, InterpreterExit) for a in self.actions):
            # a call not done once the exit returned: the exit did not run the queue and join
            v.clauses = tuple(sorted(set(v.clauses) | {"TPE-INTERPRETER-EXIT"}))
        last = self.actions[-1] if self.actions else None
        got = self.last.result
        if (isinstance(last, Call) and isinstance(last.op, AsCompletedNext) and isinstance(got, Returned)
                and got.value in self.iters[last.op.iterator].yielded):
            v.clauses = tuple(sorted(set(v.clauses) | {"AC-DUPLICATES", "INV-AC-YIELDS-DONE-ONCE"}))
        if isinstance(last, MapNext) and v.kind in ("call", "hang"):
            # the model sees next() on a map as result() of its next future: say it was map()
            timed = getattr(last.op, "timeout", None) is Timeout.FINITE
            extra = {"EXE-MAP-TIMEOUT"} if v.kind == "hang" or timed else set()
            v.clauses = tuple(sorted(set(v.clauses) | {"EXE-MAP-ORDER"} | extra))

    def _held(self) -> frozenset[int]:
        return frozenset(self.closed)

    def _fid(self, n: int, kinds: tuple[str, ...] = ("pool", "bare")) -> int | None:
        fids = [i for i, k in enumerate(self.kinds) if k in kinds]
        return fids[n % len(fids)] if fids else None

    def _begun(self) -> list[bool]:
        """Per future, whether the last snapshot saw its task begin."""
        return [v if isinstance(v, bool) else v.started for v in self.last.snapshot.futures]

    def _live_map(self, n: int) -> int | None:
        """The ``n``-th (modulo) map iterator not yet exhausted or closed, if any."""
        live = [i for i, m in enumerate(self.maps) if not m.over]
        return live[n % len(live)] if live else None

    def _room(self, n: int) -> bool:
        """Whether ``n`` more futures fit in this example; if so they are counted as made."""
        if self.made + n > MAX_FUTURES:
            return False
        self.made += n
        return True

    # The preconditions read only the rules drawn so far (self.steps), never what the executor
    # showed (a future done, a deadlock reached, a known violation met): on real threads that
    # differs between two runs of one example, and a rule set that differs makes Hypothesis's
    # next draw differ from the one its tree recorded ("Inconsistent data generation"), which
    # ends the round with nothing passed. A rule drawn after its example ended does nothing.
    # (``exited`` is set only under the shim, whose runs of one example all see the same.)

    def _live(self) -> bool:
        return bool(self.steps)  # create was drawn

    def _open(self) -> bool:
        return self._live() and not self.exited and all(name != "drop_executor" for name, _ in self.steps)

    def _observe(self, rec: Record, op: Any = None, call: bool = False,
                 on_return: Callable[[Record, int], None] | None = None) -> None:
        super()._observe(rec, op, call, on_return)
        if self.waiting and not self.ended:
            self._check_hazard()

    def _check_hazard(self) -> None:
        """Record the docs' deadlock once the model is sure of it, and end the example."""
        found = reached(self.oracles.values(), self.actions)
        if found is not None:
            self.hazards.append(found)
            self.ended = True

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
            shown = rec.hung if rec.hung is not None else f"making the executor showed {rec.result}"
            self._fail(Violation("call", shown,
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
    def submit(self, kind: TaskKind, gated: bool, data: st.DataObject, on_thread: bool = False) -> None:
        """``on_thread``: submitted from a daemon thread (shapes only), so that a worker it
        starts is a daemon thread too, which the interpreter's exit joins only through the pool's
        own exit hook (TPE-INTERPRETER-EXIT)."""
        if not self._room(1):
            return
        rec = self._call(Submit(kind), data, gates=(gated,), on_thread=on_thread)
        if isinstance(rec.result, Returned):
            self.kinds.append("pool")
            if gated:
                self.closed.add(len(self.kinds) - 1)

    @precondition(lambda self: self._open())
    @rule(n=st.integers(-1, 255), data=st.data())
    def submit_waiting(self, n: int, data: st.DataObject) -> None:
        """Submit a task that waits (result()) on another future: an earlier pool or bare one
        (``n`` >= 0 picks it), or the next future made (``n`` = -1: the docs' self-submit
        shape, the client submitting for it). Waits may deadlock the pool (DL-*)."""
        if "submit_waiting" in self.not_applicable:
            return
        fid = len(self.kinds)
        on = self._fid(n) if n >= 0 else None
        if on is None:
            if not self._room(2):  # room for the awaited one too
                return
            on = fid + 1
        elif not self._room(1):
            return
        rec = self._call(Submit(TaskKind.WAITS, on), data, gates=(False,))
        if isinstance(rec.result, Returned):
            self.kinds.append("pool")
            self.waiting.add(fid)
            if on > fid:
                self.forward = on

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
        if not self._map_atomic() or self.forward == len(self.kinds) or not self._room(len(kinds)):
            return  # (a waiting task's next future cannot be a map item: the kit cannot reach those)
        gates = tuple(gated[: len(kinds)])
        rec = self._call(Map(tuple(kinds)), data, gates=gates, map_timeout=timeout)
        if isinstance(rec.result, Returned):
            first = len(self.kinds)
            fids = tuple(range(first, first + len(kinds)))
            self.kinds += ["map"] * len(kinds)
            self.closed |= {fid for fid, g in zip(fids, gates) if g}
            self.maps.append(_Iter(fids, timeout=timeout))

    @precondition(lambda self: self._live())
    @rule(foreign=st.booleans(), data=st.data())
    def new_future(self, data: st.DataObject, foreign: bool = False) -> None:
        """A bare future; ``foreign``: of the standard library's class rather than the target
        module's, as another executor (the stdlib's process pool) hands out, so the target's
        wait() and as_completed() watch futures of two kinds (WAIT-MIXED-EXECUTORS,
        AC-MIXED-EXECUTORS). The model sees a bare future either way."""
        if not self._room(1):
            return
        rec = self._call(NewFuture(), data, foreign=foreign)
        if isinstance(rec.result, Returned):
            if foreign:
                self.foreign.add(len(self.kinds))
            self.kinds.append("bare")

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), data=st.data())
    def open_gate(self, n: int, data: st.DataObject) -> None:
        if not self.closed:
            return
        fid = sorted(self.closed)[n % len(self.closed)]
        self.closed.discard(fid)
        self._observe(self._run(OpenGate(fid), data))

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), what=st.sampled_from(["cancel", "query", "result", "exception"]),
          timeout=_TIMEOUTS, data=st.data())
    def future_call(self, n: int, what: str, timeout: Timeout, data: st.DataObject) -> None:
        fid = self._fid(n)
        if fid is None:
            return
        op = {"cancel": Cancel(fid), "query": Query(fid), "result": GetResult(fid, timeout),
              "exception": GetException(fid, timeout)}[what]
        self._call(op, data)

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), raising=st.booleans(), data=st.data())
    def add_done_callback(self, n: int, raising: bool, data: st.DataObject) -> None:
        fid = self._fid(n)
        if fid is None or fid in self.nesting:
            return  # (after a nesting callback, its future takes no more: see add_nesting_callback)
        self.callbacks_added[fid] = self.callbacks_added.get(fid, 0) + 1
        self._call(AddDoneCallback(fid), data, raising=raising)

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), data=st.data())
    def add_nesting_callback(self, n: int, data: st.DataObject) -> None:
        """A callback that, once called, adds another callback to its own future, then done
        (FUT-CB-ALREADY-DONE from inside a callback; FUT-CB-ORDER allows the new one at once or
        after those still to be called). The machine tells the model of the inner add when a
        snapshot first shows the outer called. Numbers must agree, so the future takes no other
        callback afterwards (the inner one's number is then the last)."""
        fid = self._fid(n)
        if fid is None or fid in self.nesting:
            return
        self.nesting[fid] = self.callbacks_added.get(fid, 0)
        self.callbacks_added[fid] = self.nesting[fid] + 2
        self._call(AddDoneCallback(fid), data, nested=True)

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), what=st.sampled_from(["set_result", "set_exception", "srnc"]), data=st.data())
    def bare_call(self, n: int, what: str, data: st.DataObject) -> None:
        fid = self._fid(n, ("bare",))
        if fid is None:
            return
        op = {"set_result": SetResult(fid), "set_exception": SetException(fid),
              "srnc": SetRunningOrNotifyCancel(fid)}[what]
        self._call(op, data)

    @precondition(lambda self: self._live())
    @rule(ns=st.lists(st.integers(0, 255), min_size=1, max_size=3),
          when=st.sampled_from(list(ReturnWhen)), timeout=_TIMEOUTS, data=st.data())
    def wait(self, ns: list[int], when: ReturnWhen, timeout: Timeout, data: st.DataObject) -> None:
        fids = tuple(f for f in (self._fid(n) for n in ns) if f is not None)
        if not fids:
            return
        self._call(Wait(fids, when, timeout), data)

    @precondition(lambda self: self._live())
    @rule(ns=st.lists(st.integers(0, 255), min_size=1, max_size=3), timeout=_TIMEOUTS, data=st.data())
    def as_completed(self, ns: list[int], timeout: Timeout, data: st.DataObject) -> None:
        fids = tuple(f for f in (self._fid(n) for n in ns) if f is not None)
        if not fids:
            return
        rec = self._call(AsCompleted(fids, timeout), data)
        if isinstance(rec.result, Returned):
            self.iters.append(_Iter(fids))

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), data=st.data())
    def as_completed_next(self, n: int, data: st.DataObject) -> None:
        free = [i for i, it in enumerate(self.iters) if not it.over and not it.busy]
        if not free:
            return
        i = free[n % len(free)]
        it = self.iters[i]

        def returned(rec: Record, k: int) -> None:
            it.busy = False
            got = rec.snapshot.returns[k]
            it.over = isinstance(got, Raised)
            if isinstance(got, Returned) and isinstance(got.value, int):
                it.yielded.add(got.value)

        rec = self._call(AsCompletedNext(i), data, on_return=returned)
        if rec.result is None:
            it.busy = True
        else:
            it.over = isinstance(rec.result, Raised)
            if isinstance(rec.result, Returned) and isinstance(rec.result.value, int):
                it.yielded.add(rec.result.value)

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), data=st.data())
    def map_next(self, n: int, data: st.DataObject) -> None:
        mid = self._live_map(n)
        if mid is None:
            return
        m = self.maps[mid]
        op = GetResult(m.fids[m.taken], Timeout.FINITE if m.timeout else Timeout.NONE)
        if not m.timeout and self._may_block(op):
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

    @precondition(lambda self: self._live())
    @rule(n=st.integers(0, 255), data=st.data())
    def map_close(self, n: int, data: st.DataObject) -> None:
        mid = self._live_map(n)
        if mid is None:
            return
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
    def leave_with_block(self, data: st.DataObject) -> None:
        """The end of ``with executor:`` (as if it was entered at create): ``__exit__`` with no
        exception, which is ``shutdown(wait=True)`` (EXE-CONTEXT-EXIT)."""
        self._call(Shutdown(True, False), data, via_with=True)

    @precondition(lambda self: self._open())
    @rule(data=st.data())
    def drop_executor(self, data: st.DataObject) -> None:
        self._call(DropExecutor(), data)
        self.gone = True

    @precondition(lambda self: self._open() and self.shim)
    @rule(data=st.data())
    def interpreter_exit(self, data: st.DataObject) -> None:
        if self.closed or self.waiting:  # the exit joins the workers: a task parked on a gate, or
            return  # waiting on a future that may never be done, would hold it forever
        self._call(InterpreterExit(), data)
        self.exited = True

    @precondition(lambda self: self._live() and len(self.steps) == 1)
    @rule(case=st.sampled_from([n for n, c in api.CASES.items() if c.needs != "fork"]), data=st.data())
    def api_case(self, case: str, data: st.DataObject) -> None:
        """Run one case of the API surface (``model/api.py``: bad arguments, the module's names
        and exceptions, int and float timeouts, any iterable, ``fn`` positional-only) on bare
        futures or an executor of its own, and hold what it showed to what the model allows for
        the target's Python. The machine's executor and futures are left alone.

        A fork case runs only in its shape, right after ``create`` (the machine's pool idle: the
        child goes on with every later step). The others are
        generated only as the step after ``create``: no case depends on the machine's state, the
        shapes run every case beside an idle and a busy pool, and a rule open at every step would
        take a share of each example's steps from the rules whose interleavings matter."""
        c = api.CASES[case]
        allowed = api.allowed(c, self.python or sys.version_info[:2], self.cpython)
        if not allowed or f"api:{c.needs}" in self.not_applicable:
            return  # the case's clauses do not hold for the target's Python, or not for its kind
        if c.shim_only and not self.shim:
            return  # it counts threads or running calls, which takes the shim's virtual clock
        if c.needs in ("pool", "executor") and self.exited:
            return  # after interpreter exit no executor may be made (TPE-SUBMIT-AFTER-EXIT)
        if c.needs == "exited" and not self.exited:
            return  # the case is about a pool made once exit has begun
        if c.needs == "fork" and len(self.actions) != 1:
            return  # right after create only, its pool idle: the child goes on with every later step
        rec = self._run(ApiCall(case), data)
        if rec.hung is not None:
            self._fail(Violation("hang", f"API case {case!r} ({c.does}) did not return: {rec.hung}", c.clauses))
        if rec.harness is None:
            got = rec.result.value if isinstance(rec.result, Returned) else rec.result
            if got not in allowed:
                said = " or ".join(repr(a) for a in allowed)
                self._fail(Violation("call", f"API case {case!r} ({c.does}) showed {got!r}; the spec allows {said}",
                                     c.clauses))
        self._observe(rec)

    @precondition(lambda self: self._live() and self.shim)
    @rule(seconds=st.sampled_from(PAUSES), data=st.data())
    def pause(self, seconds: float, data: st.DataObject) -> None:
        """The client sleeps a little virtual time, less than a Settle lets pass: a later call
        comes near a deadline or just past it (AC-TIMEOUT, EXE-MAP-TIMEOUT: the deadline counts
        from the call that made the iterator; the timing check judges when it returns)."""
        self._observe(self._run(Pause(seconds), data))

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        if not self.ended:  # (shapes call it directly: after a documented deadlock it does nothing)
            self._settle(data)

    def _settle(self, data: st.DataObject) -> None:
        held = frozenset(self.closed)
        if self.shim:
            rec = self._run(Settle(), data)
            self._observe(rec)
            self._check(lambda o: o.settled(held))
            return
        # Real threads: read again until the model has nothing more due, bounded; then the
        # last reading is judged like any observation (a divergence of CPython's stdlib included).
        started = time.monotonic()
        while True:
            rec = self.session.snapshot()
            self._observe(rec)
            unsettled = [name for name, o in self.oracles.items() if not _settles(o, held)]
            if not unsettled:
                return
            waited = time.monotonic() - started
            diverging = unsettled == ["docs"] and "cpython" in self.oracles  # CPython's reading is settled
            if waited > SETTLE_BOUND or (diverging and waited > SETTLE_DIVERGING):
                break  # (CPython's reading has nothing more due for its own stdlib: it will not come)
        note = f"after {waited:.1f} s on real threads: "
        self._check(lambda o: o.settled(held, note))

    # -- invariants and the end -------------------------------------------------------------

    @invariant()
    @_resting
    def tasks_run_at_most_once(self) -> None:
        if self.last.snapshot.repeats:
            self._fail(Violation("view", f"tasks {list(self.last.snapshot.repeats)} began more than once",
                                 ("INV-RUN-AT-MOST-ONCE",)))

    @invariant()
    @_resting
    def callbacks_see_their_future_done(self) -> None:
        if self.last.snapshot.early_callbacks:
            fid, cb = self.last.snapshot.early_callbacks[0]
            self._fail(Violation("view", f"callback {cb} of future {fid} ran while the future was not done",
                                 ("INV-CB-SEES-DONE", "FUT-CB-ON-DONE")))

    @invariant()
    @_resting
    def initializer_gets_its_initargs(self) -> None:
        bad = [c for c in self.last.snapshot.init_calls if c != self.initargs]
        if bad:
            self._fail(Violation("view", f"the initializer was called with {bad[0]!r}, not the initargs "
                                 f"{self.initargs!r}", ("TPE-INITIALIZER-RUNS",)))

    def teardown(self) -> None:
        """Let everything finish, as observed actions the oracle checks: open every gate, give
        every bare future a result, let the executor settle, and shut it down, waiting. Then
        no call the machine made may still be blocked. (A known violation met on the way ends
        the example as discarded, like one met in a rule.)"""
        try:
            self._teardown()
        except KnownViolation:
            pass
        if self.discarded:
            self.discards[0] += 1

    def _teardown(self) -> None:
        try:
            if self.created and not self.failed and not self.ended:
                data: Any = FixedData()
                for fid in sorted(self.closed):
                    self.closed.discard(fid)
                    self._observe(self._run(OpenGate(fid), data))
                for fid in [i for i, k in enumerate(self.kinds) if k == "bare"]:
                    self._call(SetResult(fid), data)
                self._settle(data)
                if not self.gone and not self.exited:
                    self._call(Shutdown(True, False), data)
        finally:
            # under CPython's reading alone (a divergence recorded), calls may stay blocked for good
            # (after a documented deadlock, calls on futures nobody will set may stay blocked)
            stuck = self.session.close(None if "docs" in self.oracles and not self.ended else SETTLE_DIVERGING)
        if stuck and not self.failed and not self.ended and "docs" in self.oracles:
            # (under CPython's reading alone, a divergence already recorded lets them sleep on)
            self._fail(Violation("hang", f"calls still blocked after every gate opened: {', '.join(stuck)}",
                                 ("INV-PROGRESS", "FUT-WAKES-WAITERS")))


def _log_rule_calls(cls: type[ConformanceMachine]) -> None:
    """Make every rule Hypothesis calls check the run's budget, then note itself in
    ``self.steps`` (name and arguments but the data object): a failure's rule calls, with its
    seeds, replay it (:mod:`.replay`). The shapes do both themselves."""
    for _, f in inspect.getmembers(cls):
        for marker in (RULE_MARKER, INITIALIZE_RULE_MARKER):
            r = getattr(f, marker, None)
            if r is None or getattr(r.function, "_notes_itself", False):
                continue
            inner = r.function

            def noted(self: ConformanceMachine, _inner: Any = inner, **kwargs: Any) -> Any:
                self.within_budget()
                self.steps.append((_inner.__name__, {k: v for k, v in kwargs.items() if k != "data"}))
                if self.ended:  # (its rules stay drawable: see _live)
                    return None
                try:
                    return _inner(self, **kwargs)
                except KnownViolation:  # the example is over (ended), quietly
                    return None

            noted.__name__, noted.__qualname__ = inner.__name__, inner.__qualname__
            noted._notes_itself = True  # type: ignore[attr-defined]
            r.function = noted


_log_rule_calls(ConformanceMachine)


def _settles(o: Oracle, held: frozenset[int]) -> bool:
    """Whether ``o`` has nothing more due but the tasks in ``held`` (asked on a copy)."""
    try:
        Oracle(o.opts, o.beliefs, list(o.outstanding), list(o.blocked_clauses)).settled(held)
    except Violation:
        return False
    return True


def _reading(cpython: bool, python: tuple[int, int] | None, kind: ExecutorKind | None) -> Options | None:
    """The model's reading a violation is tried against beside the docs' (see Observing.reading):
    CPython's for its stdlib; for a process pool, CPython's with the manager's call queue
    (``queue_marks_running``: CPython's ProcessPoolExecutor and loky, which is built on it)."""
    if cpython:
        return cpython_options(python)
    return CPYTHON_PROCESS_POOL if kind is ExecutorKind.PROCESS_POOL else None


def machine_for(target: Any, mode: Mode, shim_modules: tuple[str, ...] = ()) -> type[ConformanceMachine]:
    """The machine class for one target in one mode (run it with Hypothesis's
    ``run_state_machine_as_test`` or expose ``.TestCase`` to pytest). ``shim_modules``: other
    modules the target imports that must be loaded fresh under the shim as well."""
    from execspec.conformance.loading import session_factory

    name = "".join(c if c.isalnum() else "_" for c in target.name)
    make = session_factory(target, mode, shim_modules)
    na = dict(getattr(make, "not_applicable", {}))
    cpython, python, kind = bool(getattr(target, "is_cpython_stdlib", False)), getattr(target, "version", None), \
        getattr(make, "kind", None)
    attrs: dict[str, Any] = {
        "make_session": [make], "shim": mode is Mode.SHIM, "kind": kind,
        "not_applicable": na, "defaults_apply": "create:default_max_workers" not in na,
        "cpython": cpython, "reading": _reading(cpython, python, kind), "divergences": [], "hazards": [],
        "found": [], "examples": [0], "masked": set(), "discards": [0], "model_notes": [], "stopped": [None],
        "python": python, "factory": [getattr(make, "factory", None)]}
    return type(f"Conformance_{name}_{mode.value}", (ConformanceMachine,), attrs)


__all__ = ["ConformanceMachine", "Divergence", "Found", "Hazard", "Mode", "ShrinkBudgetSpent", "default_workers",
           "machine_for"]

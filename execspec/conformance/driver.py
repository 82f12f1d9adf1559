"""The driver: performs the machine's actions on a real executor and reads what a client sees.

The same code runs on real threads and inside the scheduler shim, because everything it
touches comes from its :class:`World` (the executor's module, the factory, ``threading``,
``time``). A call that may block runs on a *caller* thread of its own, so the driver never
blocks on the executor: it waits for the call as long as the action says, and a call that has
not returned by then is *outstanding* until a later snapshot sees it return.

Reading is made atomic by reading twice: every part of a future's view only moves forward
(PENDING, RUNNING, then FINISHED; callbacks called; a task begun; a call returned), so when two
reads in a row agree, the system showed exactly that view at an instant between them.
"""

from __future__ import annotations

import time
import weakref
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Callable

from execspec.conformance.actions import TIMEOUTS, ApiCall, Call, Create, MapClose, MapNext, OpenGate
from execspec.conformance.interrupt import call_within
from execspec.conformance.kits import Kit, TaskError
from execspec.model import (
    AddDoneCallback, AsCompleted, AsCompletedNext, Cancel, DoneAndNotDone, DropExecutor, Err,
    FState, FutureView, GetException, GetResult, InitKind, InterpreterExit, Map, NewFuture, Ok, Query,
    Raised, Result, Returned, SetException, SetResult, SetRunningOrNotifyCancel, Shutdown, Submit,
    TaskKind, Timeout, Wait,
)

#: how many double reads a snapshot tries before it settles for reading future by future
READ_TRIES = 50
#: how long a snapshot waits, in all, for the begun records of tasks whose futures show RUNNING
#: when the kit records beginnings in other processes (``Kit.begun_exactly``): a record still on
#: its way through the socket is not a call that has not begun
BEGUN_GRACE = 0.05


@dataclass
class World:
    """What the driver may touch: the executor's module namespace, a factory, and the
    ``threading``/``time`` to coordinate with (the shim's under the shim)."""

    cf: Any
    make: Callable[..., Any]
    threading: Any
    time: Any
    shim: bool = False
    exit_interpreter: Callable[[], None] | None = None
    hang: float = 5.0  # real seconds a call the model says must return may take
    #: the standard library's ``concurrent.futures`` (the shim's copy under the shim), whose
    #: futures a client mixes with the target's (``Call.foreign``); None: the same as ``cf``
    stdlib: Any = None
    #: under the shim, ``with world.cpus(n):`` runs a block as if the OS reported ``n`` CPUs
    #: (None: it cannot tell; the shim Env's ``cpus``); None on real threads, whose count is real
    cpus: Callable[[int | None], AbstractContextManager[None]] | None = None
    #: under the shim, ``world.fork()`` does what ``os.fork()`` does and goes on as the child
    #: (the shim Env's ``fork``: every other thread gone, the locks they held still held);
    #: None on real threads (the checker does not fork itself)
    fork: Callable[[], None] | None = None


@dataclass(frozen=True)
class Snapshot:
    """What a client saw at one instant: per future its view (or, for a future made inside
    ``map()`` that the client cannot touch, only whether its task began), and what each
    outstanding call returned (None: still blocked)."""

    futures: tuple[FutureView | bool, ...]
    returns: tuple[Result | None, ...]
    repeats: tuple[int, ...] = ()  # tasks that began more than once (INV-RUN-AT-MOST-ONCE)
    init_calls: tuple[tuple[Any, ...], ...] = ()  # the arguments of every initializer call
    early_callbacks: tuple[tuple[int, int], ...] = ()  # callbacks that ran before their future was done
    #: the clock (the World's ``time.monotonic()``: virtual under the shim) when each call in
    #: ``returns`` began and returned (None while it is blocked)
    times: tuple[tuple[float, float] | None, ...] = ()
    #: the same for the action's own call, when it returned during the action (None: no call, or blocked)
    call_times: tuple[float, float] | None = None


class Hung(Exception):
    """A call the model says must return did not, within the driver's bound."""


class HarnessError(Exception):
    """execspec's own code failed while driving the target: our bug, never a verdict."""


class _Caller:
    """A call running on a thread of its own; ``result`` is set once it returned."""

    def __init__(self, threading: Any, clock: Callable[[], float], fn: Callable[[], Result], label: str) -> None:
        self.label = label
        self.result: Result | None = None
        self.clock = clock
        self.began = self.ended = 0.0  # the clock when the call began and returned (timing.py)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(fn,), name=f"execspec-caller {label}",
                                       daemon=True)
        self.thread.start()

    def _run(self, fn: Callable[[], Result]) -> None:
        self.began = self.clock()
        self.result = fn()
        self.ended = self.clock()
        self.done.set()


@dataclass
class _MapIter:
    it: Any
    fids: tuple[int, ...]
    taken: int = 0
    over: bool = False  # exhausted, raised or closed


def capture(fn: Callable[[], Any], convert: Callable[[Any], Any] = lambda v: v) -> Result:
    """Run a client call and say what it showed, as the model would: a value or an exception
    class name (StopIteration included)."""
    try:
        value = fn()
    except BaseException as exc:  # noqa: BLE001 - every exception is an observation
        return Raised(type(exc).__name__)
    return Returned(convert(value))


@dataclass
class Driver:
    """One executor under test and everything the machine made with it."""

    world: World
    kit: Kit
    ex: Any = None
    futures: list[Any] = field(default_factory=list)  # by fid; None for futures made by map()
    called: dict[int, list[int]] = field(default_factory=dict)  # fid -> callbacks called, in order
    added: dict[int, int] = field(default_factory=dict)  # fid -> callbacks added so far
    maps: list[_MapIter] = field(default_factory=list)
    iters: list[Any] = field(default_factory=list)  # as_completed iterators
    outstanding: list[_Caller] = field(default_factory=list)
    callers: list[_Caller] = field(default_factory=list)
    marked: set[int] = field(default_factory=set)  # bare futures set_running_or_notify_cancel() marked
    early_callbacks: list[tuple[int, int]] = field(default_factory=list)  # (fid, callback) called before done
    last_times: tuple[float, float] | None = None  # the clock around the action's call (the next snapshot's)
    #: make the executor on a caller thread, bounded like a call that must return (real threads
    #: only): a factory that blocks is then a ``Hung`` record, not a run stuck until its total
    #: bound. Off for pools in this process, which may tie themselves to the making thread
    #: (gevent's hub): those are made on this thread, interrupted at the same bound
    #: (:mod:`.interrupt`); on for pools whose work runs in other processes (``ForeignSession``)
    bounded_create: bool = False
    #: the executor made, weakly (None: none, or it takes no weak reference), so that teardown
    #: can reach one that outlived the machine's reference (loky's reusable executor, kept by loky)
    made: Callable[[], Any] | None = None

    # -- actions ------------------------------------------------------------------------

    def create(self, a: Create) -> Result:
        kwargs: dict[str, Any] = {"max_workers": a.max_workers}
        if a.init is not InitKind.NONE:
            fails = None
            if a.init is InitKind.FAILS:
                fails = SystemExit("initializer") if a.base_exception else TaskError("initializer")
            kwargs["initializer"] = self.kit.initializer(fails)
            kwargs["initargs"] = a.initargs

        def make() -> Result:
            try:
                self.ex = self.world.make(**kwargs)
            except Hung:
                raise
            except BaseException as exc:  # noqa: BLE001 - a factory that refuses is an observation
                return Raised(type(exc).__name__)
            try:
                self.made = weakref.ref(self.ex)
            except TypeError:  # an object that takes no weak reference
                self.made = None
            return Returned(None)

        if self.world.shim:
            return make()
        if not self.bounded_create:  # on this thread, interrupted at the bound (interrupt.py)
            label = f"making the executor did not return within {self.world.hang:g} s"
            return call_within(make, self.world.hang, lambda: Hung(label))
        r = self._blocking(make, "making the executor", False)
        assert r is not None  # (it returned: _blocking raises Hung otherwise)
        return r

    def open_gate(self, a: OpenGate) -> None:
        self.kit.open_gate(a.fid)

    def call(self, a: Call) -> Result | None:
        """Perform ``a``; its result, or None when it is blocked (it is outstanding then)."""
        op = a.op
        if isinstance(op, (GetResult, GetException, Wait, AsCompletedNext, Shutdown)):
            return self._blocking(self._thunk(a), type(op).__name__, a.may_block)
        if a.on_thread:  # (the caller threads are daemon threads)
            return self._blocking(self._thunk(a), f"{type(op).__name__} on a daemon thread", False)
        thunk, clock = self._thunk(a), self.world.time.monotonic
        began = clock()
        r = thunk()
        self.last_times = (began, clock())  # map(timeout=) and as_completed() count from here
        return r

    def map_next(self, a: MapNext) -> Result:
        m = self.maps[a.mid]
        fid = m.fids[m.taken]
        m.taken += 1
        r = self._blocking(lambda: capture(lambda: next(m.it)), f"next() on map {a.mid} (future {fid})",
                           False)
        assert r is not None
        if isinstance(r, Raised) or m.taken == len(m.fids):
            m.over = True
        return r

    def map_close(self, a: MapClose) -> bool:
        """Close and drop map iterator ``mid``; whether it had started (then CPython's and the
        docs' reading cancel the calls it has not yielded)."""
        m = self.maps[a.mid]
        started = m.taken > 0 and not m.over
        m.it.close()
        m.it, m.over = None, True
        return started

    def api(self, a: ApiCall) -> Result:
        """Run API case ``a.case``'s program on a caller thread (bounded like any call that must
        return); it shows ``Returned`` of what the client saw, as the model's case words it."""
        from execspec.conformance.api_cases import perform_case

        r = self._blocking(lambda: capture(lambda: perform_case(self.world, a.case)), f"API case {a.case!r}", False)
        assert r is not None
        return r

    def _blocking(self, fn: Callable[[], Result], label: str, may_block: bool) -> Result | None:
        c = _Caller(self.world.threading, self.world.time.monotonic, fn, label)
        self.callers.append(c)
        if may_block:
            c.done.wait(0.001 if self.world.shim else 0.02)
        else:
            c.done.wait(None if self.world.shim else self.world.hang)
        if c.done.is_set():
            self.last_times = (c.began, c.ended)
            return c.result
        if not may_block:
            raise Hung(f"{label} did not return within {self.world.hang:g} s")
        self.outstanding.append(c)
        return None

    def _timeout(self, t: Timeout) -> float | None:
        shim, real = TIMEOUTS[t]
        return shim if self.world.shim else real

    def _thunk(self, a: Call) -> Callable[[], Result]:
        op, cf, ex = a.op, self.world.cf, self.ex
        if isinstance(op, Submit):
            fid = len(self.futures)
            self.kit.prepare(fid, op.task, a.gates[0])
            if op.task is TaskKind.WAITS:  # the docs' deadlock shapes (DL-*): in-process kits only
                prepare_wait = getattr(self.kit, "prepare_wait", None)
                if prepare_wait is None:
                    raise TypeError(f"{type(self.kit).__name__} cannot run a task that waits on a future")
                prepare_wait(fid, op.awaits, self.futures)

            def submit() -> int:
                self.futures.append(ex.submit(self.kit.fn, fid))
                return fid
            return lambda: capture(submit)
        if isinstance(op, Map):
            fids = tuple(range(len(self.futures), len(self.futures) + len(op.tasks)))
            for fid, kind, gated in zip(fids, op.tasks, a.gates):
                self.kit.prepare(fid, kind, gated)
            timeout = self._timeout(Timeout.FINITE) if a.map_timeout else None

            def map_() -> tuple[int, ...]:
                it = ex.map(self.kit.fn, fids, timeout=timeout)
                self.futures.extend([None] * len(fids))
                self.maps.append(_MapIter(it, fids))
                return fids
            return lambda: capture(map_)
        if isinstance(op, NewFuture):
            cls = (self.world.stdlib or cf).Future if a.foreign else cf.Future

            def new() -> int:
                self.futures.append(cls())
                return len(self.futures) - 1
            return lambda: capture(new)
        if isinstance(op, AddDoneCallback):
            return lambda: capture(lambda: self._add_callback(op.fid, a.raising, a.nested))
        if isinstance(op, Shutdown) and a.via_with:  # EXE-CONTEXT-EXIT: the with block's end;
            # any false value is what a with statement needs (CPython's __exit__ returns False);
            # a true one would swallow the block's exception (EXE-CONTEXT-EXCEPTION) and shows
            return lambda: capture(lambda: self.ex.__exit__(None, None, None) or None)
        if isinstance(op, (Shutdown, InterpreterExit, DropExecutor)):
            return lambda: capture(lambda: self._stop(op))
        if isinstance(op, (Wait, AsCompleted, AsCompletedNext)):
            return self._waiting(op)
        f = self.futures[op.fid]
        if isinstance(op, Cancel):
            return lambda: capture(f.cancel)
        if isinstance(op, Query):
            return lambda: capture(lambda: (f.cancelled(), f.running(), f.done()))
        if isinstance(op, GetResult):
            return lambda: capture(lambda: f.result(self._timeout(op.timeout)))
        if isinstance(op, GetException):
            return lambda: capture(lambda: f.exception(self._timeout(op.timeout)), _exc_value)
        if isinstance(op, SetRunningOrNotifyCancel):
            def srnc() -> bool:
                marked = f.set_running_or_notify_cancel()
                if marked:  # the model counts a bare future marked running as begun
                    self.marked.add(op.fid)
                return bool(marked)
            return lambda: capture(srnc)
        if isinstance(op, SetResult):
            return lambda: capture(lambda: f.set_result(op.value))
        if isinstance(op, SetException):
            return lambda: capture(lambda: f.set_exception(TaskError("set")))
        raise TypeError(f"the driver cannot perform {op!r}")

    def _waiting(self, op: Wait | AsCompleted | AsCompletedNext) -> Callable[[], Result]:
        cf = self.world.cf
        if isinstance(op, AsCompletedNext):
            it = self.iters[op.iterator]
            return lambda: capture(lambda: next(it), self._fid)
        fs = [self.futures[i] for i in op.fids]
        timeout = self._timeout(op.timeout)
        if isinstance(op, AsCompleted):
            def start() -> int:
                self.iters.append(cf.as_completed(fs, timeout=timeout))
                return len(self.iters) - 1
            return lambda: capture(start)
        when = getattr(cf, op.return_when.value, op.return_when.value)  # MOD-CONSTANTS: the names themselves

        def wait() -> DoneAndNotDone:
            done, not_done = cf.wait(fs, timeout=timeout, return_when=when)
            return DoneAndNotDone(frozenset(map(self._fid, done)), frozenset(map(self._fid, not_done)))
        return lambda: capture(wait)

    def _fid(self, f: Any) -> int:
        for i, g in enumerate(self.futures):
            if g is f:
                return i
        raise LookupError(f"{f!r} is no future the machine made")

    def _add_callback(self, fid: int, raising: bool, nested: bool = False) -> None:
        cb = self.added.get(fid, 0)
        self.added[fid] = cb + 1
        record = self.called.setdefault(fid, [])

        def callback(f: Any) -> None:
            if not f.done():  # INV-CB-SEES-DONE: a callback sees its future done
                self.early_callbacks.append((fid, cb))
            record.append(cb)
            if nested:  # FUT-CB-ALREADY-DONE, from inside a callback: the future is done
                self._add_callback(fid, False)
            if raising:  # FUT-CB-RAISES: logged and ignored
                raise TaskError(f"callback {cb} of future {fid}")

        self.futures[fid].add_done_callback(callback)

    def _stop(self, op: Shutdown | InterpreterExit | DropExecutor) -> None:
        if isinstance(op, Shutdown):
            # cancel_futures only when asked for, as a client writes it: False is the default,
            # and an executor without the 3.9 keyword (dask's) then fails only where it matters
            # and wait=True as most clients write it: not at all (EXE-SHUTDOWN-WAIT is the default)
            extra = {"cancel_futures": True} if op.cancel_futures else {}
            if op.wait and not extra:
                self.ex.shutdown()
            else:
                self.ex.shutdown(wait=op.wait, **extra)
        elif isinstance(op, InterpreterExit):
            assert self.world.exit_interpreter is not None, "interpreter exit is for the shim only"
            self.world.exit_interpreter()
        else:
            self.ex = None  # the last reference: CPython frees it now

    # -- reading ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """What a client sees now, read twice until two reads agree (see the module doc)."""
        last = self._read()
        if self.kit.begun_exactly and self._await_begun(last):
            last = self._read()
        try:
            for _ in range(READ_TRIES):
                now = self._read()
                if now == last:
                    return now
                last = now
        finally:
            self.last_times = None  # each action's call is read once
        return last  # still moving: the machine reports it may be torn (never seen in practice)

    def _await_begun(self, snap: Snapshot) -> bool:
        """Give the tasks of futures ``snap`` shows RUNNING and not begun ``BEGUN_GRACE`` to be
        recorded (real time: a kit that records exactly runs tasks in other processes); whether
        there were any."""
        running = [fid for fid, v in enumerate(snap.futures)
                   if isinstance(v, FutureView) and v.state is FState.RUNNING and not v.started]
        deadline = time.monotonic() + BEGUN_GRACE
        for fid in running:
            self.kit.wait_begun(fid, max(0.0, deadline - time.monotonic()))
        return bool(running)

    def _read(self) -> Snapshot:
        returns = tuple(c.result if c.done.is_set() else None for c in self.outstanding)
        times = tuple((c.began, c.ended) if c.done.is_set() else None for c in self.outstanding)
        begun = self.kit.begun()
        views: list[FutureView | bool] = []
        for fid, f in enumerate(self.futures):
            if f is None:
                views.append(fid in begun)
                continue
            called = tuple(self.called.get(fid, ()))
            state, outcome = _state_of(f)
            # A thread pool's worker marks a future RUNNING just before it calls the task; the
            # model makes those one step, so there a RUNNING future counts as begun (not where
            # the kit records beginnings exactly: Kit.begun_exactly).
            running = state is FState.RUNNING and not self.kit.begun_exactly
            begun_ = fid in begun or fid in self.marked or running
            views.append(FutureView(state, outcome, called, begun_))
        repeats = tuple(sorted(fid for fid, n in begun.items() if n > 1))
        return Snapshot(tuple(views), returns, repeats, tuple(self.kit.init_calls()), tuple(self.early_callbacks),
                        times, self.last_times)

    def returned(self) -> list[int]:
        """Forget the outstanding calls that have returned (their indices, in order)."""
        gone = [i for i, c in enumerate(self.outstanding) if c.done.is_set()]
        self.outstanding = [c for c in self.outstanding if not c.done.is_set()]
        return gone

    def close(self, bound: float) -> list[str]:
        """Open every gate and wait for every caller, ``bound`` real seconds for them all (one
        wait however many are stuck); the labels of callers still blocked afterwards."""
        self.kit.close()
        stuck = []
        deadline = time.monotonic() + bound
        for c in self.callers:
            if not c.done.wait(None if self.world.shim else max(0.0, deadline - time.monotonic())):
                stuck.append(c.label)
        return stuck


def _exc_value(exc: object) -> Err | None:
    return None if exc is None else Err(type(exc).__name__)


def _state_of(f: Any) -> tuple[FState, Ok | Err | None]:
    if f.cancelled():
        return FState.CANCELLED, None
    if not f.done():
        return (FState.RUNNING if f.running() else FState.PENDING), None
    try:
        exc = f.exception(0)
    except BaseException as e:  # noqa: BLE001 - a done future whose exception() raises
        return FState.FINISHED, Err(f"<exception() raised {type(e).__name__}>")
    if exc is not None:
        return FState.FINISHED, Err(type(exc).__name__)
    try:
        return FState.FINISHED, Ok(f.result(0))
    except BaseException as e:  # noqa: BLE001 - result() raising although exception() is None
        return FState.FINISHED, Err(type(e).__name__)

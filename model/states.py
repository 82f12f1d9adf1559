"""Model states: futures, the pool, waiters and as_completed iterators, as immutable values.

Every state is a frozen dataclass built from enums, ints and tuples, so it is hashable and an
explorer can store millions of them. Every named state says how it is entered, like CPython's
``_base.py`` does; the invariant a field carries is written on the field (and made executable in
:mod:`execspec.model.invariants`).

Identity: a future is its index in ``State.futures`` (its *fid*), a waiter its index in
``State.waiters`` (its *wid*), an as_completed iterator its index in ``State.iterators``.
Workers have no identity (a thread's name is not state), so ``Pool.workers`` is kept sorted:
two pools that differ only in which thread runs which task are the same state.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Union


class _HashCached:
    """Base of the states whose hash is cached: the cache never travels in a pickle (string
    hashes differ between processes)."""

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_hash", None)
        return state


def _cached_hash(obj: object) -> int:
    """Hash a frozen dataclass once: states are hashed many times by the explorer."""
    h: int | None = obj.__dict__.get("_hash")
    if h is None:
        h = hash(tuple(getattr(obj, f) for f in obj.__dataclass_fields__))  # type: ignore[attr-defined]
        object.__setattr__(obj, "_hash", h)
    return h


class FState(Enum):
    """The public state of a Future (FUT-STATES)."""

    PENDING = "PENDING"  # at creation (FUT-CREATE-PENDING)
    RUNNING = "RUNNING"  # a worker started the call, or set_running_or_notify_cancel() said True
    CANCELLED = "CANCELLED"  # cancel() returned True, or shutdown(cancel_futures=True) drained it
    FINISHED = "FINISHED"  # the call returned or raised, or set_result()/set_exception()


#: The states a future never leaves (INV-TERMINAL-STABLE).
TERMINAL = frozenset({FState.CANCELLED, FState.FINISHED})


class TaskKind(Enum):
    """What a submitted callable does when a worker runs it (chosen by the client)."""

    RETURNS = "returns"  # returns its own fid as its value
    RAISES = "raises"  # raises TaskError
    RAISES_FALSY = "raises-falsy"  # raises an exception whose bool() is False (FUT-RESULT-FALSY-EXC)
    WAITS = "waits"  # waits (result()) until the future ``Fut.awaits`` is done, then returns its
    # own fid; it holds its worker all the while, so it can deadlock the pool (DL-MUTUAL-WAIT,
    # DL-SELF-SUBMIT-SINGLE-WORKER): see :mod:`execspec.model.hazards`


class InitKind(Enum):
    """The pool's initializer (TPE-INITIALIZER-RUNS)."""

    NONE = "none"  # no initializer: a new worker is idle at once
    OK = "ok"  # an initializer that returns
    FAILS = "fails"  # an initializer that raises: the pool breaks


class Timeout(Enum):
    """A timeout argument, without clocks: only whether it can fire, and whether at once."""

    ZERO = "0"  # timeout=0: never blocks; fails at once when the condition does not hold
    FINITE = "t"  # timeout=t>0: may block; may fire at any moment the condition does not hold
    NONE = "None"  # timeout=None: blocks until the condition holds


class ReturnWhen(Enum):
    """``wait(return_when=...)`` (WAIT-FIRST-COMPLETED, WAIT-FIRST-EXCEPTION, WAIT-ALL-COMPLETED)."""

    FIRST_COMPLETED = "FIRST_COMPLETED"
    FIRST_EXCEPTION = "FIRST_EXCEPTION"
    ALL_COMPLETED = "ALL_COMPLETED"


class WorkerStatus(Enum):
    """A live worker thread. An exited worker is removed from the pool."""

    STARTING = "starting"  # spawned, initializer not yet run (only when there is an initializer)
    IDLE = "idle"  # waiting on the queue; entered after start, or after finishing a task
    BUSY = "busy"  # running one task (INV-RUNNING-HAS-WORKER)
    TAKEN = "taken"  # took a call off the queue, not yet started it; its future is still PENDING
    # (or was cancelled since); only with Options.take_then_start (EXE-SHUTDOWN-CANCEL-TAKEN), or
    # with Options.queue_marks_running, where its future is RUNNING already (the call queue's)


class WaitKind(Enum):
    """What a blocked client call is waiting for."""

    RESULT = "result"  # Future.result(timeout) on a future not yet done
    EXCEPTION = "exception"  # Future.exception(timeout) on a future not yet done
    WAIT = "wait"  # concurrent.futures.wait(...)
    AS_COMPLETED = "as_completed"  # next() on an as_completed iterator
    SHUTDOWN = "shutdown"  # shutdown(wait=True) joining the workers
    EXIT = "exit"  # interpreter exit joining the workers (TPE-INTERPRETER-EXIT)


class Phase(Enum):
    """The pool's lifecycle phase, derived from its flags (see :func:`phase`)."""

    OPEN = "open"  # accepts submit()
    SHUTTING_DOWN = "shutting_down"  # shutdown/exit/drop began; queued and running work goes on
    TERMINATED = "terminated"  # shut down, queue empty, every worker exited
    BROKEN = "broken"  # an initializer failed; sticky (INV-BROKEN-STICKY)


# ---- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ok:
    """A future's outcome: the call returned ``value``."""

    value: Hashable


@dataclass(frozen=True)
class Err:
    """A future's outcome: the call raised an exception of class ``exc`` (a name)."""

    exc: str


Settled = Union[Ok, Err]


@dataclass(frozen=True)
class Returned:
    """An observable result: the client call returned ``value``."""

    value: Hashable


@dataclass(frozen=True)
class Raised:
    """An observable result: the client call raised an exception of class ``exc``."""

    exc: str


@dataclass(frozen=True)
class Blocked:
    """An observable result: the client call is blocked; its return shows as waiter ``waiter``."""

    waiter: int


Result = Union[Returned, Raised, Blocked]


@dataclass(frozen=True)
class DoneAndNotDone:
    """What ``wait()`` returns: two sets of fids (WAIT-RETURNS-SETS)."""

    done: frozenset[int]
    not_done: frozenset[int]


# ---- futures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fut(_HashCached):
    """One future.

    ``task`` is None for a bare ``Future()`` made by the client; otherwise the future belongs to
    the pool and ``task`` says what its call does.
    """

    task: TaskKind | None
    state: FState = FState.PENDING
    outcome: Settled | None = None  # set exactly when state is FINISHED (INV-RESULT-STABLE)
    notified: bool = False  # CANCELLED and seen by set_running_or_notify_cancel()
    runs: int = 0  # times the call began (INV-RUN-AT-MOST-ONCE: <= 1; 0 if CANCELLED)
    callbacks: tuple[int, ...] = ()  # registered, not yet called, in order of addition
    called: tuple[int, ...] = ()  # called, in call order; never a duplicate (INV-CB-EXACTLY-ONCE)
    awaits: int = -1  # TaskKind.WAITS: the fid its call waits on (it may not exist yet); else -1

    def __hash__(self) -> int:
        return _cached_hash(self)

    @property
    def done(self) -> bool:
        """``Future.done()``: cancelled or finished (FUT-DONE)."""
        return self.state in TERMINAL

    @property
    def n_callbacks(self) -> int:
        """How many callbacks were ever added."""
        return len(self.callbacks) + len(self.called)


# ---- pool -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    """A live worker thread; ``task`` is the fid it runs when BUSY or holds when TAKEN, else -1."""

    status: WorkerStatus
    task: int = -1

    def __lt__(self, other: object) -> bool:  # enums don't order; sort by (status name, task)
        if not isinstance(other, Worker):
            return NotImplemented
        return (self.status.value, self.task) < (other.status.value, other.task)


@dataclass(frozen=True)
class Pool(_HashCached):
    """The ThreadPoolExecutor.

    ``queue`` holds fids in submission order; ``workers`` is sorted (workers have no identity)
    and never longer than ``max_workers`` (INV-WORKERS-BOUNDED).
    """

    max_workers: int = 1
    init: InitKind = InitKind.NONE
    queue: tuple[int, ...] = ()
    workers: tuple[Worker, ...] = ()
    shutdown: bool = False  # shutdown() was called (EXE-SHUTDOWN-REPEAT: stays True)
    broken: bool = False  # an initializer failed (INV-BROKEN-STICKY: stays True)
    exiting: bool = False  # the interpreter began to exit (TPE-INTERPRETER-EXIT)
    dropped: bool = False  # the client dropped its last reference (TPE-GC-DROPPED)
    joined: bool = False  # a shutdown(wait=True) or the exit join returned (INV-SHUTDOWN-WAIT-ALL-DONE)
    #: Options.queue_marks_running: calls a worker process has finished whose results are on
    #: their way back, oldest first; their futures are still RUNNING and their workers free
    delivering: tuple[int, ...] = ()
    #: Options.manager_cancels: shutdown(cancel_futures=True) was called and the manager has not
    #: yet cancelled the queue (pool.cancels-queued)
    cancelling: bool = False

    def __hash__(self) -> int:
        return _cached_hash(self)

    @property
    def stopping(self) -> bool:
        """Workers may exit once the queue is empty."""
        return self.shutdown or self.exiting or self.dropped

    def idle(self) -> int:
        """Idle workers."""
        return sum(1 for w in self.workers if w.status is WorkerStatus.IDLE)


def dispatched(s: State) -> tuple[int, ...]:
    """The pool futures marked RUNNING whose calls have not begun: the call queue of a pool
    with ``Options.queue_marks_running`` (always empty by the docs, where a call is marked
    running as it begins), in the order they entered it.

    >>> dispatched(State(futures=(Fut(TaskKind.RETURNS, FState.RUNNING), Fut(TaskKind.RETURNS))))
    (0,)
    """
    return tuple(i for i, f in enumerate(s.futures)
                 if f.state is FState.RUNNING and f.runs == 0 and f.task is not None)


def phase(pool: Pool) -> Phase:
    """The lifecycle phase a pool is in."""
    if pool.broken:
        return Phase.BROKEN
    if not pool.stopping:
        return Phase.OPEN
    if pool.workers or pool.queue or pool.delivering:  # (a dispatched call keeps a worker: model.pool)
        return Phase.SHUTTING_DOWN
    return Phase.TERMINATED


# ---- waiters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiter(_HashCached):
    """A blocked client call, and once it returns, what it returned.

    ``signalled`` is set by whatever made its condition true (FUT-WAKES-WAITERS); a blocked
    waiter whose condition holds and that is not signalled is a lost wake-up
    (INV-NO-LOST-WAKEUP).
    """

    kind: WaitKind
    fids: tuple[int, ...] = ()  # sorted, no duplicates
    return_when: ReturnWhen = ReturnWhen.ALL_COMPLETED
    timeout: Timeout = Timeout.NONE
    iterator: int = -1  # AS_COMPLETED: the iterator's index
    signalled: bool = False
    result: Result | None = None  # None while blocked
    #: WAIT under ``Options.dup_done_waits``: it was given a done future twice, so only a
    #: timeout (or, for FIRST_EXCEPTION, a failure) ends it (WAIT-DUPLICATES-DONE, 3.8)
    stuck: bool = False

    def __hash__(self) -> int:
        return _cached_hash(self)

    @property
    def blocked(self) -> bool:
        """The call has not returned yet."""
        return self.result is None


@dataclass(frozen=True)
class AcIter:
    """An ``as_completed()`` iterator (AC-YIELDS-AS-COMPLETE)."""

    fids: tuple[int, ...]  # sorted, no duplicates (AC-DUPLICATES)
    early: frozenset[int]  # done before the call, not yet yielded: yielded first (AC-DONE-FIRST)
    arrived: tuple[int, ...] = ()  # done since the call, not yet yielded, in completion order
    yielded: tuple[int, ...] = ()
    timeout: Timeout = Timeout.NONE
    over: bool = False  # StopIteration or TimeoutError was raised; the generator is finished
    timed_out: bool = False  # it was TimeoutError (else, once over, every future was yielded)

    @property
    def pending(self) -> frozenset[int]:
        """Fids not yet done (for waiting purposes)."""
        return frozenset(self.fids) - self.early - set(self.arrived) - set(self.yielded)


# ---- the whole state ------------------------------------------------------------------------


@dataclass(frozen=True)
class State(_HashCached):
    """Everything the model knows: futures, the pool, blocked calls, as_completed iterators."""

    futures: tuple[Fut, ...] = ()
    pool: Pool = Pool()
    waiters: tuple[Waiter, ...] = ()
    iterators: tuple[AcIter, ...] = ()

    def __hash__(self) -> int:
        return _cached_hash(self)

    def fut(self, fid: int) -> Fut:
        """The future ``fid``."""
        return self.futures[fid]

    def with_fut(self, fid: int, f: Fut) -> State:
        """This state with future ``fid`` replaced."""
        futures = self.futures[:fid] + (f,) + self.futures[fid + 1 :]
        return State(futures, self.pool, self.waiters, self.iterators)

    def with_pool(self, **changes: object) -> State:
        """This state with pool fields changed (workers re-sorted)."""
        pool = replace(self.pool, **changes)  # type: ignore[arg-type]
        if "workers" in changes:
            pool = replace(pool, workers=tuple(sorted(pool.workers)))
        return State(self.futures, pool, self.waiters, self.iterators)


def initial(max_workers: int = 1, init: InitKind = InitKind.NONE) -> State:
    """A fresh executor and no futures yet (TPE-LAZY-THREADS: no worker either).

    >>> initial(2).pool.workers
    ()
    """
    return State(pool=Pool(max_workers=max_workers, init=init))


@dataclass(frozen=True)
class Options:
    """Which reading of the contract the model follows.

    The default follows the docs. ``CPYTHON`` switches on what CPython does where it is
    implementation-defined or diverges from its docs, so the checker can tell a documented
    divergence from a new bug.
    """

    fifo: bool = False  # TPE-FIFO-START: CPython starts queued calls in submission order
    gh92001: bool = False  # WAIT-CANCELLED-COUNTS / AC-CANCELLED-COUNTS (gh-92001): CPython
    # counts a future cancelled by cancel() as done for wait()/as_completed() only once a worker
    # has dequeued it (CANCELLED_AND_NOTIFIED); and (EXE-SHUTDOWN-CANCELLED-DONE, gh-87893) one
    # cancelled by shutdown(cancel_futures=True) never. Both have the same root: CPython's
    # waiters are told about a cancellation only by set_running_or_notify_cancel().
    gh132063: bool = False  # FUT-RESULT-FALSY-EXC: CPython before the 2025 fix (gh-132129)
    # returned None from result() when the stored exception was falsy.
    gc_strands_init_failure: bool = False  # TPE-INITIALIZER-FAILS-DROPPED (unreported upstream):
    # once the executor is garbage, a worker whose initializer raises cannot reach it (its weakref
    # is dead), so it exits without breaking the pool and the queued futures stay PENDING forever.
    take_then_start: bool = False  # EXE-SHUTDOWN-CANCEL-TAKEN (unreported upstream): a CPython
    # worker takes a call off the queue, and only then marks its future running; in between the
    # future is PENDING but out of the queue, so shutdown(cancel_futures=True) does not cancel it
    # and it runs (a cancel() there still succeeds, and the worker then skips the call).
    drain_stops_at_cancelled: bool = False  # TPE-INITIALIZER-FAILS-CANCELLED (unreported upstream):
    # a worker whose initializer failed fails the queued calls one by one; a cancelled one among
    # them makes its set_exception() raise InvalidStateError, which kills that worker with the
    # rest of the queue left behind. Another worker whose initializer is still to fail drains on;
    # with none left, the calls queued behind the cancelled one stay PENDING for ever.
    dup_done_waits: bool = False  # WAIT-DUPLICATES-DONE (CPython 3.8; bpo-20369 fixed it in 3.9):
    # wait() compares the number of done futures with the length of its list, duplicates
    # included, and each pending future signals once per copy; a future already done at the
    # call never signals, so two copies of one leave ALL_COMPLETED and FIRST_EXCEPTION waiting
    # until their timeout (for ever without one), unless a pending future fails (FIRST_EXCEPTION).
    queue_marks_running: bool = False  # FUT-RUNNING-EXECUTING (gh-81457), a process pool's
    # reading (CPython's ProcessPoolExecutor, loky): the manager thread marks a future RUNNING as
    # it moves the call into the call queue, up to max_workers + 1 calls ahead of the worker
    # processes, so running() is True before the call begins, cancel() then fails, and
    # shutdown(cancel_futures=True) leaves such a call to run (see model.pool).
    manager_cancels: bool = False  # EXE-SHUTDOWN-CANCEL-AT-ONCE (unreported upstream), a process
    # pool's reading: shutdown(cancel_futures=True) leaves the cancelling to the manager thread,
    # so after shutdown(wait=False, ...) returns a queued future may still be PENDING, and the
    # manager may yet queue its call for a worker before it cancels the rest.


#: Each option, and the clauses a target that needs it departs from (the checker blames
#: these, not a new bug, when a target conforms only with the option on). TPE-FIFO-START is
#: implementation-defined: the option narrows the model to CPython's choice, breaking nothing.
DEPARTS_FROM: dict[str, tuple[str, ...]] = {
    "fifo": (),
    "gh92001": ("WAIT-CANCELLED-COUNTS", "AC-CANCELLED-COUNTS", "EXE-SHUTDOWN-CANCELLED-DONE"),
    "gh132063": ("FUT-RESULT-FALSY-EXC",),
    "gc_strands_init_failure": ("TPE-INITIALIZER-FAILS-DROPPED",),
    "take_then_start": ("EXE-SHUTDOWN-CANCEL-TAKEN",),
    "drain_stops_at_cancelled": ("TPE-INITIALIZER-FAILS-CANCELLED",),
    "dup_done_waits": ("WAIT-DUPLICATES-DONE",),
    "queue_marks_running": ("FUT-RUNNING-EXECUTING",),
    "manager_cancels": ("EXE-SHUTDOWN-CANCEL-AT-ONCE",),
}

#: the call queue of a pool with ``Options.queue_marks_running`` holds this many calls more than
#: it has workers (CPython's ``EXTRA_QUEUED_CALLS``; loky's is the same)
EXTRA_QUEUED_CALLS = 1

#: Options an option shows only together with: a cancelled future that stays queued until a
#: worker takes it (gh92001) is what the drain of a broken pool can meet.
NEEDS: dict[str, tuple[str, ...]] = {"drain_stops_at_cancelled": ("gh92001",)}

DOCS = Options()
CPYTHON = Options(fifo=True, gh92001=True, gh132063=True,  # CPython 3.8-3.13 before 2025
                  gc_strands_init_failure=True, take_then_start=True, drain_stops_at_cancelled=True)


def cpython_options(python: tuple[int, int] | None = None) -> Options:
    """CPython's reading for the stdlib of ``python`` (None: any version ``CPYTHON`` covers).

    >>> cpython_options((3, 8)).dup_done_waits, cpython_options((3, 9)).dup_done_waits
    (True, False)
    """
    return replace(CPYTHON, dup_done_waits=True) if python is not None and python < (3, 9) else CPYTHON


#: a process pool built on CPython's design (its ProcessPoolExecutor, loky): CPython's reading of
#: its futures (gh-92001, gh-132063: the Future class is the same), FIFO start, and a manager
#: thread that marks calls RUNNING as it hands them to the call queue, finishes them as their
#: results come back, and does shutdown's cancelling itself. The thread pool's own departures
#: (its workers' take-then-start, its initializer's drain) are not this design's.
CPYTHON_PROCESS_POOL = Options(fifo=True, gh92001=True, gh132063=True, queue_marks_running=True,
                               manager_cancels=True)


# ---- what a transition produces -------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One allowed outcome of a client operation: what the call shows, and the state after it.

    ``rule`` names the transition (see :data:`execspec.model.rules.RULES` for its clauses).
    """

    result: Result
    state: State
    rule: str


@dataclass(frozen=True)
class Step:
    """One internal step (a worker moves, a blocked call wakes): its rule, a label, the state after."""

    rule: str
    label: str
    state: State

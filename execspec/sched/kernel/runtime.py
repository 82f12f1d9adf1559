"""The ``Runtime`` (one execution's kernel state and the step) and its controlled threads.

How a step works, and which operations are scheduling points, is told in the package
docstring (``execspec.sched.kernel``). A controlled thread is a ``CThread`` greenlet; the
finished ones are parked and reused by later executions of the same runner thread.
"""


from __future__ import annotations

import threading as _real_threading
from typing import Any, Callable, NoReturn, Protocol

from greenlet import GreenletExit, getcurrent, greenlet  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.kernel.execution import ExecutionOutcome as Outcome
from execspec.sched.kernel.execution import trace_rows
from execspec.sched.kernel.op import Op, make_op
from execspec.sched.kernel.protocols import Explanation, Host, OidBlock, Strategy

__all__ = ["Abort", "CThread", "Explainer", "POLL_TICK", "Runtime", "current_cthread",
           "new_cthread", "recycle", "run_in_runtime", "unfinished"]


class Explainer(Protocol):
    """Explains a failed execution while its greenlets (the evidence) still exist.

    ``run_once`` hands the runtime one (the postmortem's); the kernel calls it only on the
    cold path of a failure."""

    def explain(self, rt: Runtime, outcome: Outcome, exc: BaseException | None,
                thread: CThread | None) -> Explanation:
        """The report of ``outcome``; must not raise."""
        ...

    def has_wait_cycle(self, rt: Runtime) -> bool:
        """True when the blocked threads wait on each other in a cycle."""
        ...


class Abort(Exception):
    """Internal: unwinds the runner when an execution is failed from inside a thread."""


#: virtual seconds a poll costs (see ``Runtime.point``)
POLL_TICK = 1e-6


class Runtime:
    """One execution's kernel state: threads, virtual clock, trace, outcome."""

    __slots__ = ("choose", "max_steps", "threads", "live", "clock", "step", "trace", "marks", "next_oid",
                 "runner", "main_done", "aborted", "outcome", "report", "return_value",
                 "strategy_error", "env", "objects", "thread_counter", "loading", "kill_points",
                 "explainer", "extensions", "watch")

    def __init__(self, strategy: Strategy, max_steps: int,
                 explainer: Explainer | None = None) -> None:
        self.choose = strategy.choose
        self.max_steps = max_steps
        self.threads: list[CThread] = []
        self.live: list[CThread] = []
        self.clock = 0.0
        self.step = 0
        self.trace: list[Op] = []  # the op run at each step (op.thread: who ran it)
        self.marks: list[tuple[int, float]] = []  # (steps before, new clock) at each time jump
        self.next_oid = 0
        self.runner: greenlet = getcurrent()
        self.main_done = False
        self.aborted = False
        self.outcome: Outcome | None = None
        self.report: Explanation | None = None
        self.return_value: object = None
        self.strategy_error: BaseException | None = None  # raised by choose(): re-raised
        self.env: Host | None = None  # set by the loader's Env
        self.objects: list[object] = []  # shim objects with state worth reporting (queues)
        self.thread_counter = 0  # for default thread names "Thread-N (target)"
        self.loading: list[OidBlock] = []  # the modules being executed, innermost last
        self.kill_points = 0  # scheduling points reached while the runner unwinds threads
        #: builds the report of a failure (None: failures have no report)
        self.explainer = explainer
        #: per-execution state of the layers above, each under a key object it owns (the
        #: loader's hash counter, the wait graph a stall analysis built ...): opaque here
        self.extensions: dict[object, Any] = {}
        #: called before the clock jumps and before a stuck execution fails; fails the
        #: execution itself when something outside the shim could still end a wait
        #: (``kernel.outside``; the runner watches for real threads). None: nothing to watch
        self.watch: Callable[[Runtime], None] | None = None

    # -- objects and threads -------------------------------------------------------------

    def new_oid(self) -> int:
        """A fresh small integer naming a shim object (creation order, so replays agree);
        objects a loaded module creates take ids from that module's own block instead."""
        if self.loading:
            return self.loading[-1].next_oid()
        oid = self.next_oid
        self.next_oid = oid + 1
        return oid

    def spawn(self, shim: Any, body: Callable[[], object], daemon: bool) -> CThread:
        """Create a controlled thread (not yet scheduled until it is in ``live``)."""
        th = new_cthread(self, len(self.threads), shim, body, daemon)
        self.threads.append(th)
        self.live.append(th)
        return th

    # -- the step ------------------------------------------------------------------------

    def point(self, th: CThread, op: Op, ready: Callable[[], bool] | None = None,
              deadline: float | None = None) -> None:
        """A scheduling point: ``th`` is about to perform ``op`` once ``ready()`` holds.

        Returns when ``th`` has been chosen; ``ready()`` holds then (nothing ran since the
        choice), so the caller performs its operation without re-checking."""
        if self.aborted:
            self._unwinding(ready)
            return
        th.op = op
        th.ready = ready
        th.deadline = deadline
        if deadline is not None and deadline <= self.clock:
            # A poll (a timed wait whose deadline has already come) costs one tick of virtual
            # time, as polling does in real time. Without it, code that re-polls a deadline in
            # a loop (the stdlib's as_completed with timeout=0) spins forever at a frozen clock.
            self.clock += POLL_TICK
        nxt = self._pick()
        if nxt is not th:
            nxt.switch()
            if self.aborted:
                raise GreenletExit

    def _unwinding(self, ready: Callable[[], bool] | None) -> None:
        """A scheduling point after the end, while the runner unwinds this thread: what
        can proceed does (a ``finally`` releasing a lock, a weakref callback's put), what
        would block raises GreenletExit again."""
        self.kill_points += 1
        if self.kill_points > 10_000:  # it catches GreenletExit and retries: leave it be
            self.runner.switch()
        if ready is not None and not ready():
            raise GreenletExit

    def _pick(self) -> CThread:
        """Choose the next thread to run (advancing the clock or failing when stuck).

        The hottest loop of the checker: it runs at every step and asks every live thread's
        ``ready()``. Both callers (``point`` and ``thread_exit``) share it."""
        while True:
            if self.main_done and not self._nondaemon_alive():
                self._finish(Outcome.OK)
            enabled = []
            ops = []
            for t in self.live:
                r = t.ready
                if r is None or r():
                    enabled.append(t)
                    ops.append(t.op)
            if enabled:
                break
            self._stalled()
        step = self.step + 1
        self.step = step
        if step > self.max_steps:
            self.step = self.max_steps
            self.fail(Outcome.LIVELOCK)
        if len(enabled) == 1:
            nxt = enabled[0]
        else:
            try:
                i = self.choose(ops, step)
            except BaseException as exc:  # noqa: BLE001 - for run_once's caller, not user code
                self._strategy_failed(exc)
            if not 0 <= i < len(enabled):
                self._strategy_failed(IndexError(
                    f"strategy chose {i} of {len(enabled)} enabled operations"))
            nxt = enabled[i]
        self.trace.append(nxt.op)
        return nxt

    def _strategy_failed(self, exc: BaseException) -> NoReturn:
        """An error in the strategy ends the execution and reaches run_once's caller (it must
        not surface inside the code under test, which may catch anything)."""
        self.strategy_error = exc
        self._finish(Outcome.OK)
        raise exc  # unreachable: _finish does not return to this thread

    def _nondaemon_alive(self) -> bool:
        for t in self.live:
            if not t.daemon:
                return True
        return False

    def _stalled(self) -> None:
        """No thread is enabled: jump to the earliest future deadline, or fail."""
        if self.watch is not None:
            self.watch(self)  # something outside could still end a wait: it fails first
        clock = self.clock
        best: float | None = None
        for t in self.live:
            d = t.deadline
            if d is not None and d > clock and (best is None or d < best):
                best = d
        if best is not None:
            self.clock = best
            self.marks.append((len(self.trace), best))
            return
        if not self.main_done and self.env is not None and self.env.exiting:
            # Stuck during interpreter exit: a cycle is a deadlock; otherwise exit waits
            # forever for a thread that will never finish.
            cycle = self.explainer is None or self.explainer.has_wait_cycle(self)
            self.fail(Outcome.DEADLOCK if cycle else Outcome.LEAKED_THREAD)
        if not self.main_done:
            self.fail(Outcome.DEADLOCK)
        self.fail(Outcome.LEAKED_THREAD)

    def thread_exit(self, th: CThread) -> None:
        """Called as a thread's last act: one ``exit`` step, then hand over by dying."""
        if self.aborted:
            return
        self.point(th, make_op(th.tid, "exit", th.shim._oid, th.shim._name))
        th.done = True
        self.live.remove(th)
        if th.tid == 0:
            self.main_done = True
        try:
            th.next = self._pick()  # CThread.run switches to it
        except Abort:
            pass  # the end: CThread.run hands back to the runner

    # -- failing -------------------------------------------------------------------------

    def fail(self, outcome: Outcome, exc: BaseException | None = None,
             thread: CThread | None = None) -> None:
        """End the execution now with ``outcome``; never returns to the caller."""
        if not self.aborted:
            self.outcome = outcome
            if self.explainer is not None:
                self.report = self.explainer.explain(self, outcome, exc, thread)
        self._finish(outcome)

    def _finish(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome
        self.aborted = True
        cur = getcurrent()
        if cur is self.runner:
            raise Abort
        if type(cur) is CThread and cur.done:
            raise Abort  # a dying thread: thread_exit hands the runner to CThread.run
        self.runner.switch()
        raise GreenletExit  # only reached if someone resumes an aborted thread

    # -- results -------------------------------------------------------------------------

    def rows(self) -> list[tuple[int, Op, float]]:
        """The trace as (thread id, op, virtual time) rows."""
        return trace_rows(self.trace, self.marks)

    def thread_names(self) -> list[str]:
        """Current names of all threads, indexed by tid."""
        return [t.shim.name for t in self.threads]


def run_in_runtime(rt: Runtime, main: Callable[[], object], shim: Any) -> None:
    """Run ``main`` as controlled thread 0 in the current (runner) OS thread until the end;
    ``shim`` is its ``threading.Thread`` object (the shims' ``MainThread``)."""
    ensure_nursery()

    def body() -> None:
        try:
            rt.return_value = main()
        except GreenletExit:
            return
        except Abort:
            return
        except BaseException as exc:  # noqa: BLE001 - reported, not swallowed
            try:
                rt.fail(Outcome.EXCEPTION, exc, th)
            except (GreenletExit, Abort):
                return
        rt.thread_exit(th)

    th = rt.spawn(shim, body, daemon=False)
    shim._glet = th
    try:
        th.switch()
    except Abort:
        pass
    if rt.outcome is None:
        rt.outcome = Outcome.OK


# -- controlled threads -------------------------------------------------------------------

#: idle CThreads of this runner thread (``_IDLE.threads``), reused by later executions:
#: starting a new greenlet and ending it costs ~8 us (on CPython 3.11 each new greenlet maps
#: and unmaps its own frame-stack chunk: 3 syscalls), resuming a parked one ~0.5 us -- about
#: 7% of a 2-worker schedule. Greenlets belong to the OS thread that made them, hence per thread.
_IDLE = _real_threading.local()
_IDLE_MAX = 16


class CThread(greenlet):  # type: ignore[misc,unused-ignore]
    """A controlled thread: a greenlet plus what the kernel needs to schedule it.

    The greenlet outlives the thread: ``run`` calls one thread body after another (see
    ``_IDLE``). ``thread_exit`` leaves the thread to switch to in ``next``; when the body
    returns, the greenlet parks and switches there (or to its parent, the runner, when the
    thread was unwound), which is what dying with ``parent = next`` would do."""

    # slots: the pick loop reads ``ready`` and ``op`` of every live thread at every step
    __slots__ = ("rt", "tid", "shim", "op", "ready", "deadline", "done", "daemon", "in_exit",
                 "body", "next", "running")

    rt: Runtime
    tid: int
    shim: Any  # the shim threading.Thread object this greenlet runs
    op: Op
    ready: Callable[[], bool] | None
    deadline: float | None
    done: bool
    daemon: bool
    in_exit: bool  # blocked in interpreter exit's join of non-daemon threads
    body: Callable[[], object] | None  # the thread's code, until it starts
    next: CThread | None  # set by thread_exit: the thread to hand over to
    running: bool  # its body is on the stack (started, not yet returned)

    def __init__(self, rt: Runtime, tid: int, shim: Any, body: Callable[[], object],
                 daemon: bool) -> None:
        super().__init__(None, rt.runner)
        self.setup(rt, tid, shim, body, daemon)

    def setup(self, rt: Runtime, tid: int, shim: Any, body: Callable[[], object], daemon: bool) -> None:
        """Make this (new or idle) greenlet thread ``tid`` of ``rt``, to run ``body``."""
        self.body = body
        self.next = None
        self.running = False
        self.rt = rt
        self.tid = tid
        self.shim = shim
        self.op = make_op(tid, "begin", None, "")
        self.ready = None
        self.deadline = None
        self.done = False
        self.daemon = daemon
        self.in_exit = False

    def run(self, *args: object) -> None:
        """The greenlet's life: thread bodies, one per execution that reuses it."""
        if args and args[0] is _PRIME:  # entered by the nursery (``_prime``): park there
            _NURSERY.glet.switch()
        while True:
            # No local may hold on to this execution's objects while we are parked: freed
            # late, inside a later execution, they could run weakref callbacks there.
            assert self.body is not None
            self.running = True
            self.body()
            self.running = False
            self.body = None
            nxt, self.next = self.next, None
            # Park, handing over as dying would: to the thread chosen at our exit step, else
            # (unwound, or the execution ended) to our parent, the runner. ("is None", not
            # "or": a greenlet not started yet is false.) The first switch of an execution
            # that reuses this greenlet resumes it here.
            (self.parent if nxt is None else nxt).switch()


def current_cthread() -> CThread | None:
    """The running controlled thread, or None outside any execution."""
    g = getcurrent()
    return g if type(g) is CThread else None


def new_cthread(rt: Runtime, tid: int, shim: Any, body: Callable[[], object], daemon: bool) -> CThread:
    """Thread ``tid`` of ``rt``: an idle greenlet of this runner thread, or a new one."""
    idle: list[CThread] | None = getattr(_IDLE, "threads", None)
    if idle:
        th = idle.pop()
        th.parent = rt.runner
        th.setup(rt, tid, shim, body, daemon)
        return th
    th = CThread(rt, tid, shim, body, daemon)
    _prime(th)
    return th


# A new greenlet starts with the recursion depth of whoever first switches into it (greenlet
# copies the thread state's depth then), not with a depth of its own. A CThread is first
# entered by the thread that picks it, somewhere deep in that thread's stack, and keeps that
# inherited depth for its whole life as a reused greenlet; a thread it then starts inherits
# its depth plus its stack, and so on: over thousands of executions the depths ratchet up
# until ordinary calls raise RecursionError (frames never show it: each greenlet's frame
# chain stops at its own ``run``). So every new CThread is entered once, right away, from the
# *nursery*: a greenlet of the runner thread that the runner itself started, whose depth is
# the runner's (constant), and parks at once; its first real switch resumes it from there.

#: this runner thread's nursery greenlet (``.glet``)
_NURSERY = _real_threading.local()
_PRIME = object()  # the nursery's first switch into a CThread: "park at once"


def _nursery_loop(*_: object) -> None:
    req = getcurrent().parent.switch()  # started by ``ensure_nursery``: back to the runner
    while True:
        glet, back = req
        glet.switch(_PRIME)  # it starts at our depth and parks, switching back to us
        req = back.switch()


def ensure_nursery() -> None:
    """Start this runner thread's nursery, from the runner (outside any CThread), if needed."""
    g: greenlet | None = getattr(_NURSERY, "glet", None)
    if (g is None or g.dead) and current_cthread() is None:
        g = _NURSERY.glet = greenlet(_nursery_loop)
        g.switch()


def _prime(th: CThread) -> None:
    """Enter the new ``th`` once from the nursery (see above), then come back here."""
    ensure_nursery()
    g: greenlet | None = getattr(_NURSERY, "glet", None)
    if g is not None and not g.dead:
        g.switch((th, getcurrent()))


def recycle(rt: Runtime) -> None:
    """After the execution: keep its idle greenlets (finished or unwound, then parked; or
    never started) for reuse."""
    idle: list[CThread] | None = getattr(_IDLE, "threads", None)
    if idle is None:
        idle = _IDLE.threads = []
    for t in rt.threads:
        if len(idle) >= _IDLE_MAX:
            break
        if t and not t.dead and not t.running:
            t.shim = t.body = t.ready = t.next = None  # drop this execution's objects
            del t.rt
            idle.append(t)


def unfinished(rt: Runtime) -> list[CThread]:
    """Threads that were started and have not finished (they hold suspended frames)."""
    return [t for t in rt.threads if t.running and not t.dead]

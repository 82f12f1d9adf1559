"""The kernel: controlled threads on greenlets, one running at a time.

How a step works
----------------
Every controlled thread is a greenlet (``CThread``). All of an execution's greenlets live in
one real OS thread (the *runner*, see ``run_once``), so exactly one of them runs
at any moment and nothing the OS does can reorder them. A thread runs Python code freely until
it reaches an operation on a shim primitive (``Lock.acquire``, ``Event.set``, ``sleep`` ...).
There it calls ``Runtime.point(thread, op, ready)``:

1. It records its pending ``Op`` and, for a blocking operation, a ``ready()`` predicate
   ("the lock is free", "I was notified or my deadline passed").
2. It collects the *enabled* threads: every live thread whose predicate holds.
3. If none is enabled: if some blocked thread has a deadline, the virtual clock jumps to the
   earliest one and we go back to 2; otherwise the execution is stuck (deadlock, or a thread
   that outlives interpreter exit) and the runtime fails it with a report.
4. ``strategy.choose(ops, step)`` picks one; the step is appended to the trace.
5. If the chosen thread is the caller, ``point`` returns and the caller performs its
   operation. Otherwise the caller switches *directly* to the chosen greenlet (no hub), which
   resumes inside its own ``point`` call and performs *its* operation. The caller resumes
   later, when some other thread chooses it.

The operation itself happens after ``point`` returns, so the state a strategy sees when it
chooses is exactly the state the chosen operation will act on. A thread that finishes makes
one last step (``exit``), then hands over by setting its greenlet's parent to the chosen
thread, so dying *is* the switch.

Two threads, T0 acquiring a lock that T1 then wants (``ready`` shown for T1)::

    step  chosen  T0                       T1                        T1 ready?
    1     T0      acquire L#1 (free)       -                         -
    2     T0      -> holds L#1, compute    begin                     yes
    3     T1      release L#1 pending      acquire L#1 (held by T0)  no -> not offered
          ...     (T1 is not offered until T0 releases)
    4     T0      release L#1              acquire L#1               yes (L#1 free again)
    5     T1      ...                      -> holds L#1

Virtual time advances only in step 3 above, when no thread is enabled, so ``sleep(3600)``
costs one step and a timeout fires exactly when every other thread is blocked.

Open question: a timeout can only fire when nothing else can run. Real threads may see a
timeout while others are busy; exploring that would need the strategy to choose "advance
the clock" as an operation of its own.
"""

from __future__ import annotations

import _thread
import enum
import gc
import os
import sys
import threading as _real_threading
import time as _real_time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from greenlet import GreenletExit, getcurrent, greenlet  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.strategy import Op, Strategy

if TYPE_CHECKING:
    from execspec.sched.report import Report
    from execspec.sched.shim_env import Env

__all__ = ["CThread", "Execution", "Outcome", "Runtime", "TraceStep", "current_cthread"]


class Outcome(enum.Enum):
    """How an execution ended."""

    OK = "ok"
    #: no thread can run and no timed wait is pending
    DEADLOCK = "deadlock"
    #: an exception escaped the scenario or a controlled thread
    EXCEPTION = "exception"
    #: the step bound was exceeded (a livelock, or a scenario too long for the bound)
    LIVELOCK = "livelock"
    #: a non-daemon thread never finished, so interpreter exit would hang
    LEAKED_THREAD = "leaked thread"
    #: a controlled thread blocked on something the shim does not control
    UNCONTROLLED_BLOCK = "uncontrolled block"


@dataclass(frozen=True)
class TraceStep:
    """One scheduling decision: which thread ran which operation at what virtual time."""

    index: int
    thread: int
    thread_name: str
    label: str
    time: float
    op: Op


class Abort(Exception):
    """Internal: unwinds the runner when an execution is failed from inside a thread."""


# Ops are immutable and the same across executions, so one cache serves every run.
_OPS: dict[tuple[int, str, int | None, str], Op] = {}


def make_op(tid: int, kind: str, oid: int | None, name: str) -> Op:
    """The (cached) Op for thread ``tid`` doing ``kind`` on object ``oid`` named ``name``."""
    key = (tid, kind, oid, name)
    op = _OPS.get(key)
    if op is None:
        if len(_OPS) > 200_000:
            _OPS.clear()
        op = _OPS[key] = Op(tid, kind, oid, f"{name}.{kind}" if name else kind)
    return op


class CThread(greenlet):  # type: ignore[misc,unused-ignore]
    """A controlled thread: a greenlet plus what the kernel needs to schedule it."""

    rt: Runtime
    tid: int
    shim: Any  # the shim threading.Thread object this greenlet runs
    op: Op
    ready: Callable[[], bool] | None
    deadline: float | None
    waiting_on: object  # the shim primitive it is blocked on (reports only)
    done: bool
    daemon: bool
    in_exit: bool  # blocked in interpreter exit's join of non-daemon threads

    def __init__(self, rt: Runtime, tid: int, shim: Any, run: Callable[..., Any], daemon: bool) -> None:
        super().__init__(run, rt.runner)
        self.rt = rt
        self.tid = tid
        self.shim = shim
        self.op = make_op(tid, "begin", None, "")
        self.ready = None
        self.deadline = None
        self.waiting_on = None
        self.done = False
        self.daemon = daemon
        self.in_exit = False


def current_cthread() -> CThread | None:
    """The running controlled thread, or None outside any execution."""
    g = getcurrent()
    return g if type(g) is CThread else None


class Runtime:
    """One execution's kernel state: threads, virtual clock, trace, outcome."""

    def __init__(self, strategy: Strategy, max_steps: int) -> None:
        self.choose = strategy.choose
        self.max_steps = max_steps
        self.threads: list[CThread] = []
        self.live: list[CThread] = []
        self.clock = 0.0
        self.step = 0
        self.trace: list[tuple[int, Op, float]] = []
        self.next_oid = 0
        self.runner: greenlet = getcurrent()
        self.main_done = False
        self.aborted = False
        self.outcome: Outcome | None = None
        self.report: Report | None = None
        self.return_value: object = None
        self.env: Env | None = None
        self.objects: list[object] = []  # shim objects with state worth reporting (queues)
        self.thread_counter = 0  # for default thread names "Thread-N (target)"
        self.loading: list[Any] = []  # loader._ModState of the modules being executed

    # -- objects and threads -------------------------------------------------------------

    def new_oid(self) -> int:
        """A fresh small integer naming a shim object (creation order, so replays agree);
        objects a loaded module creates take ids from that module's own block instead."""
        if self.loading:
            return self.loading[-1].next_oid()  # type: ignore[no-any-return]
        oid = self.next_oid
        self.next_oid = oid + 1
        return oid

    def spawn(self, shim: Any, run: Callable[..., Any], daemon: bool) -> CThread:
        """Create a controlled thread (not yet scheduled until it is in ``live``)."""
        th = CThread(self, len(self.threads), shim, run, daemon)
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
            raise GreenletExit
        th.op = op
        th.ready = ready
        th.deadline = deadline
        nxt = self._pick()
        if nxt is not th:
            nxt.switch()
            if self.aborted:
                raise GreenletExit

    def _pick(self) -> CThread:
        """Choose the next thread to run (advancing the clock or failing when stuck)."""
        while True:
            if self.main_done and not self._nondaemon_alive():
                self._finish(Outcome.OK)
            enabled = [t for t in self.live if t.ready is None or t.ready()]
            if not enabled:
                self._stalled()
                continue
            step = self.step = self.step + 1
            if step > self.max_steps:
                self.step = self.max_steps
                self.fail(Outcome.LIVELOCK)
            if len(enabled) == 1:
                t = enabled[0]
            else:
                t = enabled[self.choose([e.op for e in enabled], step)]
            self.trace.append((t.tid, t.op, self.clock))
            return t

    def _nondaemon_alive(self) -> bool:
        for t in self.live:
            if not t.daemon:
                return True
        return False

    def _stalled(self) -> None:
        """No thread is enabled: jump to the earliest future deadline, or fail."""
        clock = self.clock
        best: float | None = None
        for t in self.live:
            d = t.deadline
            if d is not None and d > clock and (best is None or d < best):
                best = d
        if best is not None:
            self.clock = best
            return
        if not self.main_done and any(t.in_exit for t in self.live):
            from execspec.sched.report import has_wait_cycle  # noqa: PLC0415 (cold path)

            self.fail(Outcome.DEADLOCK if has_wait_cycle(self) else Outcome.LEAKED_THREAD)
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
            nxt = self._pick()
        except Abort:
            return
        th.parent = nxt  # dying switches to it

    # -- failing -------------------------------------------------------------------------

    def fail(self, outcome: Outcome, exc: BaseException | None = None,
             thread: CThread | None = None) -> None:
        """End the execution now with ``outcome``; never returns to the caller."""
        from execspec.sched.report import build_report  # noqa: PLC0415 (cold path)

        if not self.aborted:
            self.outcome = outcome
            self.report = build_report(self, outcome, exc, thread)
        self._finish(outcome)

    def _finish(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome
        self.aborted = True
        cur = getcurrent()
        if cur is self.runner:
            raise Abort
        if type(cur) is CThread and cur.done:
            raise Abort  # a dying thread: thread_exit returns, the greenlet ends at the runner
        self.runner.switch()
        raise GreenletExit  # only reached if someone resumes an aborted thread

    # -- results -------------------------------------------------------------------------

    def thread_names(self) -> list[str]:
        """Current names of all threads, indexed by tid."""
        return [t.shim.name for t in self.threads]


class Execution:
    """The result of one ``run_once``: outcome, report, trace, schedule and return value."""

    def __init__(self, outcome: Outcome, report: Report | None, raw: list[tuple[int, Op, float]],
                 names: list[str], steps: int, virtual_time: float, return_value: object) -> None:
        self.outcome = outcome
        self.report = report
        self._raw = raw
        self.thread_names = names
        self.steps = steps
        self.virtual_time = virtual_time
        self.return_value = return_value

    @property
    def failed(self) -> bool:
        """True unless the outcome is OK."""
        return self.outcome is not Outcome.OK

    @property
    def schedule(self) -> list[int]:
        """The thread id chosen at each step: enough to replay this execution."""
        return [tid for tid, _, _ in self._raw]

    @property
    def ops(self) -> list[Op]:
        """The operation run at each step."""
        return [op for _, op, _ in self._raw]

    @property
    def trace(self) -> list[TraceStep]:
        """Every step: index (1-based), thread id and name, Op label, virtual time."""
        names = self.thread_names
        return [TraceStep(i, tid, names[tid], op.label, t, op)
                for i, (tid, op, t) in enumerate(self._raw, 1)]

    def __repr__(self) -> str:
        return (f"<Execution {self.outcome.name} steps={self.steps} "
                f"virtual_time={self.virtual_time:g}>")


def run_in_runtime(rt: Runtime, main: Callable[[], object]) -> None:
    """Run ``main`` as controlled thread 0 in the current (runner) OS thread until the end."""
    from execspec.sched.shim_threading import MainThread  # noqa: PLC0415

    shim = MainThread(rt)

    def body(*_: object) -> None:
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


def unfinished(rt: Runtime) -> list[CThread]:
    """Greenlets that were started and have not finished (they hold suspended frames)."""
    return [t for t in rt.threads if t and not t.dead]


# -- running an execution ------------------------------------------------------------------
#
# Executions run in a dedicated real thread (the runner), watched by the caller. That buys
# two things: a controlled thread that blocks on something real (a real lock, a real
# sleep, a real queue) cannot hang the caller -- when the step counter stops moving for
# ``uncontrolled_timeout`` real seconds, the caller reads the runner's stack, reports
# UNCONTROLLED_BLOCK and abandons that runner; and greenlets left suspended at the end of
# an execution (a deadlock, a blocked daemon thread) are freed by retiring their runner, so
# their frames are dropped without unwinding, instead of being killed with GreenletExit,
# which ``except BaseException`` blocks in the code under test would catch and log.

_FRESH_MODULES = os.environ.get("EXECSPEC_FRESH_MODULES", "") not in ("", "0")
_UNCONTROLLED_TIMEOUT = float(os.environ.get("EXECSPEC_UNCONTROLLED_TIMEOUT", "2.0"))


class _Runner:
    """A real daemon thread that runs executions handed to it one at a time."""

    def __init__(self) -> None:
        self.go = _thread.allocate_lock()
        self.go.acquire()
        self.done = _thread.allocate_lock()
        self.done.acquire()
        self.job: Callable[[], tuple[Runtime, Execution]] | None = None
        self.result: tuple[Runtime, Execution] | None = None
        self.rt: Runtime | None = None  # the execution in progress (the watchdog reads .step)
        self.error: BaseException | None = None
        self.retired = False
        self.abandoned = False
        self.thread = _real_threading.Thread(target=self._loop, name="execspec-runner", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            self.go.acquire()
            job, self.job = self.job, None
            if job is None:
                return
            try:
                self.result = job()
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                self.error = exc
            if self.abandoned:
                return
            if self.result is not None and unfinished(self.result[0]):
                self.retired = True
            self.done.release()
            if self.retired:
                return


_local = _real_threading.local()


def _runner() -> _Runner:
    r: _Runner | None = getattr(_local, "runner", None)
    if r is None or r.retired or r.abandoned:
        r = _local.runner = _Runner()
    return r


def run_once(scenario: Callable[[Env], object], strategy: Strategy, *, max_steps: int = 20_000,
             modules: Sequence[str] = ("concurrent.futures",), cpu_count: int = 2,
             exit_at_end: bool = True, uncontrolled_timeout: float | None = None,
             fresh_modules: bool = _FRESH_MODULES) -> Execution:
    """Run ``scenario(env)`` once as controlled thread 0, letting ``strategy`` choose who runs
    at every scheduling point, and return the ``Execution``.

    ``modules`` are loaded fresh under the shim when the scenario (or code it loads) imports
    them. When the scenario returns, interpreter exit is simulated (``env.exit_interpreter()``)
    unless ``exit_at_end`` is False. Loaded modules run once and are reset for later
    executions (``loader_snapshot``); ``fresh_modules=True`` (or the environment variable
    ``EXECSPEC_FRESH_MODULES=1``) runs their code afresh every time. A controlled thread that
    makes no scheduling step for ``uncontrolled_timeout`` real seconds (default 2, or
    ``EXECSPEC_UNCONTROLLED_TIMEOUT``) is reported as UNCONTROLLED_BLOCK.
    ``strategy.end_execution(failed)`` is called before
    returning; calling ``strategy.begin_execution()`` is the caller's job.

    >>> from execspec.sched.runtime import run_once
    >>> class First:
    ...     def begin_execution(self): return True
    ...     def choose(self, enabled, step): return 0
    ...     def end_execution(self, failed): pass
    >>> def scenario(env):
    ...     cf = env.load("concurrent.futures")
    ...     with cf.ThreadPoolExecutor(max_workers=2) as ex:
    ...         return ex.submit(pow, 2, 5).result()
    >>> run_once(scenario, First()).return_value
    32
    """
    from execspec.sched.loader import checkin, checkout  # noqa: PLC0415 - they import us
    from execspec.sched.shim_env import Env  # noqa: PLC0415

    def job() -> tuple[Runtime, Execution]:
        rt = runner.rt = Runtime(strategy, max_steps)
        table = checkout([(m, None) for m in modules], fresh_modules)
        env = Env(rt, table, cpu_count)

        def main() -> object:
            rv = scenario(env)
            if exit_at_end:
                env.exit_interpreter()
            return rv

        enabled = gc.isenabled()
        gc.disable()  # cyclic GC would run callbacks at schedule-dependent points
        try:
            run_in_runtime(rt, main)
        finally:
            if enabled:
                gc.enable()
        assert rt.outcome is not None
        if not runner.abandoned:
            checkin(table)
        return rt, Execution(rt.outcome, rt.report, rt.trace, rt.thread_names(), rt.step,
                             rt.clock, rt.return_value)

    runner = _runner()
    runner.job = job
    runner.result = runner.error = runner.rt = None
    limit = _UNCONTROLLED_TIMEOUT if uncontrolled_timeout is None else uncontrolled_timeout
    poll = min(0.25, limit / 4)
    runner.go.release()
    if not runner.done.acquire(timeout=poll):
        seen, since = -1, _real_time.monotonic()
        while not runner.done.acquire(timeout=poll):
            now = _real_time.monotonic()
            step = runner.rt.step if runner.rt is not None else -1
            if step != seen:
                seen, since = step, now
            elif now - since >= limit:
                return _abandon(runner, strategy, now - since)
    if runner.error is not None:
        raise runner.error
    assert runner.result is not None
    rt, ex = runner.result
    runner.result = None
    if runner.retired:
        runner.thread.join()  # its greenlets now belong to a dead thread: freed, not unwound
    del rt
    strategy.end_execution(ex.failed)
    return ex


def _abandon(runner: _Runner, strategy: Strategy, stalled_for: float) -> Execution:
    """The runner is stuck outside the shim: report where, and leave it behind."""
    from execspec.sched.report import uncontrolled_report  # noqa: PLC0415 - cold path

    runner.abandoned = True
    rt = runner.rt
    assert rt is not None
    frame = sys._current_frames().get(runner.thread.ident or -1)
    rt.aborted = True
    rt.outcome = Outcome.UNCONTROLLED_BLOCK
    rt.report = uncontrolled_report(rt, frame, stalled_for)
    ex = Execution(Outcome.UNCONTROLLED_BLOCK, rt.report, list(rt.trace), rt.thread_names(),
                   rt.step, rt.clock, None)
    strategy.end_execution(True)
    return ex

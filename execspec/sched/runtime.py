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
one last step (``exit``), then switches to the chosen thread; its greenlet is kept for a
later execution to reuse (``cthread``). A failed execution ends by switching to the runner; the
threads still suspended then are unwound by the runner (``runner._unwind``).

Main (T0) holds lock L1, starts T1, which wants L1 too::

    step  offered to the strategy              chosen  then
    1     T0 acquire L1                        T0      T0 holds L1, runs on to start T1
    2     T0 start T1                          T0      T1 exists, its first op is "begin"
    3     T0 release L1 | T1 begin             T1      T1 runs until it wants L1 (held):
    4     T0 release L1                        T0      ... so T1 is not offered; T0 releases
    5     T0 join T1    | T1 acquire L1        T1      T1 holds L1; T0's join stays disabled
          ...                                          until T1's last step, "exit"

Which operations are scheduling points: every operation on a shim primitive that reads or
writes synchronisation state, with three exceptions that commute with everything another
thread could do at that moment -- a re-entrant RLock acquire/release, ``Condition.notify``
and the entry into ``Condition.wait`` (all happen under a held lock; ``wait`` has its point
at the wake-up). Reading the virtual clock is not a point.

Virtual time advances only in step 3 of the list further up, when no thread is enabled, so
``sleep(3600)`` costs one step and a timeout fires exactly when every other thread is blocked.

Open question: a timeout can only fire when nothing else can run. Real threads may see a
timeout while others are busy; exploring that would need the strategy to choose "advance
the clock" as an operation of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, NoReturn

from greenlet import GreenletExit, getcurrent, greenlet  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.cthread import CThread, current_cthread, make_op, new_cthread
from execspec.sched.execution import Execution, Outcome, TraceStep, trace_rows
from execspec.sched.strategy import Op, Strategy

if TYPE_CHECKING:
    from execspec.sched.report import Report
    from execspec.sched.shim_env import Env

__all__ = ["CThread", "Execution", "FirstEnabled", "Outcome", "Runtime", "TraceStep", "current_cthread",
           "run_once"]


class Abort(Exception):
    """Internal: unwinds the runner when an execution is failed from inside a thread."""


#: virtual seconds a poll costs (see ``Runtime.point``)
POLL_TICK = 1e-6


class Runtime:
    """One execution's kernel state: threads, virtual clock, trace, outcome."""

    __slots__ = ("choose", "max_steps", "threads", "live", "clock", "step", "trace", "marks", "next_oid",
                 "runner", "main_done", "aborted", "outcome", "report", "return_value",
                 "strategy_error", "env", "objects", "thread_counter", "loading", "kill_points", "hash_counter", "analysis")

    def __init__(self, strategy: Strategy, max_steps: int) -> None:
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
        self.report: Report | None = None
        self.return_value: object = None
        self.strategy_error: BaseException | None = None  # raised by choose(): re-raised
        self.env: Env | None = None
        self.objects: list[object] = []  # shim objects with state worth reporting (queues)
        self.thread_counter = 0  # for default thread names "Thread-N (target)"
        self.loading: list[Any] = []  # loader._ModState of the modules being executed
        self.kill_points = 0  # scheduling points reached while the runner unwinds threads
        self.hash_counter = 0  # loader_hash: objects given an address-free hash so far
        self.analysis: Any = None  # report_waits.WaitGraph, once a stall was analysed

    # -- objects and threads -------------------------------------------------------------

    def new_oid(self) -> int:
        """A fresh small integer naming a shim object (creation order, so replays agree);
        objects a loaded module creates take ids from that module's own block instead."""
        if self.loading:
            return self.loading[-1].next_oid()  # type: ignore[no-any-return]
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
            th.next = self._pick()  # CThread.run switches to it
        except Abort:
            pass  # the end: CThread.run hands back to the runner

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


def run_in_runtime(rt: Runtime, main: Callable[[], object]) -> None:
    """Run ``main`` as controlled thread 0 in the current (runner) OS thread until the end."""
    from execspec.sched.shim_threading import MainThread  # noqa: PLC0415

    shim = MainThread(rt)

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


# ``run_once`` lives with the runner thread that executes it; re-exported here, the kernel's
# public entry point, with the one-schedule strategy its examples use.
from execspec.sched.runner import FirstEnabled, run_once  # noqa: E402

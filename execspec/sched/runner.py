"""Where executions run: a dedicated real thread per caller, watched by the caller.

Executions run in a dedicated real thread (the runner), watched by the caller. That buys
two things: a controlled thread that blocks on something real (a real lock, a real
sleep, a real queue) cannot hang the caller -- when the step counter stops moving for
``uncontrolled_timeout`` real seconds, the caller reads the runner's stack, reports
UNCONTROLLED_BLOCK and abandons that runner; and greenlets left suspended at the end of
an execution (a deadlock, a blocked daemon thread) are freed by retiring their runner, so
their frames are dropped without unwinding, instead of being killed with GreenletExit,
which ``except BaseException`` blocks in the code under test would catch and log.

The hand-off costs two real-lock round trips per execution (tens of microseconds; across
two cores about as much as a short execution), and the runner is reused until it has to
retire. ``run_series`` hands over a whole series instead (what ``explore`` runs): the
strategy's calls and the caller's per-execution work run in the runner too, between
executions, so no execution crosses threads; a series outlives an abandoned or retired
runner (its state is the ``_Series``, not the runner's stack). The watchdog tells executions
apart by the runner's serial number, and a lock (``_Runner.phase``) makes an execution either
abandoned by the watchdog or finished by its runner, never both.

Threads still suspended when an execution ends (a deadlock, a blocked daemon thread) are
unwound right away in the runner: ``GreenletExit`` is thrown into each, and every scheduling
point raises it again, so ``finally`` blocks run and memory is returned. Executor code that
catches ``BaseException`` may log while it unwinds (the stdlib's "Exception in worker");
records of the ``concurrent.futures`` logger are dropped while that happens. A thread that
refuses to die (it catches and retries forever) is left suspended and its runner retires:
a greenlet of a dead thread is never run again (its memory is not reclaimed either).

No runner outlives the work that made it. An abandoned runner is stopped, not left behind:
``_abandon`` raises ``Abandoned`` in it asynchronously (it fires at the runner's next bytecode,
so a busy loop outside the shim ends at once and nothing of the code under test runs after a
real call returns), and wakes it when its real wait is a ``threading.Condition`` wait (a real
``Event``, ``Queue``, ``Semaphore``, ``Barrier`` or ``Condition``: its waiter lock is released,
as a notify would), then waits up to ``STOP_BOUND`` for it to end. A runner blocked where
nothing can wake it (a real lock held elsewhere, a real socket) is counted by
``abandoned_runners()`` and the report says so; it ends as soon as that call returns. A runner
whose caller thread has ended ends too (its thread-local holder's finalizer stops it).
"""

from __future__ import annotations

import _thread
import ctypes
import functools
import gc
import logging
import sys
import threading as _real_threading
import time as _real_time
import weakref
from types import FrameType
from typing import Callable, Sequence

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped,unused-ignore]

from execspec import config
from execspec.sched.kernel.execution import Execution, Outcome
from execspec.sched.kernel.op import Op
from execspec.sched.kernel.outside import OutsideWait, fail_outside
from execspec.sched.kernel.protocols import Strategy
from execspec.sched.kernel.runtime import CThread, Runtime, current_cthread, recycle, run_in_runtime, unfinished
from execspec.sched.kernel.unraisable import quiet_greenlet_exit
from execspec.sched.loader.env import Env
from execspec.sched.loader.table import checkin, checkout
from execspec.sched.postmortem.report import EXPLAINER, uncontrolled_report
from execspec.sched.shims.threading import MainThread

__all__ = ["Abandoned", "STOP_BOUND", "abandoned_runners", "harness_thread", "join_abandoned",
           "release_runner", "run_once", "run_series"]

_GRAVEYARD = 32  # executions with suspended greenlets a runner keeps before it retires
#: real seconds run_once waits for an abandoned runner to stop before it reports it stuck
STOP_BOUND = 1.0


class Abandoned(BaseException):
    """Raised asynchronously in a runner thread that was abandoned: it stops running code."""


#: idents of abandoned runner threads still alive (their logging is dropped, see below)
_ABANDONED: dict[int, "_Runner"] = {}
#: every runner thread (of any caller), and the explorer's own threads that run a part of a
#: split exploration: infrastructure, never a real thread under test
_RUNNER_THREADS: "weakref.WeakSet[_real_threading.Thread]" = weakref.WeakSet()


def harness_thread(thread: _real_threading.Thread) -> _real_threading.Thread:
    """Count ``thread`` (not started yet) as ours: an execution that sees it start, in another
    part of a split exploration running beside it, does not take it for the scenario's."""
    _RUNNER_THREADS.add(thread)
    return thread


class _Runner:
    """A real daemon thread that runs the jobs handed to it one at a time: one execution
    (``run_once``), or a whole series of them (``run_series``)."""

    def __init__(self) -> None:
        self.go = _thread.allocate_lock()
        self.go.acquire()
        self.done = _thread.allocate_lock()
        self.done.acquire()
        self.job: Callable[[], object] | None = None
        self.result: object = None
        self.rt: Runtime | None = None  # the execution in progress (the watchdog reads .step)
        self.serial = 0  # executions begun: the watchdog tells one from the next by it
        # Held to leave an execution (the runner) and to abandon one (the watchdog): an
        # execution is either abandoned or finished by its runner, never both.
        self.phase = _thread.allocate_lock()
        self.error: BaseException | None = None
        self.retired = False
        self.graveyard: list[Runtime] = []  # executions with suspended greenlets, kept alive
        self.abandoned = False
        self.thread = _real_threading.Thread(target=self._loop, name="execspec-runner", daemon=True)
        _RUNNER_THREADS.add(self.thread)
        self.thread.start()

    def _loop(self) -> None:
        try:
            self._serve()
        except Abandoned:  # raised by _abandon between two jobs: nothing is left to stop
            pass
        finally:
            _ABANDONED.pop(_thread.get_ident(), None)

    def _serve(self) -> None:
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
            self.done.release()
            if self.retired:
                return

    def execute(self, scenario: Callable[[Env], object], strategy: Strategy,
                how: "_Settings") -> Execution | None:
        """Run one execution here, in the runner thread; None if the watchdog abandoned it
        meanwhile (the watchdog then reports it)."""
        max_steps, modules, cpu_count, exit_at_end, fresh = how
        rt = Runtime(strategy, max_steps, EXPLAINER)
        rt.watch = _RealThreads()
        with self.phase:
            self.rt = rt
            self.serial += 1
        table = checkout(modules, fresh)
        env = Env(rt, table, cpu_count)

        def main() -> object:
            rv = scenario(env)
            if exit_at_end:
                env.exit_interpreter()
            return rv

        enabled = gc.isenabled()
        gc.disable()  # cyclic GC would run callbacks at schedule-dependent points
        try:
            run_in_runtime(rt, main, MainThread(rt))
            if unfinished(rt):
                _unwind(rt)
        finally:
            if enabled:
                gc.enable()
        assert rt.outcome is not None
        if not self.abandoned and rt.strategy_error is None:
            checkin(table)
        ex = Execution(rt.outcome, rt.report, rt.trace, rt.marks, rt.thread_names(),
                       rt.step, rt.clock, rt.return_value)
        recycle(rt)
        with self.phase:
            if self.abandoned:
                return None
            self.rt = None
        if unfinished(rt):
            # Keep its suspended greenlets until enough have piled up, then retire:
            # a thread start per failing execution would dominate exploration.
            self.graveyard.append(rt)
            self.retired = len(self.graveyard) >= _GRAVEYARD
        if rt.strategy_error is not None:
            raise rt.strategy_error
        return ex


#: how executions run: (max_steps, module roots, cpu_count, exit_at_end, fresh modules)
_Settings = tuple[int, tuple[tuple[str, None], ...], int | None, bool, bool]


_local = _real_threading.local()
_quiet = _real_threading.local()  # .active: the runner is unwinding a finished execution


class _QuietWhileUnwinding(logging.Filter):
    """Drops records logged by code under test while the runner unwinds its threads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "active", False) and _thread.get_ident() not in _ABANDONED


logging.getLogger("concurrent.futures").addFilter(_QuietWhileUnwinding())


def _unwind(rt: Runtime) -> None:
    """Throw GreenletExit into every suspended thread of a finished execution."""
    me = getcurrent()
    _quiet.active = True
    try:
        for th in unfinished(rt):
            th.parent = me
            try:
                th.throw(GreenletExit)
            except BaseException:  # noqa: BLE001, S110 - whatever a dying thread raises
                pass
    finally:
        _quiet.active = False


class _Holder:
    """A caller thread's runner, held in its thread-local; the runner stops when the caller
    thread ends (its locals are dropped, and this holder's finalizer hands the runner no job)."""

    def __init__(self, runner: _Runner) -> None:
        self.runner = runner
        weakref.finalize(self, _stop_idle, runner)


def _stop_idle(runner: _Runner) -> None:
    if not (runner.abandoned or runner.retired) and runner.thread.is_alive():
        runner.job = None
        runner.go.release()


def _runner() -> _Runner:
    h: _Holder | None = getattr(_local, "holder", None)
    if h is None or h.runner.retired or h.runner.abandoned:
        h = _local.holder = _Holder(_Runner())
    return h.runner


def release_runner(timeout: float = STOP_BOUND) -> bool:
    """Stop the calling thread's idle runner, when it has one (a later ``run_once`` starts a
    new one): what a run calls at its end so that no thread of it is left. Whether none is
    left running after up to ``timeout`` real seconds."""
    h: _Holder | None = getattr(_local, "holder", None)
    if h is None:
        return True
    _local.holder = None
    _stop_idle(h.runner)
    h.runner.thread.join(timeout)
    return not h.runner.thread.is_alive()


def abandoned_runners() -> int:
    """How many abandoned runner threads are still alive (blocked where nothing could wake
    them; each ends when its real call returns)."""
    return sum(1 for r in list(_ABANDONED.values()) if r.thread.is_alive())


def join_abandoned(timeout: float) -> int:
    """Wait up to ``timeout`` real seconds in all for abandoned runners to end; how many are
    still alive then."""
    deadline = _real_time.monotonic() + timeout
    for r in list(_ABANDONED.values()):
        r.thread.join(max(0.0, deadline - _real_time.monotonic()))
    return abandoned_runners()


def run_once(scenario: Callable[[Env], object], strategy: Strategy, *, max_steps: int = 20_000,
             modules: Sequence[str] = ("concurrent.futures",), cpu_count: int | None = 2,
             exit_at_end: bool = True, uncontrolled_timeout: float | None = None,
             fresh_modules: bool | None = None) -> Execution:
    """Run ``scenario(env)`` once as controlled thread 0, letting ``strategy`` choose who runs
    at every scheduling point, and return the ``Execution``.

    ``modules`` are loaded fresh under the shim when the scenario (or code it loads) imports
    them. When the scenario returns, interpreter exit is simulated (``env.exit_interpreter()``)
    unless ``exit_at_end`` is False. Loaded modules run once and are reset for later
    executions (``loader.snapshot``); ``fresh_modules=True`` (None: the environment variable
    ``EXECSPEC_FRESH_MODULES=1``, see ``execspec.config``) runs their code afresh every time. A controlled thread that
    makes no scheduling step for ``uncontrolled_timeout`` real seconds (default 2, or
    ``EXECSPEC_UNCONTROLLED_TIMEOUT``) is reported as UNCONTROLLED_BLOCK.
    ``strategy.end_execution(failed)`` is called before
    returning; calling ``strategy.begin_execution()`` is the caller's job.

    >>> from execspec.sched import FirstEnabled, run_once
    >>> def scenario(env):
    ...     cf = env.load("concurrent.futures")
    ...     with cf.ThreadPoolExecutor(max_workers=2) as ex:
    ...         return ex.submit(pow, 2, 5).result()
    >>> run_once(scenario, FirstEnabled()).return_value
    32
    """
    how, limit = _settings(max_steps, modules, cpu_count, exit_at_end, uncontrolled_timeout,
                           fresh_modules)
    runner = _runner()
    runner.job = functools.partial(runner.execute, scenario, strategy, how)
    stalled = _hand_over(runner, limit)
    result, runner.result = runner.result, None
    ex = _abandon(runner, stalled) if stalled is not None else result
    assert isinstance(ex, Execution)
    strategy.end_execution(ex.failed)
    return ex


def run_series(scenario: Callable[[Env], object], strategy: Strategy,
               each: Callable[[Execution], bool], *, max_steps: int = 20_000,
               modules: Sequence[str] = ("concurrent.futures",), cpu_count: int | None = 2,
               exit_at_end: bool = True, uncontrolled_timeout: float | None = None,
               fresh_modules: bool | None = None) -> bool:
    """Run ``scenario`` execution after execution while ``strategy.begin_execution()`` is
    true, calling ``each(execution)`` after each one until it returns False; True when the
    strategy ran out (``begin_execution()`` said False) before ``each`` did. What a loop of
    ``begin_execution()``, ``run_once`` and ``each`` does (the same executions, the same
    calls in the same order; ``strategy.observe(ops)``, when the strategy has it, right
    before ``end_execution``), but the whole loop runs in the runner thread, so no execution
    is handed from one thread to another (a hand-off across cores costs about as much as a
    short execution). The arguments are ``run_once``'s; the strategy and ``each`` are called
    in the runner thread, one at a time, never concurrently with the caller.

    The caller watches as ``run_once`` does: an execution that stops stepping for
    ``uncontrolled_timeout`` is reported UNCONTROLLED_BLOCK (its runner abandoned, the series
    goes on in a new one); a runner that retires hands the rest of the series to the next.

    >>> from execspec.sched import FirstEnabled
    >>> seen = []
    >>> run_series(lambda env: 1, FirstEnabled(), lambda ex: not seen.append(ex) and len(seen) < 2)
    False
    >>> [ex.return_value for ex in seen]
    [1, 1]
    """
    how, limit = _settings(max_steps, modules, cpu_count, exit_at_end, uncontrolled_timeout,
                           fresh_modules)
    series = _Series(scenario, strategy, each, how)
    while not series.over:
        runner = _runner()
        runner.job = functools.partial(series.run, runner)
        stalled = _hand_over(runner, limit)
        if stalled is not None:
            series.after(_abandon(runner, stalled))
    return series.exhausted


class _Series:
    """A ``run_series`` loop: its state lives here, not on a runner's stack, so that a new
    runner can take over where an abandoned or retired one stopped."""

    __slots__ = ("scenario", "strategy", "each", "how", "observe", "over", "exhausted")

    def __init__(self, scenario: Callable[[Env], object], strategy: Strategy,
                 each: Callable[[Execution], bool], how: _Settings) -> None:
        self.scenario, self.strategy, self.each, self.how = scenario, strategy, each, how
        self.observe: Callable[[list[Op]], object] | None = getattr(strategy, "observe", None)
        self.over = False
        self.exhausted = False  # the strategy had nothing left

    def run(self, runner: _Runner) -> None:
        """In the runner: executions until the series is over, or the runner retires or is
        abandoned (then the caller goes on)."""
        while not self.over and not runner.retired:
            if not self.strategy.begin_execution():
                self.over = self.exhausted = True
                return
            ex = runner.execute(self.scenario, self.strategy, self.how)
            if ex is None:
                return  # abandoned: the watchdog reports it and goes on
            self.after(ex)

    def after(self, ex: Execution) -> None:
        """What follows an execution: the strategy hears of it, then ``each``."""
        if self.observe is not None:
            self.observe(ex.ops)
        self.strategy.end_execution(ex.failed)
        if not self.each(ex):
            self.over = True


def _settings(max_steps: int, modules: Sequence[str], cpu_count: int | None, exit_at_end: bool,
              uncontrolled_timeout: float | None,
              fresh_modules: bool | None) -> tuple[_Settings, float]:
    fresh = config.fresh_modules() if fresh_modules is None else fresh_modules
    quiet_greenlet_exit()  # an abandoned execution's generators are finalized later: no noise
    limit = config.uncontrolled_timeout() if uncontrolled_timeout is None else uncontrolled_timeout
    return (max_steps, tuple((m, None) for m in modules), cpu_count, exit_at_end, fresh), limit


def _hand_over(runner: _Runner, limit: float) -> float | None:
    """Run ``runner.job`` in the runner and wait for it, watching its executions: how long
    one stalled if it was abandoned for it (None: the job ended). Raises what the job raised."""
    runner.result = runner.error = None
    poll = min(0.25, limit / 4)
    runner.go.release()
    try:
        if not runner.done.acquire(timeout=poll):
            seen, since = (-1, -1), _real_time.monotonic()
            while not runner.done.acquire(timeout=poll):
                now = _real_time.monotonic()
                rt = runner.rt
                mark = (runner.serial, rt.step if rt is not None else -1)
                if mark != seen:
                    seen, since = mark, now
                elif rt is not None and now - since >= limit:
                    with runner.phase:  # unless it is leaving the execution right now
                        if runner.rt is rt and rt.step == mark[1]:
                            runner.abandoned = True
                    if runner.abandoned:
                        return now - since
    except BaseException:  # KeyboardInterrupt while waiting: never hand this runner out again
        runner.abandoned = True
        raise
    if runner.retired:
        runner.thread.join()  # its greenlets now belong to a dead thread: freed, not unwound
        runner.graveyard.clear()
    if runner.error is not None:
        error, runner.error = runner.error, None
        raise error
    return None


def _abandon(runner: _Runner, stalled_for: float) -> Execution:
    """The runner is stuck outside the shim: report where, then stop it (bounded)."""
    rt = runner.rt
    assert rt is not None and runner.abandoned
    ident = runner.thread.ident or -1
    frame = sys._current_frames().get(ident)
    rt.aborted = True
    rt.outcome = Outcome.UNCONTROLLED_BLOCK
    rt.report = rep = uncontrolled_report(rt, frame, stalled_for)
    ex = Execution(Outcome.UNCONTROLLED_BLOCK, rep, list(rt.trace), list(rt.marks),
                   rt.thread_names(), rt.step, rt.clock, None)
    # Only now, with the evidence copied, is the runner woken: it unwinds and recycles rt.
    _ABANDONED[ident] = runner
    _stop(runner, frame)
    if runner.thread.is_alive():
        rep.details += (" Its runner thread could not be stopped (nothing wakes that call); "
                        "it ends when the call returns.")
    return ex


def _stop(runner: _Runner, frame: FrameType | None) -> None:
    """Make an abandoned runner stop: an asynchronous ``Abandoned`` for its next bytecode, and
    a wake-up for a real ``Condition`` wait; then wait for it, up to ``STOP_BOUND``."""
    ident = runner.thread.ident
    if ident is None or not runner.thread.is_alive():
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(Abandoned))
    woken = False
    f = frame
    while f is not None and not woken:
        if f.f_code is _CONDITION_WAIT:
            waiter = f.f_locals.get("waiter")
            if waiter is not None and waiter.locked():
                try:
                    waiter.release()  # as notify() would; Abandoned fires before it is seen
                except RuntimeError:  # notified meanwhile
                    pass
            woken = True
        f = f.f_back
    # Woken, it may still have to take the condition's lock back; a busy loop stops within
    # a switch interval; anything else stops only when its call returns: not waited for.
    runner.thread.join(STOP_BOUND if woken else _SPIN_BOUND)


#: real seconds to wait for a runner with no real wait to wake (a busy loop) to stop
_SPIN_BOUND = 0.1
_CONDITION_WAIT = _real_threading.Condition.wait.__code__


class _RealThreads:
    """``Runtime.watch``: real threads started during the execution that are still running
    could set a shim object or release a wait at any moment, so virtual time must not jump
    past a wait while one lives, nor may the execution be called stuck (``kernel.outside``)."""

    __slots__ = ("before",)

    def __init__(self) -> None:
        self.before = {t.ident for t in _real_threading.enumerate()}

    def started(self) -> list[_real_threading.Thread]:
        """Real threads alive now that were not when the execution began, but ours."""
        return [t for t in _real_threading.enumerate()
                if t.ident not in self.before and t not in _RUNNER_THREADS
                and not isinstance(t, _real_threading._DummyThread) and t.is_alive()]

    def __call__(self, rt: Runtime) -> None:
        new = self.started()
        if not new:
            return
        me = current_cthread()
        if me is None:
            return
        waiter = _first_to_time_out(rt) or me
        frame = sys._getframe() if waiter is me else waiter.gr_frame
        what = ", ".join(sorted({_describe(t) for t in new}))
        fail_outside(me, OutsideWait(
            call=waiter.op.label,
            on=f"real thread(s) started during the execution and still running ({what})",
            hint="virtual time cannot pass while a thread the shim does not control may still "
                 "end the wait; start it through the scenario's env.threading (a shim Timer or "
                 "Thread), or load the module that starts it under the shim"), frame)


def _first_to_time_out(rt: Runtime) -> CThread | None:
    best: CThread | None = None
    for t in rt.live:
        d = t.deadline
        if d is not None and d > rt.clock and (best is None or best.deadline is None or d < best.deadline):
            best = t
    if best is None:
        best = next((t for t in rt.live if t.ready is not None), None)
    return best


def _describe(t: _real_threading.Thread) -> str:
    """A real thread by its class and what it runs (never its name or id: they differ
    between runs, and a report must replay word for word)."""
    fn = getattr(t, "function", None) or getattr(t, "_target", None)
    runs = "its run()" if fn is None else getattr(fn, "__qualname__", type(fn).__name__)
    return f"a real {type(t).__module__}.{type(t).__qualname__} running {runs}"

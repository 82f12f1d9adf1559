"""Where executions run: a dedicated real thread per caller, watched by the caller.

Executions run in a dedicated real thread (the runner), watched by the caller. That buys
two things: a controlled thread that blocks on something real (a real lock, a real
sleep, a real queue) cannot hang the caller -- when the step counter stops moving for
``uncontrolled_timeout`` real seconds, the caller reads the runner's stack, reports
UNCONTROLLED_BLOCK and abandons that runner; and greenlets left suspended at the end of
an execution (a deadlock, a blocked daemon thread) are freed by retiring their runner, so
their frames are dropped without unwinding, instead of being killed with GreenletExit,
which ``except BaseException`` blocks in the code under test would catch and log.

The hand-off costs two real-lock round trips per execution (tens of microseconds), small
next to an execution, and the runner is reused until it has to retire.

Threads still suspended when an execution ends (a deadlock, a blocked daemon thread) are
unwound right away in the runner: ``GreenletExit`` is thrown into each, and every scheduling
point raises it again, so ``finally`` blocks run and memory is returned. Executor code that
catches ``BaseException`` may log while it unwinds (the stdlib's "Exception in worker");
records of the ``concurrent.futures`` logger are dropped while that happens. A thread that
refuses to die (it catches and retries forever) is left suspended and its runner retires:
a greenlet of a dead thread is never run again (its memory is not reclaimed either).
"""

from __future__ import annotations

import _thread
import gc
import logging
import sys
import threading as _real_threading
import time as _real_time
from typing import Callable, Sequence

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped,unused-ignore]

from execspec import config
from execspec.sched.kernel.execution import Execution, Outcome
from execspec.sched.kernel.protocols import Strategy
from execspec.sched.kernel.runtime import Runtime, recycle, run_in_runtime, unfinished
from execspec.sched.loader.env import Env
from execspec.sched.loader.table import checkin, checkout
from execspec.sched.postmortem.report import EXPLAINER, uncontrolled_report
from execspec.sched.shims.threading import MainThread

__all__ = ["run_once"]

_GRAVEYARD = 32  # executions with suspended greenlets a runner keeps before it retires


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
        self.graveyard: list[Runtime] = []  # executions with suspended greenlets, kept alive
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
                # Keep its suspended greenlets until enough have piled up, then retire:
                # a thread start per failing execution would dominate exploration.
                self.graveyard.append(self.result[0])
                self.retired = len(self.graveyard) >= _GRAVEYARD
            self.done.release()
            if self.retired:
                return


_local = _real_threading.local()
_quiet = _real_threading.local()  # .active: the runner is unwinding a finished execution


class _QuietWhileUnwinding(logging.Filter):
    """Drops records logged by code under test while the runner unwinds its threads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "active", False)


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


def _runner() -> _Runner:
    r: _Runner | None = getattr(_local, "runner", None)
    if r is None or r.retired or r.abandoned:
        r = _local.runner = _Runner()
    return r


def run_once(scenario: Callable[[Env], object], strategy: Strategy, *, max_steps: int = 20_000,
             modules: Sequence[str] = ("concurrent.futures",), cpu_count: int = 2,
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
    fresh = config.fresh_modules() if fresh_modules is None else fresh_modules

    def job() -> tuple[Runtime, Execution]:
        rt = runner.rt = Runtime(strategy, max_steps, EXPLAINER)
        table = checkout([(m, None) for m in modules], fresh)
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
        if not runner.abandoned and rt.strategy_error is None:
            checkin(table)
        ex = Execution(rt.outcome, rt.report, rt.trace, rt.marks, rt.thread_names(),
                       rt.step, rt.clock, rt.return_value)
        recycle(rt)
        return rt, ex

    runner = _runner()
    runner.job = job
    runner.result = runner.error = runner.rt = None
    limit = config.uncontrolled_timeout() if uncontrolled_timeout is None else uncontrolled_timeout
    poll = min(0.25, limit / 4)
    runner.go.release()
    try:
        if not runner.done.acquire(timeout=poll):
            seen, since = -1, _real_time.monotonic()
            while not runner.done.acquire(timeout=poll):
                now = _real_time.monotonic()
                step = runner.rt.step if runner.rt is not None else -1
                if step != seen:
                    seen, since = step, now
                elif now - since >= limit:
                    return _abandon(runner, strategy, now - since)
    except BaseException:  # KeyboardInterrupt while waiting: never hand this runner out again
        runner.abandoned = True
        raise
    if runner.error is not None:
        raise runner.error
    assert runner.result is not None
    rt, ex = runner.result
    runner.result = None
    if runner.retired:
        runner.thread.join()  # its greenlets now belong to a dead thread: freed, not unwound
        runner.graveyard.clear()
    if rt.strategy_error is not None:
        raise rt.strategy_error
    strategy.end_execution(ex.failed)
    return ex


def _abandon(runner: _Runner, strategy: Strategy, stalled_for: float) -> Execution:
    """The runner is stuck outside the shim: report where, and leave it behind."""
    runner.abandoned = True
    rt = runner.rt
    assert rt is not None
    frame = sys._current_frames().get(runner.thread.ident or -1)
    rt.aborted = True
    rt.outcome = Outcome.UNCONTROLLED_BLOCK
    rt.report = uncontrolled_report(rt, frame, stalled_for)
    ex = Execution(Outcome.UNCONTROLLED_BLOCK, rt.report, list(rt.trace), list(rt.marks),
                   rt.thread_names(), rt.step, rt.clock, None)
    strategy.end_execution(True)
    return ex

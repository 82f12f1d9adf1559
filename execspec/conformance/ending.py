"""Ending a run: within a bound, and with nothing of it left behind.

A target can leave things running that would keep the checker from ever exiting: worker
threads blocked in a task forever (interpreter exit joins every ``ThreadPoolExecutor`` worker),
process-pool workers and dask clusters (their own exit handlers wait for them), a thread of the
shim stuck in a real call. So a run ends in three steps:

1. :func:`end_children`: the processes that appeared during the run (``before`` is
   :func:`baseline`, taken at its start) are asked to stop (SIGTERM), waited for up to a bound,
   then killed (SIGKILL), and reaped. multiprocessing's own helpers (its resource tracker)
   end by themselves when this process does; they are not counted.
2. :func:`exit_blockers`: the threads that interpreter exit would wait for.
3. :func:`leave` (the console script only, never a library caller): when some remain, the
   output is flushed and the process exits at once with its status, instead of waiting for them.

And a run that would outlast its printed bound is stopped by :class:`Watchdog`: it prints
every thread's stack (where the run was), ends the children and exits with
:data:`OUT_OF_TIME`.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from execspec import config
from execspec.conformance.foreign import CHILD_BOUND, children

if TYPE_CHECKING:
    from execspec.conformance.run import Profile
    from execspec.targets import Target

__all__ = ["OUT_OF_TIME", "Bounds", "Watchdog", "baseline", "bounds", "console", "end_children",
           "exit_blockers", "in_console", "leave"]

#: exit status of a run stopped by its watchdog
OUT_OF_TIME = 3
#: real seconds children get between SIGTERM and SIGKILL
TERM_BOUND = 3.0


_CONSOLE = threading.Event()  # set by the console script: the process is ours to end


def console() -> None:
    """Called by the console script (``execspec.cli``): this process may be ended at once."""
    _CONSOLE.set()


def in_console() -> bool:
    """Whether the console script runs this process (else a library caller: never exit it)."""
    return _CONSOLE.is_set()


@dataclass(frozen=True)
class Bounds:
    """The real seconds each part of a check run may take at most, and in all.

    Each is derived from the bounded waits that part makes (``post: total >= every part``):
    a clause check on real threads waits at most ``check`` seconds and a target's real-thread
    checks ``threads`` in all (the first hang stops them); a shim execution stalls outside the
    shim at most ``stall`` seconds before it is abandoned; the machine's real-thread calls wait
    ``call`` seconds each."""

    check: float  #: one clause check on real threads
    threads: float  #: all of a target's clause checks on real threads
    stall: float  #: one shim execution blocked outside the shim (then stopping its runner)
    call: float  #: one machine call on real threads that the model says must return
    per_target: float  #: one target, every part
    total: float  #: the whole run, with the fixed work (spec, model) and the ending


def bounds(targets: Sequence[Target], profile: Profile | None, n_checks: int) -> Bounds:
    """The bounds of ``execspec check`` over ``targets`` (``n_checks`` clause checks each)."""
    from execspec.conformance.driver import World
    from execspec.conformance.scenarios.threads import HANG_LIMIT, THREADS_BUDGET
    from execspec.sched.runner import STOP_BOUND

    from execspec.conformance.run import Mode, machine_bound

    stall = config.uncontrolled_timeout() + STOP_BOUND
    call = float(World.hang)
    shim_checks = n_checks * stall + 30.0  # each check stops at its first failing schedule
    machine = 0.0
    if profile is not None:
        # a run per mode, each within its budget and what may overrun it (machine_bound); then
        # building and classifying one executor, and ending its processes
        machine += machine_bound(profile, Mode.SHIM) + machine_bound(profile, Mode.THREADS)
        machine += 60.0 + CHILD_BOUND
    per_target = machine + THREADS_BUDGET + shim_checks
    total = per_target * len(targets) + 120.0 + TERM_BOUND
    return Bounds(HANG_LIMIT, THREADS_BUDGET, stall, call, per_target, total)


def baseline() -> frozenset[int]:
    """This process's living descendants now (taken before a run starts)."""
    return frozenset(children())


def end_children(before: Iterable[int], bound: float = TERM_BOUND) -> list[int]:
    """End every descendant that appeared since ``before``: SIGTERM, up to ``bound`` seconds,
    then SIGKILL. Returns their process ids (none: nothing was left)."""
    old = set(before)
    mine = sorted(set(children()) - old)
    if not mine:
        return []
    _signal(mine, signal.SIGTERM)
    deadline = time.monotonic() + bound
    ended = threading.Event()  # never set: a timed wait between looks
    while time.monotonic() < deadline:
        _reap(mine)
        if not set(children()) - old:
            break
        ended.wait(0.05)
    _signal(sorted(set(children()) - old), signal.SIGKILL)
    _reap(mine)
    return mine


def _signal(pids: Iterable[int], sig: signal.Signals) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:  # already gone
            pass


def _reap(pids: Iterable[int]) -> None:
    import multiprocessing

    multiprocessing.active_children()  # joins the multiprocessing children that ended
    for pid in pids:  # and any other child of ours among them (a zombie is not counted alive)
        try:
            os.waitpid(pid, os.WNOHANG)
        except OSError:  # not our child (a grandchild), or reaped already
            pass


def exit_blockers() -> list[threading.Thread]:
    """Threads interpreter exit would wait for: non-daemon threads still running, and the
    ``concurrent.futures`` workers and managers its exit handler joins."""
    out = [t for t in threading.enumerate()
           if t is not threading.main_thread() and t.is_alive() and not t.daemon]
    for name, table in (("concurrent.futures.thread", "_threads_queues"),
                        ("concurrent.futures.process", "_threads_wakeups")):
        mod = sys.modules.get(name)
        for t in list(getattr(mod, table, {}) or {}):
            if isinstance(t, threading.Thread) and t.is_alive() and t not in out:
                out.append(t)
    return out


def leave(status: int) -> int:
    """The console script's last act: when threads would keep the interpreter from exiting,
    say so, flush, and exit now with ``status``; otherwise return ``status``."""
    stuck = exit_blockers()
    if not stuck:
        return status
    names = ", ".join(sorted(t.name for t in stuck))
    print(f"execspec: {len(stuck)} thread(s) of the targets are still running ({names}); "
          "exiting without waiting for them", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


class Watchdog:
    """Stops the process when a run outlives its bound: the stacks of all threads go to
    stderr, the children are ended, and the process exits with :data:`OUT_OF_TIME`.

    Only the console script arms one (``armed=True``); a library caller gets a no-op."""

    def __init__(self, bound: float, before: Iterable[int], armed: bool) -> None:
        self.bound = bound
        self.before = frozenset(before)
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if armed:
            self._thread = threading.Thread(target=self._watch, name="execspec-watchdog", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        if self._done.wait(self.bound):
            return
        print(f"\nexecspec: the run passed its bound of {self.bound:.0f} s; where every thread was:",
              file=sys.stderr, flush=True)
        sys.stdout.flush()
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        end_children(self.before)
        sys.stderr.flush()
        os._exit(OUT_OF_TIME)

    def disarm(self) -> None:
        """The run ended in time."""
        self._done.set()

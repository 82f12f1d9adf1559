"""The fault scenarios: small, so every injection point of a schedule can be tried. Each works
through a ``FaultWorld`` and asserts nothing itself: what an interrupt left behind is judged
by the world once it settles.

- ``shutdown``: calls queued behind a blocked one, a done-callback on one, then
  ``shutdown(wait=False, cancel_futures=True)`` (EXE-SHUTDOWN-CANCEL-FUTURES);
- ``cancel``: four calls on two workers, every other one cancelled, the rest awaited;
- ``wait``: ``wait(FIRST_COMPLETED)`` with a timeout, then ``wait(ALL_COMPLETED)``;
- ``as_completed``: three calls consumed from ``as_completed`` with a timeout;
- ``timeout``: ``result(timeout=1)`` and ``exception(timeout=1)`` on a call that cannot run yet;
- ``idle``: a call on a one-worker pool, awaited, then another: the worker waits idle in between,
  so an interrupt there ends it while the pool counts it idle (TPE-IDLE-REUSE), and the second
  call must still run;
- ``burst``: five calls into a cold pool of three, then each awaited; a submit that raises
  RuntimeError (a thread the OS refused: ``at="start"``) is skipped, the rest must all run;
- ``handoff``: a worker started for a call that the other worker took first (it is held in its
  initializer meanwhile) counts itself idle and waits; interrupted there, it must give its idle
  count back, so that of two calls then, the second still gets a thread (TPE-IDLE-REUSE).
"""

from __future__ import annotations

from typing import Any, Callable

from execspec.sched.faults.world import FaultWorld

__all__ = ["SCENARIOS", "as_completed", "burst", "cancel", "handoff", "idle", "shutdown", "timeout", "wait"]


def _noop(f: Any) -> None:
    pass


def shutdown(w: FaultWorld) -> None:
    """Cancel queued calls with shutdown(cancel_futures=True) while one runs."""
    ex = w.pool(1)
    gate = w.gate()
    w.submit(ex, gate.wait)
    fs = [w.submit(ex, abs, -i) for i in range(3)]
    fs[0].add_done_callback(_noop)
    gate.set()
    ex.shutdown(wait=False, cancel_futures=True)


def cancel(w: FaultWorld) -> None:
    """Cancel every other queued call; wait for the others."""
    ex = w.pool(2)
    fs = [w.submit(ex, abs, -i) for i in range(4)]
    for f in fs[::2]:
        f.cancel()
    for f in fs:
        try:
            f.result(timeout=5)
        except w.cf.CancelledError:
            pass


def wait(w: FaultWorld) -> None:
    """wait() for the first and then for all of three calls."""
    ex = w.pool(2)
    fs = [w.submit(ex, abs, -i) for i in range(3)]
    w.cf.wait(fs, timeout=5, return_when=w.cf.FIRST_COMPLETED)
    w.cf.wait(fs, timeout=5)


def as_completed(w: FaultWorld) -> None:
    """Consume three calls from as_completed()."""
    ex = w.pool(2)
    fs = [w.submit(ex, abs, -i) for i in range(3)]
    for f in w.cf.as_completed(fs, timeout=5):
        f.result()


def timeout(w: FaultWorld) -> None:
    """result() and exception() that time out on a call queued behind a blocked one."""
    ex = w.pool(1)
    gate = w.gate()
    w.submit(ex, gate.wait)
    f = w.submit(ex, abs, -1)
    for wait_for in (f.result, f.exception):
        try:
            wait_for(timeout=1)
        except w.cf.TimeoutError:
            pass


def idle(w: FaultWorld) -> None:
    """Two calls one after the other on one worker, each awaited."""
    ex = w.pool(1)
    for i in range(2):
        w.submit(ex, abs, -i).result(timeout=5)


def burst(w: FaultWorld) -> None:
    """Five calls into a cold pool of three, each awaited; a refused submit is skipped."""
    ex = w.pool(3)
    fs = []
    for i in range(5):
        try:
            fs.append(w.submit(ex, abs, -i))
        except RuntimeError:  # no thread could be started for it: refused, not queued
            pass
    for f in fs:
        f.result(timeout=5)


def handoff(w: FaultWorld) -> None:
    """Two workers, the second held in its initializer while the first takes the call it was
    started for; then the second goes idle, and two calls follow, the first blocking until the
    second has run."""
    hold = w.gate()
    began: list[None] = []

    def init() -> None:
        began.append(None)
        if len(began) == 2:  # the second worker: held until the first has taken its call
            hold.wait()

    ex = w.pool(2, initializer=init)
    first = w.gate()
    w.submit(ex, first.wait)  # the first worker runs it
    f = w.submit(ex, abs, -1)  # that worker is busy: a second one starts for f, and is held
    first.set()  # the first worker ends its call and takes f itself
    f.result(timeout=5)
    hold.set()  # the second worker finds the queue empty: it counts itself idle and waits
    w.env.time.sleep(1)  # virtual seconds: both workers idle
    gate = w.threading.Event()  # (not a w.gate(): settling must not rescue what is tested here)
    try:
        w.submit(ex, gate.wait)
        w.due(w.submit(ex, gate.set), 5, "two workers, one busy: the other is idle or a new one can start")
    finally:
        gate.set()


#: name -> scenario, in the order the command runs them
SCENARIOS: dict[str, Callable[[FaultWorld], None]] = {
    "shutdown": shutdown, "cancel": cancel, "wait": wait, "as_completed": as_completed,
    "timeout": timeout, "idle": idle, "burst": burst, "handoff": handoff,
}

"""The API cases that count a pool's threads, or its calls running at once, under the shim's
virtual clock (TPE-LAZY-THREADS, TPE-IDLE-REUSE, TPE-MAX-WORKERS-BOUND, the default size,
EXE-SHUTDOWN-WAIT after a burst): their programs, as :mod:`.api_cases` runs them.

Each program makes a pool of its own, named so that its threads can be counted, and shuts it
down before it returns. Its waits for its own calls are bounded (:func:`_barrier`), and its
gates open before the shutdown, so that an interrupt in one of its threads (``execspec faults
--machine-shapes``) ends the program with a wrong answer instead of leaving it waiting.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from execspec.model.api import OTHER_CPUS, cpus_label


def _barrier(world: Any) -> float:
    """How long a program waits for its own calls to meet (all begun, a callback run): a
    bound even under the shim, where it costs no real time, so that a call that never comes
    (one that an interrupt ended, under ``execspec faults --machine-shapes``) ends the wait
    and shows as a wrong answer, not as a program that never returns."""
    return 600.0 if world.shim else world.hang


#: the thread_name_prefix the thread-count case passes
_COUNTED = "execspec-api-counted"


def _threads(n: int) -> str:
    return f"{n} thread{'' if n == 1 else 's'}"


def _threads_lazy_and_reused(world: Any) -> tuple[str, ...]:
    try:
        ex = world.make(max_workers=3, thread_name_prefix=_COUNTED)
    except Exception as exc:  # noqa: BLE001
        return (f"raises {type(exc).__name__}",)
    gates: list[Any] = []
    try:
        before = _workers(world, _COUNTED)
        for i in range(3):
            ex.submit(abs, -i).result()
            world.time.sleep(1)  # virtual seconds: every thread parks, the worker idle again
        after = _workers(world, _COUNTED)
        for _ in range(3):  # the worker runs each callback after its call, then is idle again
            gates.append(world.threading.Event())
            f = ex.submit(gates[-1].wait)
            f.add_done_callback(lambda f: None)
            gates[-1].set()
            f.result()
            world.time.sleep(1)
        later = _workers(world, _COUNTED)
    finally:
        for gate in gates:  # (set already, unless the program was interrupted before)
            gate.set()
        ex.shutdown(wait=True)
    return (f"{before} threads before any submit", f"{_threads(after)} after three calls one after another",
            f"{_threads(later)} after three more with callbacks")


class _Blocking:
    """Calls that block until ``release()``, counting how many have begun."""

    def __init__(self, world: Any) -> None:
        self.gate, self.lock, self.begun = world.threading.Event(), world.threading.Lock(), 0

    def __call__(self) -> None:
        with self.lock:
            self.begun += 1
        self.gate.wait()

    def release(self) -> None:
        self.gate.set()


def _workers(world: Any, prefix: str) -> int:
    """The live threads whose names begin with ``prefix`` (a pool's own: TPE-THREAD-NAME-PREFIX)."""
    return sum(t.name.startswith(prefix) for t in world.threading.enumerate())


def _counted(world: Any, prefix: str, calls: int, blocking: _Blocking) -> str:
    world.time.sleep(1)  # virtual seconds: every thread that can run has run and parked
    with blocking.lock:
        begun = blocking.begun
    return f"{calls} calls: {_workers(world, prefix)} threads, {begun} running"


@contextlib.contextmanager
def _blocking_pool(world: Any, name: str, max_workers: int) -> Iterator[tuple[Any, str, _Blocking]]:
    """A pool whose threads are named after ``name``, and calls that block until the block ends
    (then they are released and the pool shut down, waiting)."""
    prefix, blocking = f"execspec-api-{name}", _Blocking(world)
    ex = world.make(max_workers=max_workers, thread_name_prefix=prefix)
    try:
        yield ex, prefix, blocking
    finally:
        blocking.release()
        ex.shutdown(wait=True)


def _burst(world: Any) -> tuple[str, ...]:
    with _blocking_pool(world, "burst", 3) as (ex, prefix, blocking):
        for _ in range(2):
            ex.submit(blocking)
        first = _counted(world, prefix, 2, blocking)
        for _ in range(3):
            ex.submit(blocking)
        return (first, _counted(world, prefix, 5, blocking))


def _three_submitters(world: Any) -> tuple[str, ...]:
    with _blocking_pool(world, "submitters", 8) as (ex, prefix, blocking):
        def submits_two() -> None:
            for _ in range(2):
                ex.submit(blocking)

        submitters = [world.threading.Thread(target=submits_two, name=f"execspec-submitter {k}") for k in range(3)]
        for t in submitters:
            t.start()
        for t in submitters:
            t.join()
        first = _counted(world, prefix, 6, blocking)
        for _ in range(4):
            ex.submit(blocking)
        return (first, _counted(world, prefix, 10, blocking))


def _callback_submits(world: Any) -> tuple[str, ...]:
    ex = world.make(max_workers=2)
    gate, called, seen = world.threading.Event(), world.threading.Event(), []

    def callback(f: Any) -> None:  # runs in the worker that finished f: it is busy meanwhile
        try:
            seen.append(f"returned {ex.submit(abs, -3).result(timeout=10)}")
        except Exception as exc:  # noqa: BLE001 - a TimeoutError: the call never started
            seen.append(f"raised {type(exc).__name__}")
        called.set()

    try:
        f = ex.submit(gate.wait)
        f.add_done_callback(callback)
        gate.set()
        called.wait(_barrier(world))
    finally:
        gate.set()
        ex.shutdown(wait=True)
    return (f"the call submitted from the callback {seen[0] if seen else 'never ran'}",)


def _shutdown_after(world: Any, n: int, workers: int) -> str:
    """``n`` calls submitted at once into a cold pool of ``workers``, then shutdown(wait=True):
    how many are done and how many of its threads alive once it returned."""
    prefix = f"execspec-api-shutdown-{n}"
    ex = world.make(max_workers=workers, thread_name_prefix=prefix)
    all_begun, lock = world.threading.Event(), world.threading.Lock()
    begun: list[None] = []

    def call() -> None:
        with lock:
            begun.append(None)
            rank = len(begun)
        if rank == n:
            all_begun.set()
        all_begun.wait(_barrier(world))  # every call runs at once: each on a thread of its own
        world.time.sleep(rank)  # virtual seconds: the last to begin ends last

    try:
        fs = [ex.submit(call) for _ in range(n)]
    finally:
        ex.shutdown(wait=True)
    if not all_begun.is_set():  # fewer threads than calls (or one was interrupted): a wrong answer
        return f"{n} calls never all running at once"
    return (f"{n} call{'s' if n > 1 else ''}: {sum(f.done() for f in fs)} done, "
            f"{_workers(world, prefix)} threads alive after shutdown")


def _shutdown_after_burst(world: Any) -> tuple[str, ...]:
    return (_shutdown_after(world, 8, 8), _shutdown_after(world, 1, 2))


def _running_at_once(world: Any, calls: int) -> str:
    """A default pool (``max_workers`` omitted) given ``calls`` calls that block: how many run at once."""
    gate, lock = world.threading.Event(), world.threading.Lock()
    running: list[int] = []

    def blocks(i: int) -> None:
        with lock:
            running.append(i)
        gate.wait()

    try:
        ex = world.make()
    except Exception as exc:  # noqa: BLE001
        return f"raises {type(exc).__name__}"
    try:
        for i in range(calls):
            ex.submit(blocks, i)
        world.time.sleep(1)  # virtual seconds: every worker that can start has started
        with lock:
            n = len(running)
    finally:
        gate.set()
        ex.shutdown(wait=True)
    return f"{n} of {calls} calls running at once"


def _default_size(world: Any) -> tuple[str, ...]:
    return (_running_at_once(world, 10),)


def _default_size_other_cpus(world: Any) -> tuple[str, ...]:
    if world.cpus is None:  # real threads: the OS's own count (the case is shim-only)
        return ("the CPU count cannot be set",)
    out = []
    for cpus, calls in OTHER_CPUS:
        with world.cpus(cpus):  # the pool is made, used and shut down under that count
            out.append(f"{cpus_label(cpus)}: {_running_at_once(world, calls)}")
    return tuple(out)


def _idle_after_a_handoff(world: Any) -> tuple[str, ...]:
    """A call, then a second one submitted as the first ends (a new thread starts for it,
    and the first worker may take it before that thread begins), both workers idle, then two
    calls that block: both go to the idle workers (impl before 12a9630, on some interleavings,
    left the new thread waiting for work uncounted, and started a third)."""
    prefix = "execspec-api-handoff"
    ex = world.make(max_workers=3, thread_name_prefix=prefix)
    threading, sleep = world.threading, world.time.sleep
    began, first_gate, gate = threading.Event(), threading.Event(), threading.Event()
    try:
        ex.submit(began.set)
        began.wait(_barrier(world))  # the first worker is ending its call: the next is queued behind it
        f = ex.submit(first_gate.wait)
        f.add_done_callback(lambda f: None)  # so its worker is not counted idle as the call ends
        sleep(1)  # virtual seconds: every thread that can run has run
        first_gate.set()
        f.result(_barrier(world))
        sleep(1)  # both workers idle
        ex.submit(gate.wait)
        ex.submit(gate.wait)  # TPE-IDLE-REUSE: each goes to an idle worker
        sleep(1)
        n = _workers(world, prefix)
    finally:
        first_gate.set()
        gate.set()
        ex.shutdown(wait=True)
    return (f"{_threads(n)} after two calls into two idle workers",)


#: case name (execspec.model.api.CASES) -> its program, for the cases of this module
THREAD_PROGRAMS: dict[str, Callable[[Any], tuple[str, ...]]] = {
    "threads-lazy-and-reused": _threads_lazy_and_reused,
    "threads-burst": _burst,
    "threads-from-three-submitters": _three_submitters,
    "threads-callback-submits": _callback_submits,
    "shutdown-after-a-burst": _shutdown_after_burst,
    "threads-idle-after-a-handoff": _idle_after_a_handoff,
    "max-workers-default": _default_size,
    "max-workers-default-313": _default_size,
    "max-workers-default-other-cpus": _default_size_other_cpus,
    "max-workers-default-other-cpus-313": _default_size_other_cpus,
}

__all__ = ["THREAD_PROGRAMS"]

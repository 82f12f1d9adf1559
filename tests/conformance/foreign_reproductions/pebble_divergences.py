"""pebble's pools used directly (no execspec adapter). Needs nothing of execspec.
(exit 0: every divergence showed)
"""

import concurrent.futures as cf
import multiprocessing as mp
import sys
import threading
import time

import pebble


def boom(*a):
    raise RuntimeError("initializer")


class Falsy(Exception):
    def __bool__(self):
        return False


def raise_falsy():
    raise Falsy("x")


def wait_for(running, go):
    running.set()
    go.wait(10)


if __name__ == "__main__":
    shown = []
    # TPE-MAX-WORKERS-INVALID: max_workers=0 is accepted
    p = pebble.ThreadPool(max_workers=0)
    shown.append(True)
    print("ThreadPool(max_workers=0) accepted")
    p.close()
    p.join()
    # TPE-INITIALIZER-FAILS-*: the queued call is never run nor failed; submit raises RuntimeError
    p = pebble.ThreadPool(max_workers=1, initializer=boom)
    f = p.schedule(pow, args=(2, 3))
    try:
        f.result(2)
        shown.append(False)
    except cf.TimeoutError:
        try:
            p.schedule(pow, args=(2, 3))
            refused = "accepted"
        except Exception as e:  # noqa: BLE001
            refused = f"{type(e).__name__}: {e}"
        print("a failing initializer: the queued call still", f._state, "| schedule() then:", refused)
        shown.append(f._state == "PENDING")
    p.stop()
    p.join()
    # EXE-SHUTDOWN-CANCEL-FUTURES: stop() (the nearest to cancel_futures) leaves a queued call PENDING
    p = pebble.ThreadPool(max_workers=1)
    started, gate = threading.Event(), threading.Event()
    p.schedule(lambda: (started.set(), gate.wait(5)))
    f1 = p.schedule(pow, args=(2, 3))
    started.wait(5)  # the only worker is busy: f1 is queued behind it
    p.stop()
    gate.set()
    p.join()  # every worker has ended: nothing changes f1 after this
    print("stop() then join(): the queued call", f1._state)
    shown.append(f1._state == "PENDING")
    # FUT-RESULT-FALSY-EXC: the stdlib Future's gh-132063 (Python < 3.13.4)
    p = pebble.ThreadPool(max_workers=1)
    f = p.schedule(raise_falsy)
    try:
        print("a falsy exception: result() returned", f.result(5))
        shown.append(sys.version_info < (3, 13, 4))
    except Falsy:
        print("a falsy exception: result() raised it")
        shown.append(sys.version_info >= (3, 13, 4))
    p.close()
    p.join()
    # FUT-CANCEL-PENDING / INV-CANCELLED-NEVER-RUNS: cancel() of a queued call returns True, and the
    # call begins in a worker anyway (noxdafox/pebble#144). A race with pebble's dispatch of the
    # queued call to the busy worker: tried up to 5 times, each wait bounded; once is enough.
    m = mp.Manager()
    for attempt in range(1, 6):
        running, go, began = m.Event(), m.Event(), m.Event()
        p = pebble.ProcessPool(max_workers=1)
        f0 = p.schedule(wait_for, args=(running, go))
        f1 = p.schedule(began.set)
        running.wait(10)  # f0 runs in the worker; f1 is queued behind it
        # pebble's own window: its scheduler thread hands f1 to the busy worker's channel; wait
        # (bounded) until it has (f1's task registered as dispatched), not for a fixed time
        tasks = p._pool_manager.task_manager.tasks
        deadline = time.monotonic() + 5
        while not any(t.future is f1 for t in list(tasks.values())) and time.monotonic() < deadline:
            go.wait(0.01)
        cancelled = f1.cancel()
        go.set()
        f0.result(10)
        ran = began.wait(3)  # bounded: set only if the cancelled call ran
        p.close()
        p.join()
        print(f"ProcessPool, try {attempt}: cancel() of the queued call -> {cancelled} | it began anyway: {ran}")
        if cancelled and ran:
            break
    shown.append(cancelled and ran)
    m.shutdown()
    sys.exit(0 if all(shown) else 1)

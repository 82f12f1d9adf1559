"""The stdlib's and loky's process pools: with max_workers=1, a call queued behind a running one
shows running() == True and cannot be cancelled (the manager thread marks max_workers + 1 calls
RUNNING as it moves them to the call queue). Needs nothing of execspec.

usage: python running_early.py stdlib|loky|loky-reusable   (exit 0: the divergence showed)
"""

import multiprocessing as mp
import sys
import time


def block(began, e):
    began.set()
    e.wait(30)
    return 0


def task(n):
    return n


if __name__ == "__main__":
    which = sys.argv[1]
    if which == "stdlib":
        import concurrent.futures as cf
        ex = cf.ProcessPoolExecutor(max_workers=1)
    elif which == "loky":
        import loky
        ex = loky.ProcessPoolExecutor(max_workers=1)
    else:
        import loky
        ex = loky.get_reusable_executor(max_workers=1)
    m = mp.Manager()
    began, e = m.Event(), m.Event()
    f0 = ex.submit(block, began, e)
    f1 = ex.submit(task, 1)
    assert began.wait(30), "the first call never began"
    deadline = time.monotonic() + 10  # the manager thread moves f1 to the call queue on its own time:
    while not f1.running() and time.monotonic() < deadline:  # a bounded wait for it, not a sleep
        e.wait(0.01)
    running, cancelled = f1.running(), f1.cancel()
    print(which, "| the running call: running()", f0.running(), "| the queued call: running()", running,
          "cancel() ->", cancelled)
    e.set()
    assert f1.result(10) == 1
    ex.shutdown()
    m.shutdown()
    sys.exit(0 if running and not cancelled else 1)

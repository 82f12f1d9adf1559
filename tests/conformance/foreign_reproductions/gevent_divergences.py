"""gevent.threadpool.ThreadPoolExecutor without monkey-patching, every call from the thread that
made it. Needs nothing of execspec.   (exit 0: every divergence showed)
"""

import concurrent.futures as cf
import sys
import threading
import time

from gevent.threadpool import ThreadPoolExecutor


def outcome(call):
    try:
        return repr(call())
    except BaseException as e:  # noqa: BLE001
        return f"raised {type(e).__name__}: {e}"


def raise_(e):
    raise e


def bad(f):
    raise ValueError("callback")


def until(done, bound=10.0):
    """Wait (bounded) until ``done()``: gevent's futures have no running() and no condition to wait on."""
    deadline = time.monotonic() + bound
    while not done() and time.monotonic() < deadline:
        threading.Event().wait(0.01)


ex = ThreadPoolExecutor(max_workers=1)
gate, began = threading.Event(), threading.Event()
f0 = ex.submit(lambda: (began.set(), gate.wait(10)))  # on the only worker
f1 = ex.submit(pow, 2, 3)  # queued behind it
assert began.wait(10), "the first call never began"
seen = {
    "running() (FUT-RUNNING)": outcome(lambda: f0.running()),
    "cancel() of a queued call (FUT-CANCEL-PENDING; docs: True)": outcome(lambda: f1.cancel()),
}
gate.set()
f1.result(5)
fk = ex.submit(raise_, KeyError("k"))
until(fk.done)
seen["exception() of a call that raised (FUT-EXCEPTION-VALUE; docs: returns it)"] = outcome(lambda: fk.exception(5))
seen["submit(fn, fn=1) (EXE-SUBMIT-CALL; fn is positional-only)"] = outcome(
    lambda: ex.submit(lambda **kw: kw, fn=1).result(5))
seen["add_done_callback(raising) on a done future (FUT-CB-RAISES)"] = outcome(lambda: f1.add_done_callback(bad))
seen["wait() (WAIT-*)"] = outcome(lambda: cf.wait([f1, ex.submit(time.sleep, 0.3)], timeout=2))
ex.shutdown()
for what, out in seen.items():
    print(f"{what:75s} -> {out}")
expected = ["no attribute 'running'", "False", "raised KeyError", "multiple values", "raised ValueError",
            "no attribute '_condition'"]
sys.exit(0 if all(e in out for e, out in zip(expected, seen.values())) else 1)

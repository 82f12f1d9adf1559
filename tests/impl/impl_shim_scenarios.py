"""Scenarios for impl under the deterministic shim: each assertion is a clause that must hold
on every schedule. Module-level functions taking the shim Env (see execspec.sched.explore)."""

# Clauses exercised: FUT-CANCEL-PENDING, WAIT-ALL-COMPLETED, WAIT-FIRST-COMPLETED, AC-YIELDS-AS-COMPLETE,
# EXE-SHUTDOWN-CANCEL-FUTURES, EXE-MAP-BUFFERSIZE, EXE-MAP-CLOSE-CANCELS, FUT-RESULT-TIMEOUT, FUT-CB-ON-DONE,
# TPE-IDLE-REUSE, INV-CANCELLED-NEVER-RUNS, EXE-SHUTDOWN-WAIT, EXE-SUBMIT-AFTER-SHUTDOWN, TPE-INTERPRETER-EXIT,
# TPE-SUBMIT-AFTER-EXIT, TPE-EXIT-BEFORE-ATEXIT

from __future__ import annotations

from typing import Any

T = "execspec.impl"  # the target these scenarios load through the shim

def cancel_race(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=2)
    fs = [ex.submit(pow, 2, i) for i in range(4)]
    c = [f.cancel() for f in fs]
    done, not_done = cf.wait(fs)
    assert not not_done
    for f, cancelled in zip(fs, c):
        assert f.cancelled() == cancelled
        if not cancelled:
            assert f.result() == 2 ** fs.index(f)
    ex.shutdown(wait=True)

def wait_first(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    threading = env.shim("threading")
    ex = cf.ThreadPoolExecutor(max_workers=2)
    ev = threading.Event()
    a = ex.submit(ev.wait)
    b = ex.submit(abs, -1)
    done, nd = cf.wait([a, b], return_when=cf.FIRST_COMPLETED)
    assert done == {b} and nd == {a}, (done, nd)  # a is blocked on ev: only b can be done
    ev.set()
    out = sorted(repr(f.result()) for f in cf.as_completed([a, b]))
    assert out == ["1", "True"], out
    ex.shutdown(wait=True, cancel_futures=True)

def shutdown_cancel(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=1)
    fs = [ex.submit(abs, -i) for i in range(3)]
    ex.shutdown(wait=True, cancel_futures=True)
    for i, f in enumerate(fs):
        assert f.done()
        assert f.cancelled() or f.result() == i
    try:
        ex.submit(abs, 1)
        raise AssertionError("accepted after shutdown")
    except RuntimeError:
        pass

def map_buffer(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=3)
    assert list(ex.map(abs, range(-6, 0), buffersize=2)) == [6, 5, 4, 3, 2, 1]
    it = ex.map(abs, range(-6, 0), buffersize=2)
    next(it); it.close()
    ex.shutdown(wait=True)

def timeouts(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    threading = env.shim("threading")
    ex = cf.ThreadPoolExecutor(max_workers=1)
    ev = threading.Event()
    f = ex.submit(ev.wait)
    g = ex.submit(abs, -3)
    try:
        g.result(timeout=1)
        raise AssertionError("no timeout")
    except cf.TimeoutError:
        pass
    ev.set()
    assert g.result(timeout=5) == 3
    ex.shutdown()

def callbacks_from_many(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=3)
    seen = []
    fs = [ex.submit(abs, -i) for i in range(3)]
    for f in fs:
        f.add_done_callback(lambda f: seen.append(f.result()))
    ex.shutdown(wait=True)
    assert sorted(seen) == [0, 1, 2], seen

def idle_reuse(env: Any, executor: str = T) -> None:
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=4)
    for i in range(3):
        assert ex.submit(abs, -i).result() == i
    n = len(ex._pool.threads) if hasattr(ex, "_pool") else len(ex._threads)
    ex.shutdown()
    assert n == 1, n


def _racing_submitter(env: Any, ex: Any, ran: list[int], out: list[Any]) -> Any:
    """A thread that submits ``ran.append(1)`` once; ``out`` gets its future, or None if refused."""

    def submitter() -> None:
        try:
            out.append(ex.submit(ran.append, 1))
        except RuntimeError:
            out.append(None)

    t = env.shim("threading").Thread(target=submitter)
    t.start()
    return t


def submit_races_shutdown(env: Any, executor: str = T) -> None:
    # The submit must start the pool's only worker while shutdown(wait=True) runs: it is
    # refused and never runs, or accepted and has run by the time shutdown() returns.
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=1)
    ran: list[int] = []
    out: list[Any] = []
    t = _racing_submitter(env, ex, ran, out)
    ex.shutdown(wait=True)
    ran_by_shutdown = list(ran)
    t.join()
    if out[0] is None:
        assert ran == [], "a refused call ran"
    else:
        assert ran_by_shutdown == [1], "shutdown(wait=True) returned before an accepted call ran"


def submit_races_exit(env: Any, executor: str = T) -> None:
    # The same race against interpreter exit: refused, or run before the atexit handlers.
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=1)
    ran: list[int] = []
    out: list[Any] = []
    seen_by_atexit: list[list[int]] = []
    env.shim("atexit").register(lambda: seen_by_atexit.append(list(ran)))
    _racing_submitter(env, ex, ran, out)
    env.exit_interpreter()
    if out[0] is None:
        assert ran == [], "a refused call ran"
    else:
        assert seen_by_atexit == [[1]], f"an accepted call had not run before atexit: {seen_by_atexit}"
    try:
        ex.submit(abs, 1)
        raise AssertionError("accepted after interpreter exit")
    except RuntimeError:
        pass

"""Lifecycle: interpreter exit, dropped executors, fork, and what is kept alive.

(TPE-INTERPRETER-EXIT, TPE-SUBMIT-AFTER-EXIT, EXE-SHUTDOWN-PROGRAM-EXIT, TPE-GC-DROPPED, TPE-FORK)
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import weakref

import pytest

import execspec.impl as impl

from impl_support import BOUND, Gate


def run_script(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


EXIT_SCRIPT = """
    import atexit, threading
    import execspec.impl as impl

    ran = []
    gate = threading.Event()
    ex = impl.ThreadPoolExecutor(1)
    ex.submit(gate.wait, 30)
    for i in range(20):
        ex.submit(ran.append, i)

    def before_impl_hook():
        # registered after impl's own hook, so it runs first (they run last-in, first-out)
        print("queued at exit:", 20 - len(ran))
        gate.set()

    threading._register_atexit(before_impl_hook)

    def at_atexit():
        print("ran:", len(ran))
        print("workers alive:", sum(t.is_alive() for t in ex._pool.threads))
        for label, make in (("old", lambda: ex), ("new", lambda: impl.ThreadPoolExecutor(1))):
            try:
                make().submit(abs, 1)
                print(label, "submit: accepted")
            except RuntimeError as e:
                print(label, "submit: RuntimeError:", e)

    atexit.register(at_atexit)
    # the main thread ends here without shutdown()
"""


def test_interpreter_exit_runs_queued_work_and_joins_before_atexit() -> None:
    # TPE-INTERPRETER-EXIT, TPE-EXIT-BEFORE-ATEXIT, EXE-SHUTDOWN-PROGRAM-EXIT, TPE-SUBMIT-AFTER-EXIT
    out = run_script(EXIT_SCRIPT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "queued at exit: 20", out.stdout  # the work really was still queued
    assert "ran: 20" in lines and "workers alive: 0" in lines, out.stdout
    assert any(l.startswith("old submit: RuntimeError") for l in lines), out.stdout
    assert any(l.startswith("new submit: RuntimeError") for l in lines), out.stdout


def test_dropped_executor_runs_its_queue_then_its_workers_exit() -> None:  # TPE-GC-DROPPED
    gate = Gate()
    ex = impl.ThreadPoolExecutor(2)
    blocked = ex.submit(gate)
    gate.wait_started()
    queued = [ex.submit(abs, -i) for i in range(5)]
    threads = list(ex._pool.threads)
    dead = weakref.ref(ex)
    del ex
    gc.collect()
    assert dead() is None, "something still holds the executor"
    gate.open()
    assert blocked.result(BOUND) is None and [f.result(BOUND) for f in queued] == [0, 1, 2, 3, 4]
    for t in threads:
        t.join(BOUND)
        assert not t.is_alive(), "a worker of a dropped executor stayed alive"


def test_idle_workers_of_a_dropped_executor_exit() -> None:  # TPE-GC-DROPPED
    ex = impl.ThreadPoolExecutor(3)
    for f in [ex.submit(abs, -i) for i in range(3)]:
        f.result(BOUND)
    threads = list(ex._pool.threads)
    del ex, f
    gc.collect()
    for t in threads:
        t.join(BOUND)
        assert not t.is_alive()


FORK_SCRIPT = """
    import os, threading, sys
    import execspec.impl as impl
    from execspec.impl import _thread

    ex = impl.ThreadPoolExecutor(2)
    assert ex.submit(abs, -1).result(10) == 1
    gate = threading.Event()
    busy = ex.submit(gate.wait, 30)          # a call is running while we fork
    pid = os.fork()
    if pid == 0:
        try:
            assert len(ex._pool.threads) == 0 and ex._pool.queue.empty(), "child inherited pool state"
            assert ex.submit(abs, -2).result(10) == 2, "inherited executor unusable"
            with impl.ThreadPoolExecutor(2) as fresh:
                assert list(fresh.map(abs, [-3, -4])) == [3, 4]
            print("child ok", flush=True)
            os._exit(0)
        except BaseException as e:
            print("child failed:", repr(e), flush=True)
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    gate.set()
    assert busy.result(10) is True
    ex.shutdown()
    print("parent ok, child exit", os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_starts_usable_and_empty() -> None:  # TPE-FORK
    out = run_script(FORK_SCRIPT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "child ok" in out.stdout and "parent ok, child exit 0" in out.stdout, out.stdout + out.stderr


class Payload:
    pass


class PayloadError(Exception):
    pass


def test_consumed_result_and_arguments_are_not_kept_alive(ex1: impl.ThreadPoolExecutor) -> None:
    arg = Payload()
    f = ex1.submit(lambda a: Payload(), arg)
    value = f.result(BOUND)
    refs = [weakref.ref(value), weakref.ref(arg)]
    del f, value, arg
    ex1.submit(abs, 0).result(BOUND)  # the worker has moved on and is idle again
    assert [r() for r in refs] == [None, None]  # by reference counting alone, no gc needed


def test_consumed_exception_is_not_kept_alive(ex1: impl.ThreadPoolExecutor) -> None:
    def fail() -> None:
        raise PayloadError

    f = ex1.submit(fail)
    with pytest.raises(PayloadError) as info:
        f.result(BOUND)
    ref = weakref.ref(info.value)
    del f, info
    gc.collect()  # the traceback forms cycles through frames; the collector frees them
    assert ref() is None


def test_map_does_not_keep_yielded_results(ex: impl.ThreadPoolExecutor) -> None:
    it = ex.map(lambda _: Payload(), range(3))
    first = next(it)
    ref = weakref.ref(first)
    del first
    assert ref() is None, "the map iterator kept a result it had already yielded"
    assert len(list(it)) == 2


def test_finished_futures_are_not_kept_by_the_executor(ex: impl.ThreadPoolExecutor) -> None:
    fs = [ex.submit(abs, -i) for i in range(10)]
    impl.wait(fs, timeout=BOUND)
    refs = [weakref.ref(f) for f in fs]
    del fs
    ex.submit(abs, 0).result(BOUND)
    gc.collect()
    assert all(r() is None for r in refs)


def test_worker_thread_is_not_daemon_so_exit_waits_for_it() -> None:  # TPE-INTERPRETER-EXIT
    with impl.ThreadPoolExecutor(1) as ex:
        assert ex.submit(lambda: threading.current_thread().daemon).result(BOUND) is False


def test_code_run_by_the_collector_inside_our_locks_can_use_futures(ex: impl.ThreadPoolExecutor) -> None:
    # A __del__ or weakref callback may run on any allocation, including one made while this
    # thread holds impl's locks; if it touches futures or submits, it must not deadlock.
    f: impl.Future[int] = impl.Future()
    with f._lock:  # as if a collection ran inside one of f's critical sections and touched f
        assert f.cancel() and f.cancelled()
    with ex._pool.lock:
        g = ex.submit(abs, -1)
    assert g.result(BOUND) == 1

"""The checker always ends and leaves nothing behind: a hanging task costs one bounded wait and
is named with its stack; ``execspec check`` prints its bounds, exits with its report, and no
process it started outlives it, even when it is killed (the workers' orphan guard)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

import hanging_executor
from execspec.conformance import ending
from execspec.conformance.foreign import children
from execspec.conformance.kits.orphans import orphan_safe
from execspec.conformance.results import FailureKind
from execspec.conformance.scenarios.threads import run_threads
from execspec.targets import Target

TESTS = Path(__file__).resolve().parent.parent
HANGING = "hanging_executor:HangingTasks"


@pytest.fixture
def hanging_released() -> Iterator[None]:
    """Whatever the test leaves blocked on the hanging executor's event is released after it."""
    before = set(threading.enumerate())
    yield
    hanging_executor.NEVER.set()
    try:
        for t in set(threading.enumerate()) - before:
            t.join(10)
        left = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
        assert not left, f"threads still alive after the hang was released: {left}"
    finally:
        hanging_executor.NEVER.clear()


@pytest.mark.timeout(60)
def test_a_hanging_task_costs_one_bounded_wait_and_is_named_with_its_stack(hanging_released: None) -> None:
    start = time.monotonic()
    outcomes = run_threads(Target.parse(HANGING), hang_limit=1.0, budget=20.0)
    took = time.monotonic() - start
    assert len(outcomes) == 1, [o.check for o in outcomes]  # the first hang stops the rest
    failure = outcomes[0].failure
    assert failure is not None and failure.kind is FailureKind.HUNG
    assert "is blocked in block_forever_then at" in failure.headline
    assert "`NEVER.wait()`" in failure.headline
    assert re.search(r"Not run on real threads after it \(\d+\): ", failure.message)
    assert "hanging_executor.py" in failure.message and "in block_forever_then" in failure.message
    assert took < 10, f"one hang of 1 s took {took:.1f} s"


def _marked(mark: str) -> list[int]:
    """The processes whose environment carries ``mark`` (every descendant of a marked run)."""
    found = []
    needle = f"ENDS_TEST_MARK={mark}".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            pass
    return found


def _check(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], float, str]:
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECSPEC_")}
    env.update(ENDS_TEST_MARK=mark, PYTHONPATH=str(TESTS))
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from execspec.cli import main; raise SystemExit(main())",
                           "check", *args], env=env, cwd=TESTS, capture_output=True, text=True,
                          timeout=timeout)
    return done, time.monotonic() - start, mark


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts processes through /proc")
@pytest.mark.timeout(240)
def test_execspec_check_on_a_hanging_target_reports_the_task_and_exits_within_its_bound() -> None:
    done, took, mark = _check([HANGING, "--no-machine"], timeout=220)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    bound = re.search(r"at most \d+ s per target, (\d+) s in all", done.stdout)
    assert bound is not None, done.stdout[:2000]
    assert took < float(bound.group(1))
    assert "hung for 30 s on real threads" in done.stdout
    assert "is blocked in block_forever_then at" in done.stdout
    assert "unexpected failure(s)" in done.stdout  # the report came out, then it exited
    assert "exiting without waiting for them" in done.stderr  # the blocked workers did not hold it
    assert _marked(mark) == [], "processes of the run outlived it"


@pytest.mark.timeout(60)
def test_the_console_script_exits_with_its_status_past_threads_blocked_forever() -> None:
    script = ("import concurrent.futures as cf, threading\n"
              "from execspec.conformance import ending\n"
              "pool = cf.ThreadPoolExecutor(1)\n"
              "pool.submit(threading.Event().wait)\n"  # interpreter exit would join it forever
              "raise SystemExit(ending.leave(5))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=40)
    assert done.returncode == 5, done.stderr
    assert "1 thread(s) of the targets are still running (ThreadPoolExecutor-0_0)" in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="re-parenting of orphans is Linux's")
@pytest.mark.timeout(60)
def test_workers_of_a_killed_checker_end_instead_of_living_on_as_orphans() -> None:
    psutil = pytest.importorskip("psutil")
    script = (
        "import concurrent.futures as cf, sys\n"
        "from execspec.conformance.kits.orphans import orphan_safe\n"
        "pool = orphan_safe(cf.ProcessPoolExecutor)(max_workers=2)\n"
        "assert pool.submit(pow, 2, 5).result(timeout=30) == 32\n"
        "print(*sorted(pool._processes), flush=True)\n"
        "sys.stdin.read()\n"  # parked until the test kills it
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None
        workers = [psutil.Process(int(p)) for p in parent.stdout.readline().split()]
        assert len(workers) == 2, "the pool never reported its workers"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} worker(s) outlived their killed parent"


@pytest.mark.timeout(120)
def test_a_process_pool_check_run_ends_every_process_it_started() -> None:
    import concurrent.futures as cf

    before = ending.baseline()
    target = Target.parse("concurrent.futures:ProcessPoolExecutor")
    run_threads(target, hang_limit=10.0, budget=60.0)
    pool = orphan_safe(cf.ProcessPoolExecutor)(max_workers=2)  # one the run left up, say
    assert pool.submit(pow, 3, 2).result(timeout=30) == 9
    assert set(children()) - before, "the pool started no process"
    ended = ending.end_children(before)
    assert ended, "nothing was ended"
    assert not set(children()) - before, "processes outlived the run's end"
    pool.shutdown(wait=False)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts processes through /proc")
@pytest.mark.timeout(900)
@pytest.mark.parametrize("target", ["concurrent.futures:ProcessPoolExecutor",
                                    "execspec.targets.foreign:dask_process_executor"])
def test_execspec_check_on_a_pool_of_processes_exits_and_leaves_no_process(target: str) -> None:
    if "dask" in target:
        pytest.importorskip("distributed")
    done, took, mark = _check([target, "--profile", "smoke"], timeout=850)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    bound = re.search(r"at most \d+ s per target, (\d+) s in all", done.stdout)
    assert bound is not None and took < float(bound.group(1))
    assert "unexpected failure(s)" in done.stdout
    assert _marked(mark) == [], "processes of the run outlived it"


@pytest.mark.timeout(60)
def test_a_run_past_its_bound_is_stopped_with_every_stack() -> None:
    script = ("import threading\n"
              "from execspec.conformance.ending import Watchdog\n"
              "Watchdog(0.5, [], armed=True)\n"
              "threading.Event().wait(30)\n")  # a run that would never end by itself
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=40)
    assert done.returncode == ending.OUT_OF_TIME, done.stderr
    assert "passed its bound of 0 s" in done.stderr or "passed its bound of 1 s" in done.stderr
    assert "Event().wait(30)" in done.stderr or "line 4" in done.stderr  # the main thread's stack
    assert time.monotonic() - start < 30


def test_a_library_caller_gets_a_watchdog_that_never_fires() -> None:
    w = ending.Watchdog(0.01, [], armed=False)
    assert w._thread is None
    w.disarm()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_execspec_check_in_process_on_a_process_pool_leaves_no_thread_or_process() -> None:
    import contextlib
    import io

    from execspec.commands.check import main

    threads, processes = set(threading.enumerate()), ending.baseline()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        status = main(["concurrent.futures:ProcessPoolExecutor", "--no-machine"])
    assert status in (0, 1), out.getvalue()[-3000:]
    left = sorted(t.name for t in set(threading.enumerate()) - threads if t.is_alive())
    assert left == [], f"threads outlived the run: {left}"
    assert not set(children()) - processes, "processes outlived the run"


@pytest.mark.timeout(120)
def test_the_shim_checks_stop_at_the_first_block_outside_the_shim() -> None:
    from execspec.conformance.scenarios import run_shim

    start = time.monotonic()
    shim = run_shim(Target.parse("hanging_executor:PollsAChild"), schedules=2)
    assert len(shim.outcomes) == 1, [o.check for o in shim.outcomes]
    failure = shim.outcomes[0].failure
    assert failure is not None and failure.kind is FailureKind.UNCONTROLLED_BLOCK
    assert "waits on a real child process" in failure.headline
    assert re.search(r"Not run under the shim after it \(\d+\): ", failure.message)
    assert time.monotonic() - start < 60

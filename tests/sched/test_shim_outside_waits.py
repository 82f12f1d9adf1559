"""Virtual time never runs past a wait on something the shim does not control: a real child
process polled by ``subprocess`` loaded under the shim, a real ``Timer`` that would set a shim
Event. Each is an UNCONTROLLED_BLOCK at the call, with a hint, and its schedule replays to the
same report."""

from __future__ import annotations

import functools
import io
import os
import signal
import subprocess as real_subprocess
import sys
import threading as real_threading
import time as real_time
from pathlib import Path
from typing import Any

import pytest

from execspec.commands.replay import main as replay_main
from execspec.sched import FirstEnabled, Outcome, run_once
from execspec.sched.explore import explore
from execspec.sched.strategies import RandomStrategy

WITH_SUBPROCESS = ("concurrent.futures", "subprocess")
CHILDREN: list[Any] = []  # the children the scenarios start, ended by the fixture
TIMERS: list[real_threading.Timer] = []


@pytest.fixture(autouse=True)
def _end_children_and_timers() -> Any:
    yield
    for t in TIMERS:
        t.cancel()
    for p in CHILDREN:  # the shim's Popen: ended and reaped with the real os, by hand
        os.kill(p.pid, signal.SIGKILL)
        os.waitpid(p.pid, 0)
        p.returncode = -signal.SIGKILL  # so its __del__ polls nothing
    CHILDREN.clear()
    TIMERS.clear()


def wait_for_a_slow_child(env: Any, real: bool = False) -> int:
    sp = real_subprocess if real else env.load("subprocess")
    child = sp.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    CHILDREN.append(child)
    rc: int = child.wait(timeout=30)
    return rc


def wait_for_a_real_timer(env: Any) -> bool:
    ev = env.threading.Event()
    t = real_threading.Timer(0.5, ev.set)
    TIMERS.append(t)
    t.start()
    got: bool = ev.wait(5)
    return got


@pytest.mark.timeout(60)
def test_a_child_polled_under_the_shim_is_an_uncontrolled_wait_not_a_timeout() -> None:
    start = real_time.monotonic()
    ex = run_once(wait_for_a_slow_child, FirstEnabled(), modules=WITH_SUBPROCESS)
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK, ex.report and ex.report.render()
    assert ex.report is not None and ex.virtual_time == 0  # the clock did not run past it
    assert ex.report.headline.startswith("UNCONTROLLED_BLOCK: thread MainThread waits on a real "
                                         "child process")
    assert "os.waitpid(..., WNOHANG)" in ex.report.headline
    assert "load `subprocess` for real" in ex.report.details
    assert "child.wait(timeout=30)" in ex.report.render()  # the caller's line, in its stack
    assert real_time.monotonic() - start < 10


@pytest.mark.timeout(60)
def test_subprocess_loaded_for_real_waits_for_the_child_in_real_time() -> None:
    ex = run_once(functools.partial(wait_for_a_slow_child, real=True), FirstEnabled())
    assert ex.outcome is Outcome.OK and ex.return_value == 0, ex.report and ex.report.render()
    CHILDREN.clear()  # waited for: nothing to end


@pytest.mark.timeout(60)
def test_a_real_timer_keeps_virtual_time_from_passing_a_shim_wait() -> None:
    ex = run_once(wait_for_a_real_timer, FirstEnabled())
    assert ex.outcome is Outcome.UNCONTROLLED_BLOCK, ex.report and ex.report.render()
    assert ex.report is not None and ex.virtual_time == 0
    assert "a real threading.Timer running Event.set" in ex.report.headline
    assert "Event#" in ex.report.headline and "ev.wait(5)" in ex.report.headline
    assert "env.threading" in ex.report.details


@pytest.mark.timeout(60)
@pytest.mark.parametrize("scenario, modules", [(wait_for_a_slow_child, WITH_SUBPROCESS),
                                               (wait_for_a_real_timer, ("concurrent.futures",))])
def test_an_uncontrolled_wait_replays_to_the_same_report(scenario: Any, modules: Any,
                                                         tmp_path: Path) -> None:
    result = explore(scenario, RandomStrategy(seed=0), max_schedules=3, modules=modules,
                     schedule_dir=tmp_path)
    assert result.schedule_file is not None and result.failures
    recorded = result.failures[0].report
    assert recorded.startswith("UNCONTROLLED_BLOCK")
    out = io.StringIO()
    assert replay_main([str(result.schedule_file)], out=out) == 1, out.getvalue()
    assert out.getvalue() == recorded.rstrip() + "\n"
    assert "changed" not in out.getvalue() and "diverged" not in out.getvalue()

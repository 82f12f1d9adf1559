"""A pool whose work runs in other processes: the machine bounds its factory call, and its
teardown reaches a pool that outlived the machine's reference.

Found running four rounds on ``loky:get_reusable_executor``: after an example that dropped its
executor, teardown killed the workers loky keeps for its reusable executor; the next example's
``get_reusable_executor(max_workers=2)`` then resized a pool whose workers were dead and waited
for them to come alive, forever, with the machine's ``create`` unbounded (py-spy: the run sat in
loky's ``_resize`` until the check's total bound).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from execspec.conformance.actions import Call, Create
from execspec.conformance.driver import World
from execspec.conformance.foreign import ForeignSession
from execspec.conformance.kits.process import SocketKit
from execspec.model import DropExecutor, Submit, TaskKind


class _Blocks:
    """A factory that blocks until ``release`` is set, as loky's did behind dead workers."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    def __call__(self, **kwargs: Any) -> Any:
        self.entered.set()
        if not self.release.wait(30):
            raise AssertionError("the test never released the factory")
        raise RuntimeError("released")


def test_a_factory_that_blocks_is_a_bounded_hang() -> None:
    import concurrent.futures as cf

    make = _Blocks()
    world = World(cf, make, threading, time, hang=0.3)
    session = ForeignSession(world, SocketKit(), child_bound=2.0)
    try:
        began = time.monotonic()
        rec = session.run(Create(2))
        took = time.monotonic() - began
        assert make.entered.is_set(), "the factory was never called"
        assert rec.hung is not None and "making the executor" in rec.hung, rec
        assert took < 5.0, f"the hang took {took:.1f} s to be reported (bound 0.3 s)"
    finally:
        make.release.set()
        stuck = session.close(2.0)
    assert stuck == [], f"the released factory's caller was still blocked: {stuck}"


def test_a_good_factory_is_made_as_before() -> None:
    import concurrent.futures as cf

    world = World(cf, cf.ThreadPoolExecutor, threading, time, hang=5.0)
    session = ForeignSession(world, SocketKit(), child_bound=2.0)
    try:
        rec = session.run(Create(2))
        assert rec.hung is None and rec.harness is None, rec
        assert isinstance(session.driver.ex, cf.ThreadPoolExecutor)
    finally:
        session.close()


def test_teardown_shuts_down_a_reusable_pool_the_machine_dropped() -> None:
    loky = pytest.importorskip("loky")
    import concurrent.futures as cf

    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        made.append(loky.get_reusable_executor(**kwargs))
        return made[-1]

    world = World(cf, make, threading, time, hang=30.0)
    session = ForeignSession(world, SocketKit(), child_bound=20.0)
    try:
        assert session.run(Create(1)).hung is None
        session.run(Call(op=Submit(TaskKind.RETURNS), gates=(False,)))
        session.run(Call(op=DropExecutor()))
        (kept,) = made
        assert session.driver.ex is None
    finally:
        session.close()
    # loky still holds its reusable executor; teardown shut it down (its workers ended by
    # themselves), where before it was left up and its workers were killed behind its back
    assert kept._flags.shutdown, "teardown left loky's reusable executor up"
    assert session.leftover == [], f"workers had to be killed: {session.leftover}"
    again = loky.get_reusable_executor(max_workers=2)
    try:
        assert again is not kept
        assert again.submit(abs, -3).result(timeout=60) == 3
    finally:
        again.shutdown(wait=True)



_PLANTED_FAILURE = """
import concurrent.futures as cf, sys
from execspec.conformance.kits.base import TaskError
from execspec.conformance.kits.process import SocketKit

def plain(*args):
    raise TaskError("initializer")

kit = SocketKit()
init = kit.initializer(TaskError("initializer")) if sys.argv[1] == "kit" else plain
with cf.ProcessPoolExecutor(max_workers=1, initializer=init, initargs=(7,)) as ex:
    try:
        ex.submit(abs, -1).result(timeout=60)
    except cf.process.BrokenProcessPool:
        print("broken")
kit.close()
print(kit.init_calls())
"""


@pytest.mark.parametrize("initializer", ["kit", "plain"])
def test_a_planted_initializer_failure_logs_nothing_in_the_worker(initializer: str) -> None:
    """The machine's failing initializer breaks the pool as any would, but the worker's CRITICAL
    log of it (a traceback per worker on the checker's stderr) stays quiet; a plain failing
    initializer still logs, so the check can tell."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _PLANTED_FAILURE, initializer], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "broken", run.stdout
    logged = "Exception in initializer" in run.stderr
    if initializer == "kit":
        assert run.stdout.splitlines()[1] == "[(7,)]", run.stdout  # the call was still recorded
        assert not logged, f"the worker logged the planted failure:\n{run.stderr}"
    else:
        assert logged, f"a plain failing initializer logged nothing (the check is blind):\n{run.stderr}"

"""Executions in one process must not leave anything behind that the next ones inherit.

Found by the conformance machine: after ~1700 examples (~17,000 executions) under the shim,
executors raised RecursionError. Reused CThread greenlets kept the recursion depth of the
thread that first switched into them (greenlet copies the thread state's depth then), and
threads they started inherited theirs plus their stack: the depth ratcheted up across
executions while every frame chain stayed five frames long. New CThreads are now entered
first from the runner's nursery (``kernel.runtime._prime``), at the runner's constant depth.
"""

from __future__ import annotations

import random
import sys

from execspec.sched import FirstEnabled, run_once
from execspec.sched.strategies.random import RandomStrategy


def _headroom(n: int = 0) -> int:
    """How many more Python frames fit before RecursionError (the recursion counter, not
    the frame chain: a greenlet's chain stops at its own ``run``)."""
    try:
        return _headroom(n + 1)
    except RecursionError:
        return n


def _deep(k: int, fn):  # type: ignore[no-untyped-def]
    return fn() if k == 0 else _deep(k - 1, fn)


def test_a_thread_started_deep_in_a_stack_does_not_inherit_its_depth() -> None:
    seen: dict[str, list[int]] = {"main": [], "workers": []}

    def scenario(env):  # type: ignore[no-untyped-def]
        th = env.threading
        seen["main"].append(_headroom())

        def work() -> None:
            seen["workers"].append(_headroom())

        def start_and_join() -> None:  # more threads than the idle pool: new greenlets too
            ts = [th.Thread(target=work) for _ in range(20)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        _deep(200, start_and_join)  # each worker is first switched into from down here

    for _ in range(3):
        assert run_once(scenario, FirstEnabled(), exit_at_end=False, modules=()).outcome.name == "OK"
    top = max(seen["main"])
    assert min(seen["main"] + seen["workers"]) >= top - 10, (seen, sys.getrecursionlimit())


def test_2000_executions_do_not_accumulate_depth() -> None:
    rng = random.Random(7)
    heads: list[int] = []

    def scenario(env):  # type: ignore[no-untyped-def]
        th = env.threading
        heads.append(_headroom())
        lock = th.Lock()
        k = rng.randrange(1, 20)

        def work() -> None:
            with lock:
                pass

        def start() -> None:
            ts = [th.Thread(target=work, daemon=True) for _ in range(k)]
            for t in ts:
                t.start()
            ts[0].join()  # the others may be left unstarted, or still waiting, at the end

        _deep(rng.randrange(0, 60), start)

    strategy = RandomStrategy(seed=7)
    for _ in range(2000):
        strategy.begin_execution()
        run_once(scenario, strategy, exit_at_end=False, modules=())
    assert min(heads) >= heads[0] - 10, (heads[0], min(heads), heads[-5:])

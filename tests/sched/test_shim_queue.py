"""Shim queues: FIFO/LIFO/priority order, bounded puts, timeouts on the virtual clock,
task_done/join, and the real module's Empty/Full."""

from __future__ import annotations

import queue as real_queue
from typing import Any

import pytest

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Seeded, run


def test_queue_exceptions_are_the_real_modules() -> None:
    def scenario(env: Any) -> bool:
        return env.queue.Empty is real_queue.Empty and env.queue.Full is real_queue.Full
    assert run(scenario).return_value is True


def test_simple_queue_is_fifo_across_threads() -> None:
    def scenario(env: Any) -> list[int]:
        q = env.queue.SimpleQueue()
        t = env.threading.Thread(target=lambda: [q.put(i) for i in range(5)])
        t.start()
        out = [q.get() for _ in range(5)]
        t.join()
        return out
    for seed in range(10):
        assert run(scenario, Seeded(seed)).return_value == [0, 1, 2, 3, 4]


def test_get_times_out_with_empty_at_the_deadline() -> None:
    def scenario(env: Any) -> float:
        q = env.queue.Queue()
        with pytest.raises(env.queue.Empty):
            q.get(timeout=12)
        with pytest.raises(env.queue.Empty):
            q.get_nowait()
        return env.time.monotonic() - 1000
    assert run(scenario).return_value == 12


def test_bounded_put_blocks_until_a_get_makes_room() -> None:
    def scenario(env: Any) -> list[Any]:
        q = env.queue.Queue(maxsize=1)
        q.put("a")
        with pytest.raises(env.queue.Full):
            q.put("b", timeout=1)
        log: list[Any] = []

        def consumer() -> None:
            log.append(q.get())
        t = env.threading.Thread(target=consumer)
        t.start()
        q.put("c")  # blocks until the consumer took "a"
        log.append(q.full())
        t.join()
        return log + [q.get_nowait()]
    for seed in range(10):
        assert run(scenario, Seeded(seed)).return_value == ["a", True, "c"]


def test_join_waits_for_every_task_done() -> None:
    def scenario(env: Any) -> list[int]:
        q = env.queue.Queue()
        done: list[int] = []

        def worker() -> None:
            while True:
                item = q.get()
                if item is None:
                    q.task_done()
                    return
                done.append(item)
                q.task_done()
        t = env.threading.Thread(target=worker)
        t.start()
        for i in range(3):
            q.put(i)
        q.put(None)
        q.join()
        snapshot = list(done)
        t.join()
        with pytest.raises(ValueError, match="too many"):
            q.task_done()
        return snapshot
    for seed in range(10):
        ex = run(scenario, Seeded(seed))
        assert ex.outcome is Outcome.OK and ex.return_value == [0, 1, 2]


def test_lifo_and_priority_orders() -> None:
    def scenario(env: Any) -> tuple[list[int], list[int]]:
        lifo, prio = env.queue.LifoQueue(), env.queue.PriorityQueue()
        for i in (2, 3, 1):
            lifo.put(i)
            prio.put(i)
        return [lifo.get() for _ in range(3)], [prio.get() for _ in range(3)]
    assert run(scenario).return_value == ([1, 3, 2], [1, 2, 3])

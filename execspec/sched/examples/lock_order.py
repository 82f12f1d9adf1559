"""Two tasks take the same two locks in opposite orders: a deadlock on some interleavings.

>>> callable(lock_order_inversion)
True
"""

from __future__ import annotations

from typing import Any


def lock_order_inversion(env: Any, executor: str = "concurrent.futures") -> list[str]:
    """Task ``a_then_b`` holds A and wants B while ``b_then_a`` holds B and wants A."""
    cf = env.load(executor)
    lock_a = env.name(env.threading.Lock(), "A")
    lock_b = env.name(env.threading.Lock(), "B")

    def a_then_b() -> str:
        with lock_a:
            with lock_b:
                return "a_then_b"

    def b_then_a() -> str:
        with lock_b:
            with lock_a:
                return "b_then_a"

    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        futures = [ex.submit(a_then_b), ex.submit(b_then_a)]
        return [f.result() for f in futures]

"""The baseline: a 2-worker pool runs 4 tasks, the results are read, the pool shuts down.

>>> callable(submit_result_shutdown)
True
"""

from __future__ import annotations

from typing import Any


def submit_result_shutdown(env: Any, executor: str = "concurrent.futures") -> list[int]:
    """Submit ``pow(2, i)`` for i < 4 to 2 workers, collect results, then ``shutdown()``."""
    cf = env.load(executor)
    ex = cf.ThreadPoolExecutor(max_workers=2)
    futures = [ex.submit(pow, 2, i) for i in range(4)]
    results = [f.result() for f in futures]
    ex.shutdown(wait=True)
    return results

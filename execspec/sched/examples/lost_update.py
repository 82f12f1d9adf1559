"""Each access to a shared counter is locked, the increment is not: updates get lost.
PYTEST_DONT_REWRITE: its assertion's own message is part of the golden report.
>>> callable(lost_update)
True
"""

from __future__ import annotations

from typing import Any


def lost_update(env: Any, executor: str = "concurrent.futures") -> int:
    """Two tasks each read the counter under the lock, then write it back plus one."""
    cf = env.load(executor)
    lock = env.name(env.threading.Lock(), "counter lock")
    counter = {"n": 0}

    def increment() -> None:
        with lock:
            seen = counter["n"]
        with lock:  # another task may have incremented in between
            counter["n"] = seen + 1

    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        for f in [ex.submit(increment), ex.submit(increment)]:
            f.result()
    assert counter["n"] == 2, f"lost update: two increments left the counter at {counter['n']}"
    return counter["n"]

"""The two deadlock examples of the ``ThreadPoolExecutor`` docs, run exactly as written.

Source: https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor (3.14).
The snippets below are the docs' text verbatim, sleeps included; the docs assume
``ThreadPoolExecutor`` is already imported, so it is put in the snippet's namespace (from the
executor module under test), and ``print`` is captured so a passing run returns what it
printed. The snippet runs as the main thread; interpreter exit follows when it returns.

>>> "time.sleep(5)" in WAIT_ON_EACH_OTHER and "max_workers=1" in WAIT_ON_FUTURE
True
"""

from __future__ import annotations

import linecache
from typing import Any

WAIT_ON_EACH_OTHER = """\
import time
def wait_on_b():
    time.sleep(5)
    print(b.result())  # b will never complete because it is waiting on a.
    return 5

def wait_on_a():
    time.sleep(5)
    print(a.result())  # a will never complete because it is waiting on b.
    return 6


executor = ThreadPoolExecutor(max_workers=2)
a = executor.submit(wait_on_b)
b = executor.submit(wait_on_a)
"""

WAIT_ON_FUTURE = """\
def wait_on_future():
    f = executor.submit(pow, 5, 2)
    # This will never complete because there is only one worker thread and
    # it is executing this function.
    print(f.result())

executor = ThreadPoolExecutor(max_workers=1)
future = executor.submit(wait_on_future)
# Note: calling future.result() would also cause a deadlock because
# the single worker thread is already waiting for wait_on_future().
"""


def _code(source: str, filename: str) -> Any:
    # Registered without an mtime, so linecache keeps it and reports can show the lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec", dont_inherit=True)


_CODE = {
    "wait_on_each_other": _code(WAIT_ON_EACH_OTHER, "<docs: ThreadPoolExecutor deadlock example 1>"),
    "wait_on_future": _code(WAIT_ON_FUTURE, "<docs: ThreadPoolExecutor deadlock example 2>"),
}
_CODE_2 = _code(WAIT_ON_FUTURE.replace("ThreadPoolExecutor(max_workers=1)",
                                       "ThreadPoolExecutor(max_workers=2)"),
                "<docs: ThreadPoolExecutor deadlock example 2, max_workers=2>")


def _run(env: Any, code: Any, executor: str) -> list[str]:
    printed: list[str] = []
    module = env.load(executor)
    names = dict(env.table.builtins)  # the shim's __import__: `import time` is virtual time
    names["print"] = lambda *args, **_: printed.append(" ".join(map(str, args)))
    namespace: dict[str, Any] = {"__builtins__": names, "__name__": "__docs_example__",
                                 "ThreadPoolExecutor": module.ThreadPoolExecutor}
    exec(code, namespace)
    for var in ("a", "b", "future"):
        if var in namespace:
            env.name(namespace[var], var)
    return printed


def wait_on_each_other(env: Any, executor: str = "concurrent.futures") -> list[str]:
    """The docs' first example: two tasks, each sleeping then waiting on the other's future."""
    return _run(env, _CODE["wait_on_each_other"], executor)


def wait_on_future(env: Any, executor: str = "concurrent.futures", max_workers: int = 1) -> list[str]:
    """The docs' second example: the only worker waits on a future queued behind itself.

    ``max_workers=2`` (not in the docs) gives the inner task a worker of its own: no deadlock.
    """
    if max_workers not in (1, 2):
        raise ValueError("the docs' example is checked with max_workers=1 (as written) or 2")
    return _run(env, _CODE["wait_on_future"] if max_workers == 1 else _CODE_2, executor)


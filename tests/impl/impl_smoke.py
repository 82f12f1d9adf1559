"""A smoke run of execspec.impl in plain Python (no pytest), for the other CPythons.

    python3.X tests/impl/impl_smoke.py DIR   # DIR holds execspec/__init__.py and execspec/impl

test_impl_other_pythons.py runs it under each CPython 3.10/3.12/3.13 it finds. Every check is
an assert with a message; every wait is bounded. Prints "ok <version> <doctests>" at the end.
"""

import sys

if len(sys.argv) > 1:
    sys.path.insert(0, sys.argv[1])

import asyncio  # noqa: E402
import doctest  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402

import execspec.impl as impl  # noqa: E402
from execspec.impl import _executor, _future, _thread, _waiting  # noqa: E402

BOUND = 10.0
if len(sys.argv) > 1:
    where = os.path.realpath(os.path.join(sys.argv[1], "execspec", "impl"))
    assert os.path.realpath(os.path.dirname(impl.__file__)) == where, f"imported the wrong impl: {impl.__file__}"
logging.getLogger("concurrent.futures").addHandler(logging.NullHandler())  # the initializer check logs


class Blocker:
    """A call that reports it started, then waits to be released."""

    def __init__(self) -> None:
        self.started, self.released = threading.Event(), threading.Event()

    def __call__(self, value: object) -> object:
        self.started.set()
        assert self.released.wait(BOUND), "never released"
        return value

    def wait_started(self) -> None:
        assert self.started.wait(BOUND), "the blocking call never started"


def submit_map_wait_as_completed() -> None:
    with impl.ThreadPoolExecutor(4) as ex:
        assert ex.submit(pow, 2, 10).result(BOUND) == 1024
        assert list(ex.map(abs, range(-20, 0), buffersize=3)) == list(range(20, 0, -1)), "map(buffersize=)"
        assert list(ex.map(pow, [2, 3], [3, 2], timeout=BOUND)) == [8, 9], "map(timeout=)"
        block = Blocker()
        slow = ex.submit(block, "late")
        block.wait_started()
        quick, bad = ex.submit(abs, -1), ex.submit(int, "x")
        done, not_done = impl.wait([slow, quick], timeout=BOUND, return_when=impl.FIRST_COMPLETED)
        assert done == {quick} and not_done == {slow}, ("FIRST_COMPLETED", done, not_done)
        done, not_done = impl.wait([slow, bad], timeout=BOUND, return_when=impl.FIRST_EXCEPTION)
        assert done == {bad} and not_done == {slow}, ("FIRST_EXCEPTION", done, not_done)
        assert isinstance(bad.exception(0), ValueError)
        done, not_done = impl.wait([slow, quick], timeout=0, return_when=impl.ALL_COMPLETED)
        assert done == {quick} and not_done == {slow}, ("ALL_COMPLETED, timed out", done, not_done)
        block.released.set()
        done, not_done = impl.wait([slow, quick, bad], timeout=BOUND)
        assert not not_done and slow.result(0) == "late", ("ALL_COMPLETED", done, not_done)
        fs = [ex.submit(abs, -i) for i in range(10)]
        assert sorted(f.result(0) for f in impl.as_completed(fs, timeout=BOUND)) == list(range(10))
        try:
            impl.wait([quick, 42])
            raise AssertionError("wait() accepted a non-future")
        except TypeError as exc:
            assert "item 1 is 42" in str(exc), exc


def cancel_and_shutdown() -> None:
    ex = impl.ThreadPoolExecutor(1)
    block = Blocker()
    running = ex.submit(block, "ran")
    block.wait_started()
    queued = [ex.submit(abs, -i) for i in range(5)]
    assert queued[0].cancel() and queued[0].cancelled() and not running.cancel()
    ex.shutdown(wait=False, cancel_futures=True)
    assert all(f.cancelled() for f in queued), "shutdown(cancel_futures=True) left calls queued"
    assert len(list(impl.as_completed(queued, timeout=BOUND))) == 5, "cancelled futures count as done"
    try:
        ex.submit(abs, 1)
        raise AssertionError("accepted a call after shutdown()")
    except RuntimeError:
        pass
    block.released.set()
    ex.shutdown(wait=True)
    assert running.result(0) == "ran"


def broken_initializer() -> None:
    def boom() -> None:
        raise ValueError("initializer failed")

    ex = impl.ThreadPoolExecutor(1, initializer=boom)
    f = ex.submit(abs, 1)
    for attempt in (lambda: f.result(BOUND), lambda: ex.submit(abs, 2)):
        try:
            attempt()
            raise AssertionError("a pool whose initializer failed still ran a call")
        except impl.BrokenThreadPool:
            pass
    ex.shutdown()


def asyncio_interop() -> None:
    async def main() -> tuple[object, object]:
        with impl.ThreadPoolExecutor(2) as ex:
            wrapped = await asyncio.wait_for(asyncio.wrap_future(ex.submit(pow, 3, 3)), BOUND)
            in_executor = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(ex, pow, 2, 5), BOUND)
        return wrapped, in_executor

    assert asyncio.run(main()) == (27, 32)


def doctests() -> int:
    attempted = 0
    for module in (impl, _future, _executor, _thread, _waiting):
        result = doctest.testmod(module)
        assert result.failed == 0, f"{module.__name__}: {result.failed} doctest(s) failed"
        attempted += result.attempted
    assert attempted >= 10, f"only {attempted} doctest examples found"
    return attempted


if __name__ == "__main__":
    submit_map_wait_as_completed()
    cancel_and_shutdown()
    broken_initializer()
    asyncio_interop()
    print("ok", "%d.%d" % sys.version_info[:2], doctests())

"""Interoperability a user who changes one import expects (EXC-*, MOD-*, asyncio, stdlib)."""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures as cf
import concurrent.futures.thread as cft
import sys
import threading

import pytest

import execspec.impl as impl

from impl_support import BOUND


def test_exceptions_are_the_stdlib_classes() -> None:  # EXC-CANCELLED, EXC-INVALID-STATE, EXC-BROKEN-EXECUTOR, EXC-BROKEN-THREADPOOL
    assert impl.CancelledError is cf.CancelledError
    assert impl.InvalidStateError is cf.InvalidStateError
    assert impl.TimeoutError is cf.TimeoutError
    assert impl.BrokenExecutor is cf.BrokenExecutor and issubclass(impl.BrokenExecutor, RuntimeError)
    assert impl.BrokenThreadPool is cft.BrokenThreadPool and issubclass(impl.BrokenThreadPool, impl.BrokenExecutor)
    for exc in (impl.CancelledError, impl.InvalidStateError, impl.TimeoutError, impl.BrokenThreadPool):
        assert issubclass(exc, Exception)  # EXC-ERROR-BASE


@pytest.mark.skipif(sys.version_info < (3, 11), reason="EXC-TIMEOUT-ALIAS is 3.11+")
def test_timeout_error_is_the_builtin() -> None:  # EXC-TIMEOUT-ALIAS
    assert impl.TimeoutError is builtins.TimeoutError


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="EXC-TIMEOUT-DISTINCT is up to 3.10")
def test_timeout_error_is_the_modules_own_before_311() -> None:  # EXC-TIMEOUT-DISTINCT
    assert impl.TimeoutError is not builtins.TimeoutError


def test_stdlib_except_clauses_catch_ours() -> None:  # EXC-CANCELLED, EXC-TIMEOUT
    f: impl.Future[int] = impl.Future()
    with pytest.raises(cf.TimeoutError):
        f.result(0)
    f.cancel()
    with pytest.raises(cf.CancelledError):
        f.result()


def test_public_names_match_the_thread_side_of_the_stdlib() -> None:  # MOD-NAMES, MOD-CONSTANTS
    for name in ("Executor", "ThreadPoolExecutor", "Future", "wait", "as_completed", "FIRST_COMPLETED",
                 "FIRST_EXCEPTION", "ALL_COMPLETED", "CancelledError", "TimeoutError", "BrokenExecutor",
                 "InvalidStateError", "BrokenThreadPool"):  # fmt: skip
        assert name in impl.__all__ and hasattr(impl, name)
    for name in ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"):
        assert getattr(impl, name) == getattr(cf, name)  # either module's constant works
    assert len({impl.FIRST_COMPLETED, impl.FIRST_EXCEPTION, impl.ALL_COMPLETED}) == 3


def test_process_pool_is_not_here_and_the_error_says_where_it_is() -> None:
    with pytest.raises(AttributeError, match="concurrent.futures.ProcessPoolExecutor"):
        impl.ProcessPoolExecutor  # noqa: B018


def test_our_classes_pass_stdlib_isinstance_checks() -> None:
    with impl.ThreadPoolExecutor(1) as ex:
        assert isinstance(ex, cf.ThreadPoolExecutor) and isinstance(ex, cf.Executor)
        assert isinstance(ex.submit(abs, 1), cf.Future)


def test_asyncio_run_in_executor_wrap_future_and_default_executor() -> None:
    async def main(ex: impl.ThreadPoolExecutor) -> list[int]:
        loop = asyncio.get_running_loop()
        a = await loop.run_in_executor(ex, abs, -1)
        b = await asyncio.wrap_future(ex.submit(abs, -2))
        loop.set_default_executor(ex)  # asyncio insists on a ThreadPoolExecutor instance
        c = await loop.run_in_executor(None, abs, -3)
        return [a, b, c]

    ex = impl.ThreadPoolExecutor(2)
    assert asyncio.run(main(ex)) == [1, 2, 3]  # asyncio.run also shuts the default executor down
    with pytest.raises(RuntimeError):
        ex.submit(abs, 1)


def test_cancelling_the_asyncio_side_cancels_a_queued_call() -> None:
    release = threading.Event()

    async def main(ex: impl.ThreadPoolExecutor) -> bool:
        blocker = ex.submit(release.wait, BOUND)
        queued = ex.submit(abs, -1)
        asyncio.wrap_future(queued).cancel()
        await asyncio.sleep(0)  # one loop turn delivers the cancellation (no thread timing)
        release.set()
        await asyncio.wrap_future(blocker)
        return queued.cancelled()

    with impl.ThreadPoolExecutor(1) as ex:
        assert asyncio.run(main(ex))


def test_stdlib_wait_rejects_our_futures_with_a_pointer_to_ours() -> None:
    # Documented limitation: concurrent.futures.wait()/as_completed() read private attributes.
    with impl.ThreadPoolExecutor(1) as ex:
        f = ex.submit(abs, 1)
        with pytest.raises(AttributeError, match="execspec.impl.wait"):
            cf.wait([f], timeout=BOUND)
        with pytest.raises(AttributeError, match="execspec.impl.wait"):
            list(cf.as_completed([f], timeout=BOUND))
        assert impl.wait([f], timeout=BOUND).done == {f}  # ours takes either kind


def test_our_wait_and_as_completed_take_stdlib_futures() -> None:  # WAIT-MIXED-EXECUTORS, AC-MIXED-EXECUTORS
    with cf.ThreadPoolExecutor(2) as std:
        fs = [std.submit(abs, -i) for i in range(4)]
        assert impl.wait(fs, timeout=BOUND).done == set(fs)
        assert set(impl.as_completed(fs, timeout=BOUND)) == set(fs)

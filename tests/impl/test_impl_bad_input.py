"""Bad input fails at the call, with a message that says what was wrong."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from typing import Any

import pytest

import execspec.impl as impl


@pytest.mark.parametrize(
    ("max_workers", "error", "message"),
    [
        (0, ValueError, "at least 1, got 0"),  # TPE-MAX-WORKERS-INVALID
        (-3, ValueError, "at least 1, got -3"),
        (2.0, TypeError, "int or None, not float"),  # TPE-MAX-WORKERS-TYPE (stricter than CPython)
        ("4", TypeError, "int or None, not str"),
        (True, TypeError, "int or None, not bool"),
    ],
)
def test_bad_max_workers(max_workers: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        impl.ThreadPoolExecutor(max_workers)


def test_non_callable_initializer() -> None:  # TPE-INITIALIZER-NOT-CALLABLE
    with pytest.raises(TypeError, match="initializer must be callable"):
        impl.ThreadPoolExecutor(1, initializer=42)  # type: ignore[arg-type]


def test_non_string_thread_name_prefix() -> None:
    with pytest.raises(TypeError, match="thread_name_prefix must be a str"):
        impl.ThreadPoolExecutor(1, thread_name_prefix=3)  # type: ignore[arg-type]


def test_non_callable_fn(ex: impl.ThreadPoolExecutor) -> None:
    with pytest.raises(TypeError, match="submit\\(\\) needs a callable"):
        ex.submit(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="map\\(\\) needs a callable"):
        ex.map(42, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="add_done_callback\\(\\) needs a callable"):
        impl.Future().add_done_callback(42)  # type: ignore[arg-type]


BAD_TIMEOUTS = [(-1, ValueError, "non-negative"), (float("nan"), ValueError, "non-negative"),
                ("1", TypeError, "number of seconds, not str"), (True, TypeError, "not bool")]  # fmt: skip


@pytest.mark.parametrize(("timeout", "error", "message"), BAD_TIMEOUTS)
def test_bad_timeouts_everywhere(ex: impl.ThreadPoolExecutor, timeout: Any, error: type[Exception], message: str) -> None:
    # FUT-TIMEOUT-NUMBER; negative timeouts are refused (FUT-TIMEOUT-NONPOSITIVE leaves them open)
    f: impl.Future[int] = impl.Future()
    calls = [
        lambda: f.result(timeout),
        lambda: f.exception(timeout),
        lambda: impl.wait([f], timeout=timeout),
        lambda: impl.as_completed([f], timeout=timeout),  # at the call, not at the first next()
        lambda: ex.map(abs, [1], timeout=timeout),
    ]
    for call in calls:
        with pytest.raises(error, match=message):
            call()


def test_bad_timeout_is_refused_even_when_no_waiting_is_needed() -> None:
    # else the error would depend on whether the call happened to have finished yet
    f: impl.Future[int] = impl.Future()
    f.set_result(1)
    for call in (f.result, f.exception):
        with pytest.raises(ValueError):
            call(-1)


def test_zero_timeout_is_fine_and_does_not_block() -> None:  # FUT-TIMEOUT-NONPOSITIVE
    f: impl.Future[int] = impl.Future()
    with pytest.raises(impl.TimeoutError):
        f.result(0)
    assert impl.wait([f], timeout=0).not_done == {f}


def test_unknown_return_when() -> None:  # WAIT-RETURN-WHEN-INVALID
    f: impl.Future[int] = impl.Future()
    f.set_result(1)  # checked even when nothing would need waiting
    with pytest.raises(ValueError, match="return_when must be FIRST_COMPLETED"):
        impl.wait([f], return_when="SOMETIMES")


@pytest.mark.parametrize(
    ("buffersize", "error", "message"),
    [(0, ValueError, "at least 1, got 0"), (-1, ValueError, "at least 1"), (1.5, TypeError, "int or None, not float"),
     (True, TypeError, "not bool")],  # fmt: skip
)
def test_bad_buffersize(ex: impl.ThreadPoolExecutor, buffersize: Any, error: type[Exception], message: str) -> None:
    # EXE-MAP-BUFFERSIZE-INVALID: refused before anything is submitted
    ran: list[int] = []
    with pytest.raises(error, match=message):
        ex.map(ran.append, [1, 2], buffersize=buffersize)
    ex.shutdown()
    assert ran == []


def test_set_exception_needs_an_exception() -> None:
    with pytest.raises(TypeError, match="exception instance"):
        impl.Future().set_exception("oops")  # type: ignore[arg-type]


WAITERS = [
    ("wait", lambda fs: impl.wait(fs, timeout=0)),
    ("as_completed", lambda fs: impl.as_completed(fs, timeout=0)),  # at the call, not at next()
]


@pytest.mark.parametrize(("name", "call"), WAITERS)
def test_a_non_future_to_wait_gets_a_clear_error_and_loses_nothing(name: str, call: Any) -> None:
    # WAIT-MIXED-EXECUTORS, AC-MIXED-EXECUTORS: futures of any executor, but futures only
    pending: impl.Future[int] = impl.Future()
    done: impl.Future[int] = impl.Future()
    done.set_result(1)
    for _ in range(3):  # the same mistake again and again parks nothing
        with pytest.raises(TypeError) as err:
            call([pending, done, 42])
        assert pending._gates is None, "a gate stayed parked on the pending future after the error"
    message = str(err.value)
    assert f"{name}()" in message and "item 2 is 42 of type int" in message, message
    assert "concurrent.futures.Future" in message and "submit()" in message, message
    pending.set_result(2)  # and the futures still work afterwards
    assert impl.wait([pending, done], timeout=0).not_done == set()


def test_an_asyncio_future_gets_pointed_to_asyncio() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(TypeError, match=r"item 0 .*use asyncio\.wait\(\)"):
            impl.wait([loop.create_future()], timeout=0)  # type: ignore[arg-type]
    finally:
        loop.close()


def test_a_failing_foreign_future_leaves_no_gate_parked() -> None:
    # a concurrent.futures.Future subclass whose add_done_callback() raises, after ours parked
    class Refuses(cf.Future):  # type: ignore[type-arg]
        def add_done_callback(self, fn: Any) -> None:
            raise RuntimeError("no callbacks here")

    pending: impl.Future[int] = impl.Future()
    for call in (lambda: impl.wait([pending, Refuses()], timeout=0), lambda: next(impl.as_completed([pending, Refuses()]))):
        with pytest.raises(RuntimeError, match="no callbacks here"):
            call()
        assert pending._gates is None, "a gate stayed parked after watching failed"

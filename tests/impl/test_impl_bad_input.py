"""Bad input fails at the call, with a message that says what was wrong."""

from __future__ import annotations

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

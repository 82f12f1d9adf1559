"""Future on its own: states, outcomes, callbacks, timeouts (FUT-*, INV-*)."""

from __future__ import annotations

import logging
import threading

import pytest

from execspec.impl import CancelledError, Future, InvalidStateError, TimeoutError

from impl_support import BOUND


class FalsyError(Exception):
    def __bool__(self) -> bool:
        return False


def test_new_future_is_pending_and_not_done() -> None:  # FUT-CREATE-PENDING, FUT-STATES, FUT-DONE, FUT-RUNNING
    f: Future[int] = Future()
    assert (f.running(), f.cancelled(), f.done()) == (False, False, False)
    assert "state=pending" in repr(f)


def test_set_result_finishes_and_result_returns_value() -> None:  # FUT-SET-RESULT, FUT-RESULT-VALUE
    f: Future[int] = Future()
    f.set_result(7)
    assert f.done() and not f.running() and not f.cancelled()
    assert f.result() == 7 and f.exception() is None  # FUT-EXCEPTION-VALUE
    assert "returned int" in repr(f)


def test_set_exception_makes_result_raise_it() -> None:  # FUT-SET-EXCEPTION, FUT-RESULT-RAISES
    f: Future[int] = Future()
    err = KeyError("k")
    f.set_exception(err)
    with pytest.raises(KeyError) as info:
        f.result()
    assert info.value is err and f.exception() is err
    assert "raised KeyError" in repr(f)


def test_falsy_exception_is_still_raised() -> None:  # FUT-RESULT-FALSY-EXC (gh-132063)
    f: Future[int] = Future()
    f.set_exception(FalsyError())
    with pytest.raises(FalsyError):
        f.result()


def test_pending_future_can_be_cancelled() -> None:  # FUT-CANCEL-PENDING, FUT-CANCELLED
    f: Future[int] = Future()
    assert f.cancel() and f.cancelled() and f.done()
    assert f.cancel()  # FUT-CANCEL-CANCELLED: still True
    assert not f.set_running_or_notify_cancel() and f.done()  # INV-DONE-MONOTONE
    with pytest.raises(CancelledError):
        f.result()  # FUT-RESULT-CANCELLED
    with pytest.raises(CancelledError):
        f.exception()  # FUT-EXCEPTION-CANCELLED


def test_running_and_finished_futures_cannot_be_cancelled() -> None:  # FUT-CANCEL-RUNNING, FUT-CANCEL-FINISHED
    running: Future[int] = Future()
    assert running.set_running_or_notify_cancel()  # FUT-SRN-PENDING
    assert running.running() and not running.cancel() and running.running()
    finished: Future[int] = Future()
    finished.set_result(1)
    assert not finished.cancel() and finished.result() == 1


def test_set_running_reports_cancellation_and_rejects_other_states() -> None:  # FUT-SRN-CANCELLED, FUT-SRN-OTHER
    cancelled: Future[int] = Future()
    cancelled.cancel()
    assert cancelled.set_running_or_notify_cancel() is False  # FUT-SRN-CANCELLED
    running: Future[int] = Future()
    running.set_running_or_notify_cancel()
    with pytest.raises(RuntimeError, match="running"):  # FUT-SRN-OTHER
        running.set_running_or_notify_cancel()


def test_setting_an_outcome_twice_is_invalid_and_keeps_the_first() -> None:  # FUT-SET-INVALID
    f: Future[int] = Future()
    f.set_result(1)
    with pytest.raises(InvalidStateError):
        f.set_result(2)
    with pytest.raises(InvalidStateError):
        f.set_exception(ValueError())
    assert f.result() == 1  # INV-RESULT-STABLE
    c: Future[int] = Future()
    c.cancel()
    with pytest.raises(InvalidStateError):
        c.set_result(3)
    assert c.cancelled()  # INV-TERMINAL-STABLE


def test_pending_future_may_be_finished_without_running() -> None:  # FUT-SET-ON-PENDING
    f: Future[int] = Future()
    f.set_result(5)
    assert f.result() == 5


def test_result_waits_for_another_thread_to_finish_it() -> None:  # FUT-RESULT-WAITS, FUT-WAKES-WAITERS
    f: Future[str] = Future()
    got: list[object] = []
    t = threading.Thread(target=lambda: got.append(f.result()))
    t.start()
    f.set_result("late")
    t.join(BOUND)
    assert got == ["late"]


def test_exception_waits_for_another_thread() -> None:  # FUT-EXCEPTION-WAITS
    f: Future[int] = Future()
    got: list[object] = []
    t = threading.Thread(target=lambda: got.append(f.exception()))
    t.start()
    err = ValueError()
    f.set_exception(err)
    t.join(BOUND)
    assert got == [err]


def test_many_waiters_all_wake() -> None:  # FUT-WAKES-WAITERS, INV-NO-LOST-WAKEUP
    f: Future[int] = Future()
    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(f.result())) for _ in range(8)]
    for t in threads:
        t.start()
    f.set_result(3)
    for t in threads:
        t.join(BOUND)
    assert got == [3] * 8


def test_cancel_wakes_a_blocked_result() -> None:  # FUT-CANCEL-PENDING, FUT-WAKES-WAITERS
    f: Future[int] = Future()
    got: list[str] = []

    def waiter() -> None:
        try:
            f.result()
        except CancelledError:
            got.append("cancelled")

    t = threading.Thread(target=waiter)
    t.start()
    f.cancel()
    t.join(BOUND)
    assert got == ["cancelled"]


@pytest.mark.parametrize("timeout", [0, 0.01])
def test_result_and_exception_time_out_on_a_pending_future(timeout: float) -> None:  # FUT-RESULT-TIMEOUT, FUT-EXCEPTION-TIMEOUT
    f: Future[int] = Future()
    with pytest.raises(TimeoutError):
        f.result(timeout)
    with pytest.raises(TimeoutError):
        f.exception(timeout=timeout)
    f.set_result(1)  # a timed-out waiter left nothing behind that breaks completion
    assert f.result(0) == 1 and f._gates is None


def test_callbacks_run_once_in_order_with_the_future() -> None:  # FUT-CB-ON-DONE, FUT-CB-ORDER, FUT-CB-ONCE
    f: Future[int] = Future()
    seen: list[tuple[str, object]] = []
    f.add_done_callback(lambda g: seen.append(("a", g)))
    f.add_done_callback(lambda g: seen.append(("b", g)))
    # INV-CB-SEES-DONE: inside a callback the future is done and its outcome readable at once
    f.add_done_callback(lambda g: seen.append(("done", g.done() and g.result(0))))
    assert seen == []
    f.set_result(1)
    assert seen == [("a", f), ("b", f), ("done", 1)]
    with pytest.raises(InvalidStateError):
        f.set_result(2)
    assert len(seen) == 3  # INV-CB-EXACTLY-ONCE


def test_callback_on_done_future_runs_at_once_in_this_thread() -> None:  # FUT-CB-ALREADY-DONE, FUT-CB-THREAD
    f: Future[int] = Future()
    f.cancel()
    where: list[threading.Thread] = []
    f.add_done_callback(lambda g: where.append(threading.current_thread()))
    assert where == [threading.current_thread()]


def test_callback_runs_in_the_completing_thread() -> None:  # FUT-CB-THREAD
    f: Future[int] = Future()
    where: list[threading.Thread] = []
    f.add_done_callback(lambda g: where.append(threading.current_thread()))
    t = threading.Thread(target=f.set_result, args=(1,))
    t.start()
    t.join(BOUND)
    assert where == [t]


def test_raising_callback_is_logged_and_the_next_runs(caplog: pytest.LogCaptureFixture) -> None:  # FUT-CB-RAISES
    f: Future[int] = Future()
    seen: list[int] = []

    def bad(_: object) -> None:
        raise ValueError("boom")

    f.add_done_callback(bad)
    f.add_done_callback(lambda g: seen.append(1))
    with caplog.at_level(logging.ERROR, logger="concurrent.futures"):
        f.set_result(0)
    assert seen == [1]
    assert any("callback" in r.getMessage() and r.exc_info for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="concurrent.futures"):
        f.add_done_callback(bad)  # already done: still logged, not raised
    assert caplog.records


def test_base_exception_from_callback_propagates_but_future_stays_done() -> None:  # FUT-CB-BASEEXCEPTION
    f: Future[int] = Future()

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    f.add_done_callback(interrupt)
    with pytest.raises(KeyboardInterrupt):
        f.set_result(1)
    assert f.done() and f.result() == 1


def test_future_is_generic_and_a_stdlib_future() -> None:  # MOD-NAMES
    import concurrent.futures as cf

    assert Future[int].__origin__ is Future and isinstance(Future(), cf.Future)

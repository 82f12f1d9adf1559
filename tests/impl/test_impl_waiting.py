"""wait() and as_completed() (WAIT-*, AC-*), including futures of other executors."""

from __future__ import annotations

import concurrent.futures as cf
import threading

import pytest

import execspec.impl as impl
from execspec.impl import ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future, wait

from impl_support import BOUND, Gate


def done_future(value: object = None) -> Future[object]:
    f: Future[object] = Future()
    f.set_result(value)
    return f


def failed_future() -> Future[object]:
    f: Future[object] = Future()
    f.set_exception(ValueError())
    return f


def test_wait_returns_named_sets_and_defaults_to_all_completed(ex: impl.ThreadPoolExecutor) -> None:
    # WAIT-RETURNS-SETS, WAIT-DEFAULT-ALL, WAIT-ALL-COMPLETED
    fs = [ex.submit(abs, -i) for i in range(10)]
    result = wait(fs + fs[:3])
    assert result.done == set(fs) and result.not_done == set()  # INV-WAIT-PARTITION
    assert isinstance(result, tuple) and result[0] is result.done


def test_wait_on_nothing_returns_at_once() -> None:  # WAIT-EMPTY
    for how in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        assert wait([], return_when=how) == (set(), set())


def test_duplicates_are_reported_once() -> None:  # WAIT-DUPLICATES
    f = done_future()
    assert wait([f, f, f]) == ({f}, set())


def test_already_done_futures_need_no_waiting() -> None:  # WAIT-ALREADY-DONE
    a, b = done_future(), Future()
    assert wait([a, b], timeout=0, return_when=FIRST_COMPLETED) == ({a}, {b})


def test_first_completed_returns_when_one_finishes(ex: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # WAIT-FIRST-COMPLETED
    slow = ex.submit(gate)
    quick = ex.submit(abs, -1)
    done, not_done = wait([slow, quick], timeout=BOUND, return_when=FIRST_COMPLETED)
    assert quick in done and slow in not_done


def test_first_exception_returns_on_a_raise_not_on_a_cancel(ex: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # WAIT-FIRST-EXCEPTION
    blocked = ex.submit(gate)
    c: Future[object] = Future()
    c.cancel()
    assert wait([blocked, c], timeout=0, return_when=FIRST_EXCEPTION).not_done == {blocked}
    bad = ex.submit(int, "x")
    done, not_done = wait([blocked, bad, c], timeout=BOUND, return_when=FIRST_EXCEPTION)
    assert done == {bad, c} and not_done == {blocked}  # INV-WAIT-PARTITION: disjoint, covers all


def test_first_exception_without_exceptions_is_all_completed() -> None:  # WAIT-FIRST-EXCEPTION
    fs = [done_future(i) for i in range(3)]
    assert wait(fs, return_when=FIRST_EXCEPTION).done == set(fs)


def test_falsy_exception_counts_for_first_exception() -> None:  # FUT-RESULT-FALSY-EXC
    class Falsy(Exception):
        def __bool__(self) -> bool:
            return False

    bad: Future[object] = Future()
    bad.set_exception(Falsy())
    assert wait([bad, Future()], timeout=0, return_when=FIRST_EXCEPTION).done == {bad}


def test_wait_timeout_returns_the_split_without_raising() -> None:  # WAIT-TIMEOUT
    pending: Future[object] = Future()
    done = done_future()
    assert wait([pending, done], timeout=0.01) == ({done}, {pending})
    assert pending._gates is None  # the waiter unparked itself


def test_cancelled_future_counts_as_done_at_once() -> None:  # WAIT-CANCELLED-COUNTS (gh-92001)
    f: Future[object] = Future()
    f.cancel()
    assert wait([f], timeout=BOUND) == ({f}, set())


def test_cancel_wakes_a_blocked_wait() -> None:  # WAIT-CANCELLED-COUNTS, INV-NO-LOST-WAKEUP
    f: Future[object] = Future()
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(wait([f], timeout=BOUND)))
    t.start()
    f.cancel()
    t.join(BOUND)
    assert out == [({f}, set())]


def test_wait_mixes_executors_and_stdlib_futures(ex: impl.ThreadPoolExecutor) -> None:  # WAIT-MIXED-EXECUTORS
    with cf.ThreadPoolExecutor(1) as std, impl.ThreadPoolExecutor(1) as other:
        gate = threading.Event()
        s = std.submit(gate.wait, BOUND)
        fs = [s, ex.submit(abs, -1), other.submit(abs, -2), done_future()]
        try:
            assert wait(fs, timeout=BOUND, return_when=FIRST_COMPLETED).done  # any one will do
            assert wait(fs[1:], timeout=BOUND).not_done == set()
            assert wait(fs, timeout=0).not_done == {s}
        finally:
            gate.set()
        assert wait(fs, timeout=BOUND).done == set(fs)


def test_as_completed_yields_each_once_done_ones_first(ex1: impl.ThreadPoolExecutor, gate: Gate) -> None:
    # AC-DONE-FIRST, AC-DUPLICATES, AC-YIELDS-AS-COMPLETE
    early = done_future()
    slow = ex1.submit(gate)
    it = impl.as_completed([slow, early, early])
    assert next(it) is early
    gate.open()
    assert next(it) is slow
    with pytest.raises(StopIteration):
        next(it)


def test_as_completed_yields_in_completion_order() -> None:  # AC-YIELDS-AS-COMPLETE
    fs: list[Future[int]] = [Future() for _ in range(5)]
    it = impl.as_completed(fs)
    for i in (3, 1, 4, 0, 2):
        fs[i].set_result(i)
        assert next(it) is fs[i]


def test_as_completed_accepts_any_iterable_and_other_executors(ex: impl.ThreadPoolExecutor) -> None:
    # AC-ANY-ITERABLE, AC-MIXED-EXECUTORS
    with cf.ThreadPoolExecutor(1) as std:
        gen = (e.submit(abs, -i) for i, e in enumerate([ex, std, ex]))
        assert sorted(f.result() for f in impl.as_completed(gen, timeout=BOUND)) == [0, 1, 2]


def test_as_completed_on_nothing_is_empty() -> None:  # AC-EMPTY
    assert list(impl.as_completed([])) == []
    assert list(impl.as_completed([], timeout=0)) == []


def test_as_completed_yields_cancelled_futures() -> None:  # AC-CANCELLED-COUNTS (gh-92001)
    pending: Future[object] = Future()
    it = impl.as_completed([pending], timeout=BOUND)
    pending.cancel()
    assert next(it) is pending


def test_as_completed_timeout_counts_from_the_call() -> None:  # AC-TIMEOUT
    pending: Future[object] = Future()
    done = done_future()
    it = impl.as_completed([pending, done], timeout=0.05)
    assert next(it) is done
    with pytest.raises(impl.TimeoutError, match="1 of 2"):
        next(it)
    assert pending._gates is None  # the abandoned waiter unparked itself


def test_as_completed_closed_early_leaves_nothing_parked() -> None:
    pending: Future[object] = Future()
    it = impl.as_completed([pending, done_future()])
    next(it)
    assert pending._gates
    it.close()
    assert pending._gates is None


def test_as_completed_sees_completions_from_many_threads(ex: impl.ThreadPoolExecutor) -> None:
    # INV-NO-LOST-WAKEUP, INV-AC-YIELDS-DONE-ONCE: each given future, done, exactly once
    for _ in range(20):
        fs = [ex.submit(abs, -i) for i in range(50)]
        seen = []
        for f in impl.as_completed(fs + fs[::2], timeout=BOUND):
            assert f.done()
            seen.append(f)
        assert len(seen) == 50 and set(seen) == set(fs)

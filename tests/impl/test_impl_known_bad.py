"""The checks are honest: each passes on impl and fails on a variant that breaks its rule."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from typing import Any, Callable

import pytest

import execspec.impl as impl
from execspec.impl import _future

import impl_known_bad as bad
from impl_support import Gate


class Falsy(Exception):
    def __bool__(self) -> bool:
        return False


def check_falsy_exception_is_raised(future_cls: type[impl.Future[Any]], bound: float) -> None:
    f = future_cls()
    f.set_exception(Falsy())
    try:
        f.result(bound)
    except Falsy:
        return
    raise AssertionError("result() returned although the future holds an exception (FUT-RESULT-FALSY-EXC)")


def check_cancel_wakes_a_waiter(future_cls: type[impl.Future[Any]], bound: float) -> None:
    f = future_cls()
    parked = threading.Event()
    out: list[Any] = []

    def waiter() -> None:
        parked.set()
        out.append(impl.wait([f], timeout=60))  # only a wake-up ends this in time

    t = threading.Thread(target=waiter)
    t.start()
    assert parked.wait(bound)
    deadline = time.monotonic() + bound
    while f._gates is None and time.monotonic() < deadline:  # until the waiter is parked on f
        t.join(0.001)
    assert f._gates is not None, "wait() never parked on the future"
    f.cancel()
    t.join(bound)
    if t.is_alive():
        with f._lock:
            f._settle(f._status)  # rescue the stuck waiter before reporting
        t.join(bound)
        raise AssertionError("a waiter was not woken by cancel() (WAIT-CANCELLED-COUNTS)")
    assert out and f in out[0].done


def check_shutdown_cancels_queued(executor_cls: type[impl.ThreadPoolExecutor], bound: float) -> None:
    ex = executor_cls(1)
    gate = Gate()
    ex.submit(gate)
    gate.wait_started()
    queued = [ex.submit(abs, -i) for i in range(3)]
    ex.shutdown(wait=False, cancel_futures=True)
    gate.open()
    ex.shutdown(wait=True)
    assert all(f.cancelled() for f in queued), "queued calls ran after shutdown(cancel_futures=True)"


def check_results_not_kept_alive(executor_cls: type[impl.ThreadPoolExecutor], bound: float) -> None:
    class Payload:
        pass

    with executor_cls(1) as ex:
        f = ex.submit(Payload)
        ref = weakref.ref(f.result(bound))
        del f
        gc.collect()
        assert ref() is None, "the executor keeps a consumed result alive"


def check_map_order(executor_cls: type[impl.ThreadPoolExecutor], bound: float) -> None:
    with executor_cls(2) as ex:
        assert list(ex.map(abs, range(-5, 0), timeout=bound)) == [5, 4, 3, 2, 1], "map out of order (EXE-MAP-ORDER)"


CASES: list[tuple[Callable[[Any, float], None], Any, Any]] = [
    (check_falsy_exception_is_raised, impl.Future, bad.TruthyResultFuture),
    (check_cancel_wakes_a_waiter, impl.Future, bad.SilentCancelFuture),
    (check_shutdown_cancels_queued, impl.ThreadPoolExecutor, bad.IgnoresCancelFutures),
    (check_results_not_kept_alive, impl.ThreadPoolExecutor, bad.RemembersEverything),
    (check_map_order, impl.ThreadPoolExecutor, bad.MapLastToFirst),
]
IDS = [check.__name__.removeprefix("check_") for check, _, _ in CASES]


@pytest.mark.parametrize(("check", "good", "broken"), CASES, ids=IDS)
def test_check_passes_on_impl(check: Callable[[Any, float], None], good: Any, broken: Any) -> None:
    check(good, 5.0)


@pytest.mark.parametrize(("check", "good", "broken"), CASES, ids=IDS)
def test_check_catches_the_broken_variant(check: Callable[[Any, float], None], good: Any, broken: Any) -> None:
    with pytest.raises(AssertionError):
        check(broken, 0.2)

"""An abandoned map iterator (EXE-MAP-CLOSE-CANCELS, EXE-MAP-EAGER): cancels only once started.

Issue 9: ``ex.map(record, range(10)); ex.shutdown(wait=True)`` lost calls on impl, because
map() stepped its generator into the ``try`` before returning it, so dropping the unused
iterator cancelled what was still queued. CPython runs all ten (bpo-11777); it cancels only
when an iterator that has started is closed or collected (gh-136578). Each test runs on impl
and on the stdlib, and must agree with both.

The loss is made deterministic with one worker held by a gated first call: the other calls
are certainly queued when the iterator is dropped.
"""

from __future__ import annotations

import concurrent.futures as stdlib
import gc
from typing import Any, Iterator

import pytest

import execspec.impl as impl

from impl_support import Gate

EXECUTORS = [pytest.param(impl.ThreadPoolExecutor, id="impl"),
             pytest.param(stdlib.ThreadPoolExecutor, id="stdlib")]  # fmt: skip


@pytest.fixture(params=EXECUTORS)
def one_worker(request: pytest.FixtureRequest) -> Iterator[Any]:
    executor = request.param(max_workers=1)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def _gated_at(gate: Gate, at: int, ran: list[int]) -> Any:
    def call(x: int) -> None:
        if x == at:
            gate()
        ran.append(x)

    return call


def test_the_issue_example_runs_every_call(one_worker: Any) -> None:  # EXE-MAP-EAGER
    ran: list[int] = []
    one_worker.map(ran.append, range(10))
    one_worker.shutdown(wait=True)
    assert sorted(ran) == list(range(10))


@pytest.mark.parametrize("how", ["dropped", "closed"])
def test_an_iterator_never_started_cancels_nothing(one_worker: Any, gate: Gate, how: str) -> None:
    # EXE-MAP-CLOSE-CANCELS, EXE-MAP-EAGER
    ran: list[int] = []
    it = one_worker.map(_gated_at(gate, 0, ran), range(10))
    gate.wait_started()  # the worker is held: calls 1..9 are queued
    if how == "closed":
        it.close()
    del it
    gc.collect()
    gate.open()
    one_worker.shutdown(wait=True)
    assert ran == list(range(10)), "dropping a map iterator before next() cancelled calls"


@pytest.mark.parametrize("how", ["dropped", "closed"])
def test_a_started_iterator_cancels_the_calls_not_yet_started(one_worker: Any, gate: Gate,
                                                              how: str) -> None:  # fmt: skip
    # EXE-MAP-CLOSE-CANCELS: the running call (1) finishes, the queued ones (2, 3) never run
    ran: list[int] = []
    it = one_worker.map(_gated_at(gate, 1, ran), range(4))
    assert next(it) is None
    gate.wait_started()
    if how == "closed":
        it.close()
    del it
    gc.collect()
    gate.open()
    one_worker.shutdown(wait=True)
    assert ran == [0, 1]


def test_a_map_that_raised_cancels_the_calls_behind_it(one_worker: Any, gate: Gate) -> None:
    # EXE-MAP-EXCEPTION, EXE-MAP-CLOSE-CANCELS: the iterator ends at the failing item
    ran: list[int] = []

    def call(x: int) -> None:
        if x == 0:
            raise KeyError(x)
        if x == 1:
            gate()
        ran.append(x)

    it = one_worker.map(call, range(4))
    gate.wait_started()  # 0 has failed, 1 is running, 2 and 3 are queued
    with pytest.raises(KeyError):
        next(it)
    gate.open()
    one_worker.shutdown(wait=True)
    assert ran == [1]


def test_with_buffersize_a_dropped_iterator_runs_its_first_calls_only(gate: Gate) -> None:
    # EXE-MAP-BUFFERSIZE-LAZY: the rest were never read; EXE-MAP-CLOSE-CANCELS: none cancelled
    ran: list[int] = []
    ex = impl.ThreadPoolExecutor(max_workers=1)
    it = ex.map(_gated_at(gate, 0, ran), range(10), buffersize=3)
    gate.wait_started()
    del it
    gc.collect()
    gate.open()
    ex.shutdown(wait=True)
    assert ran == [0, 1, 2]

"""A process pool's reading (``CPYTHON_PROCESS_POOL``): what CPython's ProcessPoolExecutor was
measured doing (``tests/conformance/test_foreign_executors.py`` has the plain reproductions), and
which single option explains each sight, so the machine names that option's clause and no other.

Each sight is one a run of the stdlib's ProcessPoolExecutor showed (two workers' worth of RUNNING
futures on one, a future RUNNING after its worker went on, a future left PENDING by
``shutdown(wait=False, cancel_futures=True)``); the docs' reading must reject it, and the process
pool's reading must explain it through exactly the option recorded against its clause.
"""

from __future__ import annotations

from typing import Callable

import pytest

from execspec.model import (
    CPYTHON_PROCESS_POOL,
    DEPARTS_FROM,
    DOCS,
    FState,
    FutureView,
    Ok,
    Options,
    Returned,
    Shutdown,
    State,
    Submit,
    advance,
    initial,
)
from execspec.model.observe import observe_calls

RUNNING_BEGUN = FutureView(FState.RUNNING, None, (), True)
RUNNING_NOT_BEGUN = FutureView(FState.RUNNING, None, (), False)
PENDING = FutureView(FState.PENDING, None, (), False)

Sight = Callable[[Options], frozenset[State]]


def _two_submitted(opts: Options, held: frozenset[int] = frozenset({0})) -> frozenset[State]:
    b = advance({initial(1)}, Submit(), Returned(0), opts=opts, held=held)
    return advance(b, Submit(), Returned(1), opts=opts, held=held)


def queued_call_marked_running(opts: Options) -> frozenset[State]:
    """One worker busy with f0 (parked on its gate); f1 shows RUNNING, its call not begun."""
    return observe_calls(_two_submitted(opts), (RUNNING_BEGUN, RUNNING_NOT_BEGUN), (), opts, frozenset({0}))


def result_on_its_way_back(opts: Options) -> frozenset[State]:
    """One worker; f0 is still RUNNING when the same worker has begun f1."""
    return observe_calls(_two_submitted(opts, frozenset()), (RUNNING_BEGUN, RUNNING_BEGUN), (), opts)


def cancel_futures_left_to_the_manager(opts: Options) -> frozenset[State]:
    """One worker busy with f0; shutdown(wait=False, cancel_futures=True) returns with f1 still
    PENDING, and f1's call begins later."""
    held = frozenset({0})
    b = observe_calls(_two_submitted(opts), (RUNNING_BEGUN, PENDING), (), opts, held)
    b = advance(b, Shutdown(wait=False, cancel_futures=True), Returned(None), opts=opts, held=held)
    b = observe_calls(b, (RUNNING_BEGUN, PENDING), (), opts, held)
    return observe_calls(b, (FutureView(FState.FINISHED, Ok(0), (), True), RUNNING_BEGUN), (), opts)


SIGHTS: dict[str, tuple[Sight, str]] = {
    "queued call marked running": (queued_call_marked_running, "queue_marks_running"),
    "result on its way back": (result_on_its_way_back, "queue_marks_running"),
    "cancel_futures left to the manager": (cancel_futures_left_to_the_manager, "manager_cancels"),
}


@pytest.mark.parametrize("name", list(SIGHTS))
def test_the_docs_reject_what_the_process_pool_reading_explains(name: str) -> None:
    sight, _ = SIGHTS[name]
    assert not sight(DOCS), "the docs' reading must not allow it"
    assert sight(CPYTHON_PROCESS_POOL), "the process pool's reading must explain it"


@pytest.mark.parametrize("name", list(SIGHTS))
def test_one_option_explains_each_sight_and_it_names_its_own_clause(name: str) -> None:
    sight, option = SIGHTS[name]
    # as the machine searches: the reading's options, one at a time, each with FIFO start
    candidates = [n for n, clauses in DEPARTS_FROM.items() if clauses and getattr(CPYTHON_PROCESS_POOL, n)]
    alone = [n for n in candidates if sight(Options(fifo=True, **{n: True}))]
    assert alone == [option]
    expected = {"queue_marks_running": ("FUT-RUNNING-EXECUTING",),
                "manager_cancels": ("EXE-SHUTDOWN-CANCEL-AT-ONCE",)}
    assert DEPARTS_FROM[option] == expected[option]


def test_the_call_queue_holds_max_workers_plus_one_calls_ahead_of_the_workers() -> None:
    held = frozenset({0, 1, 2, 3})
    b = frozenset({initial(1)})
    for fid in range(4):
        b = advance(b, Submit(), Returned(fid), opts=CPYTHON_PROCESS_POOL, held=held)
    three = (RUNNING_BEGUN, RUNNING_NOT_BEGUN, RUNNING_NOT_BEGUN, PENDING)
    four = (RUNNING_BEGUN, RUNNING_NOT_BEGUN, RUNNING_NOT_BEGUN, RUNNING_NOT_BEGUN)
    assert observe_calls(b, three, (), CPYTHON_PROCESS_POOL, held)  # one running, two in the call queue
    assert not observe_calls(b, four, (), CPYTHON_PROCESS_POOL, held)  # a third would overfill it


def test_shutdown_wait_joins_only_once_every_result_is_back() -> None:
    b = advance({initial(1)}, Submit(), Returned(0), opts=CPYTHON_PROCESS_POOL)
    b = advance(b, Shutdown(wait=True, cancel_futures=False), Returned(None), opts=CPYTHON_PROCESS_POOL)
    assert b and all(s.futures[0].state is FState.FINISHED for s in b)

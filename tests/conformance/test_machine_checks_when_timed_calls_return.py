"""Under the shim the machine checks *when* a timed call returns, not only what it returns.

The model has no clock: it allows a timeout whenever the condition does not hold. The shim's
clock is virtual and exact, so :mod:`execspec.conformance.timing` holds every timed call to its
deadline: a timeout exactly at it, a return on the condition before it. ``TimesOutEarly`` (an
as_completed deadline computed as ``monotonic() - timeout``) gives only answers the model allows,
at the wrong instants; impl and the stdlib pass (``test_machine_passes_good_executors``).
"""

from __future__ import annotations

import pytest

from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.conformance.timing import Deadline, judge
from execspec.targets import Target

QUICK = Profile("timing", shim_examples=20, thread_examples=20, steps=10, shrink_budget=1.0)


def test_an_early_timeout_is_a_time_violation_of_its_clause() -> None:
    r = run_machine(Target.parse("conformance.known_bad.as_completed_times_out_early:TimesOutEarly"), Mode.SHIM, QUICK)
    assert r.error is None, r.error
    v = r.violation
    assert v is not None and v.kind == "time", v
    assert v.clauses == ("AC-TIMEOUT",) and v.timing is not None and v.timing.fault == "early", v
    assert v.timing.returned < v.timing.expected[0]


_D = Deadline("FUT-RESULT-TIMEOUT", "result()", 5.0, (1000.0, 1000.0))


@pytest.mark.parametrize(("began", "returned", "timed_out", "fault"), [
    (1000.0, 1005.0, True, None),  # a timeout at its deadline
    (1000.0, 1000.0, True, "early"),
    (1000.0, 1006.0, True, "late"),
    (1000.0, 1000.0, False, None),  # the condition held at the call
    (1000.0, 1002.0, False, None),  # it came true before the deadline
    (1000.0, 1005.0, False, "overslept"),  # done before, but returned only at the deadline
    (1100.0, 1100.0, True, None),  # begun after the deadline (map, as_completed): at once
    (1100.0, 1101.0, True, "late"),
])
def test_the_judge_of_one_call(began: float, returned: float, timed_out: bool, fault: str | None) -> None:
    got = judge(_D, began, returned, timed_out, exact=True)
    assert (got and got.fault) == fault


def test_on_real_threads_only_an_early_timeout_counts() -> None:
    assert judge(_D, 1000.0, 1000.0, True, exact=False) is not None
    assert judge(_D, 1000.0, 1004.995, True, exact=False) is None  # within the clock's rounding
    assert judge(_D, 1000.0, 1060.0, True, exact=False) is None  # late: load, not the executor
    assert judge(_D, 1000.0, 1060.0, False, exact=False) is None


def test_as_completed_counts_from_the_call_up_to_its_first_next() -> None:
    d = Deadline("AC-TIMEOUT", "next()", 5.0, (1000.0, 1100.0))  # called at 1000, first next() at 1100
    assert judge(d, 1100.0, 1100.0, True, exact=True) is None  # the docs: the deadline had passed
    assert judge(d, 1100.0, 1105.0, True, exact=True) is None  # CPython: 5 s from the first next()
    assert judge(d, 1100.0, 1106.0, True, exact=True).fault == "late"  # type: ignore[union-attr]

"""When a timed call returns: the check the model cannot make, because the model has no clock.

The model says *whether* a call with a timeout may time out (only while its condition does not
hold) but not *when*. Under the scheduler shim the clock is virtual and exact: it moves only
when every thread is parked, straight to the next deadline. So a call with a finite timeout

* that times out (TimeoutError from ``result``/``exception``/``next()`` on ``as_completed`` or
  ``map``; a ``wait`` whose partition does not meet its ``return_when``) must return exactly
  at its deadline: not before (an early timeout), not after (a late one). A call made after
  its deadline passed (a ``next()`` on ``map(timeout=)`` or ``as_completed``) must time out
  at once;
* that returns because its condition holds, having waited at all, must return before the
  clock reaches its deadline (a wait that sleeps its whole timeout although its futures are
  done returns *at* the deadline).

The deadline counts from the call itself, or for ``map`` and ``as_completed`` from the call
that made the iterator (EXE-MAP-TIMEOUT, AC-TIMEOUT). CPython's ``as_completed`` is a generator
and starts counting at its first ``next()``, which the docs do not allow (AC-TIMEOUT-FROM-CALL):
the machine judges a next() against the call first, and where only the first ``next()``
explains when it returned, that is a divergence for CPython's stdlib and a violation for
anyone else.

On real threads only the early side is checked, with a tolerance: a correct timeout never fires
before its time on a monotonic clock, whatever the load, but how late a thread is woken on two
busy cores says nothing about the executor.

Everything here is data: :class:`Deadline` (what a call was given), :class:`TimingFault` (what
it did instead), and :func:`judge`, a pure function of the two clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: virtual seconds of float noise allowed under the shim (deadlines are sums like 0.003 + 5.0)
SHIM_TOLERANCE = 1e-6
#: real seconds a timeout may fire before its time on real threads (clock rounding, not load)
THREADS_TOLERANCE = 0.01

Fault = Literal["early", "late", "overslept"]


@dataclass(frozen=True)
class Deadline:
    """A timed call: the clause that bounds it, its timeout in seconds, and the clock (before,
    after) around the call its deadline counts from (itself, or map()/as_completed()); for an
    as_completed iterator ``origin[1]`` is the start of its first ``next()``."""

    clause: str
    call: str  # the call, in words, for the report
    timeout: float
    origin: tuple[float, float]


@dataclass(frozen=True)
class TimingFault:
    """A timed call that returned at the wrong instant."""

    deadline: Deadline
    fault: Fault  # early/late: a timeout before/after its deadline; overslept: see the module doc
    began: float  # the clock when the call began
    returned: float  # the clock when it returned
    timed_out: bool
    expected: tuple[float, float]  # when it should have returned at the latest: [from, to]

    def describe(self, shim: bool) -> str:
        d = self.deadline
        clock = "virtual" if shim else "real"
        lo, hi = self.expected
        when = f"{lo:g}" if abs(hi - lo) < SHIM_TOLERANCE else f"between {lo:g} and {hi:g}"
        what = {"early": f"timed out at {self.returned:g}, before its deadline ({when})",
                "late": f"timed out at {self.returned:g}, after its deadline ({when})",
                "overslept": f"returned at {self.returned:g} although its condition held: it slept to "
                             f"its deadline ({when}) instead of returning when the condition came true"}[self.fault]
        return (f"{d.call} with timeout {d.timeout:g} s, begun at {self.began:g} ({clock} clock; its deadline "
                f"counts from {d.origin[0]:g}), {what}")


def judge(d: Deadline, began: float, returned: float, timed_out: bool, exact: bool) -> TimingFault | None:
    """Whether a call given ``d`` that began and returned at these instants returned on time;
    ``exact``: the clock is the shim's (both sides checked), else real time (early side only).

    >>> d = Deadline("FUT-RESULT-TIMEOUT", "result()", 5.0, (1.0, 1.0))
    >>> judge(d, 1.0, 6.0, True, True) is None
    True
    >>> judge(d, 1.0, 1.0, True, True).fault
    'early'
    >>> judge(d, 1.0, 6.0, False, True).fault
    'overslept'
    """
    tol = SHIM_TOLERANCE if exact else THREADS_TOLERANCE
    lo = max(began, d.origin[0] + d.timeout)  # a timeout comes no sooner than this
    hi = max(began, d.origin[1] + d.timeout)  # nor later than this
    fault: Fault | None = None
    if timed_out:
        if returned < lo - tol:
            fault = "early"
        elif exact and returned > hi + tol:
            fault = "late"
    elif exact and returned > began + tol and returned >= hi - tol:
        fault = "overslept"
    return None if fault is None else TimingFault(d, fault, began, returned, timed_out, (lo, hi))

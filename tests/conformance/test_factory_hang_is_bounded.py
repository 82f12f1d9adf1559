"""Making the executor on real threads is bounded like any call that must return, also for a
pool made on the machine's own thread (interrupt.call_within): a factory that hangs is named,
within the bound, and the run goes on to its report.

Reproduced before the fix (at ddaba61): `execspec check` of tests/conformance/hangs_later.py's
kind of factory (its sixth call waiting on an event forever), smoke profile, printed "at most
781 s in all" and sat in the factory until its watchdog's bound, with no report."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from execspec.conformance.driver import Hung
from execspec.conformance.interrupt import SIGNAL, call_within
from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.targets import Target

pytestmark = pytest.mark.skipif(SIGNAL is None or not hasattr(signal, "pthread_kill"),
                                reason="call_within bounds nothing without pthread_kill (Windows)")


def test_a_blocked_wait_is_interrupted_at_the_bound_and_the_handler_restored() -> None:
    before = signal.getsignal(SIGNAL)
    started = time.monotonic()
    with pytest.raises(Hung, match="late"):
        call_within(threading.Event().wait, 0.2, lambda: Hung("late"))
    took = time.monotonic() - started
    assert 0.2 <= took < 5.0, took
    assert signal.getsignal(SIGNAL) is before
    assert not [t for t in threading.enumerate() if t.name == "execspec-bound"], "the timer thread was left"


def test_a_call_that_returns_in_time_returns_its_value_and_nothing_fires_later() -> None:
    assert call_within(lambda: 42, 0.05, lambda: Hung("late")) == 42
    done = threading.Event()
    assert not done.wait(0.1)  # past the bound: no signal arrives after the call returned


def test_a_signal_sent_as_the_call_returns_is_taken_there_not_by_the_handler_restored() -> None:
    """The timer's signal can be on its way as the call returns; the handler restored after it
    (here one that records, in a program the default, which ends the process) must not get it.
    The call stands in for that moment: it sends the signal with the signal blocked, so it is
    pending as the call returns."""
    seen: list[int] = []
    previous = signal.signal(SIGNAL, lambda signum, frame: seen.append(signum))

    def returns_with_the_signal_pending() -> str:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {SIGNAL})
        signal.pthread_kill(threading.main_thread().ident or 0, SIGNAL)
        assert SIGNAL in signal.sigpending()
        signal.pthread_sigmask(signal.SIG_SETMASK, mask | {SIGNAL})  # (still blocked as it returns)
        return "returned"

    try:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
        assert call_within(returns_with_the_signal_pending, 30.0, lambda: Hung("late")) == "returned"
        assert SIGNAL not in signal.sigpending()
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # unblocked: anything pending would arrive now
        assert seen == []
    finally:
        signal.signal(SIGNAL, previous)


def test_off_the_main_thread_the_call_runs_unbounded() -> None:
    got: list[object] = []
    t = threading.Thread(target=lambda: got.append(call_within(lambda: "ran", 0.01, lambda: Hung("late"))))
    t.start()
    t.join(5.0)
    assert got == ["ran"]


@pytest.mark.timeout(120)
def test_a_factory_that_hangs_later_is_reported_as_a_hang_within_the_bound() -> None:
    profile = Profile("hang", shim_examples=0, thread_examples=20, steps=6, shrink_budget=2.0, shapes=False)
    started = time.monotonic()
    r = run_machine(Target.parse("conformance.hangs_later:make"), Mode.THREADS, profile)
    assert r.error is None, r.error
    assert r.violation is not None and r.violation.kind == "call" and "did not return within" in r.violation.what, \
        r.violation
    assert "TPE-INITIALIZER-RUNS" in r.violation.clauses or "EXE-ABSTRACT" in r.violation.clauses
    assert time.monotonic() - started < 60, "the hang was not cut at the call bound"

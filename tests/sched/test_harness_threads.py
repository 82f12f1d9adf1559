"""A real thread the explorer starts for itself is not the scenario's.

A split exploration runs its parts side by side on real threads. An execution of one part
that saw another part's thread start took it for a real thread of the scenario, still running,
and called the execution an UNCONTROLLED_BLOCK (seen once in CI, in
``test_split_over_an_executor_equals_the_serial_run[pct-False]``). The explorer now counts
those threads as its own, as it counts its runner threads.
"""

from __future__ import annotations

import threading

from execspec.sched.runner import _RealThreads, harness_thread

BOUND = 10.0  # seconds: a parked thread waits at most this long


def _parked(mark: bool, gate: threading.Event) -> threading.Thread:
    t = threading.Thread(target=gate.wait, args=(BOUND,), name="parked")
    return harness_thread(t) if mark else t


def test_a_thread_started_during_an_execution_is_seen_unless_it_is_ours() -> None:
    watch = _RealThreads()  # as an execution begins
    gate = threading.Event()
    ours, theirs = _parked(True, gate), _parked(False, gate)
    ours.start()
    theirs.start()
    try:
        started = watch.started()
        assert theirs in started, "a real thread started during the execution went unseen"
        assert ours not in started, "the explorer's own thread was taken for the scenario's"
    finally:
        gate.set()
        ours.join(BOUND)
        theirs.join(BOUND)
    assert not watch.started(), "a thread that ended still counts as running"

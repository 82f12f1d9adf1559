"""The machine's process pool reading on real process pools: the stdlib's ProcessPoolExecutor
breaks only what that reading records (each divergence names its option's clauses, never a
worker bound or the run-once invariants it keeps), and a process pool with a bug of its own
(``process_runs_twice.py``) is still caught: the reading forgives the design, not the bug."""

from __future__ import annotations

import pytest

from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.model import CPYTHON_PROCESS_POOL, DEPARTS_FROM
from execspec.targets import Target

QUICK = Profile("test", shim_examples=0, thread_examples=60, steps=10, shrink_budget=10.0)

#: what the stdlib's process pool keeps (its worker processes are bounded, each call runs once):
#: a report naming one of these would be the harness's or the model's mistake
KEPT = {"TPE-MAX-WORKERS-BOUND", "INV-WORKERS-BOUNDED", "INV-RUN-AT-MOST-ONCE", "INV-CANCELLED-NEVER-RUNS",
        "INV-RUNNING-HAS-WORKER"}


@pytest.mark.timeout(300)
def test_the_stdlib_process_pool_breaks_only_what_its_reading_records() -> None:
    r = run_machine(Target.parse("concurrent.futures:ProcessPoolExecutor"), Mode.THREADS, QUICK)
    assert r.error is None, r.error
    options = {name for name in DEPARTS_FROM if getattr(CPYTHON_PROCESS_POOL, name)}
    seen = [d for rnd in r.rounds for d in rnd.divergences]
    assert seen, "60 examples of a process pool show no queued call marked RUNNING: the reading is not used"
    for d in seen:
        named = set(d.option.split("+"))
        assert named <= options, d
        assert set(d.clauses) <= {c for n in named for c in DEPARTS_FROM[n]}, d
    for rnd in r.rounds:
        if rnd.violation is not None:
            assert not KEPT & set(rnd.violation.clauses), rnd.violation


@pytest.mark.timeout(300)
def test_a_process_pool_that_runs_calls_twice_is_still_caught() -> None:
    r = run_machine(Target.parse("conformance.process_runs_twice:RunsTwice"), Mode.THREADS, QUICK)
    assert r.error is None, r.error
    assert r.violation is not None and "INV-RUN-AT-MOST-ONCE" in r.violation.clauses, r.violation

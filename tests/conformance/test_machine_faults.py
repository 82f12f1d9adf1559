"""Fault injection as an option of the conformance machine: the shapes' calls, interrupted at
each scheduling point in turn. impl survives every point; impl as it was before issue 11
(``tests/sched/faults_known_bad.py``) strands work and is caught; the stdlib's strandings are
reported, not hidden."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

import pytest

from execspec.conformance.faults import shape_faults
from execspec.targets import Target

_SCHED_TESTS = str(Path(__file__).resolve().parents[1] / "sched")

#: the shapes that met the two interrupt windows of old (shutdown's cancel, a timed wait),
#: and the initializer failure whose interrupt-safe clean-up this option found missing in impl
_SHAPES = ("result on a queued future, then shutdown-cancel", "result-timeout on a queued future, then nothing",
           "an initializer that raises (Exception)", "wait-first on a queued future, then cancel")


@pytest.fixture(autouse=True)
def _quiet_and_importable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(_SCHED_TESTS)
    logging.disable(logging.CRITICAL)  # the workers log every injected interrupt
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.timeout(300)
def test_impl_survives_every_point_of_the_shapes() -> None:
    runs = shape_faults(Target.parse("impl"), names=_SHAPES, max_points=60)
    assert len(runs) == len(_SHAPES) and all(r.tried > 0 for r in runs)
    for r in runs:
        assert not r.baseline, f"{r.scenario}: the calls alone left {r.baseline}"
        assert r.survived == r.tried, f"{r.scenario}: {[(s.point.where, s.left) for s in r.strandings][:3]}"


@pytest.mark.timeout(300)
def test_impl_before_issue_11_is_caught() -> None:
    runs = shape_faults(Target.parse("faults_known_bad:ThreadPoolExecutor"), names=_SHAPES, max_points=60)
    caught = {r.scenario for r in runs if r.strandings}
    assert "result on a queued future, then shutdown-cancel" in caught, [(r.scenario, r.survived, r.tried) for r in runs]
    assert "result-timeout on a queued future, then nothing" in caught


@pytest.mark.timeout(300)
def test_the_stdlib_strandings_are_reported() -> None:
    runs = shape_faults(Target.parse("stdlib"), names=_SHAPES, max_points=60)
    stranded = [s for r in runs for s in r.strandings]
    assert stranded, "the stdlib's worker dies when interrupted outside its call (see execspec faults stdlib)"
    assert all(s.point.where and s.left for s in stranded)


@pytest.mark.timeout(300)
def test_an_interrupted_client_call_does_not_hang_the_scenario() -> None:
    """A cancel() interrupted before it takes its lock leaves the future queued; the wait() the
    shape makes next then blocks until the gates open. The scenario waits for it bounded, so
    that is no stranding of impl's (it was reported as a deadlock at 2 of the 34 points)."""
    runs = shape_faults(Target.parse("impl"), names=("wait over a cancelled future",
                                                     "as_completed over a cancelled future"), max_points=60)
    assert len(runs) == 2 and all(r.tried > 30 for r in runs), [(r.scenario, r.tried) for r in runs]
    for r in runs:
        assert r.survived == r.tried, f"{r.scenario}: {[(s.point.where, s.left) for s in r.strandings][:3]}"


@pytest.mark.timeout(300)
def test_a_submit_interrupted_after_queueing_leaves_no_gate_shut() -> None:
    """An interrupt in submit() while it starts a worker, after the pool queued the call: the
    submit raises, so the driver gives the next submit the same fid. The kit used to replace
    that fid's gate, and the queued call waited on the old one for ever, reported as impl's
    deadlock at 5 of the shape's 120 points; the kit now keeps every gate for close()."""
    runs = shape_faults(Target.parse("impl"), names=(
        "three workers, a call submitted while the first one finishes, then two more",), max_points=200)
    assert len(runs) == 1 and runs[0].tried > 100, [(r.scenario, r.tried) for r in runs]
    assert runs[0].survived == runs[0].tried, [(s.point.describe(), s.left) for s in runs[0].strandings][:3]


def test_the_kit_opens_the_gate_of_a_fid_prepared_twice() -> None:
    import threading

    from execspec.conformance.kits.threads import ThreadKit
    from execspec.model import TaskKind

    kit = ThreadKit(threading)
    kit.prepare(1, TaskKind.RETURNS, True)
    first = kit._gates[1]
    kit.prepare(1, TaskKind.RETURNS, True)  # the submit it was for raised
    assert kit._gates[1] is not first
    kit.close()
    assert first.is_set() and kit._gates[1].is_set()


@pytest.mark.timeout(300)
def test_an_interrupted_api_case_program_ends() -> None:
    """The API cases' programs wait for their own calls (all eight begun, a callback run) and
    shut their pools down: an interrupt in one of their threads used to leave the program
    waiting for ever, reported as impl's stranding (70 of 1,200 sampled points of these three
    shapes). Their waits are bounded now, and their gates opened before the shutdown."""
    runs = shape_faults(Target.parse("impl"), names=(
        "the API cases that count threads", "every API case, the pool idle"), max_points=120, seed=3)
    assert len(runs) == 2 and all(r.tried == 120 for r in runs), [(r.scenario, r.tried) for r in runs]
    for r in runs:
        assert r.survived == r.tried, f"{r.scenario}: {[(s.point.describe(), s.left) for s in r.strandings][:3]}"

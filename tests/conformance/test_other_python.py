"""Every installed CPython (issue 10): ``stdlib@3.X`` under the shim from source, and on real
threads under that interpreter itself where execspec can run there (3.10+).

Default tier: the reasons for not running (an interpreter too old for execspec, an absent one,
the setting off) are said, never silent; outcomes cross the process boundary unchanged; a clause
that does not hold for the target's Python is n/a whatever ran; and one live child (clause
checks only, no machine) of the newest other installed CPython, merged into the target's result.
Slow tier: ``execspec check --profile smoke`` of every installed CPython 3.8-3.13, each failing
only clauses the spec records as upstream divergences for that version.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from execspec.conformance import other_python
from execspec.conformance.results import CheckFailure, CheckOutcome, FailureKind, Mode, Verdict
from execspec.conformance.scenarios.run import check_target, verdicts
from execspec.spec import load
from execspec.targets import Target
from execspec.targets.cpython import find_cpython_interpreter, find_cpython_source, installed_cpythons


def _installed(version: str) -> Target:
    if find_cpython_source(version) is None:
        pytest.skip(f"CPython {version} is not installed here")
    return Target.parse(f"stdlib@{version}")


def test_real_thread_mode_of_a_cpython_older_than_execspec_is_skipped_with_the_reason() -> None:
    child = other_python.start(_installed("3.8"), None)
    assert child is not None and child.process is None
    found = child.collect()
    assert [(s.mode, s.reason) for s in found.skipped] == [
        (Mode.THREADS, "real-thread mode skipped: execspec needs Python >= 3.10 (this target is CPython 3.8)")]
    assert not found.outcomes


def test_targets_that_are_not_another_cpythons_stdlib_keep_their_own_modes(tmp_path: Path) -> None:
    assert other_python.start(Target.parse("impl"), None) is None
    assert other_python.start(Target.parse("stdlib"), None) is None
    fake = tmp_path / "futures"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    assert other_python.start(Target.parse(f"source:{fake}"), None) is None  # not an installed CPython


def test_the_setting_turns_real_thread_mode_of_other_cpythons_off(monkeypatch: pytest.MonkeyPatch) -> None:
    newer = [v for v in installed_cpythons() if tuple(map(int, v.split("."))) >= other_python.MIN_VERSION]
    if not newer:
        pytest.skip("no CPython >= 3.10 installed")
    monkeypatch.setenv("EXECSPEC_OTHER_PYTHONS", "0")
    child = other_python.start(Target.parse(f"stdlib@{newer[-1]}"), None)
    assert child is not None and child.why_not == "real-thread mode skipped: $EXECSPEC_OTHER_PYTHONS=0"


def test_an_absent_interpreter_is_found_absent(tmp_path: Path) -> None:
    source = tmp_path / "lib" / "python3.12" / "concurrent" / "futures"
    source.mkdir(parents=True)
    assert find_cpython_interpreter(source) is None
    (tmp_path / "bin").mkdir()
    exe = tmp_path / "bin" / "python3.12"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert find_cpython_interpreter(source) == exe


def test_outcomes_cross_the_process_boundary_unchanged() -> None:
    failure = CheckFailure(FailureKind.ASSERTION, "m\nmore", "m", seed=3, strategy="pct", schedule=2,
                           replay_file=Path("x/y.json"), violation="v", calls=("a()", "b()"),
                           snippet="s", seeds=(1, 2), interleaving="t")
    for o in (CheckOutcome("chk", ("FUT-DONE", "FUT-RUNNING"), Mode.THREADS, failure),
              CheckOutcome("machine (threads)", (), Mode.THREADS)):
        assert other_python.outcome_from_json(json.loads(json.dumps(other_python.outcome_to_json(o)))) == o


def test_a_clause_that_does_not_hold_for_the_targets_python_is_not_applicable() -> None:
    target = _installed("3.8")
    failed = CheckOutcome("machine (shim)", ("WAIT-CANCELLED-COUNTS", "EXE-SHUTDOWN-CANCELLED-DONE"), Mode.SHIM,
                          CheckFailure(FailureKind.ASSERTION, "m", "m"))
    judged = verdicts(target, [failed], load())
    assert judged["WAIT-CANCELLED-COUNTS"].verdict is Verdict.DIVERGES
    late = judged["EXE-SHUTDOWN-CANCELLED-DONE"]  # 3.9+: cancel_futures is new in 3.9
    assert late.verdict is Verdict.NOT_APPLICABLE and late.reason is not None and "3.9+" in late.reason


def _newest_other() -> Target:
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    newer = [v for v in installed_cpythons()
             if tuple(map(int, v.split("."))) >= other_python.MIN_VERSION and v != here]
    if not newer:
        pytest.skip("no other CPython >= 3.10 installed")
    return Target.parse(f"stdlib@{newer[-1]}")


def test_real_thread_checks_run_under_the_targets_own_interpreter_and_join_its_result() -> None:
    # clause checks only (no machine): the child's start-up, 26 checks on real threads, the merge.
    # The first run for an interpreter also makes its venv (about 25 s, then cached).
    target = _newest_other()
    result = check_target(target, profile=None)
    threads = [o for o in result.outcomes if o.mode is Mode.THREADS]
    assert threads, [s.reason for s in result.skipped]
    assert not [s for s in result.skipped if s.mode is Mode.THREADS]
    # the same recorded divergences show on real threads as under the shim, and nothing else fails
    failed = {c for o in threads if not o.passed for c in o.clauses}
    assert failed and failed <= {c.id for c in load() if c.status == "upstream-divergence"}
    assert not [v for v in result.verdicts.values() if v.verdict is Verdict.FAIL]


RECORDED = {c.id: c for c in load() if c.status == "upstream-divergence"}


@pytest.mark.slow
def test_every_installed_cpython_fails_only_its_recorded_divergences(tmp_path: Path) -> None:
    versions = [v for v in installed_cpythons() if (3, 8) <= tuple(map(int, v.split("."))) <= (3, 13)]
    if not versions:
        pytest.skip("no CPython 3.8-3.13 installed")
    out = tmp_path / "run.json"
    done = subprocess.run([sys.executable, "-m", "execspec.cli", "check", "--profile", "smoke",
                           "--schedule-dir", str(tmp_path), "--output", str(out),
                           *[f"stdlib@{v}" for v in versions]], capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(out.read_text())
    for t in doc["targets"]:
        version = tuple(int(p) for p in t["python"].split("."))
        broken = {c for c, v in t["verdicts"].items() if v["verdict"] in ("fail", "diverges")}
        assert broken <= {c for c, cl in RECORDED.items() if cl.holds_for(version)}, t["name"]
        assert {"FUT-RESULT-FALSY-EXC", "WAIT-CANCELLED-COUNTS", "AC-CANCELLED-COUNTS"} <= broken, t["name"]
        modes = {m["mode"] for m in t["machine_runs"]}
        if version >= other_python.MIN_VERSION:
            assert modes == {"shim", "threads"}, (t["name"], t["skipped"])
        else:
            assert modes == {"shim"}
            assert any("execspec needs Python >= 3.10" in s["reason"] for s in t["skipped"])

"""The clause checks: good executors pass, each known-bad executor is caught on its clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from execspec.conformance.scenarios import check_target, run_threads
from execspec.targets import Target


def _failed_clauses(target: str) -> set[str]:
    outcomes = run_threads(Target.parse(target))
    return {c for o in outcomes if not o.passed for c in o.clauses}


@pytest.mark.parametrize(
    ("bad", "clause"),
    [
        ("known_bad:NoCancel", "FUT-CANCEL-PENDING"),
        ("known_bad:MapOutOfOrder", "EXE-MAP-ORDER"),
        ("known_bad:AcceptsAfterShutdown", "EXE-SUBMIT-AFTER-SHUTDOWN"),
        ("known_bad:CallbackTwice", "FUT-CB-ONCE"),
        ("known_bad:InitializerIgnored", "TPE-INITIALIZER-FAILS-PENDING"),
    ],
)
def test_a_known_bad_executor_is_caught_on_its_clause(bad: str, clause: str) -> None:
    assert clause in _failed_clauses(bad)


def test_the_stdlib_breaks_only_its_documented_divergences_on_real_threads() -> None:
    failed = _failed_clauses("stdlib")
    # gh-92001 (cancelled futures and wait/as_completed) and the falsy-exception bug.
    assert failed <= {"WAIT-CANCELLED-COUNTS", "AC-CANCELLED-COUNTS", "FUT-RESULT-FALSY-EXC"}, failed
    assert {"WAIT-CANCELLED-COUNTS", "AC-CANCELLED-COUNTS"} <= failed


def test_a_bad_target_string_gets_a_message_that_says_what_to_write() -> None:
    from execspec.targets import TargetError

    for text in ["", "no colon here", "mod:", ":factory", "a b:c", "source:/nonexistent/dir"]:
        with pytest.raises(TargetError, match="Write one of|not a package directory|empty target"):
            Target.parse(text)


def test_a_target_that_cannot_be_imported_is_reported_clearly() -> None:
    from execspec.targets import TargetError

    with pytest.raises(TargetError, match="cannot import"):
        check_target(Target.parse("no_such_module_xyz:Pool"))


@pytest.mark.parametrize(
    ("bad", "clause"),
    [
        ("known_bad:NoCancel", "FUT-CANCEL-PENDING"),
        ("known_bad:MapOutOfOrder", "EXE-MAP-ORDER"),
        ("known_bad:CallbackTwice", "FUT-CB-ONCE"),
        ("known_bad:InitializerIgnored", "TPE-INITIALIZER-FAILS-PENDING"),
    ],
)
def test_a_known_bad_executor_is_caught_under_the_shim(bad: str, clause: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from execspec.conformance.scenarios import run_shim

    monkeypatch.setenv("EXECSPEC_SCHEDULE_DIR", str(tmp_path))
    shim = run_shim(Target.parse(bad), schedules=5)
    assert shim.skipped is None
    failed = {c for o in shim.outcomes if not o.passed for c in o.clauses}
    assert clause in failed
    # Every failure names a schedule file that exists, so it can be replayed.
    for o in shim.outcomes:
        if o.failure is not None:
            assert o.failure.replay_file is not None and o.failure.replay_file.exists()
            assert tmp_path in o.failure.replay_file.parents


def test_impl_passes_every_check_under_the_shim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from execspec.conformance.scenarios import run_shim

    monkeypatch.setenv("EXECSPEC_SCHEDULE_DIR", str(tmp_path))
    shim = run_shim(Target.parse("impl"), schedules=10)
    assert shim.skipped is None
    assert [o.failure for o in shim.outcomes if not o.passed] == []


def test_a_check_whose_clause_postdates_the_target_version_is_not_applicable() -> None:
    from execspec.conformance.scenarios import applicable_checks
    from execspec.targets import find_cpython_source

    if find_cpython_source("3.8") is None:
        pytest.skip("CPython 3.8 is not installed here")
    names = {c.name for c in applicable_checks(Target.parse("stdlib@3.8"))}
    assert "shutdown_cancel_futures_cancels_only_queued_work" not in names  # cancel_futures: 3.9+
    assert "cancel_of_a_running_future_fails" in names


def test_the_stdlib_under_another_name_diverges_where_the_spec_records_it() -> None:
    from execspec.conformance.results import Verdict
    from execspec.conformance.scenarios import verdicts
    from execspec.spec import load

    target = Target.parse("concurrent.futures.thread:ThreadPoolExecutor")
    found = verdicts(target, run_threads(target), load())
    assert found["WAIT-CANCELLED-COUNTS"].verdict is Verdict.DIVERGES
    assert found["WAIT-CANCELLED-COUNTS"].issue == "gh-92001"
    assert not [c for c, v in found.items() if v.verdict is Verdict.FAIL]


def test_a_target_the_shim_cannot_load_skips_the_shim_mode_saying_why() -> None:
    from execspec.conformance.scenarios import run_shim

    shim = run_shim(Target.parse("math:sqrt"), schedules=1)
    assert shim.outcomes == [] and shim.skipped == "cannot load math under the shim"

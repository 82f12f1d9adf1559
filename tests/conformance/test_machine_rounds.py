"""The machine stops at the first violation it shrinks; a run makes ``Profile.rounds`` rounds,
each ignoring the clauses found so far, so an executor with two bugs is reported with both,
and what the run passes is only what its last, clean round saw."""

from __future__ import annotations

from dataclasses import replace

import pytest

from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.conformance.verdicts import outcomes_of
from execspec.targets import Target

TARGET = Target.parse("conformance.two_bugs:TwoBugs")
ROUNDS = Profile("rounds", shim_examples=300, thread_examples=100, steps=12, shrink_budget=5.0, rounds=3)


def _named(clause: str, found: list[tuple[str, ...]]) -> bool:
    return any(clause in clauses for clauses in found)


@pytest.mark.timeout(300)
def test_the_rounds_find_both_bugs_and_each_names_clauses_the_others_do_not() -> None:
    result = run_machine(TARGET, Mode.SHIM, ROUNDS)
    found = [r.violation.clauses for r in result.rounds if r.violation is not None]
    assert _named("EXE-SUBMIT-AFTER-SHUTDOWN", found) and _named("EXE-MAP-ORDER", found), found
    for i, a in enumerate(found):  # a later round never reports a clause an earlier one found
        for b in found[i + 1:]:
            assert not set(a) & set(b), found
    failing = {c for o in outcomes_of(result, TARGET) if not o.passed for c in o.clauses}
    assert {"EXE-SUBMIT-AFTER-SHUTDOWN", "EXE-MAP-ORDER"} <= failing


def test_a_last_clean_round_passes_none_of_what_the_rounds_found_or_masked() -> None:
    from execspec.conformance.oracle import Violation
    from execspec.conformance.run import MachineResult

    first = MachineResult("x", Mode.SHIM, "rounds", 5, 1.0, violation=Violation("call", "bug", ("EXE-MAP-ORDER",)))
    first.further.append(MachineResult("x", Mode.SHIM, "rounds", 5, 1.0, masked_clauses={"FUT-RESULT-VALUE"}))
    assert first.ended_clean
    outcomes = outcomes_of(first, TARGET)
    assert [o.passed for o in outcomes] == [False, True]
    assert not {"EXE-MAP-ORDER", "FUT-RESULT-VALUE"} & set(outcomes[1].clauses) and outcomes[1].clauses
    first.further[0].masked = True  # every example of the last round met the known bug: no pass
    assert [o.passed for o in outcomes_of(first, TARGET)] == [False]


@pytest.mark.timeout(300)
def test_one_round_reports_one_bug_and_passes_nothing_else() -> None:
    result = run_machine(TARGET, Mode.SHIM, replace(ROUNDS, rounds=1))
    assert result.violation is not None and result.further == []
    outcomes = outcomes_of(result, TARGET)
    assert [o.passed for o in outcomes] == [False]  # it stopped at the violation: nothing established


def test_a_round_after_an_unconfirmed_one_passes_nothing_it_saw_once() -> None:
    """A failure seen once and not again is shown unconfirmed; a later clean round passes the
    rest but not its clauses (they were seen broken), nor does it count them failed."""
    from execspec.conformance.oracle import Violation
    from execspec.conformance.run import MachineResult

    first = MachineResult("x", Mode.THREADS, "rounds", 5, 1.0, violation=Violation("call", "once", ("EXE-MAP-ORDER",)),
                          flaky="Flaky: did not happen again")
    first.further.append(MachineResult("x", Mode.THREADS, "rounds", 5, 1.0))
    assert first.ended_clean
    outcomes = outcomes_of(first, TARGET)
    assert [o.passed for o in outcomes] == [False, True]
    assert outcomes[0].failure is not None and outcomes[0].failure.kind.name == "UNCONFIRMED"
    assert "EXE-MAP-ORDER" not in outcomes[1].clauses and outcomes[1].clauses


def test_a_flaky_round_ends_its_generation_not_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a round Hypothesis ended as flaky, the run goes on, the later rounds seeded by their
    index (the derandomized sequence would walk back into the same example), ignoring what the
    flaky round named."""
    from execspec.conformance import run as run_module
    from execspec.conformance.oracle import Violation
    from execspec.conformance.run import MachineResult

    calls: list[tuple[frozenset[str], int | None]] = []

    def fake_round(target: object, mode: Mode, profile: Profile, *args: object, seed: int | None = None) -> MachineResult:
        ignored = args[-1]
        assert isinstance(ignored, frozenset)
        calls.append((ignored, seed))
        if len(calls) == 1:  # a violation: the next round ignores its clause
            return MachineResult("x", mode, "r", 3, 1.0, violation=Violation("call", "bug", ("EXE-MAP-ORDER",)))
        if len(calls) == 2:  # Hypothesis found the generation inconsistent: no finding
            return MachineResult("x", mode, "r", 3, 1.0, flaky="Inconsistent data generation!")
        return MachineResult("x", mode, "r", 3, 1.0)

    monkeypatch.setattr(run_module, "_round", fake_round)
    result = run_machine(TARGET, Mode.THREADS, replace(ROUNDS, rounds=4))
    assert calls == [(frozenset(), None), (frozenset({"EXE-MAP-ORDER"}), None),
                     (frozenset({"EXE-MAP-ORDER"}), 2)], calls
    assert len(result.rounds) == 3 and result.ended_clean
    passed = [o for o in outcomes_of(result, TARGET) if o.passed]
    assert passed and "EXE-MAP-ORDER" not in passed[0].clauses

"""The machine's budget: a run in one mode starts no example (and no rule) once its budget is
spent with nothing found, says so in its result and in every report, and so ends within the
bound ``execspec check`` prints; a run that started no example passes no clause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from execspec.conformance import ending
from execspec.conformance.machine import Mode
from execspec.conformance.results import Mode as ResultMode
from execspec.conformance.run import PROFILES, Profile, budgeted, machine_bound, run_machine
from execspec.conformance.scenarios import CHECKS
from execspec.conformance.verdicts import outcomes_of
from execspec.reports import htmlpage, markdown, terminal
from execspec.reports.document import MachineRunDoc, machine_run_note
from execspec.targets import DEFAULT_TARGETS, Target

#: far more examples than one second can run, in either mode
_MANY = Profile("many", 100_000, 100_000, 8, shrink_budget=5.0, budget=1.0)


@pytest.mark.parametrize("mode", [Mode.SHIM, Mode.THREADS])
def test_a_run_stops_at_its_budget_within_the_bound_and_says_so(mode: Mode) -> None:
    result = run_machine(Target.parse("impl"), mode, _MANY)
    assert result.error is None and result.violation is None, result
    assert result.budget_spent and result.budget == 1.0
    assert 0 < result.examples < 100_000  # what ran was checked, and there it stopped
    assert _MANY.budget <= result.seconds <= machine_bound(_MANY, mode), result.seconds
    outcomes = outcomes_of(result, Target.parse("impl"))
    assert [o.passed for o in outcomes] == [True] and outcomes[0].clauses  # a pass on those examples


def test_a_run_whose_budget_is_spent_at_once_passes_no_clause() -> None:
    result = run_machine(Target.parse("impl"), Mode.SHIM, replace(_MANY, budget=1e-9))
    assert result.budget_spent and result.examples == 0 and result.violation is None
    assert outcomes_of(result, Target.parse("impl")) == []  # nothing ran: nothing passes


def test_a_run_that_ends_before_its_budget_is_not_marked_spent() -> None:
    result = run_machine(Target.parse("impl"), Mode.SHIM, PROFILES["smoke"])
    assert not result.budget_spent and result.budget == PROFILES["smoke"].budget
    assert result.examples > 0 and result.violation is None


def test_the_budget_is_the_flag_else_the_setting_else_the_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = PROFILES["dev"]
    monkeypatch.delenv("EXECSPEC_MACHINE_BUDGET", raising=False)
    assert budgeted(dev) is dev
    monkeypatch.setenv("EXECSPEC_MACHINE_BUDGET", "45")
    assert budgeted(dev).budget == 45.0 and budgeted(dev, 7.5).budget == 7.5
    assert budgeted(dev).shim_examples == dev.shim_examples  # nothing else changes


def test_the_printed_bound_follows_the_budget_and_stays_within_the_hour() -> None:
    targets = [Target.parse(t) for t in DEFAULT_TARGETS]
    dev = PROFILES["dev"]
    small, large = (ending.bounds(targets, replace(dev, budget=b), len(CHECKS)) for b in (60.0, 600.0))
    # two modes a target, each up to its budget: ten times the budget is 2 x 540 s more per target
    assert large.per_target - small.per_target == pytest.approx(2 * 540.0)
    assert large.total - small.total == pytest.approx(len(targets) * 2 * 540.0)
    for mode in (Mode.SHIM, Mode.THREADS):
        assert machine_bound(dev, mode) > dev.budget + dev.shrink_budget
    # the default run (the README's first command) promises to end within the hour, not a day
    assert ending.bounds(targets, dev, len(CHECKS)).total < 3600


def _doc(spent: bool) -> MachineRunDoc:
    return MachineRunDoc(mode="threads", profile="dev", examples=41, seconds=120.8, first_failure=None,
                         budget=120.0, budget_spent=spent)


def test_every_report_says_when_a_run_stopped_at_its_budget() -> None:
    spent, whole = machine_run_note(_doc(True)), machine_run_note(_doc(False))
    assert "stopped at its 120 s budget" in spent and "budget" not in whole
    from execspec.conformance.results import ExecutorKind, MachineRun, RunResult, TargetResult
    from execspec.reports.document import document

    def run(flag: bool) -> RunResult:
        t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None,
                         machine_runs=[MachineRun(ResultMode.THREADS, "dev", 41, 120.8, None, 120.0, flag)])
        return RunResult([t], [], 0, 0, 0)

    for flag in (True, False):
        doc = document(run(flag))
        assert doc["targets"][0]["machine_runs"][0]["budget_spent"] is flag
        shown = [terminal.render_document(doc), markdown.render(doc), htmlpage.render(doc)]
        assert all(("stopped at its 120 s budget" in text) is flag for text in shown), shown


class _CutClock:
    """loop.py's clock: far before any budget for its first ``n`` readings, far past it after, so
    the budget runs out at a chosen rule, deterministically (the machine's only reader of this
    module's clock is its budget check and the time a violation is first seen)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def monotonic(self) -> float:
        self.n -= 1
        return 0.0 if self.n >= 0 else 1e12


@pytest.mark.parametrize("n", [137, 174, 211, 359])
def test_a_budget_that_cuts_an_example_short_is_a_spent_budget_not_a_flaky_round(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """An example cut short ends before its recorded prefix does, and Hypothesis then raises
    Flaky ("stopped drawing earlier") in place of BudgetSpent. Before the fix each of these cut
    points under the shim made the round flaky, which passes nothing (the stdlib's process pool
    on real threads, dev profile: its last round ended so after 523 examples)."""
    import execspec.conformance.loop as loop

    monkeypatch.setattr(loop, "time", _CutClock(n))
    profile = Profile("cut", shim_examples=100, thread_examples=0, steps=10, shrink_budget=5.0, shapes=False)
    result = run_machine(Target.parse("concurrent.futures:ThreadPoolExecutor"), Mode.SHIM, profile)
    assert result.flaky is None, result.flaky
    assert result.budget_spent and result.error is None and result.violation is None, result


@pytest.mark.parametrize("n", [89, 135, 158])
def test_a_shrink_budget_that_cuts_a_replay_short_keeps_the_violation_confirmed(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for the shrink budget: a violation found and being shrunk when its budget ran
    out is what the round found, not "a failure that did not happen again" (unconfirmed, so
    neither failed nor passed), which is what the Flaky in place of ShrinkBudgetSpent made it."""
    import execspec.conformance.loop as loop

    monkeypatch.setattr(loop, "time", _CutClock(n))
    profile = Profile("cut", shim_examples=300, thread_examples=0, steps=12, shrink_budget=5.0, shapes=False)
    result = run_machine(Target.parse("conformance.two_bugs:TwoBugs"), Mode.SHIM, profile)
    assert result.violation is not None and result.flaky is None, (result.violation, result.flaky)

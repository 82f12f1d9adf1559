"""CPython's stdlib pool is recognised by what it is, whatever name the target gives it: its
recorded upstream divergences are ``diverges gh-N`` under every name, as under ``stdlib``, and
failures on any other executor (a subclass included) are failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from execspec.conformance.results import CheckFailure, CheckOutcome, FailureKind, Mode, Verdict
from execspec.conformance.machine import Mode as MachineMode, machine_for
from execspec.conformance.scenarios import run
from execspec.conformance.scenarios.run import verdicts
from execspec.spec import load
from execspec.targets import Target

ALIASES = ("concurrent.futures.thread:ThreadPoolExecutor", "concurrent.futures:ThreadPoolExecutor")


def _divergences() -> dict[str, str | None]:
    return {c.id: c.issue for c in load().clauses.values() if c.status == "upstream-divergence"}


def _failed_on_every_divergence() -> list[CheckOutcome]:
    failure = CheckFailure(FailureKind.ASSERTION, "made up", "made up")
    return [CheckOutcome("made_up_check", (clause,), Mode.THREADS, failure) for clause in _divergences()]


@pytest.mark.parametrize("name", ["stdlib", *ALIASES])
def test_a_divergence_of_the_stdlib_is_shown_as_such_under_any_name(name: str) -> None:
    judged = verdicts(Target.parse(name), _failed_on_every_divergence(), load())
    for clause, issue in _divergences().items():
        if clause in judged:
            assert (judged[clause].verdict, judged[clause].issue) == (Verdict.DIVERGES, issue), clause


def test_the_same_failures_on_a_subclass_of_the_stdlib_pool_are_failures(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_pool_abc.py").write_text(
        "import concurrent.futures\n"
        "class ThreadPoolExecutor(concurrent.futures.ThreadPoolExecutor):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    judged = verdicts(Target.parse("my_pool_abc:ThreadPoolExecutor"), _failed_on_every_divergence(), load())
    assert {judged[c].verdict for c in _divergences() if c in judged} == {Verdict.FAIL}


def test_check_judges_the_stdlib_alike_under_each_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_SHIM_SCHEDULES", "3")  # the divergences fail on the first schedule
    result = run([Target.parse(name) for name in ("stdlib", *ALIASES)])
    stdlib, *aliases = result.targets
    diverging = {c for c, v in stdlib.verdicts.items() if v.verdict is Verdict.DIVERGES}
    assert diverging and diverging <= set(_divergences())
    for alias in aliases:
        assert {c: (v.verdict, v.issue) for c, v in alias.verdicts.items()} == \
            {c: (v.verdict, v.issue) for c, v in stdlib.verdicts.items()}, alias.target
    assert result.unexpected_failures == 0 and result.exit_status == 0


@pytest.mark.parametrize("name", ["stdlib", *ALIASES])
@pytest.mark.parametrize("mode", list(MachineMode))
def test_the_machine_takes_an_alias_of_the_stdlib_for_cpython(name: str, mode: MachineMode) -> None:
    # its second oracle (the CPYTHON options) then names the divergences, as for 'stdlib'
    assert machine_for(Target.parse(name), mode).cpython


def test_the_machine_does_not_take_impl_for_cpython() -> None:
    assert not machine_for(Target.parse("impl"), MachineMode.SHIM).cpython

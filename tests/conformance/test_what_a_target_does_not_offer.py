"""What a target does not offer is not checked, and so neither fails nor passes: it is n/a.

A factory without an ``initializer`` is not broken for lacking one (the initializer checks and
the machine's pools with one are skipped, where before each failed with TypeError); a module
that offers no ``wait``/``as_completed`` of its own is not judged on the stdlib's names (MOD-*);
and the machine passes only the clauses its applicable rules reach (before, it passed every
clause it knows, so a dask executor "passed" TPE-INITIALIZER-RUNS and MOD-NAMES, which nothing ran).
"""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import pytest

from execspec.conformance.loading import NOT_APPLICABLE
from execspec.conformance.machine import Mode
from execspec.conformance.results import Verdict
from execspec.conformance.run import MachineResult, PROFILES
from execspec.conformance.scenarios import run
from execspec.conformance.verdicts import MACHINE_CLAUSES, _REACHES, outcomes_of, unchecked
from execspec.targets import ExecutorKind, Target

_INIT = ("TPE-INITIALIZER-RUNS", "TPE-INITIALIZER-FAILS-PENDING", "TPE-INITIALIZER-FAILS-SUBMIT")


@pytest.mark.timeout(300)
def test_a_correct_pool_behind_a_plain_factory_fails_nothing_and_is_na_where_it_offers_nothing() -> None:
    target = Target.parse("conformance.plain_factory:make_pool")
    with TemporaryDirectory() as tmp:
        result = run([target], profile=PROFILES["smoke"], schedule_dir=Path(tmp))
    mine = result.targets[0]
    failures = [o.failure.message.splitlines()[0] for o in mine.outcomes if o.failure is not None]
    assert failures == [], failures
    for clause in (*_INIT, "TPE-THREAD-NAME-PREFIX", "TPE-MAX-WORKERS-TYPE"):
        assert mine.verdicts[clause].verdict is Verdict.NOT_APPLICABLE, (clause, mine.verdicts[clause])
    for clause in ("FUT-CANCEL-PENDING", "MOD-NAMES"):  # what it offers is checked (its module: impl's names)
        assert mine.verdicts[clause].verdict is Verdict.PASS, (clause, mine.verdicts[clause])


def test_a_module_with_no_api_of_its_own_is_not_judged_on_the_stdlibs_names() -> None:
    from execspec.conformance.loading import module_gaps

    assert set(module_gaps(Target.parse("conformance.partial_api_pool:PartialPool"), {})) == {"api:module"}
    assert module_gaps(Target.parse("conformance.plain_factory:make_pool"), {}) == {}  # impl's names: judged
    assert module_gaps(Target.parse("concurrent.futures.thread:ThreadPoolExecutor"), {}) == {}  # the stdlib


def test_the_machine_passes_no_clause_only_inapplicable_rules_reach() -> None:
    result = MachineResult("dask", Mode.THREADS, "smoke", 10, 1.0,
                           not_applicable=dict(NOT_APPLICABLE[ExecutorKind.DISTRIBUTED]))
    passed = set(outcomes_of(result, Target.parse("execspec.targets.foreign:dask_executor"))[0].clauses)
    assert passed and not passed & {*_INIT, "MOD-NAMES", "EXE-SUBMIT-FN-POSITIONAL", "DL-MUTUAL-WAIT", "TPE-FORK"}
    assert "FUT-CANCEL-PENDING" in passed and "FUT-CANCEL-PENDING" not in unchecked(result.not_applicable, False)
    full = set(outcomes_of(MachineResult("impl", Mode.SHIM, "smoke", 10, 1.0), Target.parse("impl"))[0].clauses)
    assert full == set(MACHINE_CLAUSES)  # a run with every rule applicable still passes every clause


def test_every_rule_that_can_be_inapplicable_says_what_it_alone_reaches() -> None:
    keys = {k for na in NOT_APPLICABLE.values() for k in na} | {"api:pool", "create:initializer", "api:module"}
    unknown = {k for k in keys if not k.startswith("api:") and k not in _REACHES}
    assert not unknown, f"add these to verdicts._REACHES, or the machine passes what they alone reach: {unknown}"
    from execspec.model import RULES
    from execspec.model.api import CASES

    for key, (rules, _) in _REACHES.items():  # no stale rule names
        assert set(rules) <= set(RULES), (key, set(rules) - set(RULES))
    for key in keys:
        if key.startswith("api:"):
            assert any(c.needs == key.partition(":")[2] for c in CASES.values()), key
    assert unchecked(["create:initializer"], shim=True) >= set(_INIT)


def test_a_run_that_stopped_at_a_violation_or_an_error_passes_nothing_else() -> None:
    from execspec.conformance.oracle import Violation

    target = Target.parse("impl")
    found = MachineResult("impl", Mode.SHIM, "smoke", 1, 0.5,
                          violation=Violation("call", "cancel() of a running future returned True", ("FUT-CANCEL-RUNNING",)))
    outcomes = outcomes_of(found, target)
    assert [(o.clauses, o.passed) for o in outcomes] == [(("FUT-CANCEL-RUNNING",), False)]
    broken = MachineResult("impl", Mode.SHIM, "smoke", 3, 0.5, error="RuntimeError: the harness broke")
    assert [o.passed for o in outcomes_of(broken, target)] == [False]  # ours, said; and no pass
    clean = MachineResult("impl", Mode.SHIM, "smoke", 3, 0.5)
    assert [o.passed for o in outcomes_of(clean, target)] == [True]

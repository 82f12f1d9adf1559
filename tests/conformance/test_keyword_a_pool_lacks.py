"""A pool whose ``shutdown()`` takes no ``cancel_futures`` (loky's, dask's) breaks
EXE-SHUTDOWN-CANCEL-FUTURES, the clause that gave shutdown() that keyword; not the eight
clauses whose rules the model's allowed outcomes of the call cite (found in the README table:
loky's row failed EXE-CONTEXT-EXIT and EXE-SHUTDOWN-WAIT for the missing keyword). A pool that
takes the keyword and raises TypeError itself is judged as before, on every clause cited."""

from __future__ import annotations

import pytest

from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.targets import Target

PROFILE = Profile("keyword", shim_examples=200, thread_examples=60, steps=10, shrink_budget=5.0, rounds=1)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", [Mode.SHIM, Mode.THREADS])
def test_a_missing_keyword_breaks_its_own_clause(mode: Mode) -> None:
    result = run_machine(Target.parse("conformance.no_cancel_futures:NoCancelFutures"), mode, PROFILE)
    assert result.violation is not None, "the machine did not find the missing keyword"
    assert result.violation.clauses == ("EXE-SHUTDOWN-CANCEL-FUTURES",), result.violation
    assert "takes no cancel_futures keyword" in result.violation.what


@pytest.mark.timeout(300)
def test_a_pool_that_takes_the_keyword_and_raises_is_judged_on_every_clause_cited() -> None:
    result = run_machine(Target.parse("conformance.no_cancel_futures:TakesItRaisesAnyway"), Mode.SHIM, PROFILE)
    assert result.violation is not None
    assert "EXE-SHUTDOWN-CANCEL-FUTURES" in result.violation.clauses
    assert len(result.violation.clauses) > 1, result.violation
    assert "takes no" not in result.violation.what

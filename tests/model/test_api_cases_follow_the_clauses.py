"""The API surface's cases (model/api.py) cite real clauses, hold for exactly the Python versions
those clauses hold for, and the conformance machine has a program for each of them."""

from __future__ import annotations

import pytest

from execspec.model.api import CASES, allowed, clauses, expected

spec = pytest.importorskip("execspec.spec", reason="the clause catalogue (execspec.spec) has not landed")

_PYTHONS = [(3, minor) for minor in range(8, 15)]  # the versions the catalogue covers


def test_every_case_cites_clauses_of_the_catalogue() -> None:
    catalogue = spec.load().clauses
    unknown = sorted(set(clauses()) - set(catalogue))
    assert not unknown, f"model/api.py cites clauses the catalogue does not define: {unknown}"
    assert all(case.clauses and case.shows for case in CASES.values())


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_case_holds_for_the_versions_of_its_clauses(name: str) -> None:
    case = CASES[name]
    catalogue = spec.load()
    for python in _PYTHONS:
        clause_holds = all(catalogue.get(cid).versions.holds_for(python) for cid in case.clauses)
        assert case.holds_for(python) == clause_holds, f"{name} on {python}: the case and its clauses disagree"
        assert (expected(case, python) is not None) == clause_holds


def test_cpython_is_held_to_its_own_behaviour_and_others_to_the_docs() -> None:
    for case in CASES.values():
        mine = allowed(case, (3, 12), cpython=True)
        docs = allowed(case, (3, 12))
        assert set(mine) <= set(docs)
        if mine:
            assert mine == (case.shows,)
            # the docs reading allows more only where the clause is CPython's choice
            if len(docs) > 1:
                statuses = {spec.load().get(cid).status for cid in case.clauses}
                assert statuses == {"implementation-defined"}, (case.name, statuses)


def test_the_machine_has_a_program_for_every_case() -> None:
    from execspec.conformance.api_cases import PROGRAMS

    assert set(PROGRAMS) == set(CASES)

"""Clause coverage: which clauses the conformance machine or a clause check exercises, and for
every other one, why not.

The machine checks a clause when a rule of the model it drives cites it, or when it checks the
clause itself (:data:`execspec.conformance.verdicts.MACHINE_CLAUSES`); a clause check
exercises the clauses it names. The rest are listed with the model's reason
(:data:`execspec.model.coverage.CHECKED_ELSEWHERE`) or, where the model encodes a clause the
machine still does not reach, with that said.
"""

from __future__ import annotations

from dataclasses import dataclass

from execspec.conformance.scenarios.clause_checks import CHECKS
from execspec.conformance.verdicts import MACHINE_CLAUSES
from execspec.model.coverage import CHECKED_ELSEWHERE
from execspec.spec import load


@dataclass(frozen=True)
class Uncovered:
    """A clause nothing in the conformance run exercises, and why."""

    clause: str
    reason: str


def coverage() -> tuple[set[str], set[str], list[Uncovered]]:
    """(clauses the machine checks, clauses only the clause checks exercise, the rest with why)."""
    catalogue = load().clauses
    machine = set(MACHINE_CLAUSES) & set(catalogue)
    checks = {c for chk in CHECKS for c in chk.clauses if c in catalogue} - machine
    rest = [Uncovered(cid, CHECKED_ELSEWHERE.get(cid, "the model encodes it, but no rule of the machine reaches it yet"))
            for cid in catalogue if cid not in machine and cid not in checks]
    return machine, checks, rest


__all__ = ["Uncovered", "coverage"]

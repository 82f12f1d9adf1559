"""Which clause checks apply to a target: those whose every clause holds for its Python."""

from __future__ import annotations

from execspec.conformance.scenarios.clause_checks import CHECKS
from execspec.conformance.scenarios.world import Check
from execspec.spec import load
from execspec.targets import Target

__all__ = ["applicable_checks"]


def applicable_checks(target: Target) -> list[Check]:
    """The checks whose every clause holds for the target's Python version (all of them for
    a target that is not some CPython's stdlib)."""
    if target.version is None:
        return list(CHECKS)
    clauses = load().clauses
    return [c for c in CHECKS
            if all(cid not in clauses or clauses[cid].holds_for(target.version) for cid in c.clauses)]

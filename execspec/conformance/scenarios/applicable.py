"""Which clause checks apply to a target: those whose every clause holds for its Python, and
whose factory arguments (``Check.needs``) its factory takes."""

from __future__ import annotations

from execspec.conformance.scenarios.clause_checks import CHECKS
from execspec.conformance.scenarios.world import Check
from execspec.spec import load
from execspec.targets import Target
from execspec.targets.kind import takes_initializer

__all__ = ["applicable_checks"]


def applicable_checks(target: Target) -> list[Check]:
    """The checks whose every clause holds for the target's Python version (every version, for
    a target that is not some CPython's stdlib) and whose ``needs`` its factory takes."""
    checks = [c for c in CHECKS if c.needs is None or _takes(target, c.needs)]
    if target.version is None:
        return checks
    clauses = load().clauses
    return [c for c in checks
            if all(cid not in clauses or clauses[cid].holds_for(target.version) for cid in c.clauses)]


def _takes(target: Target, argument: str) -> bool:
    """Whether the target's factory takes ``argument`` (read where it can be imported here)."""
    assert argument == "initializer", argument
    if not target.real_threads_ok:
        return True  # another CPython's stdlib: its ThreadPoolExecutor takes one
    try:
        return takes_initializer(target.load_factory())
    except Exception:  # noqa: BLE001 - validated already; the checks themselves will say what is wrong
        return True

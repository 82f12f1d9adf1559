"""``execspec coverage``: which clauses the conformance run exercises, and why the others are not."""

from __future__ import annotations

from typing import Sequence

from execspec.cli import parser
from execspec.conformance.coverage import coverage

__all__ = ["main"]


def main(argv: Sequence[str]) -> int:
    """Print the clauses nothing exercises, each with its reason; exit 0 (a report, not a gate)."""
    parser("coverage", (__doc__ or "").split("\n\n")[0].strip("`")).parse_args(argv)
    machine, checks, rest = coverage()
    total = len(machine) + len(checks) + len(rest)
    print(f"{len(machine)} of {total} clauses checked by the conformance machine; {len(checks)} more only by "
          f"the clause checks; {len(rest)} by neither:")
    for u in rest:
        print(f"  {u.clause}: {u.reason}")
    return 0

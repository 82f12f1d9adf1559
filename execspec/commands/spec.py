"""``execspec spec [CLAUSE ...]``: the clause index, or each named clause in full."""

from __future__ import annotations

import sys
from typing import Sequence

from execspec.cli import parser
from execspec.spec import Catalogue, load, render_clause, render_index

__all__ = ["main"]


def main(argv: Sequence[str]) -> int:
    """``execspec spec [CLAUSE ...]``: the clause index, or each named clause in full.

    For a clause it also says where the model encodes it, or why it is checked elsewhere, and
    which clause checks of ``execspec check`` exercise it.
    """
    p = parser("spec", "Print the clause index or clauses.")
    p.add_argument("clauses", nargs="*", metavar="CLAUSE", help="clause IDs, e.g. FUT-CANCEL-RUNNING")
    args = p.parse_args(argv)
    catalogue = load()
    if not args.clauses:
        print(render_index(catalogue))
        return 0
    status = 0
    for cid in args.clauses:
        if cid not in catalogue:
            close = [c.id for c in catalogue if cid.upper() in c.id]
            hint = f" Did you mean: {', '.join(close[:5])}?" if close else " 'execspec spec' lists them all."
            print(f"execspec spec: no clause {cid!r}.{hint}", file=sys.stderr)
            status = 2
            continue
        print(render_clause(catalogue.get(cid)))
        print(_where(catalogue, cid))
    return status


def _where(catalogue: Catalogue, cid: str) -> str:
    from execspec.conformance.scenarios import CHECKS
    from execspec.model.coverage import where_encoded

    checks = [c.name for c in CHECKS if cid in c.clauses]
    return "\n".join([f"model: {where_encoded(cid)}",
                      f"checks: {', '.join(checks) if checks else 'none yet'}"]) + "\n"

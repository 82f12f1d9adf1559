"""``execspec spec`` and ``execspec explore``: the catalogue and the model from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from execspec.spec import Catalogue, load, render_clause, render_index


def spec_main(argv: Sequence[str]) -> int:
    """``execspec spec [CLAUSE ...]``: the clause index, or each named clause in full.

    For a clause it also says where the model encodes it, or why it is checked elsewhere, and
    which clause checks of ``execspec check`` exercise it.
    """
    p = argparse.ArgumentParser(prog="execspec spec", description="Print the clause index or clauses.")
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
    from execspec.checks import CHECKS

    lines = []
    try:
        from execspec.model.coverage import where_encoded
    except ImportError:
        pass
    else:
        lines.append(f"model: {where_encoded(cid)}")
    checks = [c.name for c in CHECKS if cid in c.clauses]
    lines.append(f"checks: {', '.join(checks) if checks else 'none yet'}")
    return "\n".join(lines) + "\n"


def explore_main(argv: Sequence[str]) -> int:
    """``execspec explore``: walk the model's reachable states and check every invariant."""
    from execspec.model.explore import main as model_explore_main

    return model_explore_main(list(argv))


def model_summary() -> str:
    """One line for ``execspec check``: the model explorer at its default bounds."""
    try:
        from execspec.model.explore import summary
    except ImportError:  # the explorer's one-line summary lands with the model
        return "model: explorer not available yet"
    return summary()

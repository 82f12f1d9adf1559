"""``execspec check``: run the clause checks against targets and print a clause-by-target matrix.

Each check runs on real threads (for targets this interpreter can import) and under the
scheduler shim (for targets whose module the shim can load), and a clause passes for a
target when every check that exercises it passes in every mode. A failure on a clause that
the spec marks as an *upstream divergence* is expected of CPython's own stdlib and is shown
as ``diverges``; on any other target it is a failure like the rest.

Exit status: 0 when no target breaks a clause unexpectedly, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import sys
import time
from typing import Sequence

from execspec.cli import parser
from execspec.commands.explore import model_summary
from execspec.conformance.scenarios import run
from execspec.reports.terminal import render
from execspec.spec import load
from execspec.targets import DEFAULT_TARGETS, Target, TargetError

__all__ = ["main"]


def main(argv: Sequence[str]) -> int:
    """``execspec check [TARGET ...]``."""
    p = parser("check", (__doc__ or "").split("\n\n")[0])
    p.add_argument("targets", nargs="*", help=f"targets to check (default: {' '.join(DEFAULT_TARGETS)})")
    args = p.parse_args(argv)
    try:
        targets = [Target.parse(t) for t in (args.targets or DEFAULT_TARGETS)]
    except TargetError as exc:
        print(f"execspec check: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(f"spec: {len(load().clauses)} clauses loaded and validated")
    print(model_summary())
    result = run(targets, on_target=lambda t: print(f"checking {t.name} ...", flush=True))
    print(render(result))
    print(f"\n{result.unexpected_failures} unexpected failure(s); {time.perf_counter() - started:.1f} s")
    return result.exit_status

"""``execspec table``: the README's conformance table, generated, never written by hand.

Checks every installed CPython's stdlib (``stdlib@3.X``, the shim and, from 3.10, real threads
under that interpreter) and every installed foreign executor
(:data:`execspec.reports.readme_table.FOREIGN`) with ``execspec check``, saves the run's JSON
document, and writes the table rendered from it between the README's markers::

    execspec table                       # check, save tests/readme_table.json, rewrite README.md
    execspec table --from FILE           # no run: render a saved document into the README
    execspec table --from FILE --check   # exit 1 when the README's table is not what FILE renders

Exit status: 0 when the table was written (or, with ``--check``, is current), 1 when ``--check``
finds it stale, 2 on bad usage or when the check itself could not run (its exit status 2 or 3).
A target that breaks clauses does not fail the command: showing that is what the table is for.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from execspec.cli import parser
from execspec.reports import readme_table
from execspec.reports.document import Document
from execspec.targets.cpython import installed_cpythons

__all__ = ["DEFAULT_DOCUMENT", "main", "table_targets"]

#: where the document the README's table is rendered from is kept (the test renders it again)
DEFAULT_DOCUMENT = Path("tests") / "readme_table.json"


def table_targets() -> tuple[list[str], list[str]]:
    """The targets the table covers on this machine, and a line for each one left out (why).

    >>> found, left_out = table_targets()
    >>> "concurrent.futures:ProcessPoolExecutor" in found
    True
    """
    targets = [f"stdlib@{v}" for v in installed_cpythons()]
    left_out = []
    for f in readme_table.FOREIGN:
        if f.package is None or importlib.util.find_spec(f.package) is not None:
            targets.append(f.target)
        else:
            left_out.append(f"{f.target}: not installed (no module {f.package!r})")
    return targets, left_out


def main(argv: Sequence[str]) -> int:
    """``execspec table``."""
    p = parser("table", (__doc__ or "").split("\n\n")[0])
    p.add_argument("--from", dest="source", metavar="FILE", type=Path, default=None,
                   help="render this saved JSON document (an 'execspec check --output FILE.json') "
                        "instead of running the check")
    p.add_argument("--document", metavar="FILE", type=Path, default=DEFAULT_DOCUMENT,
                   help=f"where a run saves its JSON document (default: {DEFAULT_DOCUMENT})")
    p.add_argument("--readme", metavar="FILE", type=Path, default=Path("README.md"),
                   help="the README whose table is written (default: README.md)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when the README's table is not what the document renders")
    p.add_argument("--print", dest="show", action="store_true", help="print the table to stdout too")
    p.add_argument("--profile", default="ci", help="the conformance machine's profile for a run (default: ci)")
    args = p.parse_args(argv)
    try:
        readme = args.readme.read_text(encoding="utf-8")
        readme_table.current_table(readme)
    except (OSError, readme_table.TableMarkersMissing) as exc:
        print(f"execspec table: {args.readme}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    source: Path = args.source
    if source is None:
        if args.check:
            print("execspec table: --check compares with a saved document: give --from FILE", file=sys.stderr)
            return 2
        status = _run(args.document, args.profile)
        if status not in (0, 1):
            return 2
        source = args.document
    try:
        doc: Document = json.loads(source.read_text(encoding="utf-8"))
        table = readme_table.render(doc)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"execspec table: {source} is not a JSON document of execspec check: {exc}", file=sys.stderr)
        return 2
    if args.show:
        sys.stdout.write(table)
    if args.check:
        if readme_table.current_table(readme) == table:
            return 0
        print(f"execspec table: the table in {args.readme} is not what {source} renders; "
              f"run 'execspec table --from {source}'", file=sys.stderr)
        return 1
    try:  # read again: the run takes minutes, and the README may have been edited meanwhile
        readme = args.readme.read_text(encoding="utf-8")
        written = readme_table.replace_table(readme, table)
    except (OSError, readme_table.TableMarkersMissing) as exc:
        print(f"execspec table: {args.readme}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    args.readme.write_text(written, encoding="utf-8")
    print(f"table of {len(doc['targets'])} target(s) written to {args.readme} (from {source})", file=sys.stderr)
    return 0


def _run(document: Path, profile: str) -> int:
    """``execspec check`` of every target :func:`table_targets` finds, its document saved."""
    from execspec.commands import check

    targets, left_out = table_targets()
    for line in left_out:
        print(f"execspec table: left out {line}", file=sys.stderr)
    began = time.perf_counter()
    status = check.main([*targets, "--profile", profile, "--output", str(document)])
    print(f"execspec table: checked {len(targets)} target(s) in {time.perf_counter() - began:.0f} s "
          f"(exit status {status})", file=sys.stderr)
    if document.exists():
        _make_portable(document)
    return status


def _machine_places() -> dict[str, str]:
    """This machine's folders that a run's messages name (tracebacks, interpreters), and what
    the kept document says instead."""
    import execspec

    checkout = Path(execspec.__file__).resolve().parent.parent
    places = {str(checkout): "<checkout>", str(Path.home()): "~", tempfile.gettempdir(): "<tmp>"}
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        places[prefix] = "<python>"
    return places


def _make_portable(document: Path) -> None:
    """Rewrite the saved document without machine-specific paths (it is kept in the repository)."""
    doc = json.loads(document.read_text(encoding="utf-8"))
    document.write_text(json.dumps(readme_table.portable(doc, _machine_places()), indent=2) + "\n",
                        encoding="utf-8")

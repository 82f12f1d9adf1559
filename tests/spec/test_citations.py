"""Every clause ID cited anywhere in the project (model, impl, checker, tests) exists.

A citation is the *why* of a rule; one that names no clause is a broken link. This test reads the
source tree, so a typo anywhere (``# FUT-CANCEL-RUNING``) fails here with file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

from execspec.spec import AREAS, load

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("model", "impl", "execspec", "tests", "benchmarks")
SUFFIXES = (".py", ".json", ".md")
# These tests cite made-up IDs on purpose, to check that they are rejected.
EXEMPT = (ROOT / "tests" / "spec",)

_PREFIXES = "|".join(prefix for prefix, _ in AREAS.values())
# An ID, or a family of IDs written with a trailing wildcard: FUT-SRN-*.
CITATION = re.compile(rf"\b(?:{_PREFIXES})(?:-[A-Z0-9]+)+(?:-\*|\b)")


def _citations() -> list[tuple[str, int, str]]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if (path.suffix not in SUFFIXES or not path.is_file()
                    or any(path.is_relative_to(e) for e in EXEMPT)):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for lineno, line in enumerate(text.splitlines(), start=1):
                found += [(str(path.relative_to(ROOT)), lineno, m) for m in CITATION.findall(line)]
    return found


def test_every_cited_clause_id_is_in_the_catalogue() -> None:
    catalogue = load()
    def exists(cid: str) -> bool:
        if cid.endswith("-*"):
            return any(c.startswith(cid[:-1]) for c in catalogue.clauses)
        return cid in catalogue

    dangling = [f"{f}:{line}: {cid}" for f, line, cid in _citations() if not exists(cid)]
    assert not dangling, (
        "these citations name no clause; fix the ID (`execspec spec` lists them) or add the "
        "clause to specs/:\n" + "\n".join(dangling)
    )

"""The clause catalogue: load ``specs/*.md`` into typed, validated :class:`Clause` objects.

The spec is Markdown (it renders on GitHub) with a strict grammar (see :mod:`execspec.spec.grammar`).
Everything else in execspec names clauses by ID; this module is where an ID becomes a statement.

>>> cat = load()
>>> cat.get("FUT-CANCEL-RUNNING").status
'documented'
>>> cat.get("WAIT-CANCELLED-COUNTS").issue
'gh-92001'
>>> dropped = cat.get("TPE-INITIALIZER-FAILS-DROPPED")  # found by execspec, not yet reported
>>> dropped.status, dropped.issue, dropped.unreported
('upstream-divergence', None, True)
>>> cat.get("EXC-TIMEOUT-ALIAS").holds_for((3, 10))
False

Pure: no threads, no clocks; reading package data is its only I/O.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol

from execspec.spec.grammar import (
    AREAS,
    ID_RE,
    MAX_MINOR,
    MIN_MINOR,
    CatalogueError,
    Clause,
    Status,
    parse_file,
)

__all__ = ["SUPPORTED_VERSIONS", "Catalogue", "load", "load_dir", "parse_texts"]

#: Every Python version the catalogue speaks about, oldest first: (3, 8) ... (3, 14).
SUPPORTED_VERSIONS: tuple[tuple[int, int], ...] = tuple(
    (3, m) for m in range(MIN_MINOR, MAX_MINOR + 1)
)

#: The generated index (see render_index). Other non-area files, e.g. generated diagrams, are
#: skipped too unless they hold clause headings.
_INDEX_NAME = "README.md"


@dataclass(frozen=True)
class Catalogue:
    """All clauses, keyed by ID in file order (areas in :data:`AREAS` order).

    ``titles`` maps each area (file stem) to its level-1 heading.
    """

    clauses: dict[str, Clause]
    titles: dict[str, str]

    def get(self, clause_id: str) -> Clause:
        """The clause with this ID; ``KeyError`` naming the closest IDs if there is none."""
        try:
            return self.clauses[clause_id]
        except KeyError:
            close = difflib.get_close_matches(clause_id, list(self.clauses), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no clause {clause_id!r} in the catalogue{hint}") from None

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.clauses

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses.values())

    def __len__(self) -> int:
        return len(self.clauses)

    def by_area(self) -> dict[str, list[Clause]]:
        """Clauses grouped by area (file stem), areas and clauses in catalogue order."""
        out: dict[str, list[Clause]] = {}
        for clause in self.clauses.values():
            out.setdefault(clause.area, []).append(clause)
        return out

    def by_status(self, status: Status) -> list[Clause]:
        """Clauses with this status, in catalogue order."""
        return [c for c in self.clauses.values() if c.status == status]

    def applicable(self, version: tuple[object, ...]) -> list[Clause]:
        """Clauses that hold for ``version`` (e.g. ``(3, 11)`` or ``sys.version_info``)."""
        return [c for c in self.clauses.values() if c.holds_for(version)]

    def invariants(self) -> list[Clause]:
        """The safety invariants (``INV-*``), in catalogue order."""
        return [c for c in self.clauses.values() if c.is_invariant]


class _Readable(Protocol):
    @property
    def name(self) -> str: ...

    def read_text(self, encoding: str = ...) -> str: ...


def load() -> Catalogue:
    """Load and validate the catalogue shipped in the package ``execspec.specs``."""
    root = files("execspec.specs")
    return _load_entries(entry for entry in root.iterdir() if entry.is_file())


def load_dir(path: str | os.PathLike[str]) -> Catalogue:
    """Load and validate the clause files in directory ``path`` (for tests and other trees)."""
    directory = Path(path)
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory} is not a directory of clause files")
    return _load_entries(p for p in directory.iterdir() if p.is_file())


def _load_entries(entries: Iterable[_Readable]) -> Catalogue:
    texts = {e.name: e.read_text(encoding="utf-8") for e in entries if e.name.endswith(".md")}
    return parse_texts(texts)


def parse_texts(texts: Mapping[str, str]) -> Catalogue:
    """Build a catalogue from ``{file name: text}``; files outside :data:`AREAS` are skipped
    unless they contain clause headings (then they are an error: clauses need a known area)."""
    parsed: list[Clause] = []
    titles: dict[str, str] = {}
    for name in sorted(texts, key=_area_order):
        stem = name[:-3]
        if stem not in AREAS:
            if name != _INDEX_NAME:
                _reject_stray_clauses(name, texts[name])
            continue
        title, clauses = parse_file(name, texts[name])
        titles[stem] = title
        parsed.extend(clauses)
    if not parsed:
        raise CatalogueError("no clause files found", "<catalogue>", 0,
                             f"add at least one of {', '.join(a + '.md' for a in AREAS)}")
    by_id: dict[str, Clause] = {}
    for clause in parsed:
        first = by_id.get(clause.id)
        if first is not None:
            raise CatalogueError(
                f"duplicate ID {clause.id} (first defined at {first.file}:{first.line})",
                clause.file, clause.line,
                "IDs are stable and unique: give the new clause a new ID, never reuse one",
            )
        by_id[clause.id] = clause
    for clause in parsed:
        for ref in clause.see:
            if ref not in by_id:
                close = difflib.get_close_matches(ref, list(by_id), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise CatalogueError(
                    f"see: of {clause.id} refers to {ref}, which no clause defines", clause.file,
                    clause.line, f"correct the ID{hint} or drop it from see:",
                )
    return Catalogue(by_id, titles)


def _area_order(name: str) -> tuple[int, str]:
    order = list(AREAS)
    stem = name[:-3]
    return (order.index(stem) if stem in order else len(order), name)


def _reject_stray_clauses(name: str, text: str) -> None:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## ") and ID_RE.fullmatch(line[3:].split(":", 1)[0].strip()):
            raise CatalogueError(
                f"{name} holds clauses but is not a known area", name, lineno,
                f"move them to one of {', '.join(a + '.md' for a in AREAS)} "
                "or add the area to AREAS in execspec/spec/grammar.py",
            )

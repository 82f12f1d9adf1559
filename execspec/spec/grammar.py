"""The strict parser behind :mod:`execspec.spec`: Markdown clause files -> :class:`Clause` objects.

Grammar of one clause file (``specs/<area>.md``)::

    # Area title                      <- exactly one level-1 heading, the first line
    free prose, ignored ...           <- anything but a level-2 heading (fenced code allowed)

    ## FUT-CANCEL-RUNNING: a running future cannot be cancelled
    One paragraph (or a few) of statement, in our own words.

    - doc: https://docs.python.org/3/library/concurrent.futures.html#...
    - versions: 3.8+                  <- 3.8+ | 3.9-3.12 | 3.14 | comma-separated mix
    - status: documented              <- documented | implementation-defined
                                         | upstream-divergence gh-NNNNN
                                         | upstream-divergence unreported
    - see: FUT-CANCEL-PENDING, FUT-RUNNING     <- optional

Every level-2 heading is a clause. After the field list only blank lines may follow until the
next clause. An upstream divergence cites the CPython issue that records it; one that execspec
found and no upstream issue records yet says so with the word ``unreported`` (its
:attr:`Clause.issue` is None and :attr:`Clause.unreported` True) until an issue is filed.
Errors are :class:`CatalogueError`: file, line, what is wrong and how to fix it.
Cross-file checks (duplicates, dangling ``see:``) live in :mod:`execspec.spec.catalogue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Literal

__all__ = [
    "AREAS",
    "DOCS_URL",
    "ID_RE",
    "MAX_MINOR",
    "MIN_MINOR",
    "STATUSES",
    "UNREPORTED",
    "CatalogueError",
    "Clause",
    "Status",
    "Versions",
    "parse_file",
    "parse_versions",
]

#: Oldest and newest Python minor versions (3.x) the catalogue speaks about.
MIN_MINOR = 8
MAX_MINOR = 14

#: Every clause cites a section of this page (or CPython's source/issues when implementation-defined).
DOCS_URL = "https://docs.python.org/3/library/concurrent.futures.html"
_CPYTHON_URL = "https://github.com/python/cpython/"

Status = Literal["documented", "implementation-defined", "upstream-divergence"]
STATUSES: tuple[Status, ...] = ("documented", "implementation-defined", "upstream-divergence")

#: area (file stem) -> (ID prefix, human title). A clause file must be one of these.
AREAS: dict[str, tuple[str, str]] = {
    "future": ("FUT", "Future"),
    "executor": ("EXE", "Executor"),
    "threadpool": ("TPE", "ThreadPoolExecutor"),
    "wait": ("WAIT", "wait()"),
    "as_completed": ("AC", "as_completed()"),
    "exceptions": ("EXC", "Exceptions"),
    "module": ("MOD", "Module names and constants"),
    "deadlocks": ("DL", "Deadlock hazards"),
    "invariants": ("INV", "Safety invariants"),
}

#: A clause ID: upper-case words joined by single hyphens, the first naming the area (FUT-...).
ID_RE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_HEADING_RE = re.compile(r"## (?P<id>\S+?):\s+(?P<title>\S.*)")
_FIELD_RE = re.compile(r"- (?P<key>[a-z]+):\s*(?P<value>.*)")
_ISSUE_RE = re.compile(r"gh-[1-9][0-9]*")
#: The status word of a divergence no upstream issue records yet (``upstream-divergence unreported``).
UNREPORTED = "unreported"
_VERSION_PART_RE = re.compile(
    r"3\.(?P<lo>[0-9]+)(?:(?P<plus>\+)|-3\.(?P<hi>[0-9]+))?"
)
_FIELDS = ("doc", "versions", "status", "see")
_REQUIRED_FIELDS = ("doc", "versions", "status")


class CatalogueError(ValueError):
    """A malformed clause catalogue: says where (file, line), what is wrong, and how to fix it.

    >>> str(CatalogueError("what is wrong", "future.md", 3, "do this instead"))
    'future.md:3: what is wrong. Fix: do this instead'
    """

    def __init__(self, problem: str, file: str, line: int, fix: str) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.fix = fix
        super().__init__(f"{file}:{line}: {problem}. Fix: {fix}")


@dataclass(frozen=True)
class Versions:
    """The Python versions (``(3, minor)`` pairs, within 3.8-3.14) a clause holds for.

    >>> v = parse_versions("3.9-3.11, 3.14")
    >>> v.holds_for((3, 10)), v.holds_for((3, 12, 1)), str(v)
    (True, False, '3.9-3.11, 3.14')
    """

    minors: frozenset[tuple[int, int]]

    def holds_for(self, version: tuple[object, ...]) -> bool:
        """True if ``version`` (e.g. ``(3, 11)`` or ``sys.version_info``) is covered."""
        return tuple(version[:2]) in self.minors

    def __contains__(self, version: object) -> bool:
        return isinstance(version, tuple) and self.holds_for(version)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(sorted(self.minors))

    def __str__(self) -> str:
        minors = sorted(m for _, m in self.minors)
        runs: list[tuple[int, int]] = []
        for m in minors:
            if runs and runs[-1][1] == m - 1:
                runs[-1] = (runs[-1][0], m)
            else:
                runs.append((m, m))
        parts = []
        for lo, hi in runs:
            if lo == hi:
                parts.append(f"3.{lo}")
            elif hi == MAX_MINOR:
                parts.append(f"3.{lo}+")
            else:
                parts.append(f"3.{lo}-3.{hi}")
        return ", ".join(parts)


def parse_versions(text: str) -> Versions:
    """Parse ``3.8+``, ``3.8-3.10``, ``3.14`` or a comma-separated mix into :class:`Versions`.

    Raises ``ValueError`` (with the reason) on anything else or on versions outside 3.8-3.14.
    """
    minors: set[tuple[int, int]] = set()
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(not p for p in parts):
        raise ValueError(f"empty version list {text!r}")
    for part in parts:
        m = _VERSION_PART_RE.fullmatch(part)
        if m is None:
            raise ValueError(f"malformed version {part!r}")
        lo = int(m["lo"])
        hi = MAX_MINOR if m["plus"] else int(m["hi"]) if m["hi"] else lo
        for end in (lo, hi):
            if not MIN_MINOR <= end <= MAX_MINOR:
                raise ValueError(f"version 3.{end} in {part!r} lies outside 3.{MIN_MINOR}-3.{MAX_MINOR}")
        if lo > hi:
            raise ValueError(f"empty range {part!r} (start after end)")
        minors.update((3, x) for x in range(lo, hi + 1))
    return Versions(frozenset(minors))


@dataclass(frozen=True)
class Clause:
    """One numbered clause of the contract.

    ``area`` is the file stem (``"future"``), ``issue`` the CPython issue (``"gh-92001"``) of an
    upstream divergence (None for every other status, and for a divergence no issue records yet:
    see :attr:`unreported`), ``see`` the IDs it cross-references, ``file``/``line`` where it is
    written.
    """

    id: str
    area: str
    title: str
    statement: str
    doc: str
    versions: Versions
    status: Status
    issue: str | None
    see: tuple[str, ...]
    file: str
    line: int

    @property
    def unreported(self) -> bool:
        """True for an upstream divergence that no CPython issue records yet (``issue`` is None;
        written ``- status: upstream-divergence unreported``)."""
        return self.status == "upstream-divergence" and self.issue is None

    @property
    def is_invariant(self) -> bool:
        """True for the safety invariants (IDs prefixed ``INV-``) the model explorer checks."""
        return self.id.startswith("INV-")

    def holds_for(self, version: tuple[object, ...]) -> bool:
        """True if the clause holds for ``version`` (e.g. ``(3, 11)``)."""
        return self.versions.holds_for(version)


@dataclass
class _Draft:
    id: str
    title: str
    line: int
    statement: list[str]
    fields: dict[str, tuple[str, int]]


def parse_file(name: str, text: str) -> tuple[str, list[Clause]]:
    """Parse one clause file; return its level-1 title and its clauses in file order.

    ``name`` is the file name (``future.md``); its stem must be a key of :data:`AREAS`.
    """
    area = name[:-3] if name.endswith(".md") else name
    if area not in AREAS:
        raise CatalogueError(
            f"clause file {name!r} is not a known area", name, 1,
            f"rename it to one of {', '.join(a + '.md' for a in AREAS)} or add the area to AREAS "
            "in execspec/spec/grammar.py",
        )
    prefix = AREAS[area][0]
    lines = text.splitlines()
    title: str | None = None
    drafts: list[_Draft] = []
    in_fence = False
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if title is None:
            if not line:
                continue
            if not line.startswith("# "):
                raise CatalogueError(
                    "a clause file must start with a level-1 heading", name, lineno,
                    f"make the first line '# {AREAS[area][1]}'",
                )
            title = line[2:].strip()
            continue
        if not drafts:  # intro prose: anything but a level-2 heading outside code fences
            if line.startswith("```"):
                in_fence = not in_fence
            if in_fence or not line.startswith("## "):
                if line.startswith("# ") and not in_fence:
                    raise CatalogueError("second level-1 heading", name, lineno,
                                         "use one '# Title' per file; clauses are '## ID: title'")
                continue
        if line.startswith("## "):
            drafts.append(_start_clause(name, lineno, line, prefix))
            continue
        if line.startswith("#") and re.match(r"#+ ", line):
            raise CatalogueError(
                "heading inside a clause", name, lineno,
                "only '## ID: title' headings may follow the intro; put other text in the intro",
            )
        draft = drafts[-1]
        field = _FIELD_RE.fullmatch(line)
        if field is not None:
            key, value = field["key"], field["value"].strip()
            if key not in _FIELDS:
                raise CatalogueError(
                    f"unknown field {key!r} in {draft.id}", name, lineno,
                    f"use only the fields {', '.join(_FIELDS)}",
                )
            if key in draft.fields:
                raise CatalogueError(f"field {key!r} given twice in {draft.id}", name, lineno,
                                     "keep one of them")
            if not value:
                raise CatalogueError(f"field {key!r} of {draft.id} is empty", name, lineno,
                                     f"give it a value or remove the line")
            draft.fields[key] = (value, lineno)
            continue
        if not line:
            if draft.statement and not draft.fields and draft.statement[-1] != "":
                draft.statement.append("")
            continue
        if draft.fields:
            raise CatalogueError(
                f"text after the field list of {draft.id}", name, lineno,
                "move it into the statement, above the '- doc:' line",
            )
        if line.startswith("- ") and _looks_like_field(line):
            raise CatalogueError(f"malformed field line in {draft.id}", name, lineno,
                                 "write fields as '- key: value' with a lowercase key")
        draft.statement.append(line.strip())
    if title is None:
        raise CatalogueError("empty clause file", name, 1,
                             f"start it with '# {AREAS[area][1]}' followed by clauses")
    return title, [_finish(name, area, d) for d in drafts]


def _looks_like_field(line: str) -> bool:
    head = line[2:].split(":", 1)[0].strip().lower()
    return head in _FIELDS


def _start_clause(name: str, lineno: int, line: str, prefix: str) -> _Draft:
    m = _HEADING_RE.fullmatch(line)
    if m is None:
        raise CatalogueError(
            "malformed clause heading", name, lineno,
            "write level-2 headings as '## AREA-NAME: short title' (every '##' heading is a clause)",
        )
    cid = m["id"]
    if not ID_RE.fullmatch(cid):
        raise CatalogueError(
            f"malformed clause ID {cid!r}", name, lineno,
            "IDs are upper-case words joined by '-', e.g. FUT-CANCEL-RUNNING",
        )
    if cid.split("-", 1)[0] != prefix:
        raise CatalogueError(
            f"clause ID {cid!r} does not start with this area's prefix {prefix + '-'!r}", name,
            lineno, f"rename it {prefix}-... or move it to the file of its area",
        )
    return _Draft(cid, m["title"].strip(), lineno, [], {})


def _finish(name: str, area: str, d: _Draft) -> Clause:
    statement = "\n".join(d.statement).strip()
    statement = "\n\n".join(" ".join(p.split("\n")) for p in statement.split("\n\n"))
    if not statement:
        raise CatalogueError(f"clause {d.id} has no statement", name, d.line,
                             "write one or two sentences under the heading, above the fields")
    for key in _REQUIRED_FIELDS:
        if key not in d.fields:
            raise CatalogueError(f"clause {d.id} lacks the field '{key}'", name, d.line,
                                 f"add a line '- {key}: ...' to its field list")
    status_text, status_line = d.fields["status"]
    status, issue = _parse_status(name, status_line, d.id, status_text)
    doc, doc_line = d.fields["doc"]
    _check_doc(name, doc_line, d.id, doc, status)
    versions_text, versions_line = d.fields["versions"]
    try:
        versions = parse_versions(versions_text)
    except ValueError as exc:
        raise CatalogueError(
            f"bad versions {versions_text!r} in {d.id}: {exc}", name, versions_line,
            f"use versions within 3.{MIN_MINOR}-3.{MAX_MINOR}: '3.8+', '3.9-3.12', '3.14' "
            "or a comma-separated mix",
        ) from None
    see: tuple[str, ...] = ()
    if "see" in d.fields:
        see_text, see_line = d.fields["see"]
        see = tuple(s.strip() for s in see_text.split(","))
        for ref in see:
            if not ID_RE.fullmatch(ref):
                raise CatalogueError(f"malformed reference {ref!r} in see: of {d.id}", name,
                                     see_line, "list clause IDs separated by commas")
        if d.id in see:
            raise CatalogueError(f"{d.id} refers to itself", name, see_line,
                                 "remove its own ID from see:")
    return Clause(d.id, area, d.title, statement, doc, versions, status, issue, see, name, d.line)


def _parse_status(name: str, line: int, cid: str, text: str) -> tuple[Status, str | None]:
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    for status in STATUSES:
        if word == status:
            break
    else:
        raise CatalogueError(f"unknown status {word!r} in {cid}", name, line,
                             f"use one of: {', '.join(STATUSES)}")
    if status == "upstream-divergence":
        if rest == UNREPORTED:  # found by execspec; no upstream issue records it yet
            return status, None
        if not _ISSUE_RE.fullmatch(rest):
            raise CatalogueError(
                f"upstream-divergence without a CPython issue in {cid}", name, line,
                "cite the gh issue where CPython breaks its docs: "
                "'- status: upstream-divergence gh-92001', or, if no upstream issue records "
                f"it yet, say so: '- status: upstream-divergence {UNREPORTED}'",
            )
        return status, rest
    if rest:
        raise CatalogueError(f"unexpected text {rest!r} after status {status!r} in {cid}", name,
                             line, "only upstream-divergence takes an issue (or "
                             f"'{UNREPORTED}'); cite sources in doc:")
    return status, None


def _check_doc(name: str, line: int, cid: str, doc: str, status: Status) -> None:
    if doc.startswith(DOCS_URL + "#") and len(doc) > len(DOCS_URL) + 1:
        return
    if status == "implementation-defined" and doc.startswith(_CPYTHON_URL):
        return
    allowed = f"'{DOCS_URL}#anchor'"
    if status == "implementation-defined":
        allowed += f" or a CPython source/issue URL under '{_CPYTHON_URL}'"
    raise CatalogueError(f"doc of {cid} is not a section of the docs: {doc!r}", name, line,
                         f"cite {allowed}")

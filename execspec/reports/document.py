"""A conformance run as one JSON document: the versioned data every other report renders.

:func:`document` turns a :class:`~execspec.conformance.results.RunResult` into plain JSON data
(dicts, lists, strings, numbers, null), typed here as ``TypedDict``\\ s and described for other
tools by ``schema.json`` next to this module (a JSON Schema, draft 2020-12). The Markdown and
HTML reports read only this document, never the results, so all three say the same thing.

The schema's ``schema_version`` changes whenever a field is removed or changes meaning; adding
a field keeps it. Every key is always present (``null`` when there is nothing to say), so a
reader need not guess which keys a producer wrote.

Shape, in short::

    {"schema_version": 1, "tool": "execspec", "run": {...counts, exit status, seconds},
     "baseline": null | {"file", "new", "known", "fixed", "unchecked", "exit_status"},
     "areas": [{"name", "clauses": [ID, ...]}],
     "clauses": {ID: {"area", "title", "statement", "doc", "status", "issue"}},
     "targets": [{"name", "kind", "python", "seconds", "score", "tally", "skipped",
                  "machine_runs", "verdicts": {ID: {"area", "verdict", "issue", "issue_url",
                  "reason", "failures": [index, ...]}}, "failures": [{...}]}]}

>>> from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None,
...                  verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS)})
>>> doc = document(RunResult([t], [Area("future", ("FUT-DONE",))], 1, 1, 1))
>>> doc["schema_version"], doc["targets"][0]["verdicts"]["FUT-DONE"]["verdict"], doc["targets"][0]["score"]
(1, 'pass', {'passed': 1, 'of': 1})
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence, TypedDict

from execspec.conformance.baseline import Gate
from execspec.conformance.results import CheckOutcome, ClauseVerdict, FailureKind, RunResult, TargetResult
from execspec.spec import Catalogue, load

__all__ = ["SCHEMA_PATH", "SCHEMA_VERSION", "ClauseDoc", "Document", "FailureDoc", "GateDoc", "TargetDoc",
           "VerdictDoc", "document", "dumps", "issue_url", "machine_run_note", "schema"]

#: bumped when a field is removed or changes meaning (adding one keeps it)
SCHEMA_VERSION = 1
#: the JSON Schema of the document, shipped as package data
SCHEMA_PATH = Path(__file__).with_name("schema.json")

_ISSUES = "https://github.com/python/cpython/issues/"


class RunDoc(TypedDict):
    elapsed: float              # seconds the whole run took
    catalogue_size: int         # clauses in the catalogue
    exercised: int              # of those, clauses some check exercises
    checks: int                 # clause checks there are
    machine_profile: str | None  # the conformance machine's profile (null: it did not run)
    unexpected_failures: int    # FAIL cells over every target
    exit_status: int            # 0 or 1, before any baseline


class AreaDoc(TypedDict):
    name: str
    clauses: list[str]


class ClauseDoc(TypedDict):
    area: str
    title: str | None           # null for an ID the catalogue lacks
    statement: str | None
    doc: str | None             # the documentation section it cites (a URL)
    status: str | None
    issue: str | None           # "gh-N" of a recorded upstream divergence


class FailureDoc(TypedDict):
    check: str                  # the clause check, or "machine (shim)" / "machine (threads)"
    mode: str                   # "threads" or "shim"
    clauses: list[str]          # the clauses this failure speaks against
    kind: str                   # a FailureKind value, e.g. "assertion", "deadlock"
    counted: bool               # false for an unconfirmed real-thread finding (shown, not counted)
    headline: str
    message: str                # the whole finding as text
    violation: str | None       # the machine's violation in words
    calls: list[str]            # the shrunk calls, one line of Python each
    snippet: str | None         # those calls as a script that runs without execspec
    seeds: list[int]            # schedule seed per call (machine under the shim)
    seed: int | None            # shim clause checks: the strategy's seed,
    strategy: str | None        # its name,
    schedule: int | None        # the schedule's 1-based number,
    interleaving: str | None    # its interleaving table,
    replay_file: str | None     # its schedule file
    replay_command: str | None  # and the command that replays it
    replay_unsaved: str | None  # why there is no schedule file (its directory could not be written)


class VerdictDoc(TypedDict):
    area: str                   # the area of the catalogue the clause is in (its matrix group)
    verdict: str                # a Verdict value: "pass", "fail", "diverges", "not applicable", ...
    issue: str | None           # "gh-N" when the clause is a recorded upstream divergence
    issue_url: str | None
    reason: str | None          # why not applicable / not exercised
    failures: list[int]         # indexes into the target's "failures" behind FAIL or DIVERGES


class ScoreDoc(TypedDict):
    passed: int
    of: int                     # clauses judged: pass + diverges + fail


class TallyDoc(TypedDict):
    passed: int
    diverges: int
    failed: int
    not_applicable: int
    runs: int
    runs_passed: int


class SkippedDoc(TypedDict):
    mode: str
    reason: str


class MachineRunDoc(TypedDict):
    mode: str
    profile: str
    examples: int
    seconds: float
    first_failure: float | None
    budget: float | None        # the real seconds it could start examples for
    budget_spent: bool          # it stopped there, before its examples ran out


class TargetDoc(TypedDict):
    name: str
    kind: str                   # an ExecutorKind value
    python: str | None          # "3.12" when the target is that CPython's stdlib
    seconds: float
    score: ScoreDoc
    tally: TallyDoc
    skipped: list[SkippedDoc]
    machine_runs: list[MachineRunDoc]
    verdicts: dict[str, VerdictDoc]   # every row's clause ID
    failures: list[FailureDoc]        # every failed check run, in the order they ran


class CellDoc(TypedDict):
    target: str
    clause: str


class FixedDoc(TypedDict):
    target: str
    clause: str
    verdict: str                # what the cell is today (a Verdict value)


class GateDoc(TypedDict):
    file: str | None            # the baseline file read
    new: list[CellDoc]          # FAIL cells the baseline does not list: these fail the run
    known: list[CellDoc]        # FAIL cells it lists: tolerated
    fixed: list[FixedDoc]       # cells it lists that no longer fail: drop them from the baseline
    unchecked: list[CellDoc]    # cells it lists for targets this run did not check
    exit_status: int            # the run's exit status with the baseline


class Document(TypedDict):
    schema_version: int
    tool: str
    run: RunDoc
    baseline: GateDoc | None    # null when no baseline was given
    areas: list[AreaDoc]
    clauses: dict[str, ClauseDoc]
    targets: list[TargetDoc]


def issue_url(issue: str | None) -> str | None:
    """The CPython issue's address for ``gh-N`` (None for anything else)."""
    if issue is None or not issue.startswith("gh-") or not issue[3:].isdigit():
        return None
    return _ISSUES + issue[3:]


def document(run: RunResult, catalogue: Catalogue | None = None, gate: Gate | None = None,
             baseline_file: str | None = None) -> Document:
    """The run as JSON data (see the module docstring and ``schema.json``); with ``gate``, the
    run judged against the baseline read from ``baseline_file``."""
    cat = catalogue if catalogue is not None else load()
    clauses: dict[str, ClauseDoc] = {}
    for area in run.areas:
        for cid in area.clauses:
            c = cat.clauses.get(cid)
            clauses[cid] = ClauseDoc(area=area.name, title=c.title if c else None,
                                     statement=c.statement if c else None, doc=c.doc if c else None,
                                     status=c.status if c else None, issue=c.issue if c else None)
    return Document(
        schema_version=SCHEMA_VERSION, tool="execspec",
        run=RunDoc(elapsed=run.elapsed, catalogue_size=run.catalogue_size, exercised=run.exercised,
                   checks=run.checks, machine_profile=run.machine,
                   unexpected_failures=run.unexpected_failures, exit_status=run.exit_status),
        baseline=None if gate is None else _gate(gate, baseline_file),
        areas=[AreaDoc(name=a.name, clauses=list(a.clauses)) for a in run.areas],
        clauses=clauses,
        targets=[_target(t, {c: a.name for a in run.areas for c in a.clauses}) for t in run.targets])


def _gate(g: Gate, file: str | None) -> GateDoc:
    def cells(cs: Sequence[tuple[str, str]]) -> list[CellDoc]:
        return [CellDoc(target=t, clause=c) for t, c in cs]
    return GateDoc(file=file, new=cells(g.new), known=cells(g.known), unchecked=cells(g.unchecked),
                   fixed=[FixedDoc(target=c.target, clause=c.clause, verdict=g.now[c].value) for c in g.fixed],
                   exit_status=g.exit_status)


def _target(t: TargetResult, rows: dict[str, str]) -> TargetDoc:
    failed = t.failed_outcomes
    tally = t.tally
    return TargetDoc(
        name=t.target, kind=t.kind.value,
        python=None if t.python is None else f"{t.python[0]}.{t.python[1]}",
        seconds=t.seconds,
        score=ScoreDoc(passed=tally.passed, of=tally.judged),
        tally=TallyDoc(passed=tally.passed, diverges=tally.diverges, failed=tally.failed,
                       not_applicable=tally.not_applicable, runs=tally.runs, runs_passed=tally.runs_passed),
        skipped=[SkippedDoc(mode=s.mode.value, reason=s.reason) for s in t.skipped],
        machine_runs=[MachineRunDoc(mode=m.mode.value, profile=m.profile, examples=m.examples,
                                    seconds=m.seconds, first_failure=m.first_failure, budget=m.budget,
                                    budget_spent=m.budget_spent)
                      for m in t.machine_runs],
        verdicts={c: _verdict(t.verdict(c), area, failed) for c, area in rows.items()},
        failures=[_failure(o) for o in failed])


def _verdict(v: ClauseVerdict, area: str, failed: list[CheckOutcome]) -> VerdictDoc:
    # Outcomes are compared by identity: two equal runs are still two runs.
    at = [i for i, o in enumerate(failed) if any(o is f for f in v.failures)]
    return VerdictDoc(area=area, verdict=v.verdict.value, issue=v.issue, issue_url=issue_url(v.issue),
                      reason=v.reason, failures=at)


def _failure(o: CheckOutcome) -> FailureDoc:
    f = o.failure
    assert f is not None, "only failed outcomes are failures"
    return FailureDoc(
        check=o.check, mode=o.mode.value, clauses=list(o.clauses), kind=f.kind.value,
        counted=f.kind is not FailureKind.UNCONFIRMED, headline=f.headline, message=f.message,
        violation=f.violation, calls=list(f.calls), snippet=f.snippet, seeds=list(f.seeds),
        seed=f.seed, strategy=f.strategy, schedule=f.schedule, interleaving=f.interleaving,
        replay_file=None if f.replay_file is None else str(f.replay_file),
        replay_command=f.replay_command, replay_unsaved=f.replay_unsaved)


def machine_run_note(m: MachineRunDoc) -> str:
    """One line on a machine run, as every report words it: its mode, how many examples, how
    long, and whether it stopped at its budget (then its clauses passed on those examples only).

    >>> print(machine_run_note(MachineRunDoc(mode="shim", profile="dev", examples=312, seconds=121.5,
    ...                                      first_failure=None, budget=120.0, budget_spent=True)))
    machine, shim: 312 examples (dev profile) in 121.5 s, stopped at its 120 s budget before the profile's examples ran out
    """
    note = f"machine, {m['mode']}: {m['examples']} examples ({m['profile']} profile) in {m['seconds']:.1f} s"
    if m["budget_spent"]:
        note += f", stopped at its {m['budget']:g} s budget before the profile's examples ran out"
    return note


def dumps(doc: Document) -> str:
    """The document as JSON text (indented, keys in a stable order)."""
    return json.dumps(doc, indent=2) + "\n"


def schema() -> object:
    """The document's JSON Schema, parsed."""
    parsed: object = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return parsed

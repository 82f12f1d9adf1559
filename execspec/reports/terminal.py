"""The matrix as plain text: clauses (grouped by area) by targets, a tally per target, and each
failed check run with what it found and how to replay it. Rendered from the run's JSON
document, like the Markdown and HTML reports.

Column widths come from the data, so a long clause ID or target name never runs into the next
column.

>>> from execspec.conformance.results import (Area, ClauseVerdict, ExecutorKind, RunResult,
...                                           TargetResult, Verdict)
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None,
...                  verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS)})
>>> print(render(RunResult([t], [Area("future", ("FUT-DONE",))], 1, 1, 1)))  # doctest: +NORMALIZE_WHITESPACE
clause      mine
--------------------------------
future
  FUT-DONE  pass
<BLANKLINE>
1 of 1 clauses exercised by 1 checks
mine: 1 clauses pass, 0 diverge as the spec records, 0 fail; 0/0 check runs passed
"""

from __future__ import annotations

from execspec.conformance.results import ClauseVerdict, RunResult, Verdict
from execspec.reports.document import Document, FailureDoc, VerdictDoc, document, machine_run_note

__all__ = ["cell", "render", "render_document"]

#: the narrowest a target's column is (and the least space between columns)
_MIN_COLUMN, _GAP = 20, 2


def cell(verdict: ClauseVerdict) -> str:
    """One cell's text: ``pass``, ``FAIL``, ``diverges gh-N``, ``n/a`` or ``-``."""
    return _cell(verdict.verdict.value, verdict.issue)


def _cell(verdict: str, issue: str | None) -> str:
    if verdict == Verdict.DIVERGES.value:
        return f"diverges {issue or ''}".strip()
    return _CELLS[verdict]


_CELLS = {Verdict.PASS.value: "pass", Verdict.FAIL.value: "FAIL", Verdict.NOT_APPLICABLE.value: "n/a",
          Verdict.NOT_EXERCISED.value: "-"}


def render(run: RunResult) -> str:
    """The whole matrix and its tallies as text, rendered from the run's JSON document (as
    every format is)."""
    return render_document(document(run))


def render_document(doc: Document) -> str:
    """A JSON document (:mod:`.document`) as the terminal's text."""
    rows = [c for area in doc["areas"] for c in area["clauses"]]
    first = max([len("clause"), *(len(f"  {c}") for c in rows)]) + _GAP
    targets = doc["targets"]
    cells = [[_verdict_cell(t["verdicts"].get(c)) for c in rows] for t in targets]
    widths = [max([_MIN_COLUMN, len(t["name"]) + _GAP, *(len(s) + _GAP for s in col)])
              for t, col in zip(targets, cells)]
    head = "clause".ljust(first) + "".join(t["name"].ljust(w) for t, w in zip(targets, widths))
    lines = [head, "-" * len(head)]
    row = 0
    for area in doc["areas"]:
        lines.append(area["name"])
        for clause in area["clauses"]:
            lines.append(f"  {clause}".ljust(first)
                         + "".join(col[row].ljust(w) for col, w in zip(cells, widths)))
            row += 1
    lines.append("")
    run = doc["run"]
    by = f"{run['checks']} checks" + (f" and the conformance machine ({run['machine_profile']} profile)"
                                      if run["machine_profile"] else "")
    lines.append(f"{run['exercised']} of {run['catalogue_size']} clauses exercised by {by}")
    for t in targets:
        tally = t["tally"]
        lines.append(f"{t['name']}: {tally['passed']} clauses pass, {tally['diverges']} diverge as the spec "
                     f"records, {tally['failed']} fail; {tally['runs_passed']}/{tally['runs']} check runs passed")
        for f in t["failures"]:
            lines.append(f"  [{f['mode']}] {f['check']} ({', '.join(f['clauses'])}): {_finding(f)}")
        for skip in t["skipped"]:
            lines.append(f"  skipped {skip['mode']}: {skip['reason']}")
        for m in t["machine_runs"]:
            if m["budget_spent"]:  # its clauses passed on fewer examples than the profile asks
                lines.append(f"  {machine_run_note(m)} (--machine-budget gives it more)")
    return "\n".join(lines)


def _verdict_cell(v: VerdictDoc | None) -> str:
    return _CELLS[Verdict.NOT_EXERCISED.value] if v is None else _cell(v["verdict"], v["issue"])


def _finding(f: FailureDoc) -> str:
    if f["schedule"] is None:
        replay = f"\n    replay: {f['replay_command']}" if f["replay_command"] else ""
        return f["message"] + replay
    return f"{f['headline']} ({_where(f)})"


def _where(f: FailureDoc) -> str:
    """Which schedule found a shim failure, and the command that replays it."""
    where = f"schedule #{f['schedule']} of {f['strategy']} seed {f['seed']}"
    if f["replay_file"] is not None:
        where += f"; replay: execspec replay {f['replay_file']}"
    return where

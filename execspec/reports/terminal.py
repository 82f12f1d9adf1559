"""The matrix as plain text: clauses (grouped by area) by targets, a tally per target, and each
failed check run with what it found and how to replay it.

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

from execspec.conformance.results import CheckFailure, CheckOutcome, ClauseVerdict, RunResult, Verdict

__all__ = ["cell", "render"]

#: the narrowest a target's column is (and the least space between columns)
_MIN_COLUMN, _GAP = 20, 2


def cell(verdict: ClauseVerdict) -> str:
    """One cell's text: ``pass``, ``FAIL``, ``diverges gh-N``, ``n/a`` or ``-``."""
    if verdict.verdict is Verdict.DIVERGES:
        return f"diverges {verdict.issue or ''}".strip()
    return _CELLS[verdict.verdict]


_CELLS = {Verdict.PASS: "pass", Verdict.FAIL: "FAIL", Verdict.NOT_APPLICABLE: "n/a",
          Verdict.NOT_EXERCISED: "-"}


def render(run: RunResult) -> str:
    """The whole matrix and its tallies as text."""
    rows = run.clauses
    first = max([len("clause"), *(len(f"  {c}") for c in rows)]) + _GAP
    cells = [[cell(t.verdict(c)) for c in rows] for t in run.targets]
    widths = [max([_MIN_COLUMN, len(t.target) + _GAP, *(len(s) + _GAP for s in col)])
              for t, col in zip(run.targets, cells)]
    head = "clause".ljust(first) + "".join(t.target.ljust(w) for t, w in zip(run.targets, widths))
    lines = [head, "-" * len(head)]
    row = 0
    for area in run.areas:
        lines.append(area.name)
        for clause in area.clauses:
            lines.append(f"  {clause}".ljust(first)
                         + "".join(col[row].ljust(w) for col, w in zip(cells, widths)))
            row += 1
    lines.append("")
    by = f"{run.checks} checks" + (f" and the conformance machine ({run.machine} profile)" if run.machine else "")
    lines.append(f"{run.exercised} of {run.catalogue_size} clauses exercised by {by}")
    for t in run.targets:
        tally = t.tally
        lines.append(f"{t.target}: {tally.passed} clauses pass, {tally.diverges} diverge as the spec "
                     f"records, {tally.failed} fail; {tally.runs_passed}/{tally.runs} check runs passed")
        for o in t.failed_outcomes:
            lines.append(f"  [{o.mode.value}] {o.check} ({', '.join(o.clauses)}): {_finding(o)}")
        for skip in t.skipped:
            lines.append(f"  skipped {skip.mode.value}: {skip.reason}")
    return "\n".join(lines)


def _finding(outcome: CheckOutcome) -> str:
    failure = outcome.failure
    assert failure is not None, "only failed outcomes have a finding"
    if failure.schedule is None:
        return failure.message
    return f"{failure.headline} ({_where(failure)})"


def _where(failure: CheckFailure) -> str:
    """Which schedule found a shim failure, and the command that replays it."""
    where = f"schedule #{failure.schedule} of {failure.strategy} seed {failure.seed}"
    if failure.replay_file is not None:
        where += f"; replay: execspec replay {failure.replay_file}"
    return where

"""The terminal matrix's layout holds for any clause ID length and any number of targets: every
cell starts under its target's name, and at least two spaces part it from what is on its left
(a long clause ID can never run into its verdict, as ``TPE-INITIALIZER-FAILS-PENDING`` once
ran into ``pass``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
from execspec.reports.terminal import cell, render

_ID = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789", min_size=1, max_size=90).filter(
    lambda s: s.strip("-") != "")
_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz.:_@0123456789", min_size=1, max_size=60)
_VERDICT = st.sampled_from(list(Verdict))
_ISSUE = st.one_of(st.none(), st.integers(1, 10**9).map(lambda n: f"gh-{n}"))


@st.composite
def runs(draw: st.DrawFn) -> RunResult:
    clauses = draw(st.lists(_ID, min_size=1, max_size=12, unique=True))
    names = [f"t{i}-{n}" for i, n in enumerate(draw(st.lists(_NAME, min_size=1, max_size=8)))]
    targets = [TargetResult(name, ExecutorKind.IN_PROCESS_THREADS, None, verdicts={
        c: ClauseVerdict(c, draw(_VERDICT), draw(_ISSUE)) for c in clauses}) for name in names]
    return RunResult(targets, [Area("an-area", tuple(clauses))], len(clauses), len(clauses), 1)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(runs())
def test_every_cell_starts_under_its_target_and_two_spaces_part_the_columns(run: RunResult) -> None:
    lines = render(run).splitlines()
    header, rows = lines[0], lines[3:3 + len(run.clauses)]
    starts: list[int] = []
    for t in run.targets:
        starts.append(header.index(t.target, starts[-1] + 1 if starts else 0))
    assert header[:starts[0]].rstrip() == "clause"
    for clause, row in zip(run.clauses, rows):
        assert row[:starts[0]].strip() == clause, row
        for i, t in enumerate(run.targets):
            end = starts[i + 1] if i + 1 < len(starts) else None
            assert row[starts[i] - 2:starts[i]] == "  ", (row, t.target)
            assert row[starts[i]:end].strip() == cell(t.verdict(clause)), (row, t.target)
            assert header[starts[i] - 2:starts[i]] == "  "


def test_the_issue_s_long_clause_id_no_longer_runs_into_its_verdict() -> None:
    clause = "TPE-INITIALIZER-FAILS-PENDING"
    t = TargetResult("impl", ExecutorKind.IN_PROCESS_THREADS, None,
                     verdicts={clause: ClauseVerdict(clause, Verdict.PASS)})
    row = [line for line in render(RunResult([t], [Area("threadpool", (clause,))])).splitlines()
           if clause in line]
    assert row == [f"  {clause}  pass".ljust(len(row[0]))] and f"{clause}pass" not in row[0]

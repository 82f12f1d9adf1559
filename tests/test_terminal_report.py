"""The terminal matrix: widths come from the data, and the exit status comes from the results,
not from the text."""

from __future__ import annotations

from execspec.conformance.results import (
    Area,
    CheckFailure,
    CheckOutcome,
    ClauseVerdict,
    ExecutorKind,
    FailureKind,
    Mode,
    RunResult,
    TargetResult,
    Verdict,
)
from execspec.reports.terminal import render

LONG = "LONG-CLAUSE-ID-WIDER-THAN-EVERY-COLUMN-OF-THE-MATRIX"  # made up: no area prefix


def _target(name: str, verdicts: dict[str, Verdict], issue: str | None = None) -> TargetResult:
    return TargetResult(name, ExecutorKind.IN_PROCESS_THREADS, None,
                        verdicts={c: ClauseVerdict(c, v, issue) for c, v in verdicts.items()})


def test_a_long_clause_id_or_target_name_never_runs_into_the_next_column() -> None:
    rows = ("FUT-DONE", LONG)
    run = RunResult([_target("a-target-name-longer-than-twenty", dict.fromkeys(rows, Verdict.PASS)),
                     _target("stdlib", dict.fromkeys(rows, Verdict.DIVERGES), "gh-92001")],
                    [Area("future", rows)], 2, 2, 1)
    lines = render(run).splitlines()
    header, body = lines[0], [line for line in lines if line.startswith("  ")][:2]
    assert f"{LONG}  " in body[1] and "pass" in body[1]
    # Every cell starts where its column's header does, and two spaces at least part them.
    for line in body:
        for name in ("a-target-name-longer-than-twenty", "stdlib"):
            start = header.index(name)
            assert line[start - 2:start] == "  " and line[start] != " ", (line, name)
    assert "diverges gh-92001" in body[0]


def test_only_fail_cells_set_the_exit_status() -> None:
    divergent = _target("stdlib", {"WAIT-CANCELLED-COUNTS": Verdict.DIVERGES,
                                   "FUT-DONE": Verdict.NOT_APPLICABLE})
    run = RunResult([divergent], [Area("wait", ("WAIT-CANCELLED-COUNTS", "FUT-DONE"))])
    assert (run.unexpected_failures, run.exit_status) == (0, 0)
    broken = _target("mine", {"WAIT-CANCELLED-COUNTS": Verdict.FAIL, "FUT-DONE": Verdict.FAIL})
    run = RunResult([divergent, broken], [Area("wait", ("WAIT-CANCELLED-COUNTS", "FUT-DONE"))])
    assert (run.unexpected_failures, run.exit_status) == (2, 1)


def test_a_shim_failure_is_shown_with_its_schedule_and_replay_command() -> None:
    failure = CheckFailure(FailureKind.DEADLOCK, "DEADLOCK: main waits on itself\n\ntrace ...",
                           "DEADLOCK: main waits on itself", seed=7, strategy="pct", schedule=3,
                           replay_file=None)
    t = _target("mine", {"FUT-DONE": Verdict.FAIL})
    t.outcomes = [CheckOutcome("done_check", ("FUT-DONE",), Mode.SHIM, failure)]
    text = render(RunResult([t], [Area("future", ("FUT-DONE",))]))
    assert ("  [shim] done_check (FUT-DONE): DEADLOCK: main waits on itself "
            "(schedule #3 of pct seed 7)") in text.splitlines()
    assert "0/1 check runs passed" in text

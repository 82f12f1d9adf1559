"""``execspec check``'s report options and its baseline gate: a new violation fails (exit 1), a
violation the baseline lists passes (exit 0), a listed cell that now passes is reported so the
baseline can shrink, and bad usage is one line and exit 2. The gate decides from the typed
verdicts (:mod:`execspec.conformance.baseline`), never from the rendered report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from execspec.cli import parser
from execspec.commands.check_output import Output, add_arguments
from execspec.conformance.baseline import Baseline, BaselineError, gate
from execspec.conformance.results import RunResult, Verdict
from execspec.reports.document import schema

from reports._runs import failing_run

ROOT = Path(__file__).resolve().parents[2]
MINE = "mine:make_pool"


def _output(*argv: str) -> Output | str:
    p = parser("check", "")
    add_arguments(p)
    return Output.from_args(p.parse_args(list(argv)))


def _emit(run: RunResult, *argv: str) -> int:
    out = _output(*argv)
    assert isinstance(out, Output), out
    return out.emit(run)


def _baseline(path: Path, failures: dict[str, list[str]]) -> Path:
    path.write_text(json.dumps({"format": "execspec-baseline", "version": 1, "failures": failures}))
    return path


def test_without_a_baseline_any_fail_cell_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert _emit(failing_run()) == 1
    assert "mine:make_pool" in capsys.readouterr().out


def test_a_new_violation_fails_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    known = _baseline(tmp_path / "conformance.json", {MINE: ["FUT-CB-ONCE"]})
    assert _emit(failing_run(), "--baseline", str(known)) == 1
    err = capsys.readouterr().out  # the terminal report on stdout: the gate's lines follow it
    assert f"new: {MINE} FUT-DONE" in err and "1 new failure(s), 1 known, 0 fixed" in err


def test_violations_the_baseline_lists_pass_the_gate(tmp_path: Path) -> None:
    known = _baseline(tmp_path / "conformance.json", {MINE: ["FUT-CB-ONCE", "FUT-DONE"]})
    assert _emit(failing_run(), "--baseline", str(known)) == 0


def test_a_listed_cell_that_no_longer_fails_is_reported_as_fixed(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    known = _baseline(tmp_path / "conformance.json",
                      {MINE: ["FUT-CB-ONCE", "FUT-DONE", "WAIT-CANCELLED-COUNTS"], "gone:target": ["FUT-DONE"]})
    report = tmp_path / "report.json"
    assert _emit(failing_run(), "--baseline", str(known), "--format", "json", "--output", str(report)) == 0
    err = capsys.readouterr().err
    assert f"fixed (now pass; drop it from the baseline): {MINE} WAIT-CANCELLED-COUNTS" in err
    assert "not checked in this run: gone:target FUT-DONE" in err
    doc = json.loads(report.read_text())
    jsonschema.Draft202012Validator(schema()).validate(doc)  # type: ignore[arg-type]
    assert doc["baseline"]["fixed"] == [{"target": MINE, "clause": "WAIT-CANCELLED-COUNTS", "verdict": "pass"}]
    assert doc["baseline"]["exit_status"] == 0 and doc["run"]["exit_status"] == 1


def test_the_gate_reads_verdicts_not_text() -> None:
    # A DIVERGES cell (CPython's recorded divergence) is never new; only FAIL is.
    g = gate(failing_run(), Baseline())
    assert {(c.target, c.clause) for c in g.new} == {(MINE, "FUT-DONE"), (MINE, "FUT-CB-ONCE")}
    run = failing_run()
    run.targets[0].verdicts["FUT-DONE"] = type(run.targets[0].verdicts["FUT-DONE"])("FUT-DONE", Verdict.PASS)
    assert [(c.target, c.clause) for c in gate(run, Baseline.of(failing_run())).fixed] == [(MINE, "FUT-DONE")]


def test_update_baseline_writes_the_fail_cells_keyed_by_target_and_clause(tmp_path: Path) -> None:
    path = tmp_path / "conformance.json"
    assert _emit(failing_run(), "--baseline", str(path), "--update-baseline") == 0
    data = json.loads(path.read_text())
    assert data == {"format": "execspec-baseline", "version": 1, "failures": {MINE: ["FUT-CB-ONCE", "FUT-DONE"]}}
    assert Baseline.read(path) == Baseline.of(failing_run())
    assert _emit(failing_run(), "--baseline", str(path)) == 0


@pytest.mark.parametrize(("text", "says"), [
    ("not json", "is not JSON"),
    ('{"failures": {}}', "is not an execspec baseline"),
    ('{"format": "execspec-baseline", "version": 99, "failures": {}}', "has version 99"),
    ('{"format": "execspec-baseline", "version": 1, "failures": {"t": "FUT-DONE"}}', "list of clause IDs"),
])
def test_a_bad_baseline_file_is_one_line_naming_what_is_wrong(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "conformance.json"
    path.write_text(text)
    out = _output("--baseline", str(path))
    assert isinstance(out, str) and says in out and "\n" not in out
    with pytest.raises(BaselineError):
        Baseline.read(path)


def test_bad_usage_is_exit_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from execspec.commands import check
    assert check.main(["--update-baseline"]) == 2
    assert "--update-baseline needs --baseline FILE" in capsys.readouterr().err
    assert check.main(["--baseline", str(tmp_path / "missing.json")]) == 2
    assert "cannot read baseline" in capsys.readouterr().err
    assert check.main(["--output", str(tmp_path / "no" / "such" / "dir.html")]) == 2
    with pytest.raises(SystemExit) as exc:
        check.main(["--format", "pdf"])
    assert exc.value.code == 2


def test_a_machine_read_report_on_stdout_is_all_there_is_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    out = _output("--format", "json")
    assert isinstance(out, Output) and out.log is sys.stderr
    assert out.emit(failing_run()) == 1
    json.loads(capsys.readouterr().out)


@pytest.mark.timeout(240)
def test_a_known_bad_executor_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # The real command on an executor whose callbacks run twice: its FAIL cells are new against
    # an empty baseline, and the JSON it writes matches the schema and names the clause.
    from execspec.commands import check
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXECSPEC_SCHEDULE_DIR", str(tmp_path / "schedules"))
    monkeypatch.syspath_prepend(str(ROOT / "tests"))
    empty = _baseline(tmp_path / "conformance.json", {})
    target = "conformance.known_bad.callbacks_twice:CallbacksRunTwice"
    status = check.main([target, "--no-machine", "--baseline", str(empty), "--format", "json",
                         "--output", str(tmp_path / "report.json")])
    assert status == 1, capsys.readouterr().err
    doc = json.loads((tmp_path / "report.json").read_text())
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert {"target": target, "clause": "FUT-CB-ONCE"} in doc["baseline"]["new"]
    cell = doc["targets"][0]["verdicts"]["FUT-CB-ONCE"]
    assert cell["verdict"] == "fail" and cell["failures"]
    shim = [doc["targets"][0]["failures"][i] for i in cell["failures"]
            if doc["targets"][0]["failures"][i]["mode"] == "shim"]
    assert shim and all(f["replay_command"] and f["interleaving"] for f in shim)


def test_one_run_can_write_several_formats_each_named_by_its_suffix(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    page, data, notes = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.report"
    assert _emit(failing_run(), "--output", str(page), "--output", str(data), "--output", str(notes)) == 1
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert json.loads(data.read_text())["schema_version"] == 1
    assert notes.read_text().startswith("clause")  # no suffix of a format: --format's default, terminal
    assert capsys.readouterr().out == ""  # every report went to its file
    out = _output("--format", "html", "--output", str(tmp_path / "r.json"))
    assert isinstance(out, str) and "names json" in out

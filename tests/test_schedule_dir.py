"""Schedule files go where ``--schedule-dir`` or ``$EXECSPEC_SCHEDULE_DIR`` says; a directory
that cannot be written loses the files, never the report (one line says so, not an error exit).

Tests run as root, where permissions do not stop a write; a path under a regular file
(``afile/sub``) cannot be created by anyone.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from execspec.commands import check
from execspec.commands.deadlocks import main as deadlocks
from execspec.sched.examples import docs
from execspec.sched.explore import explore
from execspec.sched.strategies import RandomStrategy


@pytest.fixture
def unwritable(tmp_path: Path) -> Path:
    (tmp_path / "afile").write_text("not a directory\n")
    return tmp_path / "afile" / "sub"


def test_an_exploration_whose_directory_cannot_be_written_keeps_its_failures(unwritable: Path) -> None:
    result = explore(docs.wait_on_future, RandomStrategy(seed=0), max_schedules=50, schedule_dir=unwritable)
    assert result.failed and result.first_failure is not None
    assert result.schedule_file is None and result.schedule_files == []
    assert result.unsaved is not None and "Not a directory" in result.unsaved


def test_deadlocks_reports_in_full_when_the_directory_cannot_be_written(unwritable: Path) -> None:
    out = io.StringIO()
    status = deadlocks(["--executor", "concurrent.futures", "--max-schedules", "50",
                        "--schedule-dir", str(unwritable)], out=out)
    lines = out.getvalue().splitlines()
    assert status == 0, out.getvalue()
    assert sum(line.startswith("== docs example") for line in lines) == 2
    assert not any(line.startswith("schedule file:") for line in lines)
    lost = [line for line in lines if "not saved" in line]
    assert lost == [lines[-1]] and lost[0].startswith("execspec deadlocks: schedule files were not saved (")
    assert "Not a directory" in lost[0] and "--schedule-dir" in lost[0]


def test_deadlocks_writes_where_the_setting_says_and_the_option_overrides_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXECSPEC_SCHEDULE_DIR", str(tmp_path / "from-setting"))
    argv = ["--executor", "concurrent.futures", "--max-schedules", "50"]
    assert deadlocks(argv, out=io.StringIO()) == 0
    assert len(list((tmp_path / "from-setting").glob("*.json"))) == 2
    assert deadlocks([*argv, "--schedule-dir", str(tmp_path / "from-option")], out=io.StringIO()) == 0
    assert len(list((tmp_path / "from-option").glob("*.json"))) == 2
    assert deadlocks([*argv, "--schedule-dir", ""], out=io.StringIO()) == 0  # '' writes none
    assert not (tmp_path / "execspec-schedules").exists()


def _quick_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """check on the stdlib without the model exploration (its summary costs seconds here) and
    few schedules: its recorded divergences fail on the first schedule."""
    monkeypatch.setattr(check, "model_summary", lambda: "model: not explored in this test")
    monkeypatch.setenv("EXECSPEC_SHIM_SCHEDULES", "3")


def test_check_prints_the_whole_report_when_the_directory_cannot_be_written(
        unwritable: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _quick_check(monkeypatch)
    assert check.main(["--no-machine", "--schedule-dir", str(unwritable), "stdlib"]) == 0
    out, err = capsys.readouterr()
    assert "diverges gh-92001" in out and "unexpected failure(s)" in out
    assert "replay: execspec replay" not in out
    assert err.splitlines() == [line for line in err.splitlines() if "not saved" in line] and err.count("\n") == 1
    assert err.startswith("execspec check: schedule files were not saved (") and "Not a directory" in err


def test_check_writes_schedules_where_the_setting_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _quick_check(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXECSPEC_SCHEDULE_DIR", str(tmp_path / "from-setting"))
    assert check.main(["--no-machine", "stdlib"]) == 0
    out, err = capsys.readouterr()
    files = list((tmp_path / "from-setting" / "stdlib").glob("*.json"))
    assert files and f"replay: execspec replay {files[0].parent}" in out
    assert "not saved" not in err and not (tmp_path / "execspec-schedules").exists()


def test_check_refuses_an_empty_schedule_dir(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        check.main(["--schedule-dir", "", "impl"])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("execspec check: argument --schedule-dir: give a directory")

"""The command line: dispatch, and bad input that gets a message saying what to do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from execspec.cli import BROKEN_PIPE, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("check", "explore", "spec", "deadlocks", "replay"):
        assert f"  {name}" in out


def test_an_unknown_command_is_refused_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chekc"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'chekc'" in err and "usage:" in err


def test_a_bad_target_string_exits_2_with_the_forms_to_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "not a target"]) == 2
    assert "Write one of" in capsys.readouterr().err


def test_spec_prints_one_clause_and_where_it_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "FUT-CANCEL-RUNNING"]) == 0
    out = capsys.readouterr().out
    assert "FUT-CANCEL-RUNNING" in out and "cancel_of_a_running_future_fails" in out


def test_spec_suggests_close_ids_for_an_unknown_clause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "CANCEL-RUNNING"]) == 2
    assert "FUT-CANCEL-RUNNING" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["spec"], ["deadlocks"], ["check", "--no-machine", "impl"]])
def test_output_into_a_closed_pipe_stops_quietly_with_the_sigpipe_status(argv: list[str]) -> None:
    # `execspec check | head -1`: the reader is gone before we write (its end closed at once)
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-c", "from execspec.cli import main; raise SystemExit(main())",
                               *argv], stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert done.returncode == BROKEN_PIPE == 141, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr

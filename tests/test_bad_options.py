"""A bad option, a bad option value or a bad setting is one line on stderr and exit status 2."""

from __future__ import annotations

import pytest

from execspec.cli import main


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("argv, said", [
    (["check", "--profile", "nope"], "execspec check: argument --profile: invalid choice: 'nope'"),
    (["check", "--profile"], "execspec check: argument --profile: expected one argument"),
    (["check", "--no-such-option"], "execspec check: unrecognized arguments: --no-such-option"),
    (["check", "--machine-budget", "0"],
     "execspec check: argument --machine-budget: '0' is not a finite number of seconds > 0 (e.g. 600)"),
    (["check", "--machine-budget", "inf"],
     "execspec check: argument --machine-budget: 'inf' is not a finite number of seconds > 0 (e.g. 600)"),
    (["check", "--machine-budget", "soon"],
     "execspec check: argument --machine-budget: 'soon' is not a finite number of seconds > 0 (e.g. 600)"),
    (["replay"], "execspec replay: the following arguments are required: file"),
    (["replay", "a.json", "b.json"], "execspec replay: unrecognized arguments: b.json"),
    (["deadlocks", "--jobs", "0"], "execspec deadlocks: argument --jobs/-j: must be at least 1, got 0"),
    (["deadlocks", "--bogus"], "execspec deadlocks: unrecognized arguments: --bogus"),
    (["spec", "--bogus"], "execspec spec: unrecognized arguments: --bogus"),
])
def test_a_bad_option_is_one_line_naming_it_and_the_help(argv: list[str], said: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(argv, capsys)
    assert err.startswith(said) and f"(see 'execspec {argv[0]} --help')" in err, err


@pytest.mark.parametrize("name, value", [("EXECSPEC_PROFILE", "nope"), ("EXECSPEC_SEED", "abc"),
                                         ("EXECSPEC_SHIM_SCHEDULES", "0"), ("EXECSPEC_TARGET_TIMEOUT", "-1"),
                                         ("EXECSPEC_MACHINE_BUDGET", "nan"), ("EXECSPEC_MACHINE_BUDGET", "later"),
                                         ("EXECSPEC_MACHINE_BUDGET", "inf"), ("EXECSPEC_UNCONTROLLED_TIMEOUT", "inf")])
def test_a_bad_setting_is_one_line_before_any_work(name: str, value: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(name, value)
    assert main(["check", "impl"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and name in err, err

"""A failure's calls render as a script that runs with nothing of execspec; the pytest plugin
runs the machine as test items and fails one for a known-bad executor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from execspec.conformance.actions import Call, Create, MapNext, OpenGate
from execspec.conformance.snippet import render
from execspec.model import Cancel, GetResult, Map, ReturnWhen, Submit, TaskKind, Timeout, Wait

pytest_plugins = ["pytester"]


def test_a_rendered_snippet_runs_as_plain_python(tmp_path: object) -> None:
    actions = [Create(2), Call(Submit(TaskKind.RAISES), gates=(True,)), Call(Cancel(0)), OpenGate(0),
               Call(Wait((0,), ReturnWhen.ALL_COMPLETED, Timeout.FINITE)),
               Call(Map((TaskKind.RETURNS,)), gates=(False,)), MapNext(0, GetResult(1))]
    code = render(actions, "concurrent.futures", "ThreadPoolExecutor")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


_REFUSES_FIRST = """
from concurrent.futures import ThreadPoolExecutor
class RefusesFirst(ThreadPoolExecutor):
    refused = False
    def submit(self, fn, /, *args, **kwargs):
        if not self.refused:
            self.refused = True
            raise RuntimeError("the first submit is refused")
        return super().submit(fn, *args, **kwargs)
"""


def test_a_snippet_goes_on_past_a_call_that_raises_and_numbers_futures_as_the_machine_does(tmp_path: Path) -> None:
    """A shrunk failure often has a call the machine expected to raise (a result() of a raising
    task, a submit after shutdown) before the one that shows the bug: the script shows what it
    raised and goes on. A submit that raised made no future, so the next one is future 0, with
    gate 0, as the machine counts them (numbered by the script's order, gate 1 would stay shut
    and the result() below wait for ever: the subprocess's timeout fails the test). Before the fix the script stopped at the first raise."""
    (tmp_path / "refuses_first.py").write_text(_REFUSES_FIRST)
    actions = [Create(1), Call(Submit(TaskKind.RETURNS), gates=(True,)), Call(Submit(TaskKind.RAISES), gates=(True,)),
               OpenGate(0), Call(GetResult(0, Timeout.NONE)), Call(GetResult(0, Timeout.NONE))]
    code = render(actions, "refuses_first", "RefusesFirst")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.splitlines()
    assert len(shown) == 3, done.stdout
    assert "raised RuntimeError('the first submit is refused')" in shown[0], shown
    assert shown[1:] == ["fs[0].result(timeout=None) raised TaskError(0)"] * 2, shown


@pytest.mark.timeout(300)
def test_the_plugin_passes_a_good_executor_and_fails_a_bad_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(bad_pool='''
import execspec.impl as cf
class Eager(cf.ThreadPoolExecutor):
    """submit after shutdown runs the call anyway (breaks EXE-SUBMIT-AFTER-SHUTDOWN); built on
    execspec.impl, which conforms, so this is its only bug"""
    _closed = False
    def shutdown(self, *args, **kwargs):
        self._closed = True
        super().shutdown(*args, **kwargs)
    def submit(self, fn, *args, **kwargs):
        if self._closed:
            f = cf.Future(); f.set_result(fn(*args, **kwargs)); return f
        return super().submit(fn, *args, **kwargs)
wait, as_completed, Future = cf.wait, cf.as_completed, cf.Future
''', test_nothing="def test_nothing(): pass")
    good = pytester.runpytest_subprocess("--execspec-target", "execspec.impl:ThreadPoolExecutor",
                                         "--execspec-profile", "smoke", "-p", "no:cacheprovider")
    good.assert_outcomes(passed=3)
    bad = pytester.runpytest_subprocess("--execspec-target", "bad_pool:Eager", "--execspec-mode", "shim",
                                        "--execspec-profile", "ci", "-p", "no:cacheprovider")
    bad.assert_outcomes(passed=1, failed=1)
    bad.stdout.fnmatch_lines(["*EXE-SUBMIT-AFTER-SHUTDOWN*"])


def test_the_plugin_warns_when_a_run_stopped_at_its_budget(pytester: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_nothing="def test_nothing(): pass")
    monkeypatch.setenv("EXECSPEC_MACHINE_BUDGET", "0.5")
    spent = pytester.runpytest_subprocess("--execspec-target", "execspec.impl:ThreadPoolExecutor",
                                          "--execspec-mode", "shim", "--execspec-profile", "dev",
                                          "-p", "no:cacheprovider")
    spent.assert_outcomes(passed=2, warnings=1)
    spent.stdout.fnmatch_lines(["*BudgetSpentWarning*stopped at its 0.5 s budget*"])

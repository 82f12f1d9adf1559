"""Targets that are not executors, or misbehave, get one line and exit status 2, never a traceback,
and before any other work starts; validating a good one leaves nothing running."""

from __future__ import annotations

import doctest
import importlib
import multiprocessing
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Iterator

import pytest

from execspec.commands import check
from execspec.commands.targets_arg import usable_targets
from execspec.targets import Problem, Target, validate

#: a module of factories, each bad in one way; RELEASE lets the hanging ones finish (in-process)
FACTORIES = textwrap.dedent('''
    import concurrent.futures
    import threading

    RELEASE = threading.Event()

    def raises(max_workers=None):
        raise RuntimeError("no pool today")

    def returns_float(max_workers=None):
        return 1.5

    def returns_a_class(max_workers=None):
        return concurrent.futures.ThreadPoolExecutor

    def hangs(max_workers=None):
        RELEASE.wait()
        return concurrent.futures.ThreadPoolExecutor(max_workers)

    def hangs_on_its_own_pool(max_workers=None):
        # a thread pool's worker stuck for good: the interpreter joins it as it exits
        pool = concurrent.futures.ThreadPoolExecutor(1)
        pool.submit(threading.Event().wait).result()

    class ShutdownHangs(concurrent.futures.ThreadPoolExecutor):
        def shutdown(self, wait=True, **kw):
            RELEASE.wait()
            super().shutdown(wait, **kw)

    class ShutdownRaises(concurrent.futures.ThreadPoolExecutor):
        def shutdown(self, wait=True, **kw):
            super().shutdown(wait, **kw)
            raise OSError("cannot let go")

    class Duck:
        """Not an Executor subclass, but it has submit() and shutdown()."""
        def __init__(self, max_workers=None):
            self.pool = concurrent.futures.ThreadPoolExecutor(max_workers)
        def submit(self, fn, *args, **kwargs):
            return self.pool.submit(fn, *args, **kwargs)
        def shutdown(self, wait=True):
            self.pool.shutdown(wait)

    NOT_CALLABLE = 42
''')


@pytest.fixture
def factories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "bad_factories_xyz.py").write_text(FACTORIES)
    (tmp_path / "import_fails_xyz.py").write_text("raise RuntimeError('broken at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    module = sys.modules.get("bad_factories_xyz")
    if module is not None:
        module.RELEASE.set()  # type: ignore[attr-defined]  # hung probe threads finish
    for name in ("bad_factories_xyz", "import_fails_xyz"):
        sys.modules.pop(name, None)


def _problem(text: str, bound: float = 5.0) -> tuple[Problem, str]:
    found = validate(Target.parse(text), bound=bound)
    assert found is not None, f"{text} was accepted"
    assert "\n" not in found.line, found.line
    return found.problem, found.line


@pytest.mark.parametrize("text, problem, said", [
    ("no_such_module_xyz:Pool", Problem.NOT_LOADABLE, "cannot import module 'no_such_module_xyz'"),
    ("import_fails_xyz:Pool", Problem.NOT_LOADABLE, "importing 'import_fails_xyz' raised RuntimeError: broken at import"),
    ("os:no_such_attribute", Problem.NOT_LOADABLE, "module 'os' has no attribute 'no_such_attribute'"),
    ("os:path", Problem.NOT_LOADABLE, "os.path is a module, not callable"),
    ("bad_factories_xyz:NOT_CALLABLE", Problem.NOT_LOADABLE, "is a int, not callable"),
    ("math:sqrt", Problem.FACTORY_RAISED, "math.sqrt(max_workers=1) raised TypeError"),
    ("bad_factories_xyz:raises", Problem.FACTORY_RAISED, "raised RuntimeError: no pool today"),
    ("bad_factories_xyz:returns_float", Problem.NOT_AN_EXECUTOR, "returned 1.5 (a float), not an executor"),
    ("bad_factories_xyz:returns_a_class", Problem.NOT_AN_EXECUTOR, "(a type), not an executor"),
    ("bad_factories_xyz:ShutdownRaises", Problem.SHUTDOWN_RAISED, "raised OSError: cannot let go in shutdown"),
])
def test_each_bad_target_gets_one_line_saying_what_is_wrong(factories: Path, text: str, problem: Problem,
                                                            said: str) -> None:
    found, line = _problem(text)
    assert found is problem
    assert line.startswith(f"target {text!r}: ") and said in line, line


@pytest.mark.parametrize("text, step", [("bad_factories_xyz:hangs", "(max_workers=1) did not return"),
                                        ("bad_factories_xyz:ShutdownHangs", "shutdown(wait=True)")])
def test_a_factory_or_executor_that_hangs_is_named_with_the_bound(factories: Path, text: str, step: str) -> None:
    found = validate(Target.parse(text), bound=0.2)
    assert found is not None and found.problem is Problem.HUNG and found.left_running
    assert step in found.line and "within 0.2 s" in found.line and "EXECSPEC_TARGET_TIMEOUT" in found.line


@pytest.mark.parametrize("text", ["impl", "stdlib", "concurrent.futures.thread:ThreadPoolExecutor",
                                  "concurrent.futures:ProcessPoolExecutor", "bad_factories_xyz:Duck"])
def test_validating_a_good_target_leaves_no_thread_or_process_behind(factories: Path, text: str) -> None:
    threads, children = set(threading.enumerate()), set(multiprocessing.active_children())
    assert validate(Target.parse(text), bound=30) is None
    assert set(threading.enumerate()) - threads == set()  # (a hung probe of a test before may end)
    assert set(multiprocessing.active_children()) - children == set()


def test_every_bad_target_is_reported_before_any_other_work(factories: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    def no_model(*_: object) -> str:
        raise AssertionError("the model ran before the targets were validated")

    monkeypatch.setattr(check, "model_summary", no_model)
    assert check.main(["--no-machine", "impl", "math:sqrt", "not a target", "no_such_module_xyz:Pool"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("execspec check: ") for line in lines), err
    assert "Traceback" not in err


def test_a_hung_target_ends_the_process_rather_than_waiting_on_the_way_out(factories: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(factories), os.environ.get("PYTHONPATH", "")]),
           "EXECSPEC_TARGET_TIMEOUT": "0.5"}
    done = subprocess.run([sys.executable, "-m", "execspec.cli", "check", "--no-machine",
                           "bad_factories_xyz:hangs_on_its_own_pool"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "execspec check: target 'bad_factories_xyz:hangs_on_its_own_pool': "
        "bad_factories_xyz.hangs_on_its_own_pool(max_workers=1) did not return within 0.5 s (hung?); "
        "fix it, or raise the bound with $EXECSPEC_TARGET_TIMEOUT"]


def test_usable_targets_exits_at_once_only_when_a_probe_is_left_running(factories: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECSPEC_TARGET_TIMEOUT", "0.2")
    exits: list[int] = []

    def record(status: int) -> None:
        exits.append(status)

    assert usable_targets(["math:sqrt"], "prog", exit_now=record) is None  # type: ignore[arg-type]
    assert exits == []
    assert usable_targets(["bad_factories_xyz:hangs"], "prog", exit_now=record) is None  # type: ignore[arg-type]
    assert exits == [2]


@pytest.mark.parametrize("name", ["execspec.targets.validation", "execspec.commands.targets_arg",
                                  "execspec.commands.schedule_dir"])
def test_the_examples_in_the_docstrings_run(name: str) -> None:
    assert doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).failed == 0

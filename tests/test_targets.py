"""Targets: CPython's stdlib is recognised by what it is, not by its name; each target knows its kind."""

from __future__ import annotations

import concurrent.futures
import shutil
from pathlib import Path

import pytest

from execspec.targets import ExecutorKind, Target, classify, find_cpython_source


@pytest.mark.parametrize("text", ["stdlib", "concurrent.futures:ThreadPoolExecutor",
                                  "concurrent.futures.thread:ThreadPoolExecutor"])
def test_the_stdlib_is_recognised_by_identity_under_any_name(text: str) -> None:
    target = Target.parse(text)
    assert target.is_cpython_stdlib
    assert target.version is not None  # its clauses are judged for this interpreter's version


@pytest.mark.parametrize("text", ["impl", "known_bad:NoCancel", "no_such_module_xyz:Pool"])
def test_other_executors_are_not_the_stdlib_whatever_they_are_called(text: str) -> None:
    assert not Target.parse(text).is_cpython_stdlib


def test_a_subclass_of_the_stdlib_pool_is_not_the_stdlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_pool_xyz.py").write_text(
        "import concurrent.futures\n"
        "class ThreadPoolExecutor(concurrent.futures.ThreadPoolExecutor):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not Target.parse("my_pool_xyz:ThreadPoolExecutor").is_cpython_stdlib


def test_an_installed_cpythons_source_is_the_stdlib_and_a_copy_elsewhere_is_not(tmp_path: Path) -> None:
    found = find_cpython_source("3.8") or find_cpython_source("3.12")
    if found is None:
        pytest.skip("no other CPython is installed here")
    assert Target.parse(f"source:{found}").is_cpython_stdlib
    copy = tmp_path / "concurrent" / "futures"
    shutil.copytree(found, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert not Target.parse(f"source:{copy}").is_cpython_stdlib


def test_a_source_target_is_source_only_and_an_importable_one_runs_threads_in_process() -> None:
    assert Target.parse("impl").kind is ExecutorKind.IN_PROCESS_THREADS
    found = find_cpython_source("3.8") or find_cpython_source("3.12")
    if found is not None:
        assert Target.parse(f"source:{found}").kind is ExecutorKind.SOURCE_ONLY


def test_classify_tells_a_built_executor_by_what_it_is() -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as threads:
        assert classify(threads) is ExecutorKind.IN_PROCESS_THREADS
    procs = concurrent.futures.ProcessPoolExecutor(1)  # no worker starts before a submit
    try:
        assert classify(procs) is ExecutorKind.PROCESS_POOL
    finally:
        procs.shutdown()
    for module, kind in [("distributed.client", ExecutorKind.DISTRIBUTED),
                         ("loky.process_executor", ExecutorKind.PROCESS_POOL),
                         ("mypkg.pool", ExecutorKind.IN_PROCESS_THREADS)]:
        foreign = type("Foreign", (concurrent.futures.Executor,), {"__module__": module})()
        assert classify(foreign) is kind, module

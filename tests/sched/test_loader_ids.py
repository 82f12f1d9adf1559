"""Shim object ids do not depend on a process's history, so split explorations agree."""

from __future__ import annotations

from typing import Any

from execspec.sched import FirstEnabled
from execspec.sched.runner import run_once


def _shutdown_lock_id(env: Any) -> int:
    cf = env.load("concurrent.futures")
    cf.ThreadPoolExecutor  # noqa: B018 - imports the thread submodule (the package loads it lazily)
    return int(cf.thread._global_shutdown_lock._oid)


def _after_loading_impl_first(env: Any) -> int:
    env.load("execspec.impl")
    return _shutdown_lock_id(env)


def test_a_module_objects_ids_do_not_depend_on_what_its_table_loaded_before() -> None:
    # Different roots give different module tables; one of them loads impl before the stdlib.
    alone = run_once(_shutdown_lock_id, FirstEnabled(), modules=("concurrent.futures",))
    later = run_once(_after_loading_impl_first, FirstEnabled(),
                     modules=("execspec.impl", "concurrent.futures"))
    assert alone.return_value is not None, alone.report and alone.report.render()
    assert alone.return_value == later.return_value

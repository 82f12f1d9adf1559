"""Several roots in one execution: every module the table serves sees one copy of each managed
module -- the fresh one -- whichever root it came through, and whether the module was loaded
in this execution or reused from an earlier one."""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Seeded, run

TESTS_DIR = str(Path(__file__).resolve().parents[1])


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def pkgs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Packages on sys.path under names unique to the test: ``low`` (a pool-ish class on
    ``threading``), ``high`` (imports ``low``), ``kb.target`` (imports ``low`` and a sibling,
    ``kb._api``, that re-exports ``low``) and ``plain`` (imports nothing managed)."""
    tag = "r" + format(abs(hash(str(tmp_path))), "x")[:10]
    names = {k: f"{k}_{tag}" for k in ("low", "high", "kb", "plain")}
    low, high, kb, plain = names["low"], names["high"], names["kb"], names["plain"]
    _write(tmp_path, {
        f"{low}/__init__.py": """
            import threading
            from .core import Thing
            lock = threading.Lock()
            calls = []
        """,
        f"{low}/core.py": """
            import threading
            class Thing:
                def __init__(self):
                    self.cond = threading.Condition()
        """,
        f"{high}/__init__.py": f"""
            import {low}
            from {low} import Thing
            from {low}.core import Thing as CoreThing
            class Sub(Thing):
                pass
            def touch():
                {low}.calls.append(1)
                return len({low}.calls)
        """,
        f"{kb}/__init__.py": "",
        f"{kb}/_api.py": f"""
            import {low}
            from {low} import Thing
        """,
        f"{kb}/target.py": f"""
            import {low}
            from ._api import *
            from . import _api
            import {plain} as plain
        """,
        f"{plain}.py": """
            import json
            VALUE = json.dumps([1])
        """,
    })  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return names


def _ok(ex: Any) -> Any:
    assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
    return ex.return_value


@pytest.mark.parametrize("order", ["high-first", "low-first"])
def test_a_root_importing_another_root_sees_its_fresh_copy(pkgs: dict[str, str], order: str) -> None:
    low, high = pkgs["low"], pkgs["high"]
    modules = (high, low) if order == "high-first" else (low, high)

    def scenario(env: Any) -> bool:
        h = env.load(high)
        lo = env.table.current[low]
        assert lo is not sys.modules.get(low)
        assert getattr(h, low.rpartition(".")[2]) is lo  # ``import low`` binds the fresh copy
        assert h.Thing is lo.Thing is lo.core.Thing is h.CoreThing
        assert lo.threading is env.threading and lo.core.threading is env.threading
        assert isinstance(h.Sub().cond, env.threading.Condition)
        return True

    assert _ok(run(scenario, modules=modules)) is True


def test_roots_share_one_copy_across_consecutive_executions(pkgs: dict[str, str]) -> None:
    low, high = pkgs["low"], pkgs["high"]

    def scenario(env: Any) -> tuple[Any, Any]:
        h = env.load(high)
        lo = env.load(low)
        assert h.Thing is lo.Thing and getattr(h, low) is lo
        assert isinstance(lo.Thing().cond, env.threading.Condition)
        return h, lo

    first = _ok(run(scenario, modules=("concurrent.futures", high, low)))
    for _ in range(3):  # the table is reused: the same module objects, reset, still one copy
        again = _ok(run(scenario, modules=("concurrent.futures", high, low)))
        assert again[0] is first[0] and again[1] is first[1]
    fresh = _ok(run(scenario, modules=("concurrent.futures", high, low), fresh_modules=True))
    assert fresh[0] is not first[0]


def test_a_reused_module_resets_what_it_imported_even_when_nothing_else_imports_it(
        pkgs: dict[str, str]) -> None:  # fmt: skip
    low, high = pkgs["low"], pkgs["high"]

    def both(env: Any) -> int:
        env.load(low)
        return int(env.load(high).touch())

    def high_only(env: Any) -> int:  # low is not imported first: high's import of it activates it
        return int(env.load(high).touch())

    for scenario in (both, high_only, high_only, both):
        assert _ok(run(scenario, modules=(low, high))) == 1  # low.calls was reset every time


def test_a_sibling_that_imports_a_managed_module_is_loaded_fresh(pkgs: dict[str, str]) -> None:
    low, kb, plain = pkgs["low"], pkgs["kb"], pkgs["plain"]

    def scenario(env: Any) -> bool:
        t = env.load(f"{kb}.target")
        lo = env.table.current[low]
        api = env.table.current[f"{kb}._api"]
        assert api is not sys.modules.get(f"{kb}._api") and t._api is api
        assert t.Thing is api.Thing is lo.Thing  # ``from ._api import *``: the fresh low's
        assert t.plain is sys.modules[plain]  # imports nothing managed: the real module
        return True

    for _ in range(3):  # loaded, then reused
        assert _ok(run(scenario, modules=(low,))) is True


def test_a_real_module_becomes_fresh_once_what_it_imports_is_a_root(pkgs: dict[str, str]) -> None:
    low, kb = pkgs["low"], pkgs["kb"]

    def without_root(env: Any) -> bool:
        return env.load(f"{kb}.target")._api.Thing is sys.modules[low].Thing

    def with_root(env: Any) -> bool:
        env.load(low)
        t = env.load(f"{kb}.target")
        return t._api.Thing is env.table.current[low].Thing is t.Thing

    # one table (same initial roots) serves both, in turn: what the first decided is not kept
    assert _ok(run(without_root, modules=())) is True
    assert _ok(run(with_root, modules=())) is True
    assert _ok(run(without_root, modules=())) is True


def test_dotted_import_of_a_root_under_two_stub_parents(pkgs: dict[str, str]) -> None:
    kb = pkgs["kb"]

    def scenario(env: Any) -> bool:
        t = env.load(f"{kb}.target")
        mod = env.exec_source(f"import {kb}.target as m\nimport {kb}._api\nA = {kb}._api\nM = m\n")
        return mod.M is t and mod.A is t._api

    assert _ok(run(scenario)) is True


def test_the_standard_library_stays_real(pkgs: dict[str, str]) -> None:
    def scenario(env: Any) -> bool:
        mod = env.exec_source("import asyncio, json, logging\nA, J, L = asyncio, json, logging\n")
        return mod.A is sys.modules["asyncio"] and mod.J is sys.modules["json"] \
            and mod.L is sys.modules["logging"]

    assert _ok(run(scenario)) is True


# -- the known-bad executors (tests/conformance/known_bad) --------------------------------


@pytest.fixture
def known_bad(monkeypatch: pytest.MonkeyPatch) -> None:
    if TESTS_DIR not in sys.path:
        monkeypatch.syspath_prepend(TESTS_DIR)
    importlib.import_module("conformance.known_bad")


def _wait_on_a_variant_future(env: Any) -> tuple[set[int], set[Any]]:
    env.load("execspec.impl")
    mod = env.load("conformance.known_bad.map_timeout_ignored")  # imports execspec.impl
    ex = mod.MapIgnoresTimeout(max_workers=1)
    f = ex.submit(pow, 2, 2)
    b = mod.Future()
    b.set_result(1)
    done, not_done = mod.wait([f, b])
    assert mod.wait is env.table.current["execspec.impl"].wait  # via _impl_api: the fresh impl
    ex.shutdown()
    return {d.result() for d in done}, not_done


@pytest.mark.parametrize("modules", [("concurrent.futures",), ("concurrent.futures", "execspec.impl")],
                         ids=["target-only", "impl-root"])
def test_a_known_bad_variant_sees_the_fresh_impl(known_bad: None, modules: tuple[str, ...]) -> None:
    for seed in range(4):
        assert _ok(run(_wait_on_a_variant_future, Seeded(seed), modules=modules)) == ({1, 4}, set())


def test_the_repro_runs_under_run_once_with_impl_as_a_root(known_bad: None) -> None:
    def scenario(env: Any) -> Any:
        mod = env.load("conformance.known_bad.map_timeout_ignored")
        ex = mod.MapIgnoresTimeout(max_workers=1)
        f = ex.submit(pow, 2, 2)
        b = mod.Future()
        b.set_result(1)
        return sorted(x.result() for x in mod.wait([f, b]).done)

    assert _ok(run(scenario, modules=("concurrent.futures", "execspec.impl"))) == [1, 4]


def test_tiny_pool_variants_run_on_the_shim_and_replay(known_bad: None) -> None:
    # TinyPool is the variant's sibling (``from ._tiny_pool import *``): it must be the fresh
    # copy, on the shim's threading -- the real one would start real threads.
    def scenario(env: Any) -> tuple[Any, ...]:
        mod = env.load("conformance.known_bad.cancel_runs")
        pool = mod.CancelledStillRuns(max_workers=1)
        assert isinstance(pool._shared.cond, env.threading.Condition)
        gate = env.threading.Event()
        first = pool.submit(gate.wait)
        second = pool.submit(pow, 2, 3)
        cancelled = second.cancel()
        gate.set()
        pool.shutdown()
        return first.result(), cancelled, second.cancelled()

    traces = []
    for _ in range(2):
        ex = run(scenario, Seeded(3))
        assert _ok(ex) == (True, True, True)
        traces.append([str(row) for row in ex.trace])
    assert traces[0] == traces[1]


def test_a_module_whose_finder_has_no_get_code_loads_from_its_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # pytest's assertion rewriter is such a finder for every module of a pytest plugin package
    import importlib.abc
    import importlib.machinery

    name = "nocode_" + format(abs(hash(str(tmp_path))), "x")[:10]
    path = tmp_path / f"{name}.py"
    path.write_text("import threading\nLOCK = threading.Lock()\n")

    class ExecOnly(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname: str, *args: Any) -> Any:
            if fullname != name:
                return None
            return importlib.machinery.ModuleSpec(name, self, origin=str(path))

        def exec_module(self, module: Any) -> None:
            exec(compile(path.read_text(), str(path), "exec"), module.__dict__)

    monkeypatch.setattr(sys, "meta_path", [ExecOnly(), *sys.meta_path])

    def scenario(env: Any) -> bool:
        return isinstance(env.load(name).LOCK, env.threading.Lock)

    assert _ok(run(scenario)) is True


def test_a_package_whose_init_imports_a_fresh_submodule_is_fresh_too(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A target that imports ``lib._pool`` (which imports a managed module) before ``lib``:
    ``lib``'s ``__init__`` imports ``lib._pool``, so a real ``lib`` would hand out the real
    ``Pool`` through ``from lib import Pool``. (The known-bad executors built on impl did this:
    ``from execspec.impl._executor import ...`` then ``from execspec.impl import ...`` gave
    them impl's real pool, whose threads the shim did not control.)"""
    tag = "p" + format(abs(hash(str(tmp_path))), "x")[:10]
    low, lib, tgt = f"low_{tag}", f"lib_{tag}", f"tgt_{tag}"
    _write(tmp_path, {
        f"{low}.py": "import threading\nLock = threading.Lock\n",
        f"{lib}/__init__.py": "from ._pool import Pool\n",
        f"{lib}/_pool.py": f"import {low}\nclass Pool:\n    lock = {low}.Lock\n",
        f"{tgt}.py": f"from {lib}._pool import Pool as Deep\nfrom {lib} import Pool\n",
    })  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()

    def scenario(env: Any) -> bool:
        t = env.load(tgt)
        real = importlib.import_module(lib).Pool
        assert t.Deep is t.Pool, "one copy of lib._pool in an execution"
        assert t.Pool is not real, "from lib import Pool handed out the real class"
        assert t.Pool.lock is env.threading.Lock, "the fresh copy is bound to the shim"
        return True

    for _ in range(2):  # loaded, then reused
        assert _ok(run(scenario, modules=(low,))) is True

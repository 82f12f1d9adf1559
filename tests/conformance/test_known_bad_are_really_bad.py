"""Every known-bad executor really has its bug, and the good executors really do not.

For each variant in ``conformance.known_bad.KNOWN_BAD`` a small real-thread reproduction of its
one bug: it raises AssertionError on the variant, and passes on ``execspec.impl`` and on
``TinyPool`` (the correct from-scratch base). So a checker that "catches" a variant catches a
real bug, and one that misses it is missing a bug that is provably there.

The reproductions are in ``conformance/known_bad/_reproductions.py`` (events and gates, never
sleeps; every wait bounded), so the golden tests of the machine can reuse them.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import execspec.impl as impl
from execspec.spec import load

import conformance.known_bad as known_bad
from conformance.known_bad import _tiny_pool
from conformance.known_bad._reproductions import BAD_BOUND, GOOD_BOUND, REPRODUCTIONS, Make


VARIANTS = sorted(known_bad.KNOWN_BAD.items())
GOOD: list[tuple[Make, ModuleType]] = [
    (impl.ThreadPoolExecutor, impl),
    (_tiny_pool.TinyPool, _tiny_pool),
]


def _load(target: str) -> tuple[Make, ModuleType]:
    module, _, factory = target.partition(":")
    mod = importlib.import_module(module)
    return getattr(mod, factory), mod


def _short(target: str) -> str:
    return target.rpartition(".")[2]


@pytest.mark.parametrize(("target", "clause"), VARIANTS, ids=[_short(t) for t, _ in VARIANTS])
def test_the_variant_has_its_bug(target: str, clause: str) -> None:
    make, api = _load(target)
    with pytest.raises(AssertionError):
        REPRODUCTIONS[clause](make, api, BAD_BOUND)


@pytest.mark.parametrize(("target", "clause"), VARIANTS, ids=[_short(t) for t, _ in VARIANTS])
@pytest.mark.parametrize(("make", "api"), GOOD, ids=["impl", "TinyPool"])
def test_a_good_executor_does_not_have_the_bug(target: str, clause: str, make: Make,
                                               api: ModuleType) -> None:  # fmt: skip
    REPRODUCTIONS[clause](make, api, GOOD_BOUND)


def test_the_table_lists_every_variant_module_with_a_real_clause() -> None:
    clauses = load().clauses
    modules = {m.name for m in pkgutil.iter_modules(known_bad.__path__)
               if not m.name.startswith("_")}  # fmt: skip
    listed = {t.partition(":")[0].rpartition(".")[2] for t in known_bad.KNOWN_BAD}
    assert modules == listed, f"modules without a KNOWN_BAD entry: {modules - listed}"
    assert len(known_bad.KNOWN_BAD) >= 17 and len(known_bad.SCRATCH) >= 3
    for target, clause in known_bad.KNOWN_BAD.items():
        assert clause in clauses, f"{target} names {clause}, which is in no specs/*.md"
        make, _ = _load(target)
        assert clause in (make.__doc__ or ""), f"the docstring of {target} does not name {clause}"


@pytest.mark.parametrize("target", sorted(known_bad.KNOWN_BAD) + list(known_bad.GOOD_CONTROLS),
                         ids=_short)  # fmt: skip
def test_every_target_imports_and_runs_a_call_with_its_own_wait(target: str) -> None:
    make, api = _load(target)
    for name in ("wait", "as_completed", "Future", "CancelledError", "TimeoutError",
                 "BrokenExecutor"):  # fmt: skip
        assert hasattr(api, name), f"{target}: its module has no {name} for the checker"
    ex = make(max_workers=None, thread_name_prefix="", initializer=None, initargs=())
    try:
        f = ex.submit(pow, 2, 10)
        assert f.result(GOOD_BOUND) == 1024
        assert f in api.wait([f], timeout=GOOD_BOUND).done
    finally:
        ex.shutdown(wait=True)


def test_from_scratch_variants_are_built_on_the_stdlib_future() -> None:
    import concurrent.futures as stdlib

    for target in known_bad.SCRATCH:
        make, _ = _load(target)
        ex = make(max_workers=1)
        f = ex.submit(abs, 1)
        ex.shutdown(wait=True)
        assert isinstance(f, stdlib.Future) and not isinstance(f, impl.Future), target
        assert not issubclass(make, impl.Executor), target

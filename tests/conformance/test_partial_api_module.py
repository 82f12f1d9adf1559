"""A target whose module has only some of ``concurrent.futures``' names is driven with the
stdlib's for the rest: a check never fails on a name the module was never asked to provide
(before, a module with a ``wait`` but no ``as_completed`` failed 20 clauses with AttributeError
under the shim: the harness's assumption, reported as the target's failure). Its verdicts are
the stdlib's own, since its pool is the stdlib's."""

from __future__ import annotations

from tempfile import TemporaryDirectory
from pathlib import Path

import pytest

from execspec.conformance.scenarios import run
from execspec.targets import Target


@pytest.mark.timeout(300)
def test_a_module_with_part_of_the_api_gets_the_stdlibs_verdicts() -> None:
    partial, stdlib = Target.parse("conformance.partial_api_pool:PartialPool"), Target.parse("stdlib")
    with TemporaryDirectory() as tmp:
        result = run([partial, stdlib], schedule_dir=Path(tmp))
    mine, theirs = result.targets
    messages = [o.failure.message for o in mine.outcomes if o.failure is not None]
    assert not any("AttributeError" in m for m in messages), messages
    failed = {(o.check, o.mode) for o in mine.outcomes if not o.passed}
    assert failed == {(o.check, o.mode) for o in theirs.outcomes if not o.passed}
    assert failed  # the stdlib's divergences (gh-92001 ...), which this pool shares: a real comparison


def test_the_module_surface_is_judged_on_the_module_when_it_offers_wait_and_as_completed() -> None:
    import concurrent.futures as cf
    import types

    from execspec.conformance.api_cases import PROGRAMS
    from execspec.sched.loader.futures_api import futures_api

    names = PROGRAMS["module-names"]
    half = types.ModuleType("half")  # presents itself as a concurrent.futures of its own ...
    half.wait, half.as_completed = cf.wait, cf.as_completed  # type: ignore[attr-defined]
    said = names(types.SimpleNamespace(cf=futures_api(half, cf)))
    assert said[0].startswith("missing ") and "FIRST_COMPLETED" in said[0] and "wait" not in said[0], said
    pool_only = types.ModuleType("pool_only")  # ... this one does not: the stdlib's names are judged
    pool_only.wait = cf.wait  # type: ignore[attr-defined]
    assert names(types.SimpleNamespace(cf=futures_api(pool_only, cf))) == ("none missing",)
    assert names(types.SimpleNamespace(cf=cf)) == ("none missing",)

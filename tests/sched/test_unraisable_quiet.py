"""An abandoned execution's generators, finalized later, print nothing; other unraisable
exceptions still reach the hook.

The reproduction is the conformance machine's as_completed shapes on impl under the shim: a
caller parked in ``next()`` when an execution ends leaves impl's as_completed generator to the
garbage collector, whose clean-up then takes a lock of a dead execution.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest

import execspec.sched.runner as runner
from execspec.conformance.machine import Mode, machine_for
from execspec.conformance.shape_runner import run_shapes
from execspec.conformance.shapes import SHAPES
from execspec.targets import Target

_AS_COMPLETED = tuple(s for s in SHAPES if s.name.startswith("as_completed"))


def _unraisable_during_shapes(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    run_shapes(machine_for(Target.parse("impl"), Mode.SHIM), _AS_COMPLETED)
    gc.collect()
    return seen


def _greenlet_exits(seen: list[BaseException]) -> list[BaseException]:
    return [e for e in seen if type(e).__name__ == "GreenletExit"]


def test_without_the_filter_the_noise_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "quiet_greenlet_exit", lambda: None)
    assert _greenlet_exits(_unraisable_during_shapes(monkeypatch)), "the reproduction no longer reproduces"


def test_no_greenlet_exit_reaches_the_hook_but_others_do(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _unraisable_during_shapes(monkeypatch)
    assert not _greenlet_exits(seen), seen

    class Boom:
        def __del__(self) -> None:
            raise ValueError("still reported")

    def make() -> Any:
        return Boom()

    make()
    gc.collect()
    assert any(isinstance(e, ValueError) for e in seen), "other unraisable exceptions still reach the hook"

"""The enumerated shapes (execspec/conformance/shapes.py) name only the machine's rules, stay
within its bound on futures (a step past it would silently do nothing), and are left out where
their marks say: interpreter exit on real threads, a CPython defect the model does not record
yet on CPython's stdlib."""

from __future__ import annotations

from typing import Any

from execspec.conformance.machine import MAX_FUTURES, ConformanceMachine
from execspec.conformance.shape_runner import run_shapes
from execspec.conformance.shapes import SHAPES, Shape


def test_every_step_is_a_rule_of_the_machine() -> None:
    for shape in SHAPES:
        assert shape.steps[0][0] == "create", shape.name
        for name, _ in shape.steps:
            assert callable(getattr(ConformanceMachine, name, None)), (shape.name, name)


def test_no_shape_asks_for_more_futures_than_an_example_may_make() -> None:
    for shape in SHAPES:
        made = 0
        for name, kwargs in shape.steps:
            if name in ("submit", "new_future"):
                made += 1
            elif name == "submit_waiting":
                made += 2 if kwargs["n"] < 0 else 1
            elif name == "map":
                made += len(kwargs["kinds"])
        assert made <= MAX_FUTURES, (shape.name, made)


def _stub(shim: bool, cpython: bool) -> Any:
    class Stub:
        found: list[Any] = []
        ended = False

        def __init__(self) -> None:
            self.steps: list[Any] = []

        def __getattr__(self, name: str) -> Any:
            return lambda **kwargs: None

        def teardown(self) -> None:
            pass

    Stub.shim, Stub.cpython = shim, cpython  # type: ignore[attr-defined]
    return Stub


def test_marked_shapes_are_left_out_where_they_cannot_run() -> None:
    # no shape is marked cpython_bug today (the one that was is a recorded divergence now), so
    # the test adds one, a copy of the first shape
    marked = Shape("a marked copy", SHAPES[0].steps, schedules=2, cpython_bug="a defect the model does not record")
    shapes = (*SHAPES, marked)
    every = sum(s.schedules for s in shapes)
    shim_only = sum(s.schedules for s in shapes if s.shim_only)
    cpython_bug = sum(s.schedules for s in shapes if s.cpython_bug)
    assert shim_only and cpython_bug == 2
    assert run_shapes(_stub(shim=True, cpython=False), shapes) == every
    assert run_shapes(_stub(shim=False, cpython=False), shapes) == every - shim_only
    assert run_shapes(_stub(shim=True, cpython=True), shapes) == every - cpython_bug

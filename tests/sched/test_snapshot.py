"""loader.snapshot: the resets that put a reused module back the way its code left it."""

from __future__ import annotations

import types
from typing import Any

from execspec.sched.loader.snapshot import plan_module

WRITES: list[str] = []  # attributes set on a class of the planned module, in order


class Counting(type):
    """Records every attribute set on its classes (defined here, so the plan leaves it be)."""

    def __setattr__(cls, name: str, value: Any) -> None:
        WRITES.append(name)
        super().__setattr__(name, value)


SOURCE = """
import itertools

class Pool(metaclass=Counting):
    _counter = itertools.count().__next__
    size = 2

numbers = itertools.count(5)
"""


def _module() -> Any:
    mod = types.ModuleType("planned")
    mod.Counting = Counting  # type: ignore[attr-defined]
    exec(compile(SOURCE, "<planned>", "exec"), mod.__dict__)
    return mod


def _reset(resets: list[Any]) -> None:
    for reset in resets:
        reset()


def test_a_used_counter_restarts_and_nothing_else_is_rewritten() -> None:
    mod = _module()
    resets = plan_module(mod)
    assert resets is not None
    for _ in range(2):  # an execution that uses the counters, then the reset of the next one
        assert [mod.Pool._counter() for _ in range(3)] == [0, 1, 2]
        assert [next(mod.numbers) for _ in range(2)] == [5, 6]
        WRITES.clear()
        _reset(resets)
        # The counter's own rebind only: a namespace check that still held the first counter
        # would find the class changed and rewrite it (two writes of ``_counter``).
        assert WRITES == ["_counter"]
    assert mod.Pool._counter() == 0 and next(mod.numbers) == 5


def test_a_changed_attribute_beside_a_counter_is_restored() -> None:
    mod = _module()
    resets = plan_module(mod)
    assert resets is not None
    mod.Pool._counter()
    mod.Pool.size = 9
    mod.extra = object()
    _reset(resets)
    assert mod.Pool.size == 2 and not hasattr(mod, "extra")
    assert mod.Pool._counter() == 0


def test_weak_containers_are_emptied_and_their_late_callbacks_are_harmless() -> None:
    mod = types.ModuleType("weak")
    exec("import weakref\nkeys = weakref.WeakKeyDictionary()\nvalues = weakref.WeakValueDictionary()\n"
         "members = weakref.WeakSet()\n", mod.__dict__)
    resets = plan_module(mod)
    assert resets is not None

    class Thing:
        pass

    kept, dropped = Thing(), Thing()
    mod.keys[kept] = 1
    mod.keys[dropped] = 2
    mod.values["a"] = dropped
    mod.members.add(dropped)
    _reset(resets)
    assert (len(mod.keys), len(mod.values), len(mod.members)) == (0, 0, 0)
    del dropped  # its entries' callbacks find them gone already, as after popitem
    mod.keys[kept] = 3
    assert dict(mod.keys.items()) == {kept: 3}


def test_a_weak_dictionary_without_the_expected_internals_is_emptied_by_its_own_clear() -> None:
    from execspec.sched.loader.snapshot import _emptier

    class OtherWeakDict:  # a later Python's weak dictionary, say: no ``data``, no pending list
        def __init__(self) -> None:
            self.entries = {"a": 1}

        def clear(self) -> None:
            self.entries.clear()

    d = OtherWeakDict()
    _emptier(d)()
    assert d.entries == {}

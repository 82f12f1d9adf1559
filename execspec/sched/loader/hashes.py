"""Address-free hashing for the code under test, so its sets iterate the same way every run.

CPython hashes an object without ``__hash__`` by its address, and iterates a set in hash
order. The stdlib's ``wait()`` and ``as_completed()`` put futures in sets and take their
conditions in ``sorted(futures, key=id)`` order, so the order of their scheduling steps
-- and of the futures ``as_completed`` yields -- followed memory addresses: the same
choices replayed a different trace. (CPython promises neither order, so fixing one loses
nothing.)

For classes a loaded module defines with the default ``object.__hash__``, the loader
installs ``stable_hash``: an object's hash is the number of objects hashed before it in
this execution (assigned on first use, kept for its lifetime). The loaded modules'
``id()`` returns that same number for such objects and the real id otherwise. Equality is
untouched (identity); only hash values change.
"""

from __future__ import annotations

import functools
import itertools
import types
import weakref
from typing import Any

from execspec.sched.kernel.runtime import current_cthread

__all__ = ["install_stable_hashes", "stable_hash", "stable_id"]

# id(obj) -> (weak reference, number); an entry dies with its object
_NUMBERS: dict[int, tuple[weakref.ref[Any], int]] = {}
_OUTSIDE = itertools.count(1 << 40)  # numbers handed out outside any execution
_COUNTER = object()  # key of this execution's count in ``Runtime.extensions``


def _forget(key: int, ref: weakref.ref[Any]) -> None:
    entry = _NUMBERS.get(key)
    if entry is not None and entry[0] is ref:
        del _NUMBERS[key]


def _number(obj: object) -> int | None:
    key = id(obj)
    entry = _NUMBERS.get(key)
    if entry is not None and entry[0]() is obj:
        return entry[1]
    try:
        ref = weakref.ref(obj, functools.partial(_forget, key))
    except TypeError:  # no weak references (slots without __weakref__): keep the address
        return None
    th = current_cthread()
    if th is None:
        n = next(_OUTSIDE)
    else:
        ext = th.rt.extensions
        n = ext[_COUNTER] = ext.get(_COUNTER, 0) + 1
    _NUMBERS[key] = (ref, n)
    return n


def stable_hash(self: object) -> int:
    """``__hash__`` for loaded classes: first-use order in the execution, not the address."""
    n = _number(self)
    return object.__hash__(self) if n is None else n


def stable_id(obj: object) -> int:
    """``id`` for loaded modules: the stable number of objects that hash stably."""
    if getattr(type(obj), "__hash__", None) is stable_hash:
        n = _number(obj)
        if n is not None:
            return n
    return id(obj)


def install_stable_hashes(mod: types.ModuleType) -> None:
    """Give the classes ``mod`` defines with the default hash the address-free one."""
    for value in list(mod.__dict__.values()):
        if (isinstance(value, type) and value.__module__ == mod.__name__
                and value.__hash__ is object.__hash__):  # type: ignore[comparison-overlap]
            try:
                value.__hash__ = stable_hash  # type: ignore[assignment,method-assign]
            except TypeError:  # a type that refuses attribute assignment
                pass

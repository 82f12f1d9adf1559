"""Put a loaded module back the way its code left it, so the next execution can reuse it.

Executing a module's code is the dominant cost of a short execution (the stdlib's
``concurrent.futures._base`` alone builds a dozen classes and a namedtuple: ~200 us). So a
``ModuleTable`` keeps its modules between executions and, before an execution first uses
a module, *resets* it: every global and every attribute of a class the module defines is
rebound to what it was right after the module ran, and the mutable objects they hold are
restored in place.

``plan_module`` walks the module's state once, right after it ran, and returns a list of
reset actions -- or None when it meets an object it does not know how to restore, in
which case the table is never reused and every execution runs the code afresh (slower,
never wrong). Known: immutable values, modules, functions and classes, builtins, loggers
(process-wide by design), lists, dicts, sets, deques, empty weak containers, shim
primitives (their ``__dict__`` is restored; ids and names are assigned per module, so
they are the same in every execution), ``itertools.count`` (rebound to a fresh counter).
"""

from __future__ import annotations

import enum
import functools
import importlib.machinery
import itertools
import logging
import re
import types
import weakref
from collections import deque, namedtuple
from typing import Any, Callable

from execspec.sched.kernel.prim import Prim

__all__ = ["plan_module"]

Reset = Callable[[], None]

_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, range, type(Ellipsis),
              type(NotImplemented), frozenset)
_SHARED = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type,
           staticmethod, classmethod, property, types.MemberDescriptorType,
           types.GetSetDescriptorType, types.WrapperDescriptorType, types.MethodDescriptorType,
           logging.Logger, types.MethodWrapperType, types.GenericAlias,
           importlib.machinery.ModuleSpec,
           type(namedtuple("_T", "a").a))  # type: ignore[attr-defined]  # field getters
#: objects of these modules' types are immutable declarations (TypeVar, Generic aliases,
#: ``from __future__ import annotations``)
_SHARED_MODULES = frozenset({"typing", "__future__", "typing_extensions", "enum"})
_COUNT_REPR = re.compile(r"count\((-?\d+)\)$")


class _Unknown(Exception):
    """An object whose state the planner cannot restore."""


def plan_module(mod: types.ModuleType) -> list[Reset] | None:
    """Reset actions for ``mod`` (globals and classes it defines), or None if unknowable."""
    resets: list[Reset] = []
    seen: set[int] = set()
    try:
        _plan_namespace(mod.__dict__, resets, seen, mod.__name__)
    except _Unknown:
        return None
    return _checked_first(resets)


class _Checked:
    """A reset that acts only when a live namespace (a module's dict, a class's mapping
    proxy, which stays live) no longer equals what was saved of it."""

    __slots__ = ("live", "saved", "act")

    def __init__(self, live: Any, saved: dict[str, Any], act: Reset) -> None:
        self.live, self.saved, self.act = live, saved, act

    def __call__(self) -> None:
        if self.live != self.saved:  # compares identities first, in C: cheap when unchanged
            self.act()


def _checked_first(resets: list[Reset]) -> list[Reset]:
    """The same resets, those that act only on a change (the module's namespace and its
    classes') folded into one that compares them all in a single C call: a module reused
    unchanged, the common case, costs one comparison instead of a Python call per class.
    They go first: each acts on its own namespace only, and each was planned before every
    reset of the slots its namespace holds (a slot's rebind must follow its restore)."""
    checked = [r for r in resets if type(r) is _Checked]
    if len(checked) < 2:
        return resets
    live = tuple(c.live for c in checked)
    saved = tuple(c.saved for c in checked)
    each = tuple((c.live, c.saved, c.act) for c in checked)

    def restore_changed() -> None:
        if live != saved:
            for now, then, act in each:
                if now != then:
                    act()

    return [restore_changed, *(r for r in resets if type(r) is not _Checked)]


def _plan_namespace(ns: dict[str, Any], resets: list[Reset], seen: set[int], modname: str) -> None:
    saved = dict(ns)

    def restore() -> None:
        ns.clear()
        ns.update(saved)

    resets.append(_Checked(ns, saved, restore))
    for key, value in saved.items():
        if key != "__builtins__":  # the table's own, the same for every execution
            _plan_slot(value, resets, seen, modname, functools.partial(ns.__setitem__, key),
                       (saved, key))


def _plan_class(cls: type, resets: list[Reset], seen: set[int], modname: str) -> None:
    saved = dict(vars(cls))
    fixed = ("__dict__", "__weakref__")

    def restore() -> None:
        current = vars(cls)
        for k in [k for k in current if k not in saved]:
            delattr(cls, k)
        for k, v in saved.items():
            if k not in fixed and current.get(k, restore) is not v:
                setattr(cls, k, v)

    resets.append(_Checked(vars(cls), saved, restore))  # the proxy stays live: cls's own dict
    for key, value in saved.items():
        if key not in fixed:
            _plan_slot(value, resets, seen, modname, functools.partial(setattr, cls, key),
                       (saved, key))


def _plan_slot(value: Any, resets: list[Reset], seen: set[int], modname: str,
               rebind: Callable[[Any], None],
               saved: tuple[dict[str, Any], str] | None = None) -> None:
    """Plan ``value``, held in a slot that ``rebind`` can overwrite; ``saved``: the saved
    namespace that holds it, and its key, when a ``_Checked`` reset compares that namespace."""
    counter = value.__self__ if type(value) is types.MethodWrapperType else value
    if type(counter) is itertools.count:
        m = _COUNT_REPR.match(repr(counter))
        if m is None:
            raise _Unknown(repr(counter))
        start = int(m.group(1))
        bound = type(value) is types.MethodWrapperType

        def fresh_count() -> None:
            fresh = itertools.count(start)
            new = fresh.__next__ if bound else fresh
            rebind(new)
            if saved is not None:
                # what the namespace's check compares against: else every execution would
                # find it changed (a new counter in the slot) and restore all of it
                saved[0][saved[1]] = new

        resets.append(fresh_count)
        return
    _plan_value(value, resets, seen, modname)


def _plan_value(value: Any, resets: list[Reset], seen: set[int], modname: str) -> None:
    if isinstance(value, _IMMUTABLE):
        return
    if type(value) is tuple:
        for v in value:
            _plan_value(v, resets, seen, modname)
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, type):
        if value.__module__ == modname:
            _plan_class(value, resets, seen, modname)
        return
    if isinstance(value, (_SHARED, enum.Enum)) or type(value).__module__ in _SHARED_MODULES:
        return
    if type(value) is types.MethodType:
        _plan_value(value.__self__, resets, seen, modname)
        return

    if isinstance(value, Prim):
        _plan_instance(value, resets, seen, modname)
    elif type(value) is list:
        items = list(value)
        resets.append(lambda: value.__setitem__(slice(None), items))
        for v in items:
            _plan_value(v, resets, seen, modname)
    elif type(value) in (dict, set, deque):
        snap = value.copy()

        def refill() -> None:
            value.clear()
            if type(value) is deque:
                value.extend(snap)
            else:
                value.update(snap)

        resets.append(refill)
        for v in (snap.items() if type(value) is dict else snap):
            _plan_value(v, resets, seen, modname)
    elif isinstance(value, (weakref.WeakKeyDictionary, weakref.WeakValueDictionary, weakref.WeakSet)):
        if len(value):
            raise _Unknown(f"non-empty {type(value).__name__}")
        resets.append(value.clear if type(value) is weakref.WeakSet else _emptier(value))
    else:
        raise _Unknown(type(value).__qualname__)


def _emptier(value: Any) -> Reset:
    """``clear`` of a weak dictionary, in C: theirs is MutableMapping's, a Python loop of
    ``popitem`` (the stdlib's ``_threads_queues`` holds a pool's threads at every exit). Their
    entries' callbacks tolerate a key already gone, as after ``popitem``. A Python whose weak
    dictionaries lack those two attributes gets their own ``clear``."""
    if not (hasattr(value, "data") and hasattr(value, "_pending_removals")):
        clear: Reset = value.clear
        return clear

    def empty() -> None:
        value.data.clear()
        if value._pending_removals:
            value._pending_removals.clear()

    return empty


def _plan_instance(obj: Any, resets: list[Reset], seen: set[int], modname: str) -> None:
    state = dict(obj.__dict__)

    def restore() -> None:
        d = obj.__dict__
        d.clear()
        d.update(state)
        obj._adopt()

    resets.append(restore)
    for key, value in state.items():
        if key != "_rt":
            _plan_slot(value, resets, seen, modname, functools.partial(obj.__dict__.__setitem__, key))

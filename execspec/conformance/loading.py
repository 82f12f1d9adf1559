"""From a target to a session: how the machine gets at an executor in each mode.

Under the shim the target's module is loaded fresh in every execution (``env.load``, or
``env.load_source`` for another CPython's source); on real threads it is imported once. Either
way the ``wait``/``as_completed``/``Future`` the driver uses are the target module's own when it
has them (so an executor's futures meet the functions written for them), else the stdlib's.
"""

from __future__ import annotations

import importlib
import threading
import time
from typing import Any, Callable

from execspec.conformance.driver import World
from execspec.conformance.kits import ThreadKit
from execspec.conformance.session import Session, ShimSession, ThreadSession

#: real seconds a gated task waits for its gate before giving up (a harness that lost track)
GATE_BOUND = 60.0
_NAMES = ("wait", "as_completed", "Future")


def _namespace(mod: Any, fallback: Callable[[], Any]) -> Any:
    return mod if all(hasattr(mod, n) for n in _NAMES) else fallback()


def shim_loader(target: Any) -> Callable[[Any], tuple[Any, Callable[..., Any]]]:
    """``env -> (namespace, factory)`` for a target under the shim."""
    def load(env: Any) -> tuple[Any, Callable[..., Any]]:
        if target.source_dir is not None:
            mod = env.load_source(str(target.source_dir), target.module)
        else:
            mod = env.load(target.module)
        return _namespace(mod, lambda: env.load("concurrent.futures")), getattr(mod, target.factory)
    return load


def session_factory(target: Any, mode: Any) -> Callable[[], Session]:
    """A function making a fresh session on ``target`` for each machine run."""
    if mode.value == "shim":
        load = shim_loader(target)
        return lambda: ShimSession(load)
    factory = target.load_factory()
    cf = _namespace(importlib.import_module(target.module), lambda: importlib.import_module("concurrent.futures"))

    def make() -> Session:
        return ThreadSession(World(cf, factory, threading, time), ThreadKit(threading, GATE_BOUND))
    return make

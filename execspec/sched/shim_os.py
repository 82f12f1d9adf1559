"""Shim ``os``, ``atexit`` and ``_thread``: the few hooks executors touch.

``os`` is a proxy: every name comes from the real module except ``cpu_count`` and
``process_cpu_count`` (a fixed, configurable count, so default pool sizes and therefore
schedules are the same on every machine) and ``register_at_fork`` (recorded on the Env,
never registered with the real interpreter). ``atexit`` records callbacks that
``env.exit_interpreter()`` runs. ``_thread`` maps the low-level API onto the shim classes.

``weakref`` is left real: weak references to shim objects work as they do to any object,
and a callback the collector runs outside a controlled thread (the stdlib executor's
``weakref_cb`` puts ``None`` on its queue) performs non-blocking shim operations without a
scheduling point (see ``shim_sync``).
"""

from __future__ import annotations

import functools
import os as _real_os
import types
from typing import TYPE_CHECKING, Any, Callable

from execspec.sched.runtime import current_cthread
from execspec.sched.shim_sync import TIMEOUT_MAX, Lock, RLock
from execspec.sched.shim_threading import Thread, get_ident, get_native_id, local

if TYPE_CHECKING:
    from execspec.sched.shim_env import Env

__all__ = ["build_atexit_module", "build_os_module", "build_thread_module"]


def build_os_module(env: Env) -> types.ModuleType:
    """A proxy of the real ``os`` with the executor-relevant hooks replaced."""
    mod = types.ModuleType("os", "Shim os proxy (execspec.sched): real os except a few hooks.")

    def cpu_count() -> int:
        return env.cpu_count

    def register_at_fork(*, before: Callable[[], object] | None = None,
                         after_in_parent: Callable[[], object] | None = None,
                         after_in_child: Callable[[], object] | None = None) -> None:
        if before is None and after_in_parent is None and after_in_child is None:
            raise TypeError("At least one argument is required.")
        env.fork_hooks.append({"before": before, "after_in_parent": after_in_parent,
                               "after_in_child": after_in_child})

    def getattr_(name: str) -> Any:
        return getattr(_real_os, name)

    mod.__dict__.update({
        "cpu_count": cpu_count, "process_cpu_count": cpu_count,
        "register_at_fork": register_at_fork, "getpid": _real_os.getpid,
        "path": _real_os.path, "__getattr__": getattr_,
    })
    return mod


def build_atexit_module(env: Env) -> types.ModuleType:
    """An ``atexit`` whose callbacks run at ``env.exit_interpreter()``, after thread hooks."""
    mod = types.ModuleType("atexit", "Shim atexit (execspec.sched).")

    def register(func: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[..., object]:
        env.atexits.append((func, functools.partial(func, *args, **kwargs)))
        return func

    def unregister(func: Callable[..., object]) -> None:
        env.atexits[:] = [(f, p) for f, p in env.atexits if f != func]

    def _ncallbacks() -> int:
        return len(env.atexits)

    def _clear() -> None:
        env.atexits.clear()

    mod.__dict__.update({"register": register, "unregister": unregister,
                         "_ncallbacks": _ncallbacks, "_clear": _clear,
                         "_run_exitfuncs": env.run_atexits})
    return mod


def _start_new_thread(function: Callable[..., object], args: tuple[Any, ...],
                      kwargs: dict[str, Any] | None = None) -> int:
    t = Thread(target=function, args=args, kwargs=kwargs, daemon=True)
    t.start()
    ident = t.ident
    assert ident is not None
    return ident


def _count() -> int:
    th = current_cthread()
    return 0 if th is None else len(th.rt.live) - 1


def build_thread_module() -> types.ModuleType:
    """A ``_thread`` module over the shim classes."""
    mod = types.ModuleType("_thread", "Shim _thread (execspec.sched).")
    mod.__dict__.update({
        "allocate_lock": Lock, "allocate": Lock, "LockType": Lock, "RLock": RLock,
        "get_ident": get_ident, "get_native_id": get_native_id,
        "start_new_thread": _start_new_thread, "start_new": _start_new_thread,
        "error": RuntimeError, "TIMEOUT_MAX": TIMEOUT_MAX, "_local": local,
        "_count": _count, "stack_size": lambda size=0: 0,
    })
    return mod

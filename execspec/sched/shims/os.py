"""Shim ``os``, ``atexit`` and ``_thread``: the few hooks executors touch.

``os`` is a proxy: every name comes from the real module except ``cpu_count`` and
``process_cpu_count`` (a fixed, configurable count, so default pool sizes and therefore
schedules are the same on every machine) and ``register_at_fork`` (recorded on the Env,
never registered with the real interpreter). ``atexit`` records callbacks that
``env.exit_interpreter()`` runs. ``_thread`` maps the low-level API onto the shim classes.
All of them find the execution through the running controlled thread, so one module object
serves any execution.

The waits on a child process (``waitpid``, ``wait``, ``wait3``, ``wait4``, ``waitid``) made
from a controlled thread fail the execution as an uncontrolled wait (``kernel.outside``): a
child is real, and polling it while virtual time runs (``subprocess.Popen.wait(timeout=30)``
polls ``waitpid(pid, WNOHANG)`` and sleeps) would time out on a child that is still working.
Outside a controlled thread they are the real calls.

``weakref`` is left real: weak references to shim objects work as they do to any object,
and a callback the collector runs outside a controlled thread (the stdlib executor's
``weakref_cb`` puts ``None`` on its queue) performs non-blocking shim operations without a
scheduling point (see ``shims.sync``).
"""

from __future__ import annotations

import functools
import os as _real_os
import sys
from typing import TYPE_CHECKING, Any, Callable

from execspec.sched.kernel.outside import OutsideWait, fail_outside
from execspec.sched.kernel.runtime import current_cthread
from execspec.sched.shims.sync import TIMEOUT_MAX, Lock, RLock
from execspec.sched.shims.threading import Thread, get_ident, get_native_id, local

if TYPE_CHECKING:
    from execspec.sched.kernel.protocols import Host

__all__ = ["ATEXIT_TEMPLATE", "OS_TEMPLATE", "THREAD_TEMPLATE"]


def _env(what: str) -> Host:
    th = current_cthread()
    if th is None or th.rt.env is None:
        raise RuntimeError(f"shim {what} outside a controlled thread: call it from the scenario "
                           "or from a thread the scenario starts")
    return th.rt.env


def cpu_count() -> int | None:
    """The execution's fixed CPU count (``run_once(cpu_count=...)``, or within ``env.cpus()``);
    None, as the real one may answer, when the execution says the OS cannot tell."""
    th = current_cthread()
    if th is None or th.rt.env is None:
        return _real_os.cpu_count() or 1
    return th.rt.env.cpu_count


def register_at_fork(*, before: Callable[[], object] | None = None,
                     after_in_parent: Callable[[], object] | None = None,
                     after_in_child: Callable[[], object] | None = None) -> None:
    """Record fork hooks on the Env (the shim never forks)."""
    if before is None and after_in_parent is None and after_in_child is None:
        raise TypeError("At least one argument is required.")
    _env("os.register_at_fork()").register("fork_hooks", {
        "before": before, "after_in_parent": after_in_parent, "after_in_child": after_in_child})


def _os_getattr(name: str) -> Any:
    return getattr(_real_os, name)


#: how to bring a child process under control, for every report of a wait on one
CHILD_HINT = ("a child process runs in real time, which the shim does not control: load "
              "`subprocess` for real (leave it out of the modules loaded under the shim), or "
              "model the child in the scenario with env.threading and env.time")


def _child_wait(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
    """``os.<name>``: the real call outside the shim; in a controlled thread, a failure that
    names the call (it waits on a real process: see the module docstring)."""

    def wait(*args: Any, **kwargs: Any) -> Any:
        th = current_cthread()
        if th is None:
            return real(*args, **kwargs)
        flags = args[-1] if args and name in ("waitpid", "wait3", "wait4", "waitid") else 0
        nohang = isinstance(flags, int) and flags & getattr(_real_os, "WNOHANG", 0)
        call = f"os.{name}({'..., WNOHANG' if nohang else '...'})"
        fail_outside(th, OutsideWait(call, "a real child process", CHILD_HINT), sys._getframe(1))
        raise AssertionError("unreachable: fail_outside ends the execution")
    wait.__name__ = wait.__qualname__ = name
    wait.__doc__ = f"``os.{name}``; an uncontrolled wait in a controlled thread."
    return wait


OS_TEMPLATE: dict[str, Any] = {
    "cpu_count": cpu_count, "process_cpu_count": cpu_count,
    "register_at_fork": register_at_fork, "getpid": _real_os.getpid,
    "path": _real_os.path, "__getattr__": _os_getattr,
    **{name: _child_wait(name, getattr(_real_os, name))
       for name in ("waitpid", "wait", "wait3", "wait4", "waitid") if hasattr(_real_os, name)},
}


def register(func: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[..., object]:
    """``atexit.register``: run at ``env.exit_interpreter()``, last registered first."""
    _env("atexit.register()").register("atexits", (func, functools.partial(func, *args, **kwargs)))
    return func


def unregister(func: Callable[..., object]) -> None:
    """``atexit.unregister``."""
    env = _env("atexit.unregister()")
    env.atexits[:] = [(f, p) for f, p in env.atexits if f != func]


def _ncallbacks() -> int:
    return len(_env("atexit._ncallbacks()").atexits)


def _clear() -> None:
    _env("atexit._clear()").atexits.clear()


def _run_exitfuncs() -> None:
    _env("atexit._run_exitfuncs()").run_atexits()


ATEXIT_TEMPLATE: dict[str, Any] = {
    "register": register, "unregister": unregister, "_ncallbacks": _ncallbacks,
    "_clear": _clear, "_run_exitfuncs": _run_exitfuncs,
}


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


def _stack_size(size: int = 0) -> int:
    return 0


THREAD_TEMPLATE: dict[str, Any] = {
    "allocate_lock": Lock, "allocate": Lock, "LockType": Lock, "RLock": RLock,
    "get_ident": get_ident, "get_native_id": get_native_id,
    "start_new_thread": _start_new_thread, "start_new": _start_new_thread,
    "error": RuntimeError, "TIMEOUT_MAX": TIMEOUT_MAX, "_local": local,
    "_count": _count, "stack_size": _stack_size,
}

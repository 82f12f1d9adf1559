"""``Env``: the shim world one execution hands its scenario.

Example (a scenario is any callable taking an Env)::

    def scenario(env):
        cf = env.load("concurrent.futures")
        with cf.ThreadPoolExecutor(max_workers=2) as ex:
            return ex.submit(pow, 2, 5).result()
"""

from __future__ import annotations

import types
from typing import Any, Callable, Sequence, TypeVar

from execspec.sched.loader import ModuleTable
from execspec.sched.runtime import Runtime, current_cthread

__all__ = ["Env"]

T = TypeVar("T")


class Env:
    """Shim modules, a module loader and the interpreter-exit event of one execution."""

    def __init__(self, rt: Runtime, modules: Sequence[str] = (), cpu_count: int = 2) -> None:
        self.rt = rt
        rt.env = self
        #: what ``os.cpu_count()``/``process_cpu_count()`` return (fixed: schedules replay anywhere)
        self.cpu_count = cpu_count
        #: hooks registered with ``threading._register_atexit`` (run first at exit)
        self.thread_atexits: list[Callable[[], object]] = []
        #: ``atexit.register`` callbacks as (func, bound call), run last at exit
        self.atexits: list[tuple[Callable[..., object], Callable[[], object]]] = []
        #: ``os.register_at_fork`` calls, recorded only
        self.fork_hooks: list[dict[str, Callable[[], object] | None]] = []
        self.exiting = False
        self.exited = False
        self._shims: dict[str, types.ModuleType] = {}
        self.table = ModuleTable(self.shim, [(m, None) for m in modules])
        self.names: dict[int, tuple[object, str]] = {}

    # -- shim modules --------------------------------------------------------------------

    def shim(self, name: str) -> types.ModuleType:
        """The execution's shim module ``name`` (threading, queue, time, os, _thread, atexit)."""
        mod = self._shims.get(name)
        if mod is None:
            from execspec.sched import shim_os, shim_queue, shim_threading, shim_time  # noqa: PLC0415

            builders: dict[str, Callable[[], types.ModuleType]] = {
                "threading": shim_threading.build_threading_module,
                "queue": shim_queue.build_queue_module,
                "time": shim_time.build_time_module,
                "os": lambda: shim_os.build_os_module(self),
                "atexit": lambda: shim_os.build_atexit_module(self),
                "_thread": shim_os.build_thread_module,
            }
            if name not in builders:
                raise KeyError(f"no shim module {name!r}; the shim provides {sorted(builders)}")
            mod = self._shims[name] = builders[name]()
        return mod

    @property
    def threading(self) -> Any:
        """The shim ``threading`` module."""
        return self.shim("threading")

    @property
    def queue(self) -> Any:
        """The shim ``queue`` module."""
        return self.shim("queue")

    @property
    def time(self) -> Any:
        """The shim ``time`` module (virtual clock)."""
        return self.shim("time")

    @property
    def os(self) -> Any:
        """The shim ``os`` proxy."""
        return self.shim("os")

    # -- loading -------------------------------------------------------------------------

    def load(self, name: str) -> Any:
        """A fresh copy of module ``name`` (and its submodules) bound to the shim."""
        if self.table._root_of(name) is None:
            self.table.add_root(name)
        return self.table.get(name)

    def load_source(self, directory: str, name: str) -> Any:
        """Load package/module ``name`` from ``directory`` (e.g. another CPython's
        ``lib/python3.8/concurrent/futures`` as ``"concurrent.futures"``)."""
        self.table.add_root(name, directory)
        return self.table.get(name)

    def exec_source(self, source: str, name: str = "__scenario__") -> Any:
        """Run ``source`` as a module whose imports see the shim; return the module."""
        return self.table.exec_source(source, name)

    # -- naming --------------------------------------------------------------------------

    def name(self, obj: T, label: str) -> T:
        """Give ``obj`` (a future, a lock ...) a human name for reports; returns ``obj``."""
        if hasattr(obj, "_oid") and hasattr(obj, "_name") and not isinstance(obj, type):
            try:
                obj._name = label  # type: ignore[attr-defined]
            except AttributeError:
                pass
        self.names[id(obj)] = (obj, label)
        return obj

    def name_of(self, obj: object) -> str | None:
        """The name given with ``name()``, if any."""
        entry = self.names.get(id(obj))
        return entry[1] if entry is not None and entry[0] is obj else None

    # -- interpreter exit ----------------------------------------------------------------

    def exit_interpreter(self) -> None:
        """Do what interpreter exit does: run ``threading._register_atexit`` hooks (last
        registered first), join every non-daemon thread, then run ``atexit`` callbacks.
        Called automatically when the scenario returns, unless it already ran."""
        if self.exiting:
            return
        th = current_cthread()
        if th is None or th.tid != 0:
            raise RuntimeError("exit_interpreter() must be called from the scenario (main thread)")
        self.exiting = True
        for hook in reversed(self.thread_atexits):
            hook()
        while True:
            others = [t for t in self.rt.live if t is not th and not t.daemon]
            if not others:
                break
            th.in_exit = True
            others[0].shim.join()
            th.in_exit = False
        self.run_atexits()
        self.exited = True

    def run_atexits(self) -> None:
        """Run and clear the ``atexit`` callbacks, last registered first."""
        while self.atexits:
            _, call = self.atexits.pop()
            call()

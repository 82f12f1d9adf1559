"""``Env``: the shim world one execution hands its scenario.

Example (a scenario is any callable taking an Env)::

    def scenario(env):
        cf = env.load("concurrent.futures")
        with cf.ThreadPoolExecutor(max_workers=2) as ex:
            return ex.submit(pow, 2, 5).result()
"""

from __future__ import annotations

import contextlib
import types
from typing import Any, Callable, Iterator, TypeVar

from execspec.sched.kernel.op import make_op
from execspec.sched.kernel.runtime import Runtime, current_cthread
from execspec.sched.loader.table import ModuleTable

__all__ = ["Env"]


T = TypeVar("T")


class Env:
    """Shim modules, a module loader and the interpreter-exit event of one execution.

    It is the kernel's ``Host`` (``kernel.protocols``): what the runtime and the shims ask
    of the interpreter they simulate."""

    def __init__(self, rt: Runtime, table: ModuleTable, cpu_count: int | None = 2) -> None:
        self.rt = rt
        rt.env = self
        #: what ``os.cpu_count()``/``process_cpu_count()`` return (fixed: schedules replay
        #: anywhere; None: the OS cannot tell, as the real ones may answer)
        self.cpu_count = cpu_count
        #: hooks registered with ``threading._register_atexit`` (run first at exit)
        self.thread_atexits: list[Callable[[], object]] = []
        #: ``atexit.register`` callbacks as (func, bound call), run last at exit
        self.atexits: list[tuple[Callable[..., object], Callable[[], object]]] = []
        #: ``os.register_at_fork`` calls, recorded; run by ``fork()``
        self.fork_hooks: list[dict[str, Callable[[], object] | None]] = []
        self.exiting = False
        self.exited = False
        self.table = table
        table.bind(self)
        self.names: dict[int, tuple[object, str]] = {}

    @property
    def files(self) -> set[str]:
        """File names of the modules loaded for this execution (reports mark their frames)."""
        return self.table.files

    # -- shim modules --------------------------------------------------------------------

    def shim(self, name: str) -> types.ModuleType:
        """The execution's shim module ``name`` (threading, queue, time, os, _thread, atexit)."""
        return self.table.get(name) if name in self.table.current else self._shim(name)

    def _shim(self, name: str) -> types.ModuleType:
        mod = self.table.current[name] = self.table.shim(name)
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

    @contextlib.contextmanager
    def cpus(self, count: int | None) -> Iterator[None]:
        """Within the block, ``os.cpu_count()`` and ``os.process_cpu_count()`` answer ``count``
        (None: the OS cannot tell), for every thread of this execution; the execution's own
        count again after it. For a scenario that measures what a default depends on (a
        thread pool's size made inside the block)::

            with env.cpus(40):
                ex = cf.ThreadPoolExecutor()   # min(32, 40 + 4) workers
        """
        before, self.cpu_count = self.cpu_count, count
        try:
            yield
        finally:
            self.cpu_count = before

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
                obj._name = label
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
        # Exit begins: a scheduling point of its own, since other threads may run between
        # the main script's last statement and the first exit hook.
        self.rt.point(th, make_op(th.tid, "interpreter_exit", None, ""))
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

    def fork(self) -> None:
        """Do what ``os.fork()`` does, as seen from the child, and go on as the child: the
        ``before`` fork hooks run (last registered first; one may wait for a lock another
        thread holds, so the others run meanwhile), then every other thread is gone -- it never
        runs again, and the locks it held stay held, as in a real child -- its ``join()``
        returns at once and ``is_alive()`` is False, and the ``after_in_child`` hooks run
        (first registered first). The shim never forks the real process: this is how a
        scenario checks what a child may still do (TPE-FORK: make and use a new pool). Called
        from another thread than the scenario's main one, the main thread stays as well: it is
        the scenario's harness (a driver waiting for the call that forks), not the program's."""
        th = current_cthread()
        if th is None:
            raise RuntimeError("fork() must be called from a thread of the execution")
        self.rt.point(th, make_op(th.tid, "fork", None, ""))
        for hooks in reversed(self.fork_hooks):
            before = hooks["before"]
            if before is not None:
                before()
        for t in [t for t in self.rt.live if t is not th and t.tid != 0]:
            t.done = True  # not in the child: joiners see it ended; its frames unwind at the end
            self.rt.live.remove(t)
        for hooks in list(self.fork_hooks):
            after = hooks["after_in_child"]
            if after is not None:
                after()

    def register(self, kind: str, entry: Any) -> None:
        """Record a hook (``kind``: thread_atexits, atexits or fork_hooks) -- and, while a
        loaded module runs, remember it so executions that reuse the module get it too."""
        getattr(self, kind).append(entry)
        self.table.note_registration(kind, entry)

    def replay_registration(self, what: tuple[str, Any]) -> None:
        """Re-register a hook a reused module registered when it first ran."""
        kind, entry = what
        getattr(self, kind).append(entry)

    def run_atexits(self) -> None:
        """Run and clear the ``atexit`` callbacks, last registered first."""
        while self.atexits:
            _, call = self.atexits.pop()
            call()

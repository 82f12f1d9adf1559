"""Run module code unmodified in fresh module objects bound to the shim.

A ``ModuleTable`` belongs to one execution. Each module it loads is a new ``ModuleType``
into which a *cached* code object is executed, with a private ``__builtins__`` whose
``__import__`` resolves names like this:

=================================  ==================================================
``threading``, ``queue``, ``time``  the execution's shim modules (``_thread``, ``atexit``
``os``                              and ``os``, a proxy of the real one, too)
a *managed* name                    a fresh copy, loaded by this table (the roots passed
                                    to ``run_once(modules=...)``, ``env.load`` and
                                    ``env.load_source``, and everything under them)
a module whose code imports a       a fresh copy too, managed from then on like a root
managed one (``loader.deps``)       (a target's sibling ``from ._base import *``, or a
                                    package the target imports that imports ``execspec.impl``),
                                    with each parent package whose ``__init__`` imports it
a parent of a managed name          a stub package, so ``import concurrent.futures``
                                    never writes into the real ``concurrent`` package
anything else                       the real module, from ``sys.modules``
=================================  ==================================================

So within one execution every module the table serves sees one copy of each managed module:
a real module never hands managed code the *real* copy of a managed module (except the
standard library's and ``site-packages``' own, which stay real by design: see ``deps``).

Nothing in ``sys.modules`` is added, removed or patched, so real threads keep using the
real ``threading`` while an execution runs. Relative imports and lazy imports inside
functions (``concurrent.futures.__getattr__``) go through the same ``__import__``, because
functions find their builtins through their module's globals.
"""

from __future__ import annotations

import _thread
import builtins
import importlib
import importlib.machinery
import importlib.util
import types
import zlib
from typing import Any, Callable, Mapping, Protocol, Sequence

from execspec.sched.kernel.prim import Prim
from execspec.sched.kernel.runtime import Runtime
from execspec.sched.loader.deps import candidate_source, imported_names
from execspec.sched.loader.hashes import install_stable_hashes, stable_id
from execspec.sched.loader.snapshot import plan_module
from execspec.sched.loader.sources import ModuleSource, find_module_source
from execspec.sched.shims.modules import SHIM_MODULES, build_shim_module, reset_shim_module

__all__ = ["ModuleSource", "ModuleTable", "SHIM_MODULES", "checkin", "checkout", "find_module_source"]



#: compiled scenario sources (``exec_source``), by (file name, source)
_SCRIPTS: dict[tuple[str, str], types.CodeType] = {}


#: how a name resolves: "shim", "stub", "real", or the root a fresh copy is loaded under
Kind = Any


class _ModState:
    """What a module's first run did, so later executions can replay it without running it."""

    __slots__ = ("base", "count", "events", "resets", "imports", "gen", "before")

    def __init__(self, base: int) -> None:
        self.base = base  # shim objects the module creates get ids base, base+1, ...
        self.count = 0
        self.events: list[tuple[str, Any]] = []  # ("child", name) | ("reg", (list, entry))
        self.resets: list[Callable[[], None]] = []
        # what its code imported: name -> (kind, the fresh module's gen, or None)
        self.imports: dict[str, tuple[Kind, int | None]] = {}
        self.gen = 0  # the table's load count when this copy finished loading
        self.before: list[str] = []  # fresh modules it imported that were loaded before it

    def next_oid(self) -> int:
        """The id of the next shim object this module's code creates."""
        oid = self.base + self.count
        self.count += 1
        return oid


#: a module's shim objects get ids from its own block, the same whether it ran or was reset
MODULE_OID_BLOCK = 1_000_000


class Served(Protocol):
    """The execution a table serves (the ``Env`` that binds it)."""

    rt: Runtime

    def replay_registration(self, what: tuple[str, Any]) -> None:
        """Re-register a hook a reused module registered when it first ran."""
        ...


class ModuleTable:
    """The modules executions see: shims, fresh copies of managed modules, real others.

    One table serves many executions in turn (``checkout``/``checkin``): a managed module
    runs once; afterwards each execution *activates* it on first import, which restores
    its state (``loader.snapshot``) and replays what its first run did to the execution
    (registrations of exit and fork hooks, loads of submodules) in the same order.
    """

    def __init__(self, roots: Sequence[tuple[str, str | None]] = ()) -> None:
        self.initial_roots: list[tuple[str, str | None]] = list(roots)
        self.roots = list(self.initial_roots)
        # managed modules, loaded once, by (name, root): a name can come from several places
        self.modules: dict[tuple[str, tuple[str, str | None]], types.ModuleType] = {}
        self.states: dict[tuple[str, tuple[str, str | None]], _ModState] = {}
        self.permanent: dict[str, types.ModuleType] = {}  # real modules and stubs
        self.scanned_real: set[str] = set()  # in permanent after a dependency check (deps)
        self.derives: dict[tuple[str, tuple[tuple[str, str | None], ...]], bool] = {}
        self.epoch = 0  # modules loaded so far (a reload makes its importers' copies stale)
        self.stamp: tuple[Any, int] = ((), 0)  # (roots, epoch): what a reuse check depends on
        self.fits: dict[tuple[str, tuple[str, str | None]], tuple[Any, int]] = {}
        self.stamps: dict[tuple[Any, int], tuple[Any, int]] = {}
        # _root_of's answers, per tuple of roots (they depend on nothing else)
        self.root_memos: dict[Any, dict[str, tuple[str, str | None] | None]] = {}
        self.root_memo: dict[str, tuple[str, str | None] | None] = {}
        self.running: list[_ModState] = []  # the modules whose code is running, innermost last
        self.on_stubs: list[tuple[types.ModuleType, str]] = []  # fresh modules set on stubs
        self.current: dict[str, types.ModuleType] = {}  # what this execution has imported
        self.shims: dict[str, types.ModuleType] = {}
        self.shims_fresh: dict[str, dict[str, Any]] = {}  # each shim module as its last reset left it
        self.files: set[str] = set()  # filenames of managed modules (reports mark their frames)
        self.reusable = True
        self.env: Served | None = None
        self.builtins: dict[str, Any] = dict(builtins.__dict__)
        self.builtins["__import__"] = self.import_
        self.builtins["id"] = stable_id  # see loader.hashes: sorted(futures, key=id) replays

    def bind(self, env: Served) -> None:
        """Start serving a new execution."""
        self.env = env
        self.roots = list(self.initial_roots)
        self._restamp()
        self.current = dict(self.permanent)
        for stub, child in self.on_stubs:  # an earlier execution's copies: not this one's
            stub.__dict__.pop(child, None)
        self.on_stubs.clear()
        fresh = self.shims_fresh
        for name, mod in self.shims.items():
            if mod.__dict__ != fresh.get(name):  # identities first, in C: cheap when untouched
                reset_shim_module(name, mod)
                fresh[name] = dict(mod.__dict__)

    def note_registration(self, kind: str, entry: Any) -> None:
        """While a loaded module's code runs, remember a hook it registers, so executions
        that reuse the module get it too."""
        loading = self.env.rt.loading if self.env is not None else None
        if loading and isinstance(loading[-1], _ModState):
            loading[-1].events.append(("reg", (kind, entry)))

    def shim(self, name: str) -> types.ModuleType:
        """The shim module ``name`` (one object per table, reset for each execution)."""
        mod = self.shims.get(name)
        if mod is None:
            mod = self.shims[name] = build_shim_module(name)
        return mod

    # -- roots ---------------------------------------------------------------------------

    def add_root(self, name: str, directory: str | None = None) -> None:
        """Manage ``name`` and its submodules (from ``directory`` when given)."""
        if (name, directory) in self.roots:
            return
        self._add_root(name, directory)
        # a real module kept because it imported nothing managed may import the new root
        for k in self.scanned_real:
            self.permanent.pop(k, None)
            self.current.pop(k, None)
        self.scanned_real.clear()

    def _restamp(self) -> None:
        stamp = (tuple(self.roots), self.epoch)
        self.stamp = self.stamps.setdefault(stamp, stamp)  # one object: compared by identity
        self.root_memo = self.root_memos.setdefault(stamp[0], {})

    def _add_root(self, name: str, directory: str | None) -> None:
        self.roots.insert(0, (name, directory))
        self._restamp()
        parents = name.split(".")[:-1]
        ancestors = {".".join(parents[:i]) for i in range(1, len(parents) + 1)}
        prefix = name + "."
        for table in (self.permanent, self.current):
            for k in [k for k in table if k == name or k.startswith(prefix)
                      or (k in ancestors and type(table[k]) is not _Stub)]:
                del table[k]  # an ancestor imported for real becomes a stub: never written into

    def _root_of(self, name: str) -> tuple[str, str | None] | None:
        memo = self.root_memo
        if name in memo:
            return memo[name]
        best: tuple[str, str | None] | None = None
        for root in self.roots:
            p = root[0]
            if (name == p or name.startswith(p + ".")) and (best is None or len(p) > len(best[0])):
                best = root
        memo[name] = best
        return best

    def _is_ancestor(self, name: str) -> bool:
        return any(root[0].startswith(name + ".") for root in self.roots)

    # -- import --------------------------------------------------------------------------

    def import_(self, name: str, globals: Mapping[str, Any] | None = None,
                locals: Mapping[str, Any] | None = None, fromlist: Sequence[str] | None = (),
                level: int = 0) -> types.ModuleType:
        """The ``__import__`` of every module this table loads."""
        if level > 0:
            name = _resolve(name, globals or {}, level)
        mod = self.current.get(name) or self.get(name)
        if self.running:
            self._note(name)
        if not fromlist:
            top = name.partition(".")[0]
            return mod if top == name else self.get(top)
        if hasattr(mod, "__path__"):
            for sub in fromlist:
                if sub == "*":
                    for s in getattr(mod, "__all__", ()):
                        self._maybe_sub(mod, s)
                else:
                    self._maybe_sub(mod, sub)
        return mod

    def _note(self, name: str, sub: bool = False) -> None:
        """A running module's code imported ``name``: remember how it resolved, so a later
        execution reuses the module only where ``name`` resolves the same way."""
        state = self.running[-1]
        if name in state.imports or (sub and name not in self.current):
            return
        kind = self._kind(name)
        gen = None
        if type(kind) is tuple:
            dep = self.states.get((name, kind))
            if dep is not None and dep not in self.running:  # not a package still loading
                gen = dep.gen
        state.imports[name] = (kind, gen)

    def _kind(self, name: str) -> Kind:
        """How ``name`` resolves now (what ``get`` does, without importing)."""
        if name in SHIM_MODULES:
            return "shim"
        root = self._root_of(name)
        if root is not None:
            return root
        if self._is_ancestor(name):
            return "stub"
        return (name, None) if self._imports_managed(name) else "real"

    def _fits(self, key: tuple[str, tuple[str, str | None]], seen: set[Any]) -> bool:
        """May the loaded copy ``key`` serve the current execution? Only if every name it
        (and every fresh module it imported, and so on) imported still resolves the same way
        and to the same copy: a module loaded under other roots would hand out other copies."""
        if self.fits.get(key) is self.stamp:
            return True
        seen.add(key)
        state = self.states[key]
        for name, (kind, gen) in state.imports.items():
            if self._kind(name) != kind:
                return False
            if gen is not None:
                dep = self.states.get((name, kind))
                if dep is None or dep.gen != gen or (name, kind) not in self.modules:
                    return False
                if (name, kind) not in seen and not self._fits((name, kind), seen):
                    return False
        self.fits[key] = self.stamp
        return True

    def _maybe_sub(self, mod: types.ModuleType, sub: str) -> None:
        # a stub's attributes fall through to the real package's, which may hold the real
        # copy of a submodule this table loads fresh: ask the table, not the stub
        if (sub not in mod.__dict__) if type(mod) is _Stub else not hasattr(mod, sub):
            try:
                self.get(f"{mod.__name__}.{sub}")
            except ModuleNotFoundError:
                pass
        if self.running:
            self._note(f"{mod.__name__}.{sub}", sub=True)

    def get(self, name: str) -> types.ModuleType:
        """The module ``name`` as seen by the current execution (loading it if needed)."""
        mod = self.current.get(name)
        if mod is not None:
            return mod
        if name in SHIM_MODULES:
            mod = self.current[name] = self.shim(name)
            return mod
        root = self._root_of(name)
        if root is None:
            if self._is_ancestor(name):
                mod = self.permanent[name] = self.current[name] = self._stub(name)
                return mod
            if not self._imports_managed(name):
                mod = self.permanent[name] = self.current[name] = importlib.import_module(name)
                return mod
            package = self._fresh_package(name)
            self._add_root(package, None)  # its code imports a managed module: manage it too
            if package != name:  # under the new root now, imported as Python would: parents first
                self.get(package)
                return self.get(name)
            root = (name, None)
        if (name, root) in self.modules and self.reusable:
            return self._activate(name, root)
        return self._load(name, root)

    def _fresh_package(self, name: str) -> str:
        """The outermost package that must be loaded fresh along with ``name``: each parent
        whose own code imports its child (a real ``pkg/__init__`` that imports ``pkg.mod``
        would hand managed code the real ``pkg.mod``'s names through ``from pkg import X``)."""
        tops = self._tops()
        while "." in name:
            parent = name.rpartition(".")[0]
            src = candidate_source(parent, tops)
            if src is None or name not in imported_names(src):
                break
            name = parent
        return name

    def _imports_managed(self, name: str) -> bool:
        """Does ``name``'s code import a managed module, itself or through modules that are
        neither managed nor real by design (``deps.candidate_source``)? Then its real copy
        would hand managed code the real copies: it is loaded fresh instead."""
        key = (name, self.stamp[0])
        known = self.derives.get(key)
        if known is None:
            known = self.derives[key] = self._reaches_managed(name)
        if not known and candidate_source(name, self._tops()) is not None:
            self.scanned_real.add(name)
        return known

    def _tops(self) -> frozenset[str]:
        return frozenset(root[0].partition(".")[0] for root in self.roots)

    def _reaches_managed(self, name: str) -> bool:
        tops = self._tops()
        seen = {name}
        todo = [name]
        while todo:
            src = candidate_source(todo.pop(), tops)
            if src is None:
                continue
            for dep in imported_names(src):
                if dep in seen or dep in SHIM_MODULES:
                    continue
                seen.add(dep)
                if self._root_of(dep) is not None:
                    return True
                todo.append(dep)
        return False

    def _stub(self, name: str) -> types.ModuleType:
        mod = _Stub(name, f"Stub parent of modules loaded under the shim ({name}).")
        mod.__path__ = []
        parent_name, _, child = name.rpartition(".")
        if parent_name:  # its parent is a stub too: ``import a.b.c`` then ``a.b.c`` works
            setattr(self.get(parent_name), child, mod)
        try:
            real: types.ModuleType | None = importlib.import_module(name)
        except ImportError:
            real = None
        if real is not None:
            mod.__dict__["__getattr__"] = lambda attr: getattr(real, attr)
        return mod

    def _parent(self, name: str) -> tuple[types.ModuleType | None, str]:
        parent_name, _, child = name.rpartition(".")
        return (self.get(parent_name) if parent_name else None), child

    def _activate(self, name: str, root: tuple[str, str | None]) -> types.ModuleType:
        key = (name, root)
        if self.fits.get(key) is not self.stamp and not self._fits(key, set()):
            return self._load(name, root)  # loaded under other roots: load it again
        current = self.current
        parent_name, _, child = name.rpartition(".")  # ``_parent``, inlined (the hot path)
        parent = (current.get(parent_name) or self.get(parent_name)) if parent_name else None
        state = self.states[key]
        for dep in state.before:  # what it found already imported when it ran: import it first
            if dep not in current:
                self.get(dep)
        mod = current[name] = self.modules[key]
        for reset in state.resets:
            reset()
        env = self.env
        assert env is not None
        for kind, what in state.events:
            if kind == "child":
                if what not in current:
                    self.get(what)
            else:
                env.replay_registration(what)
        if parent is not None:
            setattr(parent, child, mod)
            if type(parent) is _Stub:  # unset by the next bind: that execution sets its own
                self.on_stubs.append((parent, child))
        return mod

    def _load(self, name: str, root: tuple[str, str | None]) -> types.ModuleType:
        src = find_module_source(name, root)
        if src is None:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        parent, child = self._parent(name)
        mod = types.ModuleType(name)
        d = mod.__dict__
        d["__file__"] = src.filename
        d["__builtins__"] = self.builtins
        d["__package__"] = name if src.is_package else name.rpartition(".")[0]
        d["__spec__"] = src.spec
        d["__loader__"] = None
        if src.is_package:
            d["__path__"] = list(src.spec.submodule_search_locations or [])
        key = (name, root)
        self.modules[key] = self.current[name] = mod
        assert self.env is not None
        loading = self.env.rt.loading
        if loading and isinstance(loading[-1], _ModState):
            loading[-1].events.append(("child", name))
        old = self.states.get(key)
        start = self.epoch
        # by identity, not load order: tables' histories differ across processes, ids must not
        base = old.base if old else MODULE_OID_BLOCK * (1 + zlib.crc32(f"{name}@{root}".encode()))
        state = self.states[key] = _ModState(base)
        if src.code is not None:
            self.files.add(src.filename)
            loading.append(state)
            self.running.append(state)
            try:
                exec(src.code, d)
            except BaseException:
                del self.modules[key], self.current[name]
                self.reusable = False
                raise
            finally:
                loading.pop()
                self.running.pop()
        self.epoch += 1
        state.gen = self.epoch
        self._restamp()
        state.before = [n for n, (_, gen) in state.imports.items() if gen is not None and gen <= start]
        self.fits[key] = self.stamp
        _name_globals(mod)
        install_stable_hashes(mod)
        if parent is not None:
            setattr(parent, child, mod)
            if type(parent) is _Stub:  # unset by the next bind: that execution sets its own
                self.on_stubs.append((parent, child))
        resets = plan_module(mod)
        if resets is None:
            self.reusable = False
        else:
            state.resets = resets
        return mod

    def exec_source(self, source: str, name: str = "__scenario__",
                    filename: str | None = None) -> types.ModuleType:
        """Run ``source`` as a fresh module whose imports resolve through this table."""
        fname = filename or f"<{name}>"
        code = _SCRIPTS.get((fname, source))
        if code is None:
            code = _SCRIPTS[(fname, source)] = compile(source, fname, "exec", dont_inherit=True)
        mod = types.ModuleType(name)
        mod.__dict__["__builtins__"] = self.builtins
        exec(code, mod.__dict__)
        return mod


class _Stub(types.ModuleType):
    """A stub parent package (``ModuleTable._stub``)."""


def _name_globals(mod: types.ModuleType) -> None:
    """Name a module's global shim objects after their variables, for traces and reports."""
    short = mod.__name__.rpartition(".")[2]
    for var, value in list(mod.__dict__.items()):
        if isinstance(value, Prim) and value._name == f"{value._kind}#{value._oid}":
            value._name = f"{short}.{var}"


# Tables waiting for their next execution, by initial roots. A table serves one execution
# at a time; a table whose execution was abandoned is never returned.
_POOL: dict[tuple[tuple[str, str | None], ...], list[ModuleTable]] = {}
_POOL_LOCK = _thread.allocate_lock()


def checkout(roots: Sequence[tuple[str, str | None]], fresh: bool = False) -> ModuleTable:
    """A table for a new execution: an idle one with these roots, or a new one."""
    key = tuple(roots)
    if not fresh:
        with _POOL_LOCK:
            idle = _POOL.get(key)
            if idle:
                return idle.pop()
    return ModuleTable(roots)


def checkin(table: ModuleTable) -> None:
    """Return a table after its execution (dropped unless its modules can be reset)."""
    if not table.reusable:
        return
    table.env = None
    table.current = {}
    with _POOL_LOCK:
        idle = _POOL.setdefault(tuple(table.initial_roots), [])
        if len(idle) < 8:
            idle.append(table)


def _resolve(name: str, globals: Mapping[str, Any], level: int) -> str:
    package = globals.get("__package__")
    if package is None:
        modname = globals.get("__name__", "")
        package = modname if "__path__" in globals else modname.rpartition(".")[0]
    if not package:
        raise ImportError("attempted relative import with no known parent package")
    bits = package.rsplit(".", level - 1)
    if len(bits) < level:
        raise ImportError("attempted relative import beyond top-level package")
    base = bits[0]
    return f"{base}.{name}" if name else base

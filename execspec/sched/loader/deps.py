"""Which modules a module's code imports, read from its code object: ``imported_names``.

A ``ModuleTable`` loads a fresh copy of every managed module. A module that is *not* managed
but whose code imports a managed one would, imported for real, bind the *real* copy of it:
managed code that imports both would then see two ``concurrent.futures`` (or two of any
other managed module) in one execution, and ``isinstance(future, cf.Future)`` fails across
them. The table therefore loads such a module fresh too, and finds them with this module:
the absolute names a module's code imports (``import``/``from ... import`` statements at
any depth, in functions too, relative ones resolved; each name's parent packages and each
``from`` name as a possible submodule), computed once per process from its code object.

Only *candidates* are scanned: modules with Python source outside the standard library and
outside ``site-packages`` (so a managed module importing ``asyncio`` or a big third-party
library does not pull it under the shim) -- plus, in ``site-packages``, the packages whose
top-level name is that of a root (an executor installed as a wheel).
"""

from __future__ import annotations

import dis
import sys
import types

from execspec.sched.loader.sources import ModuleSource, find_module_source

__all__ = ["candidate_source", "imported_names"]

_STDLIB = frozenset(sys.stdlib_module_names)
_IMPORTS: dict[str, tuple[str, ...]] = {}
_SITE = ("site-packages", "dist-packages")


def candidate_source(name: str, tops: frozenset[str]) -> ModuleSource | None:
    """``name``'s source if it may need loading fresh (see the module docstring), else None.
    ``tops``: the top-level package names of the table's roots."""
    top = name.partition(".")[0]
    if top in _STDLIB:
        return None
    if top not in tops:  # decided on the top-level package first: finding it imports nothing
        top_src = find_module_source(top, (top, None))
        if top_src is None or _in_site(top_src.filename):
            return None
    src = find_module_source(name, (name, None))
    return None if src is None or src.code is None else src


def _in_site(filename: str) -> bool:
    return any(part in _SITE for part in filename.replace("\\", "/").split("/"))


def imported_names(src: ModuleSource) -> tuple[str, ...]:
    """The absolute module names ``src``'s code may import (cached per module name)."""
    got = _IMPORTS.get(src.name)
    if got is not None:
        return got
    assert src.code is not None
    package = src.name if src.is_package else src.name.rpartition(".")[0]
    names: dict[str, None] = {}
    stack = [src.code]
    while stack:
        code = stack.pop()
        before: list[object] = [None, None]  # the two instructions' constants before this one
        for ins in dis.get_instructions(code):
            if ins.opname == "IMPORT_NAME":  # LOAD_CONST level; LOAD_CONST fromlist; IMPORT_NAME
                level, fromlist = before
                _add(names, ins.argval, package, level if isinstance(level, int) else 0,
                     fromlist if isinstance(fromlist, tuple) else ())
            before = [before[1], ins.argval if ins.opname == "LOAD_CONST" else None]
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    got = _IMPORTS[src.name] = tuple(names)
    return got


def _add(names: dict[str, None], name: str, package: str, level: int,
         fromlist: tuple[object, ...]) -> None:
    base = _absolute(name, package, level)
    if not base:
        return
    bits = base.split(".")
    for i in range(1, len(bits) + 1):  # importing a.b.c runs a and a.b first
        names[".".join(bits[:i])] = None
    for sub in fromlist:  # from a.b import c: c may be a submodule
        if isinstance(sub, str) and sub != "*":
            names[f"{base}.{sub}"] = None


def _absolute(name: str, package: str, level: int) -> str | None:
    if level <= 0:
        return name
    bits = package.rsplit(".", level - 1) if package else []
    if len(bits) < level:
        return None
    return f"{bits[0]}.{name}" if name else bits[0]

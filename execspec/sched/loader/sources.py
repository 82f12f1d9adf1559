"""Finding a module's source and compiling it once: ``find_module_source``.

A root is (package name, directory or None): None finds the module where the real import
system would (``importlib.util.find_spec``), a directory finds it there (another CPython's
``concurrent/futures``, say). Code objects are cached across executions.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import tokenize
import types
from dataclasses import dataclass

__all__ = ["ModuleSource", "find_module_source"]


@dataclass(frozen=True)
class ModuleSource:
    """A module's compiled code, cached across executions."""

    name: str
    filename: str
    code: types.CodeType | None  # None: a namespace package (nothing to run)
    is_package: bool
    spec: importlib.machinery.ModuleSpec


_SOURCES: dict[tuple[str | None, str, str], ModuleSource | None] = {}


def _compile_file(path: str) -> types.CodeType:
    with tokenize.open(path) as f:
        text = f.read()
    return compile(text, path, "exec", dont_inherit=True)


def find_module_source(name: str, root: tuple[str, str | None]) -> ModuleSource | None:
    """The code for ``name`` under ``root`` = (root module name, source dir or None)."""
    prefix, directory = root
    key = (directory, prefix, name)
    if key in _SOURCES:
        return _SOURCES[key]
    src = _find_in_dir(name, prefix, directory) if directory else _find_importable(name)
    _SOURCES[key] = src
    return src


def _find_importable(name: str) -> ModuleSource | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    is_pkg = spec.submodule_search_locations is not None
    loader = spec.loader
    if spec.origin is None or loader is None or not hasattr(loader, "get_code"):
        # a finder whose loader only executes (pytest's assertion rewriter claims every
        # module of a package that is a pytest plugin): the source is still on disk
        if spec.origin and spec.origin.endswith(".py") and os.path.isfile(spec.origin):
            return ModuleSource(name, spec.origin, _compile_file(spec.origin), is_pkg, spec)
        if is_pkg:
            return ModuleSource(name, "", None, True, spec)
        return None
    code = loader.get_code(name)
    if code is None:
        return None
    return ModuleSource(name, spec.origin, code, is_pkg, spec)


def _find_in_dir(name: str, prefix: str, directory: str) -> ModuleSource | None:
    """``directory`` is the root package's own directory (``.../concurrent/futures``) or the
    directory that contains the root package or module (``.../site`` holding ``mymod.py``)."""
    tail = prefix.rpartition(".")[2]
    rel = name[len(prefix):].lstrip(".")
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        if os.path.isdir(os.path.join(directory, tail)):
            directory = os.path.join(directory, tail)
        elif not rel:
            return _source_file(name, os.path.join(directory, tail + ".py"), False)
    base = os.path.join(directory, *rel.split(".")) if rel else directory
    return (_source_file(name, os.path.join(base, "__init__.py"), True)
            or _source_file(name, base + ".py", False))


def _source_file(name: str, path: str, is_pkg: bool) -> ModuleSource | None:
    if not os.path.isfile(path):
        return None
    spec = importlib.machinery.ModuleSpec(name, None, origin=path, is_package=is_pkg)
    if is_pkg:
        spec.submodule_search_locations = [os.path.dirname(path)]
    return ModuleSource(name, path, _compile_file(path), is_pkg, spec)

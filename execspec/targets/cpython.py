"""Installed CPythons: where each one's ``concurrent/futures`` source is, and whether a directory
or an object *is* CPython's stdlib (by identity, never by the name a target gives it).

>>> is_cpython_stdlib_factory(__import__("concurrent.futures").futures.ThreadPoolExecutor)
True
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["find_cpython_interpreter", "find_cpython_source", "installed_cpythons",
           "is_cpython_stdlib_factory", "is_cpython_stdlib_source"]


def installed_cpythons() -> list[str]:
    """The CPython versions ('3.8', '3.9', ...) whose stdlib source this machine has."""
    return sorted({v for v in _candidate_versions() if find_cpython_source(v) is not None},
                  key=lambda v: tuple(int(p) for p in v.split(".")))


def _candidate_versions() -> list[str]:
    return [f"3.{minor}" for minor in range(8, 16)]


def find_cpython_source(version: str) -> Path | None:
    """The ``concurrent/futures`` source directory of an installed CPython ``version``.

    Looks in pyenv's versions (``pyenv root``) and for ``pythonX.Y`` on PATH; None if absent.
    """
    candidates: list[Path] = []
    root = os.environ.get("PYENV_ROOT") or _pyenv_root()
    if root:
        for prefix in sorted(Path(root, "versions").glob(f"{version}.*")):
            candidates.append(prefix / "lib" / f"python{version}" / "concurrent" / "futures")
    exe = shutil.which(f"python{version}")
    if exe:
        prefix = Path(exe).resolve().parent.parent
        candidates.append(prefix / "lib" / f"python{version}" / "concurrent" / "futures")
    for directory in candidates:
        if (directory / "thread.py").is_file():
            return directory
    return None


def find_cpython_interpreter(source: Path) -> Path | None:
    """The interpreter that goes with an installed CPython's ``concurrent/futures`` source
    directory (``PREFIX/lib/python3.X/concurrent/futures`` -> ``PREFIX/bin/python3.X``), so that
    real-thread mode runs the very stdlib the shim loaded; None when that prefix has none.
    """
    lib = source.resolve().parent.parent  # PREFIX/lib/python3.X
    exe = lib.parent.parent / "bin" / lib.name
    return exe if exe.is_file() and os.access(exe, os.X_OK) else None


def _pyenv_root() -> str | None:
    exe = shutil.which("pyenv")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def is_cpython_stdlib_factory(factory: object) -> bool:
    """Whether ``factory`` is the very ``concurrent.futures.ThreadPoolExecutor`` of this
    interpreter, whatever module path it was reached through."""
    return factory is concurrent.futures.ThreadPoolExecutor


def is_cpython_stdlib_source(directory: Path) -> bool:
    """Whether ``directory`` is the ``concurrent/futures`` source of an installed CPython
    (this interpreter's own, or one that :func:`find_cpython_source` finds)."""
    here = directory.resolve()
    return here == Path(concurrent.futures.__file__).resolve().parent or here in _installed_dirs()


@functools.lru_cache(maxsize=1)
def _installed_dirs() -> frozenset[Path]:
    found = (find_cpython_source(v) for v in _candidate_versions())
    return frozenset(d.resolve() for d in found if d is not None)

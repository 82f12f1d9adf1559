"""Targets: the things that make an executor, named by a short string.

========================  ===================================================================
``impl``                  execspec's reference executor (``execspec.impl``)
``stdlib``                the running interpreter's ``concurrent.futures``
``stdlib@3.9``            another installed CPython's ``concurrent/futures`` source (shim only)
``module:factory``        any importable executor class or factory, e.g. ``mypkg.pool:make``
``source:DIR``            a ``concurrent/futures``-like source directory (shim only)
========================  ===================================================================

The checker treats every target alike; ``impl`` is just the first default.

>>> Target.parse("stdlib").module
'concurrent.futures'
>>> Target.parse("mypkg.pool:make_pool").factory
'make_pool'
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_TARGETS = ("impl", "stdlib")


class TargetError(ValueError):
    """A target string that names nothing usable; the message says what to write instead."""


_FORMS = (
    "Write one of: 'impl', 'stdlib', 'stdlib@3.X' (an installed CPython), "
    "'module:factory' (e.g. 'concurrent.futures:ThreadPoolExecutor'), or 'source:DIR'."
)


@dataclass(frozen=True)
class Target:
    """An executor source: a module to load and the factory in it that makes executors.

    ``source_dir`` is set for targets that exist only as source (another CPython's stdlib);
    those run under the shim only, since they cannot be imported by this interpreter.
    """

    name: str
    module: str
    factory: str = "ThreadPoolExecutor"
    source_dir: Path | None = None

    @property
    def real_threads_ok(self) -> bool:
        """Whether the target can run on real threads in this interpreter."""
        return self.source_dir is None

    @classmethod
    def parse(cls, text: str) -> "Target":
        """Turn a target string into a Target, or raise TargetError saying what is wrong."""
        text = text.strip()
        if not text:
            raise TargetError(f"empty target. {_FORMS}")
        if text == "impl":
            return cls("impl", "execspec.impl")
        if text == "stdlib":
            return cls("stdlib", "concurrent.futures")
        if text.startswith("stdlib@"):
            version = text.partition("@")[2]
            found = find_cpython_source(version)
            if found is None:
                raise TargetError(
                    f"no CPython {version} is installed here, so {text!r} has no source to load. "
                    f"Installed: {', '.join(installed_cpythons()) or 'none found'}."
                )
            return cls(text, "concurrent.futures", source_dir=found)
        if text.startswith("source:"):
            directory = Path(text.partition(":")[2]).expanduser()
            if not (directory / "__init__.py").is_file():
                raise TargetError(
                    f"{text!r}: {directory} is not a package directory (no __init__.py). "
                    "Point source: at a directory like .../lib/python3.X/concurrent/futures."
                )
            return cls(text, "concurrent.futures", source_dir=directory.resolve())
        module, sep, factory = text.partition(":")
        if not sep or not module or not factory or not all(
            part.isidentifier() for part in module.split(".") + [factory]
        ):
            raise TargetError(f"cannot read target {text!r}. {_FORMS}")
        return cls(text, module, factory)

    @property
    def version(self) -> tuple[int, int] | None:
        """The CPython version whose stdlib this target is, when it is one (None: any)."""
        if self.name == "stdlib":
            return (sys.version_info[0], sys.version_info[1])
        if self.source_dir is not None:
            for part in reversed(self.source_dir.parts):
                if part.startswith("python3.") and part[len("python3."):].isdigit():
                    return (3, int(part[len("python3."):]))
        return None

    def load_factory(self) -> Callable[..., Any]:
        """Import the target in this interpreter and return its executor factory."""
        if not self.real_threads_ok:
            raise TargetError(f"{self.name} exists only as source; run it under the shim.")
        try:
            mod = importlib.import_module(self.module)
        except ImportError as exc:
            raise TargetError(f"target {self.name!r}: cannot import {self.module!r} ({exc}).") from exc
        factory = getattr(mod, self.factory, None)
        if not callable(factory):
            raise TargetError(f"target {self.name!r}: {self.module} has no callable {self.factory!r}.")
        return factory  # type: ignore[no-any-return]


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


def _pyenv_root() -> str | None:
    exe = shutil.which("pyenv")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None

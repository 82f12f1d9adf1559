"""A target: the thing that makes an executor, named by a short string, and its kind.

========================  ===================================================================
``impl``                  execspec's reference executor (``execspec.impl``)
``stdlib``                the running interpreter's ``concurrent.futures``
``stdlib@3.9``            another installed CPython's ``concurrent/futures`` source (shim only)
``module:factory``        any importable executor class or factory, e.g. ``mypkg.pool:make``
``source:DIR``            a ``concurrent/futures``-like source directory (shim only)
========================  ===================================================================

The checker treats every target alike; ``impl`` is just the first default. CPython's own stdlib
is recognised by identity (:attr:`Target.is_cpython_stdlib`), whatever name reaches it.

>>> Target.parse("stdlib").module
'concurrent.futures'
>>> Target.parse("mypkg.pool:make_pool").factory
'make_pool'
>>> Target.parse("concurrent.futures.thread:ThreadPoolExecutor").is_cpython_stdlib
True
>>> Target.parse("impl").kind
<ExecutorKind.IN_PROCESS_THREADS: 'in-process threads'>
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from execspec.targets.cpython import (
    find_cpython_source,
    installed_cpythons,
    is_cpython_stdlib_factory,
    is_cpython_stdlib_source,
)
from execspec.targets.kind import ExecutorKind

__all__ = ["DEFAULT_TARGETS", "Target", "TargetError"]

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

    @property
    def kind(self) -> ExecutorKind:
        """The kind derived from the target string alone: source-only, or in-process threads.

        Foreign executors (process pools, dask) are told apart only once one is built:
        :func:`execspec.targets.classify` on the executor refines this.
        """
        return ExecutorKind.SOURCE_ONLY if self.source_dir is not None else ExecutorKind.IN_PROCESS_THREADS

    @functools.cached_property
    def is_cpython_stdlib(self) -> bool:
        """Whether the target is CPython's own ``concurrent.futures`` thread pool, by identity:
        its factory is the very ``concurrent.futures.ThreadPoolExecutor`` of this interpreter,
        or its source directory is an installed CPython's. (A target that cannot be imported
        is not.)"""
        if self.source_dir is not None:
            return is_cpython_stdlib_source(self.source_dir)
        try:
            return is_cpython_stdlib_factory(self.load_factory())
        except TargetError:
            return False

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
        if self.source_dir is not None:
            for part in reversed(self.source_dir.parts):
                if part.startswith("python3.") and part[len("python3."):].isdigit():
                    return (3, int(part[len("python3."):]))
            return None
        if self.is_cpython_stdlib:
            return (sys.version_info[0], sys.version_info[1])
        return None

    def load_factory(self) -> Callable[..., Any]:
        """Import the target in this interpreter and return its executor factory."""
        if not self.real_threads_ok:
            raise TargetError(f"{self.name} exists only as source; run it under the shim.")
        try:
            mod = importlib.import_module(self.module)
        except ImportError as exc:
            raise TargetError(f"target {self.name!r}: cannot import module {self.module!r} ({exc}); "
                              "install it, or fix the module path before the ':'") from exc
        except Exception as exc:  # noqa: BLE001 - a module that fails as it runs: say how
            raise TargetError(f"target {self.name!r}: importing {self.module!r} raised "
                              f"{type(exc).__name__}: {exc}") from exc
        if not hasattr(mod, self.factory):
            raise TargetError(f"target {self.name!r}: module {self.module!r} has no attribute "
                              f"{self.factory!r}; name the class or function in it that makes the "
                              "executor, after the ':'")
        factory = getattr(mod, self.factory)
        if not callable(factory):
            raise TargetError(f"target {self.name!r}: {self.module}.{self.factory} is a "
                              f"{type(factory).__name__}, not callable; name the class or function "
                              "that makes the executor, after the ':'")
        return factory  # type: ignore[no-any-return]

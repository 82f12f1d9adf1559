"""A venv per other CPython, made once, with what execspec needs to run there.

Real-thread mode of another CPython's stdlib (:mod:`.other_python`) runs execspec under that
interpreter. execspec's own files come from this process (the child maps them, nothing is
installed); its dependencies must be built for that interpreter: hypothesis and greenlet, at
the versions this interpreter has (so the child's machine draws what ours would; else the newest
that supports that interpreter, within pyproject's bounds). They go into
a venv under :func:`execspec.config.cache_dir` (``pythons/3.12.1-<pins>``), made on first use
with the interpreter's own ``venv`` module and this interpreter's pip (``pip --python``,
through the package index pip is configured with), then reused: about 25 s once, nothing after.

A venv is built beside its final place and renamed into it, so two runs at once never see a
half-made one; a venv that cannot be made is a reason (a string), never an exception.
"""

from __future__ import annotations

import hashlib
import os
import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

from execspec import config

__all__ = ["DEPENDENCIES", "FALLBACK", "MIN_VERSION", "interpreter_env", "pins"]

#: pyproject's requires-python: execspec itself does not run on an older interpreter
MIN_VERSION = (3, 10)
#: what the child imports beyond execspec and the standard library
DEPENDENCIES = ("hypothesis", "greenlet")
#: what is installed when this interpreter's versions are not to be had there (pyproject's bounds)
FALLBACK = ("hypothesis>=6.100", "greenlet>=3.0")
#: real seconds making one venv may take (creating it, then pip)
_SETUP_BOUND = 300.0


def pins() -> list[str]:
    """The dependencies at the versions this interpreter has (unpinned when one is missing).

    >>> all(p.startswith(DEPENDENCIES) for p in pins())
    True
    """
    out = []
    for name in DEPENDENCIES:
        try:
            out.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(name)
    return out


def interpreter_env(interpreter: Path) -> Path | str:
    """The python of a venv for ``interpreter`` with :data:`DEPENDENCIES` installed, made once
    under the cache directory; or a line saying why it could not be made."""
    version, problem = _version(interpreter)
    if version is None:
        return problem
    wanted = pins()
    key = hashlib.sha256("\n".join([str(interpreter.resolve()), *wanted]).encode()).hexdigest()[:12]
    home = config.cache_dir() / "pythons" / f"{version}-{key}"
    python = home / "bin" / "python"
    if (home / ".execspec-ready").is_file() and python.exists():
        return python
    home.parent.mkdir(parents=True, exist_ok=True)
    building = home.with_name(f"{home.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        installed = wanted
        made = _make(interpreter, building, installed)
        if made is not None and wanted != list(FALLBACK):
            # this interpreter's versions may not support that one (hypothesis drops old Pythons):
            # the newest release that does, within execspec's own bounds
            shutil.rmtree(building, ignore_errors=True)
            installed = list(FALLBACK)
            made = _make(interpreter, building, installed)
        if made is not None:
            return f"cannot make a venv for Python {version} under {home.parent}: {made}"
        (building / ".execspec-ready").write_text("\n".join(installed) + "\n", encoding="utf-8")
        try:
            building.rename(home)
        except OSError:  # another run made it first: use theirs
            pass
    except OSError as exc:
        return f"cannot make a venv for Python {version} under {home.parent}: {exc.strerror or exc}"
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return python if python.exists() else f"no venv at {home} after making it"


def _make(interpreter: Path, where: Path, wanted: list[str]) -> str | None:
    steps = [[str(interpreter), "-m", "venv", "--without-pip", str(where)],
             [sys.executable, "-m", "pip", "--python", str(where / "bin" / "python"), "install", "-q",
              "--disable-pip-version-check", *wanted]]
    for cmd in steps:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=_SETUP_BOUND,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"{' '.join(cmd[:3])}: {exc}"
        if done.returncode != 0:
            said = [line for line in (done.stderr or done.stdout).strip().splitlines()
                    if line.strip() and not line.startswith("WARNING")]
            return f"{' '.join(cmd[:3])} exited {done.returncode}" + (f": {said[-1]}" if said else "")
    return None


def _version(interpreter: Path) -> tuple[str | None, str]:
    """The interpreter's full version ('3.12.1'), or None and why it could not be read."""
    try:
        done = subprocess.run([str(interpreter), "-c", "import platform; print(platform.python_version())"],
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"cannot run {interpreter}: {exc}"
    if done.returncode != 0 or not done.stdout.strip():
        return None, f"cannot run {interpreter} (exit status {done.returncode})"
    return done.stdout.strip(), ""

"""impl runs on the other CPythons it supports (3.10, 3.12, 3.13), where this machine has them.

Each interpreter found (``$(pyenv root)/versions/3.X.*/bin/python``, else ``python3.X`` on
PATH; each is asked its version) runs impl_smoke.py, plain Python, in a subprocess, against a
temporary ``execspec`` package that holds only a link to impl/: impl needs nothing else.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import execspec.impl as impl

HERE = Path(__file__).resolve().parent
VERSIONS = ["3.10", "3.12", "3.13"]


def _version_of(python: str) -> str | None:
    try:
        out = subprocess.run([python, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.lru_cache(maxsize=None)
def _pyenv_root() -> str | None:
    if shutil.which("pyenv") is None:
        return None
    try:
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def find_python(version: str) -> str | None:
    """An interpreter on this machine that says it is CPython ``version``, or None."""
    candidates = []
    root = _pyenv_root()
    if root:
        candidates += sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", "python")), reverse=True)
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    return next((c for c in candidates if _version_of(c) == version), None)


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose only package is ``execspec``, with ``execspec/impl`` -> impl/."""
    root = tmp_path_factory.mktemp("other_pythons")
    (root / "execspec").mkdir()
    (root / "execspec" / "__init__.py").write_text("")
    (root / "execspec" / "impl").symlink_to(Path(impl.__file__).resolve().parent, target_is_directory=True)
    return root


@pytest.mark.parametrize("version", VERSIONS)
def test_impl_works_on_other_cpythons(version: str, layout: Path) -> None:
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        pytest.skip(f"{version} is the interpreter running the rest of the suite")
    python = find_python(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine (pyenv or python{version} on PATH)")
    # -I: no PYTHONPATH, no user site, no current directory, so the repo's execspec is not seen;
    # no bytecode written into impl/ by another interpreter
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run([python, "-I", "-B", str(HERE / "impl_smoke.py"), str(layout)],
                         capture_output=True, text=True, timeout=60, env=env)  # fmt: skip
    assert out.returncode == 0, f"CPython {version} ({python}):\n{out.stdout}\n{out.stderr}"
    assert out.stdout.startswith(f"ok {version} "), out.stdout

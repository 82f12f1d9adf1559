"""`mypy --strict` over the installed namespace: execspec, execspec.model and execspec.impl.

mypy cannot follow setuptools' package-dir mapping, so the test lays the namespace out as it is
installed — execspec/ with impl/ and model/ linked in as execspec/impl and execspec/model — in a
temporary directory of symlinks, and checks that.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _layout(tmp: Path) -> Path:
    pkg = tmp / "execspec"
    pkg.mkdir()
    for entry in (ROOT / "execspec").iterdir():
        if entry.name != "__pycache__":
            (pkg / entry.name).symlink_to(entry)
    for name, source in (("impl", "impl"), ("model", "model"), ("specs", "specs")):
        (pkg / name).symlink_to(ROOT / source)
    return tmp


@pytest.mark.timeout(300)
def test_the_public_packages_are_mypy_strict_clean(tmp_path: Path) -> None:
    if shutil.which("mypy") is None and subprocess.run(
        [sys.executable, "-m", "mypy", "--version"], capture_output=True
    ).returncode != 0:
        pytest.skip("mypy is not installed (it comes with the 'test' extra)")
    root = _layout(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"),
         "--python-version", "3.10", "-p", "execspec"],
        cwd=root, capture_output=True, text=True, timeout=280,
    )
    assert out.returncode == 0, f"mypy --strict found problems:\n{out.stdout}{out.stderr}"

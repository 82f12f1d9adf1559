"""The project as a new user gets it: a wheel, installed into a fresh venv outside the checkout.

CI installs with ``pip install -e``, which finds every module in the source tree whether the
packaging lists it or not; this test builds the wheel and runs the main commands from it, so a
subpackage the wheel leaves out (``execspec.sched.strategies`` once was) fails here.

To stay in the default tier (about 20 s), the venv borrows this interpreter's installed
dependencies through a ``.pth`` line rather than downloading them; the checkout itself is
never importable from it (the commands run in a temporary directory, and the test asserts
that ``execspec`` comes from the venv's site-packages).
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: what the sdist holds: the wheel is built from a copy of these, never in the checkout itself
SOURCES = ("execspec", "impl", "model", "specs", "pyproject.toml", "setup.py", "README.md")


def _run(args: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH: nothing but the venv's own paths may lead back to a source tree.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    # With build isolation, as a user's pip builds it: the build backend the pyproject asks for,
    # not whatever setuptools this environment happens to have.
    out = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
               cwd=src)
    assert out.returncode == 0, f"building the wheel failed:\n{out.stdout}{out.stderr}"
    (found,) = dist.glob("execspec-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = tmp_path_factory.mktemp("venv")
    out = _run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=env)
    assert out.returncode == 0, out.stderr
    python = env / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=env).stdout.strip())
    # The dependencies (hypothesis, greenlet, ...) from this interpreter's site-packages; a .pth
    # line only adds the directory to sys.path, so the editable install's own .pth there (which
    # would map `execspec` back to the checkout) is not processed.
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "_execspec_test_deps.pth").write_text("\n".join(deps) + "\n")
    out = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                "--no-index", "-q", str(wheel)], cwd=env)
    assert out.returncode == 0, f"installing the wheel failed:\n{out.stdout}{out.stderr}"
    return env


def test_the_wheel_holds_every_package_of_the_tree_and_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"execspec/{p.relative_to(ROOT / 'execspec').as_posix()}"
                for p in (ROOT / "execspec").rglob("*.py") if "__pycache__" not in p.parts}
    for top, pkg in (("impl", "impl"), ("model", "model"), ("specs", "specs")):
        expected |= {f"execspec/{pkg}/{p.relative_to(ROOT / top).as_posix()}"
                     for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts}
    expected |= {f"execspec/specs/{p.name}" for p in (ROOT / "specs").glob("*.md")}
    expected |= {"execspec/model/manifest.json", "execspec/py.typed"}
    missing = sorted(expected - names)
    assert not missing, f"the wheel leaves out {len(missing)} files, e.g.:\n" + "\n".join(missing[:20])


def test_execspec_imports_from_the_venv_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv / "bin" / "python"), "-c", "import execspec, execspec.impl; "
                "print(execspec.__file__); print(execspec.impl.__file__)"], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for line in out.stdout.split():
        assert Path(line).resolve().is_relative_to(venv.resolve()), line
        assert not Path(line).resolve().is_relative_to(ROOT), line


def test_execspec_check_impl_runs_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv / "bin" / "execspec"), "check", "impl"], cwd=tmp_path)
    assert out.returncode == 0, f"exit {out.returncode}:\n{out.stdout}{out.stderr}"
    assert re.search(r"^impl: [1-9][0-9]* clauses pass, 0 diverge as the spec records, 0 fail;",
                     out.stdout, re.M), out.stdout
    assert "0 unexpected failure(s)" in out.stdout


def test_execspec_deadlocks_runs_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv / "bin" / "execspec"), "deadlocks"], cwd=tmp_path)
    assert out.returncode == 0, f"exit {out.returncode}:\n{out.stdout}{out.stderr}"
    assert "DEADLOCK: worker 0 waits on future b (wait_on_a)" in out.stdout

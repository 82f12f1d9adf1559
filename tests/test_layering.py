"""The one-way layering of DESIGN.md, checked on the import statements themselves.

specs <- model <- execspec (checker) -> impl (only as one target among others)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(directory: str) -> list[tuple[str, int, str]]:
    """Every absolute import in a directory's modules: (file, line, imported module)."""
    found = []
    for path in sorted((ROOT / directory).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((str(path.relative_to(ROOT)), node.lineno, node.module))
    return found


def _ours(name: str) -> bool:
    return name == "execspec" or name.startswith("execspec.")


def test_model_imports_nothing_of_ours_but_the_spec() -> None:
    bad = [
        f"{f}:{line} imports {mod}"
        for f, line, mod in _imports("model")
        if _ours(mod) and not (mod.startswith("execspec.spec") or mod.startswith("execspec.model"))
    ]
    assert not bad, "model/ must stay pure (DESIGN.md layering):\n" + "\n".join(bad)


def test_impl_imports_nothing_of_ours() -> None:
    bad = [
        f"{f}:{line} imports {mod}"
        for f, line, mod in _imports("impl")
        if _ours(mod) and not mod.startswith("execspec.impl")
    ]
    assert not bad, "impl/ is a product checked from outside:\n" + "\n".join(bad)


def test_checker_never_imports_impl_directly() -> None:
    # The checker reaches impl only the way it reaches any executor: by loading a target name.
    bad = [f"{f}:{line} imports {mod}" for f, line, mod in _imports("execspec") if mod.startswith("execspec.impl")]
    assert not bad, "the checker must not special-case impl:\n" + "\n".join(bad)


def test_no_generic_top_level_import_names(tmp_path: Path) -> None:
    # From outside the checkout (so the current directory is not on sys.path), only the
    # `execspec` namespace may resolve to our code: `import model` must not exist after install.
    code = (
        "import importlib.util, sys\n"
        "names = ['model', 'impl', 'specs']\n"
        "print([n for n in names if importlib.util.find_spec(n) is not None])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"generic top-level names resolve: {out.stdout.strip()}"


def test_the_layering_check_catches_a_bad_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Known-bad: a model module importing the checker must be reported.
    bad_root = tmp_path
    (bad_root / "model").mkdir()
    (bad_root / "model" / "bad.py").write_text("from execspec.sched import runtime\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", bad_root)
    with pytest.raises(AssertionError, match="execspec.sched"):
        test_model_imports_nothing_of_ours_but_the_spec()

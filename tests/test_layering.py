"""The one-way layering of DESIGN.md, checked on the import statements themselves.

    specs <- model <- execspec (checker) -> impl (only as one target among others)
    spec, targets, sched <- conformance <- reports (results only) <- commands <- cli

Every import counts: at module level, inside functions, under ``TYPE_CHECKING``, relative or
absolute. Each contract has a known-bad example (a synthetic package tree) that it must catch.
The layers *inside* ``execspec.sched`` are checked by ``tests/sched/test_sched_layers.py``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package name -> the folder it is installed from (DESIGN.md: one namespace, three mapped folders)
TREE = {"execspec": "execspec", "execspec.impl": "impl", "execspec.model": "model",
        "execspec.specs": "specs"}

#: subpackage -> what its modules may import of ours (besides themselves). A module belongs to
#: the longest prefix that names it; modules under no prefix here (cli, commands, the root
#: package) may import anything but impl.
CONTRACTS: dict[str, tuple[str, ...]] = {
    "execspec.impl": (),                                   # a product, checked from outside
    "execspec.model": ("execspec.spec",),                  # pure: the spec only
    "execspec.config": (),
    "execspec.spec": ("execspec.config",),
    "execspec.targets": ("execspec.config",),
    "execspec.sched": ("execspec.config",),
    "execspec.conformance": ("execspec.spec", "execspec.model", "execspec.sched",
                             "execspec.targets", "execspec.config"),
    # reports render data: the typed results, the gate's verdict on them (conformance.baseline
    # imports only conformance.results, so neither loads the checks nor the shim), clause texts
    "execspec.reports": ("execspec.conformance.results", "execspec.conformance.baseline", "execspec.spec"),
}

#: libraries: no argparse (their command lines are in execspec.commands)
LIBRARIES = ("execspec.spec", "execspec.targets", "execspec.sched", "execspec.conformance",
             "execspec.reports", "execspec.config")


def modules(root: Path = ROOT, tree: dict[str, str] = TREE) -> dict[str, Path]:
    """Every module of the namespace: dotted name -> file."""
    found: dict[str, Path] = {}
    mapped = {folder for package, folder in tree.items() if package != "execspec"}
    for package, folder in tree.items():
        base = root / folder
        for path in sorted(base.rglob("*.py")) if base.is_dir() else []:
            rel = path.relative_to(base).with_suffix("").parts
            # (a checkout laid out as installed links impl/ etc. into execspec/: read them once)
            if "__pycache__" in rel or (package == "execspec" and rel[0] in mapped):
                continue
            name = ".".join((package, *rel))
            found[name.removesuffix(".__init__")] = path
    return found


def imports(mods: dict[str, Path]) -> dict[str, list[tuple[int, str]]]:
    """Every import of every module, resolved to absolute names: module -> [(line, imported)].

    ``from a.b import c`` yields ``a.b.c`` when that is a module, else ``a.b``.
    """
    out: dict[str, list[tuple[int, str]]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        base = name if is_pkg else name.rpartition(".")[0]
        found: list[tuple[int, str]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                found += [(node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    head = ".".join(parts[: len(parts) - (node.level - 1)]
                                    + ([node.module] if node.module else []))
                else:
                    head = node.module or ""
                for a in node.names:
                    full = f"{head}.{a.name}"
                    found.append((node.lineno, full if full in mods else head))
        out[name] = found
    return out


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _ours(name: str) -> bool:
    return _within(name, "execspec")


def _layer(name: str) -> str | None:
    best = [p for p in CONTRACTS if _within(name, p)]
    return max(best, key=len) if best else None


def contract_violations(mods: dict[str, Path]) -> list[str]:
    """Imports of ours that a module's layer does not allow, and any import of impl from the
    checker."""
    bad = []
    for name, found in imports(mods).items():
        layer = _layer(name)
        for line, target in found:
            if not _ours(target) or (layer is not None and _within(target, layer)):
                continue
            where = f"{name} (line {line}) imports {target}"
            if _within(target, "execspec.impl") and not _within(name, "execspec.impl"):
                bad.append(f"{where}: the checker reaches impl only through the target string 'impl'")
            elif layer is not None and not any(_within(target, ok) for ok in CONTRACTS[layer]):
                bad.append(f"{where}: {layer} may import only "
                           f"{', '.join(CONTRACTS[layer]) or 'nothing of ours'}")
    return bad


def argparse_in_libraries(mods: dict[str, Path]) -> list[str]:
    """Libraries that parse command lines (that is execspec.commands' job)."""
    return [f"{name} (line {line}) imports argparse" for name, found in imports(mods).items()
            if any(_within(name, lib) for lib in LIBRARIES)
            for line, target in found if target == "argparse"]


def cycles(mods: dict[str, Path]) -> list[list[str]]:
    """Import cycles among our modules (strongly connected components of more than one module).

    An import resolves to the nearest enclosing module that exists; a module's import of a
    package that contains it is not an edge (importing ``a.b.c`` runs ``a/__init__`` first anyway).
    """
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, found in imports(mods).items():
        for _, target in found:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name and not (mods[target].name == "__init__.py"
                                                   and name.startswith(target + ".")):
                edges[name].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    comps: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(mods) + 100))
    try:
        for v in sorted(mods):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return comps


# ---------------------------------------------------------------------------------------------
# The contracts, on the real tree.

def test_every_subpackage_imports_only_what_its_layer_allows() -> None:
    bad = contract_violations(modules())
    assert not bad, "imports against the layering (DESIGN.md):\n" + "\n".join(bad)


def test_the_libraries_have_no_command_line_parsing() -> None:
    bad = argparse_in_libraries(modules())
    assert not bad, "argparse belongs in execspec/commands/:\n" + "\n".join(bad)


def test_there_is_no_import_cycle_anywhere() -> None:
    found = cycles(modules())
    assert not found, "import cycles (counting imports in functions and under TYPE_CHECKING):\n" + \
        "\n".join(f"  {len(c)} modules: {', '.join(c)}" for c in found)


def test_the_tree_is_read_whole() -> None:
    # Guards the guards: a tree walk that found nothing would pass every contract above.
    mods = modules()
    for name in ("execspec.cli", "execspec.spec", "execspec.conformance.results",
                 "execspec.reports.terminal", "execspec.model", "execspec.impl", "execspec.sched"):
        assert name in mods, name
    assert not any(_within(m, "execspec.execspec") for m in mods)


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


# ---------------------------------------------------------------------------------------------
# Known-bad trees: each contract must catch its example.

def _tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in {"execspec/__init__.py": "", "impl/__init__.py": "", "model/__init__.py": "",
                      **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.parents:  # every folder a package
            if parent == root:
                break
            (parent / "__init__.py").touch()
        path.write_text(text)
    return modules(root)


@pytest.mark.parametrize(("files", "expected"), [
    ({"model/bad.py": "from execspec.sched import runtime\n"}, "execspec.model.bad (line 1) imports execspec.sched"),
    ({"impl/bad.py": "def f():\n    import execspec.model\n"}, "execspec.impl.bad (line 2) imports execspec.model"),
    ({"execspec/reports/bad.py": "from execspec.conformance.scenarios import run\n"},
     "execspec.reports may import only"),
    ({"execspec/conformance/bad.py": "from execspec.reports import terminal\n"},
     "execspec.conformance may import only"),
    ({"execspec/sched/bad.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                               "    from execspec.conformance.results import Verdict\n"},
     "execspec.sched.bad (line 3) imports execspec.conformance.results"),
    ({"execspec/spec/bad.py": "from ..targets import Target\n", "execspec/targets/__init__.py": ""},
     "execspec.spec.bad (line 1) imports execspec.targets"),
    ({"execspec/commands/bad.py": "from execspec.impl import ThreadPoolExecutor\n"},
     "the checker reaches impl only through the target string"),
])
def test_the_contracts_catch_a_bad_import(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    bad = contract_violations(_tree(tmp_path, files))
    assert any(expected in line for line in bad), bad


def test_the_contracts_let_a_good_tree_pass(tmp_path: Path) -> None:
    good = {"execspec/reports/ok.py": "from execspec.conformance.results import Verdict\n"
                                      "from execspec.spec import load\n",
            "execspec/conformance/results.py": "from execspec.targets import ExecutorKind\n",
            "execspec/commands/ok.py": "import argparse\nfrom execspec.reports import ok\n",
            "model/ok.py": "from execspec.spec import load\nfrom . import helpers\n",
            "model/helpers.py": ""}
    mods = _tree(tmp_path, good)
    assert contract_violations(mods) == [] and argparse_in_libraries(mods) == [] and cycles(mods) == []


def test_argparse_in_a_library_is_caught(tmp_path: Path) -> None:
    bad = argparse_in_libraries(_tree(tmp_path, {"execspec/sched/cli.py": "def main():\n    import argparse\n"}))
    assert bad == ["execspec.sched.cli (line 2) imports argparse"]


@pytest.mark.parametrize("files", [
    # a function-level import closing the loop
    {"execspec/sched/a.py": "from execspec.sched import b\n",
     "execspec/sched/b.py": "def f():\n    from execspec.sched.a import thing\n"},
    # a TYPE_CHECKING import closing it, through three modules and a relative import
    {"execspec/conformance/a.py": "from .b import x\n",
     "execspec/conformance/b.py": "from execspec.conformance import c\n",
     "execspec/conformance/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"},
    # across subpackages, through a package __init__ that re-exports
    {"execspec/spec/__init__.py": "from execspec.spec.load import load\n",
     "execspec/spec/load.py": "import execspec.targets.t\n",
     "execspec/targets/t.py": "from execspec.spec import load\n"},
])
def test_the_cycle_check_catches_a_cycle(tmp_path: Path, files: dict[str, str]) -> None:
    found = cycles(_tree(tmp_path, files))
    assert len(found) == 1 and len(found[0]) >= 2, found

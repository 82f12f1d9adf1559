"""The layers of ``execspec.sched`` import one way only, and no module of it is in an import
cycle, counting imports inside functions and under ``TYPE_CHECKING``.

    kernel  <-  shims, strategies  <-  loader  <-  postmortem  <-  runner  <-  explore  <-  face

A module may import its own layer and the layers below it; ``shims`` and ``strategies`` are
siblings that do not import each other. The face (``execspec/sched/__init__.py``) sits on top;
no module of sched imports the face. The checker is tried on a known-bad package first, so a
broken checker cannot pass silently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCHED = Path(__file__).resolve().parents[2] / "execspec" / "sched"

#: layer -> rank; a module may import modules of a layer whose rank is lower, or its own layer
RANKS = {"kernel": 0, "shims": 1, "strategies": 1, "loader": 2, "postmortem": 3, "runner": 4,
         "explore": 5, "faults": 5, "face": 6}
#: modules outside the layers: the example scenarios (user code, importing nothing of sched)
EXEMPT = {"examples"}


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name."""
    mods = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = path
    return mods


def imports_of(name: str, path: Path) -> set[str]:
    """Every module name ``path`` imports, anywhere in it (functions, TYPE_CHECKING too)."""
    is_pkg = path.name == "__init__.py"
    base = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                head = ".".join(parts[:len(parts) - node.level + 1] + [node.module or ""])
            else:
                head = node.module or ""
            found.add(head.rstrip("."))
            found.update(f"{head}.{a.name}" for a in node.names)  # submodules imported by name
    return found


def graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the package's modules it imports (a package imported by a submodule of its
    own is not an edge: importing ``a.b`` runs ``a`` first anyway)."""
    mods = module_names(root, package)
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        targets = set()
        for imported in imports_of(name, path):
            while imported and imported not in mods:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not (
                    imported != package and name.startswith(imported + ".")
                    and mods[imported].name == "__init__.py"):
                targets.add(imported)
        edges[name] = targets
    return edges


def layer_of(name: str, package: str) -> str:
    rest = name[len(package):].lstrip(".")
    return rest.split(".")[0] if rest else "face"


def layer_violations(edges: dict[str, set[str]], package: str) -> list[str]:
    """``a -> b`` for every import from a lower (or sibling) layer into a higher one."""
    bad = []
    for src, targets in sorted(edges.items()):
        src_layer = layer_of(src, package)
        if src_layer in EXEMPT:
            continue
        for dst in sorted(targets):
            dst_layer = layer_of(dst, package)
            if dst_layer in EXEMPT or dst_layer == src_layer:
                continue
            if dst_layer not in RANKS or src_layer not in RANKS:
                bad.append(f"{src} -> {dst}: {src_layer if src_layer not in RANKS else dst_layer}"
                           f" is no layer; add it to RANKS")
            elif RANKS[dst_layer] >= RANKS[src_layer]:
                bad.append(f"{src} ({src_layer}) -> {dst} ({dst_layer})")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def check(root: Path, package: str) -> None:
    edges = graph(root, package)
    bad = layer_violations(edges, package)
    assert not bad, "imports against the layer order:\n  " + "\n  ".join(bad)
    loops = cycles(edges)
    assert not loops, "import cycles:\n  " + "\n  ".join(" <-> ".join(c) for c in loops)


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_catches_a_kernel_module_importing_a_shim(tmp_path: Path) -> None:
    # the import hides in a function, the way "avoid an import cycle" imports used to
    _write(tmp_path, {
        "__init__.py": "", "kernel/__init__.py": "", "shims/__init__.py": "",
        "kernel/runtime.py": "def f():\n    from fake.shims.threading import MainThread\n",
        "shims/threading.py": "from fake.kernel.runtime import f\n",
    })
    with pytest.raises(AssertionError, match=r"fake\.kernel\.runtime \(kernel\) -> fake\.shims"):
        check(tmp_path, "fake")


def test_the_checker_catches_a_cycle_within_one_layer_under_type_checking(tmp_path: Path) -> None:
    _write(tmp_path, {
        "__init__.py": "", "loader/__init__.py": "",
        "loader/table.py": "from typing import TYPE_CHECKING\n"
                           "if TYPE_CHECKING:\n    from fake.loader.env import Env\n",
        "loader/env.py": "from .table import ModuleTable\n",
    })
    with pytest.raises(AssertionError, match="import cycles"):
        check(tmp_path, "fake")


def test_the_checker_catches_siblings_importing_each_other(tmp_path: Path) -> None:
    _write(tmp_path, {
        "__init__.py": "", "shims/__init__.py": "", "strategies/__init__.py": "",
        "strategies/dfs.py": "import fake.shims.sync\n", "shims/sync.py": "",
    })
    with pytest.raises(AssertionError, match=r"\(strategies\) -> fake\.shims\.sync \(shims\)"):
        check(tmp_path, "fake")


def test_sched_imports_follow_the_layer_order_and_have_no_cycles() -> None:
    assert (SCHED / "kernel" / "runtime.py").exists(), "the layout moved: update this test"
    check(SCHED, "execspec.sched")


def test_the_kernel_imports_nothing_of_execspec_but_itself() -> None:
    edges = imports_of_package(SCHED / "kernel", "execspec.sched.kernel")
    outside = sorted(m for m in edges if m.startswith("execspec")
                     and not m.startswith("execspec.sched.kernel"))
    assert not outside, f"the kernel imports {outside}: plug the layer in through a protocol"


def imports_of_package(root: Path, package: str) -> set[str]:
    found: set[str] = set()
    for name, path in module_names(root, package).items():
        found |= imports_of(name, path)
    return found

"""The model's transition modules are pure: they import no threads, clocks, I/O or randomness.

(The explorer, ``model/explore.py``, is tooling: it reads the clock to report its run time.)
"""

from __future__ import annotations

import ast
from pathlib import Path

MODEL = Path(__file__).resolve().parents[2] / "model"
TOOLING = {"explore.py"}
ALLOWED = {"__future__", "collections", "collections.abc", "dataclasses", "enum", "typing"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_model_transition_modules_import_nothing_impure() -> None:
    bad = {
        f"{path.name}: {mod}"
        for path in MODEL.glob("*.py")
        if path.name not in TOOLING
        for mod in _imports(path)
        if mod not in ALLOWED and not mod.startswith("execspec.model")
    }
    assert not bad, f"model modules must stay pure (no threads, clocks, I/O): {sorted(bad)}"


def test_states_are_hashable_and_immutable() -> None:
    import dataclasses

    from execspec.model import Submit, allowed, initial

    (o,) = allowed(initial(2), Submit())
    assert hash(o.state) == hash(o.state) and {o.state: 1}[o.state] == 1
    try:
        o.state.pool.shutdown = True  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("model states must be frozen")


def test_states_pickle_without_their_cached_hash() -> None:
    import pickle

    from execspec.model import Submit, allowed, initial

    (o,) = allowed(initial(2), Submit())
    hash(o.state)
    copy = pickle.loads(pickle.dumps(o.state))
    assert copy == o.state and "_hash" not in copy.__dict__ and hash(copy) == hash(o.state)

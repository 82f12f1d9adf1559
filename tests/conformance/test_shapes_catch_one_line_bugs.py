"""Shapes written for one line of impl catch it: each catches impl with that line changed as
the bug would have it (issue 9's gaps "race" and "exit").

A window a few scheduling points wide (a future done between a late next()'s two looks for
news; a submit between a finishing worker's two looks at the queue) is reached by an
interleaving the shape's pinned seeds choose, not by any state the model could name; an exit
hook that does not join is seen only when the workers are daemon threads, which nothing but
that hook waits for. So the check that such a shape does its job is the bug itself: impl
copied, one line changed, and the shape alone run against the copy under the shim. impl
unchanged passes the same shapes (``test_machine_passes_good_executors``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import execspec.impl
from execspec.conformance.machine import Mode, machine_for
from execspec.conformance.shapes import SHAPES, run_shapes
from execspec.targets import Target

#: shape -> (impl file, line, the text there, the bug's text, the clause the machine must name)
BUGS = {
    "as_completed-timeout on a running future past its deadline, the gate opened, then next":
        ("_waiting.py", 188, "continue  # news arrived", "break  # news arrived", "AC-YIELDS-AS-COMPLETE"),
    "three workers, a call submitted while the first one finishes, then two more":
        ("_thread.py", 317, "if q.empty():", "if not q.empty():", "TPE-IDLE-REUSE"),
    "interpreter exit with two calls queued by a daemon thread (the workers are daemons)":
        ("_thread.py", 487, "for t in threads:", "for t in ():", "TPE-INTERPRETER-EXIT"),
}


def _impl_with(tmp_path: Path, name: str, file: str, line: int, old: str, new: str) -> None:
    root = Path(execspec.impl.__file__).parent
    shutil.copytree(root, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / name / file
    lines = path.read_text().splitlines(keepends=True)
    assert old in lines[line - 1], f"impl/{file}:{line} is no longer {old!r}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_text("".join(lines))


@pytest.mark.parametrize("shape", sorted(BUGS))
def test_the_shape_catches_the_bug_it_was_written_for(shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file, line, old, new, clause = BUGS[shape]
    name = f"impl_bug_{sorted(BUGS).index(shape)}"
    _impl_with(tmp_path, name, file, line, old, new)
    monkeypatch.syspath_prepend(str(tmp_path))
    machine = machine_for(Target.parse(f"{name}:ThreadPoolExecutor"), Mode.SHIM)
    run_shapes(machine, tuple(s for s in SHAPES if s.name == shape))
    assert machine.found, f"{shape!r} did not catch impl/{file}:{line} {old!r} -> {new!r}"
    assert clause in machine.found[0].violation.clauses, machine.found[0].violation

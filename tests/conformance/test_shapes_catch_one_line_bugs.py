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
from execspec.conformance.shape_runner import run_shapes
from execspec.conformance.shapes import SHAPES
from execspec.targets import Target

#: shape -> (impl file, a line before the bug's, the text the bug changes in the first line after
#: that one holding it, the bug's text, the clause the machine must name)
BUGS = {
    "as_completed-timeout on a running future past its deadline, the gate opened, then next":
        ("_waiting.py", "collector.flush()", "continue  # news arrived", "break  # news arrived",
         "AC-YIELDS-AS-COMPLETE"),
    "three workers, a call submitted while the first one finishes, then two more":
        ("_thread.py", "if f._callbacks is None and q.empty():", "if q.empty():", "if not q.empty():",
         "TPE-IDLE-REUSE"),
    "interpreter exit with two calls queued by a daemon thread (the workers are daemons)":
        ("_thread.py", "def _at_exit()", "for t in threads:", "for t in ():", "TPE-INTERPRETER-EXIT"),
}


def _impl_copy(tmp_path: Path, name: str) -> Path:
    """impl copied to ``tmp_path/name`` (a package of that name once ``tmp_path`` is on the path)."""
    shutil.copytree(Path(execspec.impl.__file__).parent, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / name


def _impl_with(tmp_path: Path, name: str, file: str, after: str, old: str, new: str) -> None:
    path = _impl_copy(tmp_path, name) / file
    lines = path.read_text().splitlines(keepends=True)
    starts = [i for i, text in enumerate(lines) if after in text]
    assert len(starts) == 1, f"impl/{file} no longer has one line with {after!r}: update BUGS"
    at = next((i for i in range(starts[0] + 1, len(lines)) if old in lines[i]), None)
    assert at is not None, f"impl/{file} has no {old!r} after {after!r}: update BUGS"
    lines[at] = lines[at].replace(old, new)
    path.write_text("".join(lines))


@pytest.mark.parametrize("shape", sorted(BUGS))
def test_the_shape_catches_the_bug_it_was_written_for(shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file, after, old, new, clause = BUGS[shape]
    name = f"impl_bug_{sorted(BUGS).index(shape)}"
    _impl_with(tmp_path, name, file, after, old, new)
    monkeypatch.syspath_prepend(str(tmp_path))
    machine = machine_for(Target.parse(f"{name}:ThreadPoolExecutor"), Mode.SHIM)
    run_shapes(machine, tuple(s for s in SHAPES if s.name == shape))
    assert machine.found, f"{shape!r} did not catch impl/{file} {old!r} -> {new!r} (after {after!r})"
    assert clause in machine.found[0].violation.clauses, machine.found[0].violation


#: impl's worker loop before 12a9630 (it replaces the wait for a call, from ``while not counted``
#: to the blocking ``get()``): a new worker that saw the queue non-empty blocked in get() without
#: counting itself idle, and another worker's fast path could take the call first
_OLD_LOOP = """            if not counted and q.empty():
                with lock:
                    if q.empty():
                        pool.idle += 1
                        counted = True
            call = q.get()
"""


def test_the_handoff_shapes_catch_impl_before_its_idle_reuse_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _impl_copy(tmp_path, "impl_pre_handoff") / "_thread.py"
    text = path.read_text()
    last = "                call = q.get()\n"
    start = text.index("            while not counted:")
    end = text.index(last, start) + len(last)
    assert "q.get(False)" in text[start:end], "impl's worker loop changed: update this test's old loop"
    path.write_text(text[:start] + _OLD_LOOP + text[end:])
    monkeypatch.syspath_prepend(str(tmp_path))
    shapes = [s for s in SHAPES if s.name.startswith("the API case threads-idle-after-a-handoff")]
    assert len(shapes) == 2
    for shape in shapes:
        machine = machine_for(Target.parse("impl_pre_handoff:ThreadPoolExecutor"), Mode.SHIM)
        run_shapes(machine, (shape,))
        assert machine.found, f"{shape.name!r} did not catch impl before 12a9630"
        assert machine.found[0].violation.clauses == ("TPE-IDLE-REUSE",), machine.found[0].violation

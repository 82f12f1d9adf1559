"""A machine failure under the shim is written as a replay file; ``execspec replay`` runs its
recorded calls again and shows the same violation; a file that is not a valid one gets one
line and exit 2."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from execspec.commands.replay import main as replay_main
from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.targets import Target

_GENERATED = Profile("replay-test", shim_examples=300, thread_examples=0, steps=10, shapes=False, shrink_budget=3.0)
_SHAPES = Profile("replay-test-shapes", shim_examples=1, thread_examples=0, steps=10)


def _replay(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = replay_main([str(path)], out=out)
    return code, out.getvalue()


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("variant", "profile"), [
    ("conformance.known_bad.cancel_no_wakeup:CancelWakesNobody", _SHAPES),  # found by a shape
    ("conformance.known_bad.worker_dies:WorkerDiesOnException", _GENERATED),  # found by Hypothesis
])
def test_a_shim_failure_replays_with_the_same_clauses(variant: str, profile: Profile, tmp_path: Path) -> None:
    r = run_machine(Target.parse(variant), Mode.SHIM, profile, replay_dir=tmp_path)
    assert r.violation is not None and r.replay_file is not None, (r.violation, r.replay_unsaved)
    assert r.replay_file.is_relative_to(tmp_path)
    code, text = _replay(r.replay_file)
    assert code == 1, text
    assert text.startswith(str(r.violation).splitlines()[0][:60]), text
    assert "note:" not in text, "the replay named other clauses than the recorded violation"


@pytest.mark.timeout(300)
def test_the_same_calls_on_a_good_executor_pass(tmp_path: Path) -> None:
    r = run_machine(Target.parse("conformance.known_bad.cancel_no_wakeup:CancelWakesNobody"), Mode.SHIM, _SHAPES,
                    replay_dir=tmp_path)
    assert r.replay_file is not None
    doc = json.loads(r.replay_file.read_text())
    doc["target"] = "impl"
    fixed = tmp_path / "on-impl.json"
    fixed.write_text(json.dumps(doc))
    code, text = _replay(fixed)
    assert code == 0 and text.startswith("passed:"), text


def _doc(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": "execspec-machine-replay", "version": 1, "target": "impl", "mode": "shim",
                           "steps": [["create", {"workers": 1, "init": {"enum": "InitKind", "value": "none"},
                                                 "base": False, "initargs": {"tuple": []}}]],
                           "seeds": [0], "violation": None}
    doc.update(change)
    return doc


@pytest.mark.parametrize(("change", "says"), [
    ({"version": 9}, "version 9"),
    ({"target": ""}, '"target"'),
    ({"steps": [["create"]]}, '"steps"'),
    ({"seeds": [1, "x"]}, '"seeds"'),
    ({"seeds": [300]}, '"seeds"'),
    ({"steps": [["_fail", {}]]}, "no rule '_fail'"),
    ({"steps": [["create", {"init": {"enum": "InitKind", "value": "sometimes"}}]]}, "not a InitKind"),
    ({"target": "nosuchmodule_xyz:make"}, "cannot be run"),
])
def test_a_bad_replay_file_gets_one_line(change: dict[str, Any], says: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_doc(**change)))
    code, text = _replay(path)
    assert code == 2, text
    assert len(text.strip().splitlines()) == 1 and says in text, text


def test_a_valid_file_of_a_passing_run_replays_as_passed(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(_doc(steps=[["create", {"workers": 1, "init": {"enum": "InitKind", "value": "none"},
                                                       "base": False, "initargs": {"tuple": []}}],
                                           ["submit", {"kind": {"enum": "TaskKind", "value": "returns"},
                                                       "gated": False}]])))
    code, text = _replay(path)
    assert code == 0 and "passed" in text, text

"""Schedule files: round trip, and clear errors for corrupt or incompatible files."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from execspec.sched.examples import docs
from execspec.sched.explore.schedule import (
    Schedule, ScheduleFileError, resolve_scenario, scenario_name,
)


def _schedule() -> Schedule:
    return Schedule(steps=[(0, "acquire", "Lock#1.acquire"), (1, "begin", "begin")],
                    strategy={"name": "random", "seed": 7, "execution": 3},
                    scenario="execspec.sched.examples.docs:wait_on_future",
                    scenario_args={"executor": "concurrent.futures"}, outcome="DEADLOCK",
                    report="a report\n")


def test_schedule_file_round_trips(tmp_path: Path) -> None:
    path = _schedule().save(tmp_path / "sub" / "s.json")
    assert Schedule.load(path) == _schedule()


def test_schedule_file_records_version_seed_and_operations(tmp_path: Path) -> None:
    data = json.loads(_schedule().to_json())
    assert data["version"] == 1 and data["format"] == "execspec-schedule"
    assert data["strategy"]["seed"] == 7
    assert data["steps"][0] == [0, "acquire", "Lock#1.acquire"]


@pytest.mark.parametrize("text,needle", [
    ("{not json", "not valid JSON"),
    ('{"steps": []}', "not an execspec schedule file"),
    ("[1, 2]", "not an execspec schedule file"),
])
def test_corrupt_schedule_file_is_rejected_with_what_to_do(text: str, needle: str) -> None:
    with pytest.raises(ScheduleFileError, match=needle) as info:
        Schedule.from_json(text)
    assert "re-record" in str(info.value) or "pass a file written by explore" in str(info.value)


def test_schedule_file_of_another_version_names_both_versions() -> None:
    data = json.loads(_schedule().to_json())
    data["version"] = 99
    with pytest.raises(ScheduleFileError, match=r"version 99.*reads version 1"):
        Schedule.from_json(json.dumps(data))


@pytest.mark.parametrize("field,value", [("steps", [[0, "acquire"]]), ("steps", [["0", "a", "b"]]),
                                         ("max_steps", "many"), ("strategy", 3)])
def test_malformed_field_is_rejected(field: str, value: object) -> None:
    data = json.loads(_schedule().to_json())
    data[field] = value
    with pytest.raises(ScheduleFileError, match="malformed"):
        Schedule.from_json(json.dumps(data))


def test_truncated_file_is_rejected() -> None:
    text = _schedule().to_json()
    with pytest.raises(ScheduleFileError, match="not valid JSON"):
        Schedule.from_json(text[: len(text) // 2])


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScheduleFileError, match="cannot read schedule file"):
        Schedule.load(tmp_path / "nope.json")


def test_scenarios_are_named_by_module_and_keywords() -> None:
    assert scenario_name(docs.wait_on_future) == ("execspec.sched.examples.docs:wait_on_future", {})
    named = scenario_name(functools.partial(docs.wait_on_future, max_workers=2))
    assert named == ("execspec.sched.examples.docs:wait_on_future", {"max_workers": 2})
    assert resolve_scenario(*named).func is docs.wait_on_future  # type: ignore[attr-defined]


def test_closures_have_no_name() -> None:
    assert scenario_name(lambda env: None) is None
    assert scenario_name(functools.partial(docs.wait_on_future, object())) is None

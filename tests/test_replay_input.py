"""Every ``execspec replay`` input that is not a valid schedule gets one line saying what is wrong,
and exit status 2, never a traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from execspec.commands.replay import main as replay
from execspec.sched.explore import Schedule

GOOD = Schedule(steps=[(0, "start", "Thread#1.start")], strategy={"name": "random", "seed": 0},
                scenario="execspec.sched.examples.docs:wait_on_future")


def _edited(change: Callable[[dict[str, Any]], object]) -> str:
    data = json.loads(GOOD.to_json())
    change(data)
    return json.dumps(data)


def _set(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda d: d.__setitem__(key, value)


CASES: list[tuple[str, bytes | str | None, str]] = [
    ("not UTF-8", b"\xff\xfe{\x00", "is not UTF-8 text (byte 0xff at offset 0)"),
    ("not JSON", "hello", "is not valid JSON (line 1"),
    ("truncated", GOOD.to_json()[:40], "is not valid JSON"),
    ("empty", "", "is empty"),
    ("blank", " \n", "is empty"),
    ("nested too deep", "[" * 100_000 + "]" * 100_000, "is not valid JSON for a schedule"),
    ("an integer too long", '{"format": "execspec-schedule", "version": ' + "9" * 5000 + "}",
     "is not valid JSON for a schedule"),
    ("a list", "[1, 2]", "is not an execspec schedule file"),
    ("another format", '{"format": "other"}', "is not an execspec schedule file"),
    ("wrong version", _edited(_set("version", 7)), "is schedule format version 7, this execspec reads version 1"),
    ("missing fields", '{"format": "execspec-schedule", "version": 1, "steps": []}',
     'is missing the field(s) "strategy", "scenario"'),
    ("seed not a number", _edited(lambda d: d["strategy"].__setitem__("seed", "abc")),
     'malformed field "strategy.seed": "abc" is not a whole number'),
    ("seed a float", _edited(lambda d: d["strategy"].__setitem__("seed", 1.5)),
     'malformed field "strategy.seed": 1.5'),
    ("max_steps infinite", _edited(_set("max_steps", 1e400)), 'malformed field "max_steps": Infinity'),
    ("max_steps negative", _edited(_set("max_steps", -1)), 'malformed field "max_steps": -1'),
    ("max_steps a boolean", _edited(_set("max_steps", True)), 'malformed field "max_steps": true'),
    ("steps a string", _edited(_set("steps", "abc")), 'malformed field "steps": "abc" is not a list'),
    ("a step of two", _edited(_set("steps", [[0, "start"]])), 'malformed field "steps": step [0, '),
    ("strategy a number", _edited(_set("strategy", 5)), 'malformed field "strategy": 5 is not an object'),
    ("scenario a number", _edited(_set("scenario", 5)), 'malformed field "scenario": 5'),
    ("modules not names", _edited(_set("modules", [1])), 'malformed field "modules": [1]'),
    ("scenario without a colon", _edited(_set("scenario", "nocolon")), "should look like 'package.module:function'"),
    ("scenario not importable", _edited(_set("scenario", "no_such_module_xyz:f")),
     "scenario 'no_such_module_xyz:f' cannot be imported (No module named 'no_such_module_xyz')"),
    ("scenario not there", _edited(_set("scenario", "execspec.sched.examples.docs:no_such_xyz")),
     "scenario 'execspec.sched.examples.docs:no_such_xyz' is not there"),
    ("arguments the scenario does not take", _edited(_set("scenario_args", {"zzz": 1})),
     "does not take the recorded arguments {'zzz': 1}"),
    ("a scenario that is no scenario", _edited(_set("scenario", "os:getcwd")),
     "scenario 'os:getcwd' does not take a scenario's one argument (the shim's Env)"),
    ("a missing file", None, "cannot read schedule file"),
]


@pytest.mark.parametrize("what, content, said", CASES, ids=[c[0] for c in CASES])
def test_a_bad_schedule_file_is_one_line_and_exit_2(tmp_path: Path, what: str, content: bytes | str | None,
                                                   said: str) -> None:
    path = tmp_path / "schedule.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    assert replay([str(path)], out=out) == 2, out.getvalue()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.startswith("error: "), text
    assert said in text, text


def test_a_directory_is_not_a_schedule_file(tmp_path: Path) -> None:
    out = io.StringIO()
    assert replay([str(tmp_path)], out=out) == 2
    assert out.getvalue() == f"error: cannot read schedule file {tmp_path}: Is a directory\n"


def test_the_good_schedule_the_cases_edit_is_accepted() -> None:
    assert Schedule.from_json(GOOD.to_json()) == GOOD
    assert GOOD.resolve_scenario() is not None

"""Schedule files: one failing (or passing) execution, written down so it replays exactly.

A schedule records the synchronisation operations chosen, as (thread id, op kind, op label),
plus what is needed to run it again: the scenario's importable name and arguments, the
modules loaded under the shim, the step bound, and the strategy and seed that found it. It
does not record bytecode offsets, so it survives interpreter upgrades.

>>> s = Schedule(steps=[(0, "start", "Thread#1.start")], strategy={"name": "random", "seed": 0},
...              scenario="execspec.sched.examples.docs:wait_on_future")
>>> Schedule.from_json(s.to_json()) == s
True
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, NoReturn

from execspec.sched.kernel.protocols import Strategy
from execspec.sched.strategies.replay import ReplayStrategy, ReplayStep

FORMAT = "execspec-schedule"
VERSION = 1


class ScheduleFileError(ValueError):
    """A schedule file that cannot be used; the message says what is wrong and what to do."""


@dataclass
class Schedule:
    """One execution: the choices made and how to run the same program again."""

    steps: list[ReplayStep]
    strategy: dict[str, Any] = field(default_factory=dict)  # name, seed, execution, ...
    scenario: str | None = None     # "package.module:function", None when not importable
    scenario_args: dict[str, Any] = field(default_factory=dict)  # keyword arguments (JSON)
    modules: list[str] = field(default_factory=lambda: ["concurrent.futures"])
    max_steps: int = 20_000
    outcome: str | None = None      # outcome name when recorded, e.g. "DEADLOCK"
    report: str | None = None       # the rendered report when recorded

    def to_json(self) -> str:
        """The file's text: stable key order, one step per line."""
        head = asdict(self)
        steps = head.pop("steps")
        body = json.dumps({"format": FORMAT, "version": VERSION, **head}, indent=1, sort_keys=True)
        lines = ",\n  ".join(json.dumps(list(s)) for s in steps)
        listing = f"\n  {lines}\n " if steps else ""
        return body[:-2] + f',\n "steps": [{listing}]\n}}\n'

    def save(self, path: str | Path) -> Path:
        """Write the schedule to ``path`` (parents created) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Schedule:
        """Read a schedule file, or raise ``ScheduleFileError`` saying what is wrong."""
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise ScheduleFileError(f"cannot read schedule file {path}: {exc.strerror}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScheduleFileError(
                f"{path} is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}), so not "
                "a schedule file: pass a file written by explore, or re-record it") from None
        return cls.from_json(text, source=str(path))

    @classmethod
    def from_json(cls, text: str, *, source: str = "<schedule>") -> Schedule:
        """Parse a schedule file's text; see ``load``."""
        if not text.strip():
            raise ScheduleFileError(f"{source} is empty; a schedule file is written by explore "
                                    "(re-record it by exploring again)")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScheduleFileError(
                f"{source} is not valid JSON (line {exc.lineno}: {exc.msg}); the file is corrupt "
                "or truncated: re-record it by exploring again") from None
        except (ValueError, RecursionError) as exc:  # an integer too long, nesting too deep
            raise ScheduleFileError(f"{source} is not valid JSON for a schedule ({exc}); the file "
                                    "is corrupt: re-record it by exploring again") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ScheduleFileError(f"{source} is not an execspec schedule file (no "
                                    f'"format": "{FORMAT}"); pass a file written by explore')
        version = data.get("version")
        if version != VERSION:
            raise ScheduleFileError(
                f"{source} is schedule format version {version!r}, this execspec reads version "
                f"{VERSION}; re-record it with this execspec, or replay it with the one that wrote it")
        missing = [name for name in _FIELDS if name not in data]
        if missing:
            raise ScheduleFileError(f"{source} is missing the field(s) {', '.join(map(json.dumps, missing))}; "
                                    "the file was edited or truncated: re-record it")
        for name, (ok, wanted) in _FIELDS.items():
            if not ok(data[name]):
                _malformed(source, name, data[name], wanted)
        seed = data["strategy"].get("seed", 0)
        if not _whole(seed):
            _malformed(source, "strategy.seed", seed, "a whole number")
        try:
            steps = [_step(s) for s in data["steps"]]
        except ValueError as exc:
            raise ScheduleFileError(f"{source} has a malformed field \"steps\": {exc}; the file was "
                                    "edited or truncated: re-record it") from None
        return cls(steps=steps, strategy=dict(data["strategy"]), scenario=data["scenario"],
                   scenario_args=dict(data["scenario_args"]), modules=list(data["modules"]),
                   max_steps=data["max_steps"], outcome=data["outcome"], report=data["report"])

    def strategy_for_replay(self) -> Strategy:
        """A fresh ``ReplayStrategy`` making this schedule's choices."""
        return ReplayStrategy(self.steps, seed=int(self.strategy.get("seed", 0)))

    def resolve_scenario(self) -> Callable[..., object]:
        """The scenario callable this schedule was recorded on."""
        if self.scenario is None:
            raise ScheduleFileError("this schedule's scenario was not importable when recorded "
                                    "(a lambda or closure?); define it at module level and re-record")
        where = "replay it where that code is importable, or re-record it"
        try:
            func = resolve_scenario(self.scenario, {})
        except ImportError as exc:
            raise ScheduleFileError(f"scenario {self.scenario!r} cannot be imported ({exc}); {where}") from None
        except AttributeError as exc:
            raise ScheduleFileError(f"scenario {self.scenario!r} is not there ({exc}); {where}") from None
        except ScheduleFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - the scenario's module failed as it ran
            raise ScheduleFileError(f"importing scenario {self.scenario!r} raised "
                                    f"{type(exc).__name__}: {exc}; {where}") from None
        try:
            inspect.signature(func).bind(None, **self.scenario_args)
        except TypeError as exc:
            takes = (f"the recorded arguments {self.scenario_args!r}" if self.scenario_args
                     else "a scenario's one argument (the shim's Env)")
            raise ScheduleFileError(f"scenario {self.scenario!r} does not take {takes} ({exc}); "
                                    f"{where}") from None
        except ValueError:  # no signature to read (a builtin): let the call decide
            pass
        return functools.partial(func, **self.scenario_args) if self.scenario_args else func


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


#: every field a schedule file must have (beyond format and version): is it well formed, and
#: what it should be, in words
_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "steps": (lambda v: isinstance(v, list), "a list of [thread id, op kind, op label]"),
    "strategy": (lambda v: isinstance(v, dict), "an object (the strategy's name, seed, ...)"),
    "scenario": (_optional_str, "a 'package.module:function' string or null"),
    "scenario_args": (lambda v: isinstance(v, dict), "an object of keyword arguments"),
    "modules": (lambda v: isinstance(v, list) and all(isinstance(m, str) for m in v),
                "a list of module names"),
    "max_steps": (lambda v: _whole(v) and v >= 1, "a whole number >= 1"),
    "outcome": (_optional_str, "a string or null"),
    "report": (_optional_str, "a string or null"),
}


def _malformed(source: str, name: str, value: object, wanted: str) -> NoReturn:
    shown = json.dumps(value) if len(json.dumps(value)) <= 40 else json.dumps(value)[:37] + "..."
    raise ScheduleFileError(f"{source} has a malformed field \"{name}\": {shown} is not {wanted}; the "
                            "file was edited or truncated: re-record it")


def _step(raw: object) -> ReplayStep:
    if not (isinstance(raw, list) and len(raw) == 3 and _whole(raw[0])
            and isinstance(raw[1], str) and isinstance(raw[2], str)):
        raise ValueError(f"step {raw!r} is not [thread id, op kind, op label]")
    return (raw[0], raw[1], raw[2])


def scenario_name(scenario: Callable[..., object]) -> tuple[str, dict[str, Any]] | None:
    """``("module:qualname", kwargs)`` for a module-level function or a ``functools.partial``
    of one with JSON-able keyword arguments; None when it cannot be imported by name."""
    kwargs: dict[str, Any] = {}
    func: Any = scenario
    if isinstance(scenario, functools.partial):
        if scenario.args:
            return None
        kwargs = dict(scenario.keywords)
        func = scenario.func
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not module or "<" in qualname or module == "__main__":
        return None
    try:
        json.dumps(kwargs)
        if resolve_scenario(f"{module}:{qualname}", {}) is not func:
            return None
    except (TypeError, ValueError, ImportError, AttributeError):
        return None
    return f"{module}:{qualname}", kwargs


def resolve_scenario(name: str, kwargs: dict[str, Any]) -> Callable[..., object]:
    """Import ``"module:qualname"`` and bind ``kwargs``."""
    module_name, _, qualname = name.partition(":")
    if not qualname:
        raise ScheduleFileError(f"scenario {name!r} should look like 'package.module:function'")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise ScheduleFileError(f"scenario {name!r} is not callable")
    return functools.partial(obj, **kwargs) if kwargs else obj

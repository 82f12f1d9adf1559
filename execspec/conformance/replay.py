"""A machine failure under the shim, as a file that replays it: the target, the rules the
machine called with their arguments, and the schedule seed each call drew.

Under the shim a machine run is a function of exactly those: the same rule calls with the same
seeds make the same executions and the same observations, so the oracle finds the same
violation. ``execspec replay FILE`` reads such a file (it tells it from a shim schedule file by
its ``kind``), runs the calls again through a fresh machine and says whether the violation came
back, with its clauses.

Arguments are JSON with two tags: ``{"enum": "TaskKind", "value": "returns"}`` for the model's
enums and ``{"tuple": [...]}`` for tuples (the rules compare initargs as tuples).

>>> args = {"workers": 1, "init": InitKind.NONE, "base": False, "initargs": (7,)}
>>> encode_args(args)["init"], decode_args(encode_args(args)) == args
({'enum': 'InitKind', 'value': 'none'}, True)
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from execspec.conformance.oracle import Violation
from execspec.model import InitKind, ReturnWhen, TaskKind, Timeout

__all__ = ["KIND", "MachineReplay", "ReplayFileError", "decode_args", "document", "encode_args", "load",
           "replay", "write"]

#: the ``kind`` of a machine replay file (a shim schedule file has none)
KIND = "execspec-machine-replay"
VERSION = 1
_ENUMS: dict[str, type[enum.Enum]] = {e.__name__: e for e in (InitKind, ReturnWhen, TaskKind, Timeout)}


class ReplayFileError(ValueError):
    """A machine replay file that is not one: what is wrong with it, in one line."""


def _encode(v: Any) -> Any:
    if isinstance(v, enum.Enum):
        return {"enum": type(v).__name__, "value": v.value}
    if isinstance(v, tuple):
        return {"tuple": [_encode(x) for x in v]}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)):
        return v
    raise TypeError(f"a rule argument execspec cannot write: {v!r}")


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if set(v) == {"enum", "value"} and v["enum"] in _ENUMS:
            try:
                return _ENUMS[v["enum"]](v["value"])
            except ValueError:
                raise ReplayFileError(f"{v['value']!r} is not a {v['enum']}") from None
        if set(v) == {"tuple"} and isinstance(v["tuple"], list):
            return tuple(_decode(x) for x in v["tuple"])
        raise ReplayFileError(f"an argument that is not a value execspec writes: {v!r}")
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def encode_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A rule's arguments as JSON values."""
    return {k: _encode(v) for k, v in kwargs.items()}


def decode_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A rule's arguments from their JSON values."""
    return {k: _decode(v) for k, v in kwargs.items()}


def document(target: str, steps: Sequence[tuple[str, dict[str, Any]]], seeds: Sequence[int],
             violation: Violation | None) -> dict[str, Any]:
    """The replay file's content."""
    return {"kind": KIND, "version": VERSION, "target": target, "mode": "shim",
            "steps": [[name, encode_args(kwargs)] for name, kwargs in steps], "seeds": list(seeds),
            "violation": None if violation is None else {"kind": violation.kind, "clauses": list(violation.clauses),
                                                         "what": violation.what}}


def write(path: Path, target: str, steps: Sequence[tuple[str, dict[str, Any]]], seeds: Sequence[int],
          violation: Violation | None) -> Path:
    """Write the replay file (its folder made if needed); OSError if it cannot be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(target, steps, seeds, violation), indent=1) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class MachineReplay:
    """A loaded replay file."""

    target: str
    steps: tuple[tuple[str, dict[str, Any]], ...]
    seeds: tuple[int, ...]
    recorded: tuple[str, ...]  # the clauses the recorded violation named


def load(doc: Any) -> MachineReplay:
    """Check a parsed replay file; ReplayFileError saying what is wrong."""
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise ReplayFileError(f"not a machine replay file (its \"kind\" is not {KIND!r})")
    if doc.get("version") != VERSION:
        raise ReplayFileError(f"machine replay version {doc.get('version')!r}; this execspec reads {VERSION}")
    target, steps, seeds = doc.get("target"), doc.get("steps"), doc.get("seeds")
    if not isinstance(target, str) or not target:
        raise ReplayFileError('"target" must be a target string such as "impl"')
    if not isinstance(steps, list) or not all(
            isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], dict) for s in steps):
        raise ReplayFileError('"steps" must be a list of [rule, {arguments}] pairs')
    if not isinstance(seeds, list) or not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 256
                                               for x in seeds):
        raise ReplayFileError('"seeds" must be a list of whole numbers from 0 to 255')
    v = doc.get("violation")
    recorded = tuple(v.get("clauses", ())) if isinstance(v, dict) else ()
    return MachineReplay(target, tuple((name, decode_args(kw)) for name, kw in steps), tuple(seeds),
                         tuple(str(c) for c in recorded))


class _Seeds:
    """The ``data`` the rules draw their schedule seeds from: the recorded ones, in order."""

    def __init__(self, seeds: Sequence[int]) -> None:
        self._seeds = list(seeds)

    def draw(self, strategy: Any, label: str = "") -> int:
        return self._seeds.pop(0) if self._seeds else 0


def replay(r: MachineReplay) -> Violation | None:
    """Run the recorded rule calls through a fresh machine on the target, under the shim: the
    violation they show now (None: none)."""
    from execspec.conformance.machine import Mode, machine_for
    from execspec.targets import Target
    from execspec.targets.validation import validate

    target = Target.parse(r.target)
    problem = validate(target)
    if problem is not None:
        raise ReplayFileError(f"the target cannot be run: {problem.line}")
    machine = machine_for(target, Mode.SHIM)
    for name, _ in r.steps:
        if name.startswith("_") or not callable(getattr(machine, name, None)):
            raise ReplayFileError(f"the machine has no rule {name!r}")
    m = machine()
    data = _Seeds(r.seeds)
    found: Violation | None = None
    try:
        for name, kwargs in r.steps:
            getattr(m, name)(**kwargs, data=data)
    except Violation as v:
        found = v
    try:
        m.teardown()  # (only releases what is held once a violation was raised)
    except Violation as v:
        found = found or v
    return found

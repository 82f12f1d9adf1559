"""Real-thread mode for another installed CPython's stdlib: run under that very interpreter.

A ``stdlib@3.X`` target is only source to this interpreter, so the shim loads it; its real
threads can only run in CPython 3.X itself. For such a target :func:`start` runs the
conformance machine (real-thread mode) and the clause checks on real threads in a child
process of that interpreter, against its own ``concurrent.futures`` (there the target is
plain ``stdlib``), and :meth:`Child.collect` returns their outcomes, which join the target's
shim outcomes before its clauses are judged: one column per CPython, every mode in it.

=================  ============================================================================
Python 3.10+       the child runs; its outcomes are merged (mode ``threads``)
Python 3.8, 3.9    ``real-thread mode skipped: execspec needs Python >= 3.10`` (a skipped mode,
                   with that reason, in every report; never silent)
no interpreter     skipped, saying which file is missing
``source:DIR``     not an installed CPython's stdlib: shim only, as before (:func:`start` is None)
=================  ============================================================================

The child imports execspec from exactly the files this process imported it from (a meta path
finder maps ``execspec`` and its three mapped packages to their directories; nothing is
installed or copied, so an edited checkout is what runs), and its dependencies (hypothesis and
greenlet, pinned to this interpreter's versions) from a venv made once per interpreter under
:func:`execspec.config.cache_dir` (:mod:`.interpreter_env`). ``EXECSPEC_OTHER_PYTHONS=0`` turns
it off. The child is bounded; one that fails or overruns is a skipped mode with the reason.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execspec import config
from execspec.conformance import progress
from execspec.conformance.interpreter_env import MIN_VERSION, interpreter_env
from execspec.conformance.results import CheckFailure, CheckOutcome, FailureKind, MachineRun, Mode, SkippedMode
from execspec.conformance.run import Profile
from execspec.targets import Target
from execspec.targets.cpython import find_cpython_interpreter, is_cpython_stdlib_source

__all__ = ["MIN_VERSION", "Child", "Found", "child_main", "needs_newer", "outcome_from_json",
           "outcome_to_json", "start"]

#: the packages of the one namespace, each found where this process imports it from
_PACKAGES = ("execspec", "execspec.impl", "execspec.model", "execspec.specs")
#: real seconds the child may take beyond its own bounded work (start-up, the model's import)
_SLACK = 120.0

# Runs in the child: map our packages to this process's directories, then run child_main.
_BOOT = """\
import importlib.util, json, sys
request = json.loads(sys.argv[1])
class _ExecspecFinder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        where = request["packages"].get(name)
        if where is None:
            return None
        return importlib.util.spec_from_file_location(
            name, where + "/__init__.py", submodule_search_locations=[where])
sys.meta_path.insert(0, _ExecspecFinder)
from execspec.conformance.other_python import child_main
child_main(request)
"""


def needs_newer(version: tuple[int, int]) -> str:
    """The reason real-thread mode does not run under CPython ``version``, older than execspec.

    >>> needs_newer((3, 8))
    'real-thread mode skipped: execspec needs Python >= 3.10 (this target is CPython 3.8)'
    """
    return (f"real-thread mode skipped: execspec needs Python >= {MIN_VERSION[0]}.{MIN_VERSION[1]} "
            f"(this target is CPython {version[0]}.{version[1]})")


@dataclass
class Found:
    """What real-thread mode under the target's own interpreter gave: outcomes and machine runs
    to merge, or (``skipped``) why it did not run."""

    outcomes: list[CheckOutcome] = field(default_factory=list)
    machine_runs: list[MachineRun] = field(default_factory=list)
    skipped: list[SkippedMode] = field(default_factory=list)


@dataclass
class Child:
    """A child interpreter at work on a target's real-thread mode (see :func:`start`)."""

    target: Target
    process: subprocess.Popen[bytes] | None
    out: Path
    log: Path
    bound: float
    began: float
    why_not: str | None = None   # set when nothing was started: the reason it is skipped
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def collect(self) -> Found:
        """Wait for the child (within its bound) and read what it found. Never raises: a child
        that fails, overruns or writes nothing is a skipped mode with the reason."""
        if self.why_not is not None or self.process is None:
            return Found(skipped=[SkippedMode(Mode.THREADS, self.why_not or "not started")])
        step = "real threads (own interpreter)"
        progress.started(self.target.name, step)
        try:
            found = self._wait()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
        progress.finished(self.target.name, step, len(found.outcomes), time.monotonic() - self.began,
                          sum(not o.passed for o in found.outcomes))
        return found

    def _wait(self) -> Found:
        assert self.process is not None
        left = max(1.0, self.bound - (time.monotonic() - self.began))
        try:
            code = self.process.wait(timeout=left)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return self._skip(f"did not finish within its bound of {self.bound:.0f} s")
        try:
            data = json.loads(self.out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            return self._skip(f"exit status {code}, no result written" + (f": {' / '.join(tail)}" if tail else ""))
        if data.get("error"):
            return self._skip(str(data["error"]))
        return Found(outcomes=[outcome_from_json(o) for o in data["outcomes"]],
                     machine_runs=[MachineRun(Mode.THREADS, r["profile"], r["examples"], r["seconds"],
                                              r["first_failure"], r["budget"], r["budget_spent"])
                                   for r in data["machine_runs"]])

    def _skip(self, why: str) -> Found:
        return Found(skipped=[SkippedMode(Mode.THREADS, f"real-thread mode under {self.process_name()} "
                                                        f"failed: {why}")])

    def process_name(self) -> str:
        v = self.target.version
        return f"Python {v[0]}.{v[1]}" if v else "its interpreter"


def start(target: Target, profile: Profile | None) -> Child | None:
    """Start real-thread mode for ``target`` under its own interpreter, in the background.

    None when ``target`` is not another installed CPython's stdlib (it keeps its source-only
    skip); otherwise a :class:`Child` to :meth:`~Child.collect` once the shim's work is done
    (one whose ``why_not`` says why nothing was started, when nothing could be).
    """
    if target.real_threads_ok or target.source_dir is None or target.version is None:
        return None
    if not is_cpython_stdlib_source(target.source_dir):
        return None
    nothing = Child(target, None, Path(), Path(), 0.0, time.monotonic())
    if target.version < MIN_VERSION:
        nothing.why_not = needs_newer(target.version)
        return nothing
    if not config.other_pythons():
        nothing.why_not = f"real-thread mode skipped: ${config.OTHER_PYTHONS}=0"
        return nothing
    exe = find_cpython_interpreter(target.source_dir)
    if exe is None:
        nothing.why_not = (f"real-thread mode skipped: no interpreter next to {target.source_dir} "
                           f"(expected PREFIX/bin/python{target.version[0]}.{target.version[1]})")
        return nothing
    env_python = interpreter_env(exe)
    if isinstance(env_python, str):
        nothing.why_not = f"real-thread mode skipped: {env_python}"
        return nothing
    tmp = tempfile.TemporaryDirectory(prefix="execspec-other-python-")
    out, log = Path(tmp.name, "found.json"), Path(tmp.name, "stderr.txt")
    request = {"packages": _package_dirs(), "out": str(out),
               "profile": None if profile is None else dataclasses.asdict(profile)}
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    with open(log, "wb") as err:
        process = subprocess.Popen([str(env_python), "-c", _BOOT, json.dumps(request)], cwd=tmp.name,
                                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    return Child(target, process, out, log, _bound(profile), time.monotonic(), _tmp=tmp)


def _bound(profile: Profile | None) -> float:
    """The child's real seconds at most: its machine calls' bounded waits, its clause checks'
    budget, and start-up."""
    from execspec.conformance.run import Mode as MachineMode, machine_bound
    from execspec.conformance.scenarios.threads import THREADS_BUDGET

    machine = 0.0 if profile is None else machine_bound(profile, MachineMode.THREADS)
    return machine + THREADS_BUDGET + _SLACK


def _package_dirs() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in _PACKAGES:
        spec = importlib.util.find_spec(name)  # finds the package; never runs impl's code
        if spec is not None and spec.submodule_search_locations:
            out[name] = str(Path(list(spec.submodule_search_locations)[0]).resolve())
    return out


# ---- the child's side ------------------------------------------------------------------------

def child_main(request: dict[str, Any]) -> None:
    """In the child: real-thread mode against this interpreter's own stdlib, written as JSON to
    ``request["out"]``; then the process ends at once (a blocked task thread cannot hold it)."""
    out = Path(request["out"])
    try:
        data = _child_run(request)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which says it
        data = {"error": f"{type(exc).__name__}: {exc}"}
    out.write_text(json.dumps(data), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _child_run(request: dict[str, Any]) -> dict[str, Any]:
    from execspec.conformance.machine import Mode as MachineMode
    from execspec.conformance.run import run_machine
    from execspec.conformance.scenarios.threads import run_threads
    from execspec.conformance.verdicts import outcomes_of

    target = Target.parse("stdlib")
    outcomes: list[CheckOutcome] = []
    runs: list[dict[str, Any]] = []
    logging.disable(logging.CRITICAL)  # raising callbacks and initializers get logged: noise
    if request["profile"] is not None:
        profile = Profile(**request["profile"])
        result = run_machine(target, MachineMode.THREADS, profile)
        outcomes += outcomes_of(result, target)
        runs.append({"profile": result.profile, "examples": result.examples, "seconds": result.seconds,
                     "first_failure": result.first_failure, "budget": result.budget,
                     "budget_spent": result.budget_spent})
    outcomes += run_threads(target)
    return {"python": list(sys.version_info[:2]), "outcomes": [outcome_to_json(o) for o in outcomes],
            "machine_runs": runs}


# ---- outcomes as JSON ------------------------------------------------------------------------

def outcome_to_json(o: CheckOutcome) -> dict[str, Any]:
    """One outcome as JSON data (:func:`outcome_from_json` reads it back equal).

    >>> o = CheckOutcome("c", ("FUT-DONE",), Mode.THREADS, CheckFailure(FailureKind.HUNG, "m", "h"))
    >>> outcome_from_json(json.loads(json.dumps(outcome_to_json(o)))) == o
    True
    """
    failure: dict[str, Any] | None = None
    if o.failure is not None:
        failure = {}
        for f in dataclasses.fields(CheckFailure):
            value = getattr(o.failure, f.name)
            if isinstance(value, FailureKind):
                value = value.value
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            failure[f.name] = value
    return {"check": o.check, "clauses": list(o.clauses), "mode": o.mode.value, "failure": failure}


def outcome_from_json(data: dict[str, Any]) -> CheckOutcome:
    """The outcome :func:`outcome_to_json` wrote."""
    failure: CheckFailure | None = None
    raw = data["failure"]
    if raw is not None:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(CheckFailure):
            value = raw.get(f.name)
            if f.name == "kind":
                value = FailureKind(value)
            elif f.name == "replay_file" and value is not None:
                value = Path(value)
            elif isinstance(value, list):
                value = tuple(value)
            if value is not None or f.name == "kind":
                values[f.name] = value
        failure = CheckFailure(**values)
    return CheckOutcome(data["check"], tuple(data["clauses"]), Mode(data["mode"]), failure)

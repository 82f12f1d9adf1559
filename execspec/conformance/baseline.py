"""The CI gate: fail only on violations a baseline does not list, and say which listed ones pass.

A baseline is the set of ``(target, clause)`` cells known to be ``FAIL``, kept in a JSON file
(``execspec check --update-baseline`` writes it; ``--baseline FILE`` reads it)::

    {"format": "execspec-baseline", "version": 1,
     "failures": {"mypkg:make_pool": ["EXE-MAP-ORDER", "FUT-CB-ONCE"]}}

:func:`gate` compares a run with it, from the typed verdicts only: a ``FAIL`` cell the baseline
lacks is *new* (the run fails), one it lists is *known* (tolerated), and a listed cell that no
longer fails is *fixed*, so the baseline can shrink. Entries for targets this run did not check
are *unchecked*: neither tolerated nor fixed, just reported.

>>> from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None, verdicts={
...     "FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.FAIL), "FUT-CB-ONCE": ClauseVerdict("FUT-CB-ONCE", Verdict.PASS)})
>>> run = RunResult([t], [Area("future", ("FUT-DONE", "FUT-CB-ONCE"))])
>>> g = gate(run, Baseline(frozenset({("mine", "FUT-CB-ONCE")})))
>>> g.new, g.fixed, g.exit_status
([Cell(target='mine', clause='FUT-DONE')], [Cell(target='mine', clause='FUT-CB-ONCE')], 1)
>>> gate(run, Baseline.of(run)).exit_status
0
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from execspec.conformance.results import RunResult, Verdict

__all__ = ["FORMAT", "VERSION", "Baseline", "BaselineError", "Cell", "Gate", "gate"]

FORMAT = "execspec-baseline"
VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read: the message says what is wrong and what to do."""


class Cell(NamedTuple):
    """One cell of the matrix: a target and a clause."""

    target: str
    clause: str


@dataclass(frozen=True)
class Baseline:
    """The cells known to fail."""

    failures: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, run: RunResult) -> Baseline:
        """Every ``FAIL`` cell of ``run``: what ``--update-baseline`` writes."""
        return cls(frozenset((t.target, c) for t in run.targets for c in run.clauses
                             if t.verdict(c).verdict is Verdict.FAIL))

    def to_json(self) -> str:
        """The file's text: targets and clauses sorted, so a baseline diffs well."""
        by: dict[str, list[str]] = {}
        for target, clause in sorted(self.failures):
            by.setdefault(target, []).append(clause)
        return json.dumps({"format": FORMAT, "version": VERSION, "failures": by}, indent=2) + "\n"

    def write(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Baseline:
        """The baseline in ``path``; :class:`BaselineError` naming what is wrong with it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}; "
                                "write one with --update-baseline") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"baseline {path} is not JSON ({exc}); "
                                "write it again with --update-baseline") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BaselineError(f"{path} is not an execspec baseline (no \"format\": \"{FORMAT}\")")
        if data.get("version") != VERSION:
            raise BaselineError(f"baseline {path} has version {data.get('version')!r}; this execspec "
                                f"reads version {VERSION}: write it again with --update-baseline")
        failures = data.get("failures")
        if not isinstance(failures, dict) or not all(
                isinstance(t, str) and isinstance(cs, list) and all(isinstance(c, str) for c in cs)
                for t, cs in failures.items()):
            raise BaselineError(f"baseline {path}: \"failures\" must map each target to a list of clause IDs")
        return cls(frozenset((t, c) for t, cs in failures.items() for c in cs))


@dataclass
class Gate:
    """A run judged against a baseline."""

    new: list[Cell] = field(default_factory=list)        # FAIL, not in the baseline: the run fails
    known: list[Cell] = field(default_factory=list)      # FAIL, in the baseline: tolerated
    fixed: list[Cell] = field(default_factory=list)      # in the baseline, no longer FAIL
    unchecked: list[Cell] = field(default_factory=list)  # in the baseline, target not in this run
    now: dict[Cell, Verdict] = field(default_factory=dict)  # each fixed cell's verdict today

    @property
    def exit_status(self) -> int:
        """1 when some violation is new, else 0."""
        return 1 if self.new else 0


def gate(run: RunResult, baseline: Baseline) -> Gate:
    """Judge ``run`` against ``baseline`` (see the module docstring)."""
    out = Gate()
    checked = {t.target for t in run.targets}
    rows = set(run.clauses)
    for t in run.targets:
        for c in run.clauses:
            if t.verdict(c).verdict is Verdict.FAIL:
                (out.known if (t.target, c) in baseline.failures else out.new).append(Cell(t.target, c))
    by_name = {t.target: t for t in run.targets}
    for target, clause in sorted(baseline.failures):
        cell = Cell(target, clause)
        if target not in checked:
            out.unchecked.append(cell)
            continue
        verdict = by_name[target].verdict(clause).verdict if clause in rows else Verdict.NOT_EXERCISED
        if verdict is not Verdict.FAIL:
            out.fixed.append(cell)
            out.now[cell] = verdict
    return out

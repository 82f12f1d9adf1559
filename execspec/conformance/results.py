"""Typed results of a conformance run, from one check's outcome up to the whole matrix.

Everything a report shows is here as data: enums for verdicts, modes and failure kinds,
dataclasses for outcomes, clause verdicts, targets and the run. Text is made only at the edge,
by a renderer in :mod:`execspec.reports`; nothing downstream re-parses a message.

The exit status of ``execspec check`` is decided here too (:attr:`RunResult.exit_status`),
not by a renderer: 1 when some cell is :attr:`Verdict.FAIL` (an *unexpected* failure: a
recorded upstream divergence of CPython's own stdlib is :attr:`Verdict.DIVERGES`), else 0.

>>> ok = ClauseVerdict("FUT-DONE", Verdict.PASS)
>>> bad = ClauseVerdict("FUT-CB-ONCE", Verdict.FAIL)
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None, verdicts={c.clause: c for c in (ok, bad)})
>>> run = RunResult([t], areas=[Area("future", ("FUT-DONE", "FUT-CB-ONCE"))])
>>> run.unexpected_failures, run.exit_status
(1, 1)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from execspec.targets import ExecutorKind

__all__ = ["Area", "CheckFailure", "CheckOutcome", "ClauseVerdict", "ExecutorKind", "FailureKind",
           "MachineRun", "Mode", "RunResult", "SkippedMode", "Tally", "TargetResult", "Verdict"]


class Verdict(enum.Enum):
    """One cell of the matrix: what a target does with one clause."""

    #: every check run that exercises the clause passed, in every mode
    PASS = "pass"
    #: some run failed, and nothing in the spec excuses it
    FAIL = "fail"
    #: some run failed on a clause the spec records as an upstream divergence, and the target
    #: is CPython's own stdlib (by identity): expected, not counted against the exit status
    DIVERGES = "diverges"
    #: checks exercise the clause, but none applies to this target (e.g. its Python predates it)
    NOT_APPLICABLE = "not applicable"
    #: no check exercises the clause at all
    NOT_EXERCISED = "not exercised"


class Mode(enum.Enum):
    """How a check was run."""

    #: on real threads in this interpreter, with bounded real waits
    THREADS = "threads"
    #: under the deterministic scheduler shim: controlled interleavings, virtual time
    SHIM = "shim"


class FailureKind(enum.Enum):
    """Why a check run failed."""

    #: the check's own assertion broke: the executor did something the clause forbids
    ASSERTION = "assertion"
    #: an exception other than the check's assertion escaped
    EXCEPTION = "exception"
    #: the check did not finish within its bound on real threads
    HUNG = "hung"
    #: shim: no thread could run and no timed wait was pending
    DEADLOCK = "deadlock"
    #: shim: the step bound was exceeded
    LIVELOCK = "livelock"
    #: shim: a non-daemon thread never finished
    LEAKED_THREAD = "leaked thread"
    #: shim: a controlled thread blocked on something the shim does not control
    UNCONTROLLED_BLOCK = "uncontrolled block"
    #: machine, real threads: a violation seen once that did not happen again when Hypothesis
    #: re-ran its example. Shown with its calls, not counted: it may be a race in the executor
    #: or in the harness, and the checker does not claim what it cannot show twice
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class CheckFailure:
    """What went wrong in one check run.

    ``message`` is the whole finding as the person reads it (for a real-thread run: the
    assertion's text, or the escaped exception); ``headline`` its first line (for a shim run:
    the failure report's headline). Shim failures also say which schedule found it and where
    its schedule file is, so ``execspec replay`` can run it again.
    """

    kind: FailureKind
    message: str
    headline: str
    seed: int | None = None            # the strategy's seed (shim)
    strategy: str | None = None        # the strategy's name, e.g. "random", "pct" (shim)
    schedule: int | None = None        # 1-based number of the schedule that found it (shim)
    replay_file: Path | None = None    # its schedule file (shim; None: not written)
    #: why a shim failure has no schedule file (its directory could not be written; None: it has one)
    replay_unsaved: str | None = None
    #: the conformance machine's violation in words (machine runs; None for clause checks)
    violation: str | None = None
    #: the shrunk calls that show it, one line of Python each (machine runs)
    calls: tuple[str, ...] = ()
    #: those calls as a script that runs against the executor without execspec (machine runs)
    snippet: str | None = None
    #: the schedule seed of each call (machine, shim mode): with ``calls`` they replay it exactly
    seeds: tuple[int, ...] = ()
    #: the failing schedule's interleaving, as a table of steps by thread (shim clause checks)
    interleaving: str | None = None

    @property
    def replay_command(self) -> str | None:
        """The command that runs the failing schedule again (None: there is no schedule file)."""
        return None if self.replay_file is None else f"execspec replay {self.replay_file}"


@dataclass(frozen=True)
class CheckOutcome:
    """One check on one target in one mode: passed when ``failure`` is None."""

    check: str
    clauses: tuple[str, ...]
    mode: Mode
    failure: CheckFailure | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class SkippedMode:
    """A mode that could not run for a target, and why."""

    mode: Mode
    reason: str


@dataclass(frozen=True)
class ClauseVerdict:
    """The verdict on one clause for one target, with what it rests on.

    ``issue`` is the upstream issue (``gh-92001``) of a clause the spec records as a
    divergence; ``failures`` are the failed runs behind FAIL or DIVERGES; ``reason`` says why a
    clause is NOT_APPLICABLE or NOT_EXERCISED.
    """

    clause: str
    verdict: Verdict
    issue: str | None = None
    failures: tuple[CheckOutcome, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Tally:
    """Counts over one target's verdicts and check runs."""

    passed: int = 0
    diverges: int = 0
    failed: int = 0
    not_applicable: int = 0
    runs: int = 0
    runs_passed: int = 0

    @property
    def judged(self) -> int:
        """Clauses that got a verdict this target could earn (pass, diverges or fail): the
        denominator of its score, ``passed`` of ``judged``."""
        return self.passed + self.diverges + self.failed


@dataclass(frozen=True)
class MachineRun:
    """One run of the conformance machine on a target: how much it tried and how long it took."""

    mode: Mode
    profile: str
    examples: int
    seconds: float
    first_failure: float | None = None  # seconds from its start to the first violation
    budget: float | None = None  # the real seconds it could start examples for (Profile.budget)
    budget_spent: bool = False  # it stopped there, before its examples ran out


@dataclass
class TargetResult:
    """Everything found for one target: every check run, the clause verdicts derived from
    them (keyed by clause ID), and the modes that could not run."""

    target: str
    kind: ExecutorKind
    python: tuple[int, int] | None   # the CPython version the target is the stdlib of (None: any)
    outcomes: list[CheckOutcome] = field(default_factory=list)
    verdicts: dict[str, ClauseVerdict] = field(default_factory=dict)
    skipped: list[SkippedMode] = field(default_factory=list)
    machine_runs: list[MachineRun] = field(default_factory=list)
    seconds: float = 0.0   # how long checking this target took, every mode

    def verdict(self, clause: str) -> ClauseVerdict:
        """The verdict on ``clause`` (NOT_EXERCISED when no check exercises it)."""
        return self.verdicts.get(clause) or ClauseVerdict(clause, Verdict.NOT_EXERCISED,
                                                          reason="no check exercises it")

    @property
    def failed_outcomes(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def tally(self) -> Tally:
        counts = {v: 0 for v in Verdict}
        for cv in self.verdicts.values():
            counts[cv.verdict] += 1
        return Tally(passed=counts[Verdict.PASS], diverges=counts[Verdict.DIVERGES],
                     failed=counts[Verdict.FAIL], not_applicable=counts[Verdict.NOT_APPLICABLE],
                     runs=len(self.outcomes), runs_passed=sum(o.passed for o in self.outcomes))


@dataclass(frozen=True)
class Area:
    """One group of rows of the matrix: an area of the catalogue and its exercised clauses."""

    name: str
    clauses: tuple[str, ...]


@dataclass
class RunResult:
    """A whole run: the targets (columns) and the clauses (rows, grouped by area in catalogue
    order; IDs the catalogue lacks come last under their own area)."""

    targets: list[TargetResult]
    areas: list[Area]
    catalogue_size: int = 0     # clauses in the catalogue
    exercised: int = 0          # of those, clauses some check exercises
    checks: int = 0             # clause checks there are
    elapsed: float = 0.0        # seconds the run took
    machine: str | None = None  # the conformance machine's profile, when it ran

    @property
    def clauses(self) -> list[str]:
        """Every row's clause ID, in order."""
        return [c for area in self.areas for c in area.clauses]

    @property
    def unexpected_failures(self) -> int:
        """Cells that are FAIL, over every target: what makes the run fail."""
        return sum(t.verdict(c).verdict is Verdict.FAIL for t in self.targets for c in self.clauses)

    @property
    def exit_status(self) -> int:
        """0 when no target breaks a clause unexpectedly, else 1."""
        return 1 if self.unexpected_failures else 0

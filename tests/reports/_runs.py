"""Typed results built by hand for the report tests: one target that fails (with markup in its
exception message), CPython's stdlib diverging on a recorded clause, and an n/a cell."""

from __future__ import annotations

from pathlib import Path

from execspec.conformance.results import (
    Area, CheckFailure, CheckOutcome, ClauseVerdict, ExecutorKind, FailureKind, MachineRun, Mode,
    RunResult, SkippedMode, TargetResult, Verdict,
)

#: an exception message a hostile or careless task could raise: if any report forgot to escape
#: it, the browser would run it
INJECTED = ('boom <script>window.pwned = 1; document.title = "pwned"</script>'
            '<img src=x onerror="window.pwned = 2"> & more')


def failing_run() -> RunResult:
    """``mine`` fails FUT-CB-ONCE (a machine finding) and FUT-DONE (a shim clause check whose
    message carries markup); ``stdlib`` diverges on WAIT-CANCELLED-COUNTS (gh-92001)."""
    machine = CheckOutcome("machine (shim)", ("FUT-CB-ONCE",), Mode.SHIM, CheckFailure(
        FailureKind.ASSERTION, "view violation (FUT-CB-ONCE): callbacks [0, 0]\n\nshrunk calls ...",
        "view violation (FUT-CB-ONCE): callbacks [0, 0]",
        violation="view violation (FUT-CB-ONCE): future 0 showed callbacks [0, 0]; the model allows [0]",
        calls=("ex = make(max_workers=1)", "gate(0, False); fs.append(ex.submit(task, 0, 'returns'))",
               "fs[0].add_done_callback(lambda f: None)"),
        snippet="import threading\nex = make(max_workers=1)\nfs[0].add_done_callback(lambda f: None)\n",
        seeds=(11, 22, 33)))
    shim = CheckOutcome("done_check", ("FUT-DONE",), Mode.SHIM, CheckFailure(
        FailureKind.EXCEPTION, f"EXCEPTION: {INJECTED}\n\ntraceback ...", f"EXCEPTION: {INJECTED}",
        seed=7, strategy="pct", schedule=3, replay_file=Path("execspec-schedules/done-pct-seed7-3.json"),
        interleaving="step  0:MainThread  1:worker\n   1  lock.acquire\n   2              queue.get"))
    diverged = CheckOutcome("machine (shim)", ("WAIT-CANCELLED-COUNTS",), Mode.SHIM, CheckFailure(
        FailureKind.ASSERTION, "call violation (WAIT-CANCELLED-COUNTS): wait blocked",
        "call violation (WAIT-CANCELLED-COUNTS): wait blocked",
        violation="call violation (WAIT-CANCELLED-COUNTS): wait blocked (explained by CPython's reading)",
        calls=("ex = make(max_workers=1)",), snippet="ex = make(max_workers=1)\n"))
    mine = TargetResult(
        "mine:make_pool", ExecutorKind.IN_PROCESS_THREADS, None, outcomes=[machine, shim],
        verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.FAIL, failures=(shim,)),
                  "FUT-CB-ONCE": ClauseVerdict("FUT-CB-ONCE", Verdict.FAIL, failures=(machine,)),
                  "WAIT-CANCELLED-COUNTS": ClauseVerdict("WAIT-CANCELLED-COUNTS", Verdict.PASS, "gh-92001"),
                  "EXC-TIMEOUT-ALIAS": ClauseVerdict("EXC-TIMEOUT-ALIAS", Verdict.PASS)},
        machine_runs=[MachineRun(Mode.SHIM, "smoke", 10, 1.5, 0.25)], seconds=2.0)
    stdlib = TargetResult(
        "stdlib", ExecutorKind.IN_PROCESS_THREADS, (3, 9), outcomes=[diverged],
        verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS),
                  "FUT-CB-ONCE": ClauseVerdict("FUT-CB-ONCE", Verdict.PASS),
                  "WAIT-CANCELLED-COUNTS": ClauseVerdict("WAIT-CANCELLED-COUNTS", Verdict.DIVERGES,
                                                         "gh-92001", failures=(diverged,)),
                  "EXC-TIMEOUT-ALIAS": ClauseVerdict("EXC-TIMEOUT-ALIAS", Verdict.NOT_APPLICABLE,
                                                     reason="no check of it applies to Python 3.9")},
        skipped=[SkippedMode(Mode.THREADS, "CPython 3.9 is not this interpreter")], seconds=1.0)
    return RunResult([mine, stdlib], [Area("future", ("FUT-DONE", "FUT-CB-ONCE")),
                                      Area("wait", ("WAIT-CANCELLED-COUNTS",)),
                                      Area("exceptions", ("EXC-TIMEOUT-ALIAS",))],
                     catalogue_size=130, exercised=4, checks=2, elapsed=3.5, machine="smoke")

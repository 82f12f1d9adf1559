"""Foreign executors checked end to end (issue 10, "Foreign executors"): ``execspec check
--profile smoke`` on the stdlib's process pool, loky (its executor and ``get_reusable_executor``),
dask's ``ClientExecutor`` on a LocalCluster, gevent's ``ThreadPoolExecutor`` and pebble's two
pools (through ``execspec.targets.pebble``), in one run of the console command: it ends within
its printed bound, leaves no process, and every failure it reports is one of that executor's
own divergences listed in FINDINGS, each reproduced by a plain script that does not use execspec
(``foreign_reproductions/``, run here too), never an artifact of the harness.

A target whose package is not installed is skipped, with the extra that installs it, except in
CI (``$CI`` set), where every one must run: ``.ci/run`` installs ``.[test,foreign]``.

One run for all of them (about 2.5 min on 2 shared cores) rather than one per target: the
checker's start-up and its model exploration are paid once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Finding:
    """One divergence of an executor: the clauses a report of it may name, a pattern its
    headline matches, and where it is recorded upstream (None: no issue records it)."""

    clauses: frozenset[str]
    headline: str  # a regular expression, searched in the failure's headline
    upstream: str | None


def _f(clauses: str, headline: str, upstream: str | None = None) -> Finding:
    return Finding(frozenset(clauses.split()), headline, upstream)


_CPY = "https://github.com/python/cpython/issues/"
#: the stdlib's and loky's process pools mark a call RUNNING when the manager thread moves it to
#: the call queue (max_workers + 1 calls), before any worker runs it, and finish it only once its
#: result is back: the machine's process pool reading names FUT-RUNNING-EXECUTING alone (gh-81457)
_RUNNING_EARLY = _f("FUT-RUNNING-EXECUTING", r"showed RUNNING|showed Returned\(value=False\)|showed task begun|"
                    r"not all of them at once", _CPY + "81457")
#: their manager thread, not shutdown() itself, cancels the queue for cancel_futures=True: just
#: after shutdown(wait=False, cancel_futures=True) a future may still be PENDING, and run
_CANCELS_LATER = _f("EXE-SHUTDOWN-CANCEL-AT-ONCE", r"showed PENDING|showed task begun")
#: loky's shutdown() has no cancel_futures keyword (3.9's): passing it raises TypeError
_NO_CANCEL_FUTURES = _f("EXE-SHUTDOWN-CANCEL-FUTURES", r"cancel_futures=True\) showed Raised\(exc='TypeError'\)")
#: CPython's wait()/as_completed() count a cancelled future as done only once it is
#: CANCELLED_AND_NOTIFIED (any executor whose futures are the stdlib's)
_GH92001 = _f("WAIT-CANCELLED-COUNTS AC-CANCELLED-COUNTS EXE-SHUTDOWN-CANCELLED-DONE",
              r"gh-92001|cancelled", _CPY + "92001")
#: ``if exc:`` takes a falsy exception for success (the stdlib Future, 3.8 to 3.13.3)
_GH132063 = _f("FUT-RESULT-FALSY-EXC", r"falsy|FalsyError", _CPY + "132063")

FINDINGS: dict[str, list[Finding]] = {
    "concurrent.futures:ProcessPoolExecutor": [_RUNNING_EARLY, _CANCELS_LATER, _GH92001, _GH132063],
    "loky:ProcessPoolExecutor": [_RUNNING_EARLY, _GH92001, _NO_CANCEL_FUTURES],
    "loky:get_reusable_executor": [_RUNNING_EARLY, _GH92001, _NO_CANCEL_FUTURES],
    "execspec.targets.foreign:dask_executor": [
        # ClientExecutor never sets its futures running (PENDING while the call executes), and
        # cancel() of an executing call returns True (the call goes on); cf. dask/distributed#2106
        _f("FUT-RUNNING FUT-RESULT-WAITS FUT-SRN-PENDING FUT-CANCEL-RUNNING INV-RUN-AT-MOST-ONCE "
           "INV-CANCELLED-NEVER-RUNS INV-RUNNING-HAS-WORKER",
           r"showed PENDING \(task begun\)|showed CANCELLED|showed Returned\(value=True\)",
           "https://github.com/dask/distributed/issues/2106"),
        _GH92001,
    ],
    "gevent.threadpool:ThreadPoolExecutor": [
        # its futures are proxies of gevent's AsyncResult: no running(), no _condition for
        # wait()/as_completed() unless threading is monkey-patched (the class's docstring says
        # so), cancel() always False, exception() raises the call's exception, a raising callback
        # added to a done future raises into add_done_callback(), submit()'s fn is not
        # positional-only, the initializer is ignored ("accepted, ... ignored")
        _f("", r"has no attribute 'running'|has no attribute '_condition'"),
        _f("FUT-CANCEL-PENDING FUT-CANCEL-RUNNING FUT-CANCELLED FUT-RUNNING FUT-DONE FUT-RESULT-CANCELLED "
           "FUT-RESULT-VALUE FUT-RESULT-RAISES FUT-EXCEPTION-VALUE FUT-CB-RAISES EXE-SUBMIT-RETURNS-FUTURE "
           "EXE-SUBMIT-CALL EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-KEEPS-RUNNING TPE-INITIALIZER-RUNS "
           "TPE-INITIALIZER-FAILS-PENDING TPE-INITIALIZER-FAILS-SUBMIT EXC-BROKEN-THREADPOOL "
           "TPE-WORKER-SURVIVES-EXCEPTION WAIT-RETURNS-SETS WAIT-DUPLICATES WAIT-FIRST-COMPLETED "
           "WAIT-ALL-COMPLETED WAIT-CANCELLED-COUNTS AC-YIELDS-AS-COMPLETE AC-DONE-FIRST AC-DUPLICATES "
           "AC-TIMEOUT AC-CANCELLED-COUNTS",
           r"no attribute|cancel\(\) of a queued future returned False|multiple values for argument 'fn'"
           r"|KeyError|ValueError|initializer calls: \[\]|did not raise BrokenExecutor|left queued work",
           "https://github.com/gevent/gevent/issues/1794"),
    ],
    "execspec.targets.pebble:thread_pool": [
        _GH132063, _GH92001,
        # stop() (the nearest to cancel_futures) leaves queued futures PENDING for ever; a failing
        # initializer leaves them PENDING and submit() raises RuntimeError; max_workers=0 accepted
        _f("EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-CANCEL-TAKEN EXE-SHUTDOWN-CANCELLED-DONE "
           "EXE-SHUTDOWN-KEEPS-RUNNING EXE-SHUTDOWN-NOWAIT EXE-SHUTDOWN-REPEAT FUT-STATES INV-TERMINAL-STABLE",
           r"showed PENDING|left queued work"),
        _f("TPE-INITIALIZER-FAILS-PENDING TPE-INITIALIZER-FAILS-SUBMIT EXC-BROKEN-THREADPOOL",
           r"TimeoutError|BrokenExecutor|RuntimeError",
           "https://github.com/noxdafox/pebble/issues/69"),  # a pool in ERROR leaves its futures unresolved
        _f("TPE-MAX-WORKERS-INVALID", r"max_workers=0 was accepted"),
    ],
    "execspec.targets.pebble:process_pool": [
        # cancel() of a queued call returns True, yet the call still begins in a worker (which
        # pebble then kills): noxdafox/pebble#144; pebble cancels running calls by design
        _f("FUT-CANCEL-PENDING FUT-CANCEL-RUNNING FUT-CB-ON-DONE FUT-CB-THREAD FUT-WAKES-WAITERS "
           "INV-CANCELLED-NEVER-RUNS FUT-RUNNING FUT-CANCELLED",
           r"showed CANCELLED \(task begun\)|showed CANCELLED|showed Returned\(value=True\)",
           "https://github.com/noxdafox/pebble/issues/144"),
        _GH92001, _GH132063,
    ],
}

#: the package each target needs, and the extra that installs it
NEEDS: dict[str, tuple[str | None, str]] = {
    "concurrent.futures:ProcessPoolExecutor": (None, ""),
    "loky:ProcessPoolExecutor": ("loky", "loky"),
    "loky:get_reusable_executor": ("loky", "loky"),
    "execspec.targets.foreign:dask_executor": ("distributed", "dask"),
    "gevent.threadpool:ThreadPoolExecutor": ("gevent", "gevent"),
    "execspec.targets.pebble:thread_pool": ("pebble", "pebble"),
    "execspec.targets.pebble:process_pool": ("pebble", "pebble"),
}
#: what the whole run may take on 2 shared cores (measured: about 150 s)
BUDGET = 420.0


def _installed(target: str) -> bool:
    package = NEEDS[target][0]
    return package is None or importlib.util.find_spec(package) is not None


def _marked(mark: str) -> list[int]:
    """The processes whose environment carries ``mark`` (every descendant of the run)."""
    found, needle = [], f"FOREIGN_TEST_MARK={mark}".encode()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(int(pid))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ``execspec check --profile smoke`` of every installed foreign target."""
    targets = [t for t in FINDINGS if _installed(t)]
    out = tmp_path_factory.mktemp("foreign") / "report.json"
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECSPEC_")}
    env.update(FOREIGN_TEST_MARK=mark, EXECSPEC_SCHEDULE_DIR=str(out.parent / "schedules"))
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from execspec.cli import main; raise SystemExit(main())",
                           "check", "--profile", "smoke", *targets, "--output", str(out)],
                          env=env, cwd=TESTS, capture_output=True, text=True, timeout=BUDGET)
    took = time.monotonic() - start
    left = _marked(mark)
    report = json.loads(out.read_text()) if out.exists() else {"targets": []}
    return {"done": done, "seconds": took, "left": left, "targets": {t["name"]: t for t in report["targets"]}}


def _matches(failure: dict[str, Any], finding: Finding) -> bool:
    """Whether ``failure`` is ``finding``: its headline says so, and a clause check's clauses
    (fixed per check) are the finding's. A machine violation names the clauses of every rule that
    allowed what was expected, which depend on the path the run took, so its headline decides."""
    said = re.search(finding.headline, failure["headline"]) is not None
    return said and (failure["check"].startswith("machine") or set(failure["clauses"]) <= finding.clauses)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts processes through /proc")
@pytest.mark.timeout(BUDGET + 60)
@pytest.mark.parametrize("target", list(FINDINGS))
def test_a_foreign_executor_is_checked_to_the_end_with_only_its_own_divergences(
        target: str, run: dict[str, Any]) -> None:
    if not _installed(target):
        package, extra = NEEDS[target]
        if os.environ.get("CI"):
            pytest.fail(f"{package} is not installed in CI: .ci/run must install '.[test,foreign]'")
        pytest.skip(f"{package} is not installed (pip install 'execspec[{extra}]')")
    done = run["done"]
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    assert "unexpected failure(s)" in done.stdout + done.stderr  # the report came out, then it ended
    bound = re.search(r"at most \d+ s per target, (\d+) s in all", done.stdout + done.stderr)
    assert bound is not None and run["seconds"] < float(bound.group(1))
    assert run["left"] == [], f"processes of the run outlived it: {run['left']}"
    result = run["targets"].get(target)
    assert result is not None, f"{target} is missing from the report"
    assert result["machine_runs"], "the conformance machine did not run"
    assert any(r["mode"] == "threads" for r in result["machine_runs"]), "no real-thread machine run"
    unknown = []
    for failure in result["failures"]:
        assert "execspec harness" not in failure["message"], failure["message"][:2000]
        if not any(_matches(failure, f) for f in FINDINGS[target]):
            unknown.append(f"{failure['check']} ({failure['mode']}): {failure['clauses']} {failure['headline'][:300]}")
    assert not unknown, "failures that are no recorded divergence of " + target + ":\n" + "\n".join(unknown)


@pytest.mark.timeout(BUDGET + 120)
@pytest.mark.parametrize("target", ["concurrent.futures:ProcessPoolExecutor", "loky:ProcessPoolExecutor"])
def test_a_process_pool_failure_snippet_runs_to_the_end_without_execspec(
        target: str, run: dict[str, Any], tmp_path: Path) -> None:
    """Its gates are ``multiprocessing.Manager`` events a worker process can see (a
    ``threading.Event`` would leave the forked worker waiting for ever, and the script with it)."""
    if not _installed(target):
        pytest.skip(f"{NEEDS[target][0]} is not installed")
    result = run["targets"].get(target)
    snippets = [f["snippet"] for f in (result or {}).get("failures", []) if f.get("snippet")]
    if not snippets:
        pytest.skip(f"{target} showed no machine failure this run")
    script = tmp_path / "snippet.py"
    script.write_text(snippets[0])
    assert "manager.Event()" in snippets[0]
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]


#: the plain reproductions (``foreign_reproductions/``: no execspec) of the findings, and what each needs
REPRODUCTIONS = [
    (["running_early.py", "stdlib"], "concurrent.futures:ProcessPoolExecutor"),
    (["running_early.py", "loky"], "loky:ProcessPoolExecutor"),
    (["running_early.py", "loky-reusable"], "loky:get_reusable_executor"),
    (["dask_never_running.py"], "execspec.targets.foreign:dask_executor"),
    (["gevent_divergences.py"], "gevent.threadpool:ThreadPoolExecutor"),
    (["pebble_divergences.py"], "execspec.targets.pebble:thread_pool"),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("args", "target"), REPRODUCTIONS, ids=[" ".join(a) for a, _ in REPRODUCTIONS])
def test_each_finding_shows_in_a_plain_script_without_execspec(args: list[str], target: str) -> None:
    """The divergences FINDINGS lists are the executors' own: each script uses the executor
    directly (its own gates, no execspec) and exits 0 when the divergence shows."""
    if not _installed(target):
        if os.environ.get("CI"):
            pytest.fail(f"{NEEDS[target][0]} is not installed in CI")
        pytest.skip(f"{NEEDS[target][0]} is not installed (pip install 'execspec[{NEEDS[target][1]}]')")
    here = Path(__file__).resolve().parent / "foreign_reproductions"
    done = subprocess.run([sys.executable, str(here / args[0]), *args[1:]], capture_output=True, text=True,
                          timeout=90, cwd=here)
    assert done.returncode == 0, f"the divergence did not show:\n{done.stdout}\n{done.stderr[-3000:]}"

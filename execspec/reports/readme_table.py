"""The README's conformance table, rendered from a run's JSON document (:mod:`.document`).

One row per target: how it was run (shim, real threads, or why a mode was not), its score
(clauses passed of those judged), and every clause it breaks. A clause the spec records as an
upstream divergence links its CPython issue (or says that no issue records it yet); a foreign
executor's broken clause links the issue in that project's tracker when one is known
(:data:`FOREIGN`, which also lists the foreign executors the table covers). Each clause links
its text in ``specs/``. The table sits between two markers in README.md (:data:`BEGIN`, :data:`END`); :func:`replace_table` swaps what is between them, and the test that
renders the committed document and compares it with the README keeps the two from drifting.

>>> from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
>>> from execspec.reports.document import document
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None,
...                  verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.FAIL)})
>>> print(render(document(RunResult([t], [Area("future", ("FUT-DONE",))], 1, 1, 1))).splitlines()[2])
| `mine` | clause checks only | 0/1 | FAIL [FUT-DONE](specs/future.md#fut-done-done-means-cancelled-or-finished) (no upstream issue known) |  |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from execspec.reports.document import Document, TargetDoc

__all__ = ["BEGIN", "END", "FOREIGN", "Foreign", "TableMarkersMissing", "current_table", "portable", "render",
           "replace_table"]

BEGIN = "<!-- conformance-table:begin -->"
END = "<!-- conformance-table:end -->"


@dataclass(frozen=True)
class Foreign:
    """A foreign executor the table covers: its target, the package it needs (None: the stdlib's),
    and the issues its own project has on what it breaks (the spec records only CPython's)."""

    target: str
    package: str | None
    upstream: tuple[tuple[frozenset[str], tuple[str, str]], ...] = ()

    def issue(self, clause: str) -> tuple[str, str] | None:
        """The upstream issue (label, address) recorded for ``clause``, if any."""
        return next((issue for clauses, issue in self.upstream if clause in clauses), None)


#: every foreign executor of the README's table, in its order (the README's "Foreign executors")
FOREIGN: tuple[Foreign, ...] = (
    # a process pool marks a call RUNNING as it enters the call queue, before a worker runs it:
    # the machine's process pool reading names FUT-RUNNING-EXECUTING, whose spec entry links gh-81457
    Foreign("concurrent.futures:ProcessPoolExecutor", None),
    Foreign("loky:ProcessPoolExecutor", "loky"),
    Foreign("loky:get_reusable_executor", "loky"),
    # ClientExecutor never marks a call running, and cancel() of an executing call returns True
    Foreign("execspec.targets.foreign:dask_executor", "distributed", ((frozenset(
        "FUT-RUNNING FUT-RESULT-WAITS FUT-SRN-PENDING FUT-CANCEL-RUNNING INV-RUN-AT-MOST-ONCE "
        "INV-CANCELLED-NEVER-RUNS INV-RUNNING-HAS-WORKER".split()),
        ("dask/distributed#2106", "https://github.com/dask/distributed/issues/2106")),)),
    # its futures are proxies of gevent's AsyncResult (no running(), cancel() always False, ...)
    Foreign("gevent.threadpool:ThreadPoolExecutor", "gevent", ((frozenset(
        "FUT-CANCEL-PENDING FUT-CANCEL-RUNNING FUT-CANCELLED FUT-RUNNING FUT-DONE FUT-RESULT-CANCELLED "
        "FUT-RESULT-VALUE FUT-RESULT-RAISES FUT-EXCEPTION-VALUE FUT-CB-RAISES EXE-SUBMIT-RETURNS-FUTURE "
        "EXE-SUBMIT-CALL EXE-SHUTDOWN-CANCEL-FUTURES EXE-SHUTDOWN-KEEPS-RUNNING TPE-INITIALIZER-RUNS "
        "TPE-INITIALIZER-FAILS-PENDING TPE-INITIALIZER-FAILS-SUBMIT EXC-BROKEN-THREADPOOL "
        "TPE-WORKER-SURVIVES-EXCEPTION WAIT-RETURNS-SETS WAIT-DUPLICATES WAIT-FIRST-COMPLETED "
        "WAIT-ALL-COMPLETED WAIT-CANCELLED-COUNTS AC-YIELDS-AS-COMPLETE AC-DONE-FIRST AC-DUPLICATES "
        "AC-TIMEOUT AC-CANCELLED-COUNTS".split()),
        ("gevent/gevent#1794", "https://github.com/gevent/gevent/issues/1794")),)),
    Foreign("execspec.targets.pebble:thread_pool", "pebble"),
    # cancel() of a queued call returns True, yet the call still begins in a worker
    Foreign("execspec.targets.pebble:process_pool", "pebble", ((frozenset(
        "FUT-CANCEL-PENDING FUT-CANCEL-RUNNING FUT-CB-ON-DONE FUT-CB-THREAD FUT-WAKES-WAITERS "
        "INV-CANCELLED-NEVER-RUNS FUT-RUNNING FUT-CANCELLED".split()),
        ("noxdafox/pebble#144", "https://github.com/noxdafox/pebble/issues/144")),)),
)
_BY_TARGET = {f.target: f for f in FOREIGN}


class TableMarkersMissing(ValueError):
    """The README lacks the two markers the table goes between."""


def _anchor(heading: str) -> str:
    # GitHub's heading anchors, as specs/README.md links them (execspec.spec.render)
    keep = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return keep.replace(" ", "-")


def _cell(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text).replace("\n", " ")


def _clause(doc: Document, cid: str) -> str:
    c = doc["clauses"].get(cid)
    if c is None or c["title"] is None:
        return f"`{cid}`"
    return f"[{cid}](specs/{c['area']}.md#{_anchor(cid + ': ' + c['title'])})"


def _issue(doc: Document, target: str, cid: str) -> str:
    v = next(t for t in doc["targets"] if t["name"] == target)["verdicts"][cid]
    if v["issue_url"]:
        return f"[{v['issue']}]({v['issue_url']})"
    foreign = _BY_TARGET.get(target)
    known = foreign.issue(cid) if foreign is not None else None
    if known is not None:
        return f"[{known[0]}]({known[1]})"
    c = doc["clauses"].get(cid)
    if c is not None and c["status"] == "upstream-divergence":
        return "unreported: no upstream issue records it yet"
    return "no upstream issue known"


def _modes(t: TargetDoc) -> str:
    """The modes the machine ran in (with its examples), then each mode nothing ran in, and why."""
    ran = [f"{m['mode']} ({m['examples']} example{'' if m['examples'] == 1 else 's'})" for m in t["machine_runs"]]
    machine_modes = {m["mode"] for m in t["machine_runs"]}
    why: dict[str, str] = {}
    for s in t["skipped"]:
        if s["mode"] not in machine_modes:
            # one reason per mode, without saying which part (machine, clause checks) it was for
            why.setdefault(s["mode"], re.sub(r"^(machine|clause checks): ", "", s["reason"]))
    parts = [", ".join(ran) or "clause checks only"] + [f"no {mode}: {reason}" for mode, reason in why.items()]
    return "; ".join(_cell(p) for p in parts)


def _broken(doc: Document, t: TargetDoc) -> str:
    out = []
    for area in doc["areas"]:
        for cid in area["clauses"]:
            verdict = t["verdicts"][cid]["verdict"]
            if verdict in ("fail", "diverges"):
                said = "diverges" if verdict == "diverges" else "FAIL"
                out.append(f"{said} {_clause(doc, cid)} ({_issue(doc, t['name'], cid)})")
    return "<br>".join(out)


def render(doc: Document) -> str:
    """The table (header, separator, one row per target), without the markers."""
    lines = ["| target | runs | score | clauses it breaks | n/a |", "| --- | --- | ---: | --- | ---: |"]
    for t in doc["targets"]:
        na = t["tally"]["not_applicable"]
        lines.append(f"| `{_cell(t['name'])}` | {_modes(t)} | {t['score']['passed']}/{t['score']['of']} | "
                     f"{_broken(doc, t)} | {na or ''} |")
    return "\n".join(lines) + "\n"


def _span(text: str) -> tuple[int, int]:
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        raise TableMarkersMissing(f"the README has no '{BEGIN}' ... '{END}' pair: put both where the table "
                                  "goes, each on a line of its own")
    return begin + len(BEGIN), end


def current_table(readme: str) -> str:
    """What the README holds between the markers (blank lines at the ends dropped)."""
    start, stop = _span(readme)
    return readme[start:stop].strip("\n") + "\n"


def replace_table(readme: str, table: str) -> str:
    """``readme`` with ``table`` between the markers (everything else as it was)."""
    start, stop = _span(readme)
    return readme[:start] + "\n" + table.rstrip("\n") + "\n" + readme[stop:]


def portable(value: Any, places: dict[str, str]) -> Any:
    """``value`` (a parsed JSON document, or any part of one) with every string's occurrences of
    the paths in ``places`` replaced by their names: the saved document is kept in the
    repository, so it must not carry one machine's checkout, home or interpreter folders.

    >>> portable({"m": ["File /checkouts/execspec/x.py"]}, {"/checkouts": "<checkout>"})
    {'m': ['File <checkout>/execspec/x.py']}
    """
    if isinstance(value, str):
        for path, name in sorted(places.items(), key=lambda kv: -len(kv[0])):  # the longest first
            value = value.replace(path, name)
        return value
    if isinstance(value, list):
        return [portable(v, places) for v in value]
    if isinstance(value, dict):
        return {k: portable(v, places) for k, v in value.items()}
    return value

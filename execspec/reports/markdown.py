"""The matrix as GitHub-flavoured Markdown, rendered from the JSON document (:mod:`.document`).

A table of clauses (an area's name on its own row) by targets, a score per target, then each
target's failures with their clause, violation, shrunk calls and replay command. Text from the
run (an exception message, a target name) is escaped, so markup in it shows as text.

>>> from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
>>> from execspec.reports.document import document
>>> t = TargetResult("mine", ExecutorKind.IN_PROCESS_THREADS, None,
...                  verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS)})
>>> print(render(document(RunResult([t], [Area("future", ("FUT-DONE",))], 1, 1, 1))).splitlines()[2:6])
['| clause | mine |', '| --- | --- |', '| **future** | |', '| `FUT-DONE` | pass |']
"""

from __future__ import annotations

import re

from execspec.reports.document import Document, FailureDoc, TargetDoc, VerdictDoc, machine_run_note

__all__ = ["cell", "render"]

_SHORT = {"pass": "pass", "fail": "**FAIL**", "not applicable": "n/a", "not exercised": "-"}


def escape(text: str) -> str:
    """``text`` for a Markdown table cell or paragraph: markup characters shown as themselves."""
    out = re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)
    return out.replace("\n", " ")


def _fenced(text: str, lang: str = "") -> list[str]:
    # A fence longer than any run of backticks inside, so the block cannot be closed early.
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", text.rstrip("\n"), fence]


def cell(v: VerdictDoc) -> str:
    """One cell: ``pass``, ``**FAIL**``, ``diverges [gh-N](url)``, ``n/a`` (reason as a note) or ``-``."""
    if v["verdict"] == "diverges":
        issue = v["issue"] or ""
        return f"diverges [{escape(issue)}]({v['issue_url']})" if v["issue_url"] else f"diverges {escape(issue)}".strip()
    return _SHORT[v["verdict"]]


def render(doc: Document) -> str:
    """The whole report as Markdown."""
    targets = doc["targets"]
    run = doc["run"]
    lines = ["# execspec conformance report", ""]
    lines += ["| clause | " + " | ".join(escape(t["name"]) for t in targets) + " |",
              "| --- |" + " --- |" * len(targets)]
    for area in doc["areas"]:
        lines.append(f"| **{escape(area['name'])}** |" + " |" * len(targets))
        for cid in area["clauses"]:
            lines.append(f"| `{cid}` | " + " | ".join(cell(t["verdicts"][cid]) for t in targets) + " |")
    lines.append("| **score** | " + " | ".join(f"{t['score']['passed']}/{t['score']['of']}" for t in targets) + " |")
    by = f"{run['checks']} checks" + (f" and the conformance machine ({escape(run['machine_profile'])} profile)"
                                      if run["machine_profile"] else "")
    lines += ["", f"{run['exercised']} of {run['catalogue_size']} clauses exercised by {by}; "
                  f"{run['unexpected_failures']} unexpected failure(s); {run['elapsed']:.1f} s.", ""]
    gate = doc["baseline"]
    if gate is not None:
        lines += [f"Baseline {escape(gate['file'] or '')}: {len(gate['new'])} new failure(s), "
                  f"{len(gate['known'])} known, {len(gate['fixed'])} fixed.", ""]
        lines += [f"- new: {escape(c['target'])} `{c['clause']}`" for c in gate["new"]]
        lines += [f"- fixed (now {c['verdict']}; drop it from the baseline): {escape(c['target'])} `{c['clause']}`"
                  for c in gate["fixed"]]
        lines += [f"- not checked in this run: {escape(c['target'])} `{c['clause']}`" for c in gate["unchecked"]]
        lines.append("")
    for t in targets:
        lines += _target(t, doc)
    return "\n".join(lines).rstrip("\n") + "\n"


def _target(t: TargetDoc, doc: Document) -> list[str]:
    tally = t["tally"]
    python = f", the stdlib of CPython {t['python']}" if t["python"] else ""
    lines = [f"## {escape(t['name'])}", "",
             f"{escape(t['kind'])}{python}: {tally['passed']} clauses pass, {tally['diverges']} diverge as "
             f"the spec records, {tally['failed']} fail, {tally['not_applicable']} n/a; "
             f"{tally['runs_passed']}/{tally['runs']} check runs passed; {t['seconds']:.1f} s.", ""]
    for m in t["machine_runs"]:
        lines.append(f"- {escape(machine_run_note(m))}")
    for s in t["skipped"]:
        lines.append(f"- skipped {s['mode']}: {escape(s['reason'])}")
    na: dict[str, list[str]] = {}  # reason -> the clauses it makes n/a
    for cid, v in t["verdicts"].items():
        if v["verdict"] == "not applicable":
            na.setdefault(v["reason"] or "no reason given", []).append(f"`{cid}`")
    for reason, cids in na.items():
        lines.append(f"- n/a ({escape(reason)}): {', '.join(cids)}")
    if t["machine_runs"] or t["skipped"] or na:
        lines.append("")
    for i, f in enumerate(t["failures"]):
        lines += _failure(i, f, doc)
    return lines


def _failure(i: int, f: FailureDoc, doc: Document) -> list[str]:
    clauses = ", ".join(f"`{c}`" for c in f["clauses"]) or "no clause"
    note = "" if f["counted"] else " (unconfirmed: shown, not counted)"
    lines = [f"### failure {i + 1}: {escape(f['check'])} [{f['mode']}] against {clauses}{note}", "",
             escape(f["violation"] or f["headline"]), ""]
    for c in f["clauses"]:
        known = doc["clauses"].get(c)
        if known and known["statement"]:
            # the spec's own Markdown: shown as written (one line, so the quote holds)
            lines += [f"> **{c}** {' '.join(known['statement'].split())}", ""]
    if f["snippet"]:
        lines += [f"Shrunk calls ({len(f['calls'])}):", "", *_fenced(f["snippet"], "python"), ""]
    elif not f["interleaving"]:
        lines += [*_fenced(f["message"]), ""]
    if f["seeds"]:
        lines += [f"Schedule seed per call: {', '.join(map(str, f['seeds']))}", ""]
    if f["interleaving"]:
        where = f"schedule #{f['schedule']} of {escape(f['strategy'] or '')} seed {f['seed']}"
        lines += [f"Interleaving ({where}):", "", *_fenced(f["interleaving"]), ""]
    if f["replay_command"]:
        lines += ["Replay:", "", *_fenced(f["replay_command"], "sh"), ""]
    elif f["replay_unsaved"]:
        lines += [f"No schedule file: {escape(f['replay_unsaved'])}", ""]
    return lines

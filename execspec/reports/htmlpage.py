"""The matrix as one self-contained HTML page, rendered from the JSON document (:mod:`.document`).

No network and no framework: inline CSS, ``<details>`` for everything that opens, and a few
lines of script that open the failure a cell links to. The matrix is clauses (grouped by area)
by targets, each cell ``pass`` / ``FAIL`` / ``diverges gh-N`` (linked to the CPython issue) /
``n/a`` (its reason on hover, and on click); a score per target sits under each column. A
failing or diverging cell links to its panel: the clause's text, then each failed run behind
it with the violation, the shrunk calls, the interleaving and the replay command.

Every piece of text from the run goes through :func:`html.escape`, so an exception message
containing markup shows as text. The script interpolates nothing from the run.

>>> from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
>>> from execspec.reports.document import document
>>> t = TargetResult("<b>mine</b>", ExecutorKind.IN_PROCESS_THREADS, None,
...                  verdicts={"FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS)})
>>> page = render(document(RunResult([t], [Area("future", ("FUT-DONE",))], 1, 1, 1)))
>>> "&lt;b&gt;mine&lt;/b&gt;" in page, "<b>mine</b>" in page
(True, False)
"""

from __future__ import annotations

import re
from html import escape

from execspec.reports.document import Document, FailureDoc, TargetDoc, VerdictDoc, machine_run_note

__all__ = ["panel_id", "render"]

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #1f2328; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin-top: 2em; }
p.summary { color: #57606a; margin-top: 0; }
table.matrix { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid #d0d7de; padding: 3px 10px; text-align: left; vertical-align: top; }
.matrix thead th { background: #f6f8fa; position: sticky; top: 0; }
.matrix td, .matrix th.area { scroll-margin-top: 3em; }  /* clear of the sticky header */
.matrix th.area { background: #eaeef2; font-weight: 600; }
.matrix td.clause { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
td.pass { color: #1a7f37; } td.fail { background: #ffebe9; font-weight: 700; }
td.diverges { background: #fff8c5; } td.na, td.none { color: #8c959f; }
td.fail a { color: #cf222e; } td.known { background: #fff1e5; font-weight: 400; }
section.gate { margin: 0 0 1em; } section.gate.fails { color: #cf222e; } td a { text-decoration: none; } td a:hover { text-decoration: underline; }
td.na details summary { cursor: pointer; list-style: none; } td.na details[open] { color: #57606a; }
tr.score td, tr.score th { font-weight: 700; background: #f6f8fa; }
details.panel { border: 1px solid #d0d7de; border-radius: 6px; margin: .6em 0; padding: .4em .8em; }
details.panel[open] { border-color: #cf222e; box-shadow: 0 0 0 2px #ffebe9; }
details.panel > summary { cursor: pointer; font-weight: 600; }
blockquote { margin: .5em 0; padding: .2em .8em; border-left: 4px solid #d0d7de; color: #424a53; }
pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; border-radius: 6px; font-size: 12.5px; }
pre.interleaving { max-height: 28em; overflow: auto; }
.run { border-top: 1px dashed #d0d7de; margin-top: .8em; padding-top: .4em; }
.muted { color: #57606a; }
"""

# Opens the panel a cell links to (also when the page is opened at #its-id). Nothing from
# the run is written into this script.
_JS = """
function openPanel(id) {
  var el = document.getElementById(id);
  if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView({block: "start"}); }
}
document.addEventListener("click", function (e) {
  var a = e.target.closest ? e.target.closest("a.opens") : null;
  if (a) { e.preventDefault(); history.replaceState(null, "", a.hash); openPanel(a.hash.slice(1)); }
});
window.addEventListener("hashchange", function () { openPanel(location.hash.slice(1)); });
if (location.hash) { openPanel(location.hash.slice(1)); }
"""


def panel_id(target_index: int, clause: str) -> str:
    """The HTML id of the panel a failing cell opens."""
    return f"t{target_index}-{clause}"


def render(doc: Document) -> str:
    """The whole report as one HTML page."""
    run = doc["run"]
    by = f"{run['checks']} checks" + (f" and the conformance machine ({run['machine_profile']} profile)"
                                      if run["machine_profile"] else "")
    summary = (f"{run['exercised']} of {run['catalogue_size']} clauses exercised by {by}; "
               f"{run['unexpected_failures']} unexpected failure(s); {run['elapsed']:.1f} s")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>execspec conformance report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>execspec conformance report</h1>", f'<p class="summary">{escape(summary)}</p>',
             _gate(doc), _matrix(doc)]
    for i, t in enumerate(doc["targets"]):
        parts.append(_target(i, t, doc))
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _matrix(doc: Document) -> str:
    targets = doc["targets"]
    gate = doc["baseline"]
    tolerated = {(c["target"], c["clause"]) for c in gate["known"]} if gate else set()
    head = "".join(f'<th scope="col">{escape(t["name"])}</th>' for t in targets)
    rows = [f'<table class="matrix" id="matrix"><thead><tr><th scope="col">clause</th>{head}</tr></thead><tbody>']
    for area in doc["areas"]:
        rows.append(f'<tr><th class="area" colspan="{len(targets) + 1}">{escape(area["name"])}</th></tr>')
        for cid in area["clauses"]:
            known = doc["clauses"].get(cid)
            title = (known["title"] if known else None) or ""
            cells = "".join(_cell(i, cid, t["verdicts"][cid], (t["name"], cid) in tolerated)
                            for i, t in enumerate(targets))
            rows.append(f'<tr><td class="clause" title="{escape(title)}">{escape(cid)}</td>{cells}</tr>')
    scores = "".join(f'<td class="score">{t["score"]["passed"]}/{t["score"]["of"]}</td>' for t in targets)
    rows.append(f'</tbody><tfoot><tr class="score"><th scope="row">score</th>{scores}</tr></tfoot></table>')
    return "\n".join(rows)


def _cell(i: int, clause: str, v: VerdictDoc, known: bool = False) -> str:
    verdict = v["verdict"]
    href = f'#{escape(panel_id(i, clause))}'
    if verdict == "pass":
        return '<td class="pass">pass</td>'
    if verdict == "fail" and known:  # listed in the baseline: tolerated, still shown
        return (f'<td class="fail known" title="listed in the baseline"><a class="opens" href="{href}">FAIL</a>'
                ' <span class="muted">(baseline)</span></td>')
    if verdict == "fail":
        return f'<td class="fail"><a class="opens" href="{href}">FAIL</a></td>'
    if verdict == "diverges":
        issue = escape(v["issue"] or "")
        link = f' <a href="{escape(v["issue_url"])}">{issue}</a>' if v["issue_url"] else f" {issue}"
        return f'<td class="diverges"><a class="opens" href="{href}">diverges</a>{link}</td>'
    if verdict == "not applicable":
        reason = escape(v["reason"] or "")
        return (f'<td class="na" title="{reason}"><details><summary>n/a</summary>'
                f"{reason}</details></td>")
    return f'<td class="none" title="{escape(v["reason"] or "")}">-</td>'


def _target(i: int, t: TargetDoc, doc: Document) -> str:
    tally = t["tally"]
    python = f", the stdlib of CPython {t['python']}" if t["python"] else ""
    out = [f'<h2 id="target-{i}">{escape(t["name"])}</h2>',
           f'<p>{escape(t["kind"] + python)}: {tally["passed"]} clauses pass, {tally["diverges"]} diverge '
           f'as the spec records, {tally["failed"]} fail, {tally["not_applicable"]} n/a; '
           f'{tally["runs_passed"]}/{tally["runs"]} check runs passed; {t["seconds"]:.1f} s.</p>']
    notes = [machine_run_note(m) for m in t["machine_runs"]] + [f"skipped {s['mode']}: {s['reason']}" for s in t["skipped"]]
    if notes:
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    for cid, v in t["verdicts"].items():
        if v["verdict"] in ("fail", "diverges"):
            out.append(_panel(i, cid, v, t, doc))
    unlinked = [f for k, f in enumerate(t["failures"])
                if not any(k in v["failures"] for v in t["verdicts"].values())]
    if unlinked:  # unconfirmed findings and harness errors: no cell points at them
        out.append('<details class="panel"><summary>other findings, not counted in any cell '
                   f"({len(unlinked)})</summary>" + "".join(_run(f) for f in unlinked) + "</details>")
    return "\n".join(out)


def _panel(i: int, cid: str, v: VerdictDoc, t: TargetDoc, doc: Document) -> str:
    clause = doc["clauses"].get(cid)
    what = "FAIL" if v["verdict"] == "fail" else f"diverges {v['issue'] or ''}".strip()
    out = [f'<details class="panel" id="{escape(panel_id(i, cid))}">',
           f"<summary>{escape(cid)}: {escape(what)}</summary>"]
    if clause is not None and clause["statement"]:
        title = f"<strong>{escape(clause['title'] or '')}.</strong> " if clause["title"] else ""
        url = clause["doc"]
        doc_link = f' <a href="{escape(url)}">docs</a>' if url is not None and _web(url) else ""
        out.append(f"<blockquote>{title}{_code_spans(escape(clause['statement']))}{doc_link}</blockquote>")
    if v["issue_url"]:
        out.append(f'<p>Recorded upstream: <a href="{escape(v["issue_url"])}">{escape(v["issue"] or "")}</a></p>')
    out += [_run(t["failures"][k]) for k in v["failures"]]
    out.append('<p><a href="#matrix">back to the matrix</a></p></details>')
    return "\n".join(out)


def _run(f: FailureDoc) -> str:
    clauses = ", ".join(f["clauses"]) or "no clause"
    out = ['<div class="run">',
           f"<p><strong>{escape(f['check'])}</strong> <span class=\"muted\">[{escape(f['mode'])}, "
           f"{escape(f['kind'])}; against {escape(clauses)}]</span></p>",
           f'<p class="violation">{escape(f["violation"] or f["headline"])}</p>']
    if f["snippet"]:
        out.append(f"<p>Shrunk calls ({len(f['calls'])}), a script that runs without execspec:</p>"
                   f'<pre class="snippet"><code>{escape(f["snippet"])}</code></pre>')
    if f["seeds"]:
        out.append(f"<p>Schedule seed per call: {escape(', '.join(map(str, f['seeds'])))}</p>")
    if f["interleaving"]:
        where = f"schedule #{f['schedule']} of {f['strategy'] or ''} seed {f['seed']}"
        out.append(f"<p>Interleaving ({escape(where)}):</p>"
                   f'<pre class="interleaving">{escape(f["interleaving"])}</pre>')
    if f["message"] != (f["violation"] or f["headline"]):
        out.append(f'<details><summary>whole finding</summary><pre class="message">{escape(f["message"])}</pre></details>')
    if f["replay_command"]:
        out.append(f'<p>Replay:</p><pre class="replay"><code>{escape(f["replay_command"])}</code></pre>')
    elif f["replay_unsaved"]:
        out.append(f'<p class="muted">No schedule file: {escape(f["replay_unsaved"])}</p>')
    out.append("</div>")
    return "\n".join(out)


def _code_spans(escaped: str) -> str:
    """The spec's `code` spans as <code>, in text already escaped (so nothing new can open)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _web(url: str) -> bool:
    """Only web links become links (a ``javascript:`` address never does)."""
    return url.startswith(("https://", "http://"))


def _gate(doc: Document) -> str:
    gate = doc["baseline"]
    if gate is None:
        return ""
    fails = " fails" if gate["exit_status"] else ""
    head = (f"Baseline {gate['file'] or ''}: {len(gate['new'])} new failure(s), {len(gate['known'])} known, "
            f"{len(gate['fixed'])} fixed")
    items = [f"new: {c['target']} {c['clause']}" for c in gate["new"]]
    items += [f"fixed (now {c['verdict']}; drop it from the baseline): {c['target']} {c['clause']}"
              for c in gate["fixed"]]
    items += [f"not checked in this run: {c['target']} {c['clause']}" for c in gate["unchecked"]]
    listed = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""
    return f'<section class="gate{fails}" id="baseline"><p><strong>{escape(head)}</strong></p>{listed}</section>'

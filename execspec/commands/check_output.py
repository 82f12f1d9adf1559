"""What ``execspec check`` writes and what it exits with: the report format, where it goes, and
the baseline gate.

``--format terminal|markdown|json|html`` picks the renderer; ``--output FILE`` writes the report
there instead of stdout, and may be given more than once (a file named ``.json``, ``.html``,
``.htm``, ``.md`` or ``.markdown`` gets that format; any other gets ``--format``), so one run can
leave a JSON document and an HTML page. Every format but the terminal's is rendered from the JSON document
(:mod:`execspec.reports.document`). ``--baseline FILE`` judges the run against the cells listed
there (:mod:`execspec.conformance.baseline`); ``--update-baseline`` writes that file from this
run first. The status lines a run prints go to stderr whenever stdout carries a machine-read
report, so ``execspec check --format json > report.json`` is JSON only.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from execspec.conformance.baseline import Baseline, BaselineError, Gate, gate
from execspec.conformance.results import RunResult
from execspec.reports import document, htmlpage, markdown, terminal

__all__ = ["FORMATS", "Output", "add_arguments"]

FORMATS = ("terminal", "markdown", "json", "html")
#: a file suffix that names a format
_SUFFIXES = {".json": "json", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The output and gate options of ``execspec check``."""
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="the report's format (default: terminal, or what --output FILE's suffix names); "
                        "markdown, json and html are rendered from the JSON document, whose schema is "
                        "execspec/reports/schema.json")
    p.add_argument("--output", metavar="FILE", type=Path, action="append", default=None,
                   help="write the report to FILE instead of stdout; repeat it for several formats "
                        "(.json, .html, .md name theirs)")
    p.add_argument("--baseline", metavar="FILE", type=Path, default=None,
                   help="fail only on FAIL cells FILE does not list, and say which listed ones now pass")
    p.add_argument("--update-baseline", action="store_true",
                   help="write this run's FAIL cells to the --baseline FILE (then judge the run by it)")


@dataclass
class Output:
    """The parsed options: where status lines go, and how the report is written and judged."""

    format: str                   # the format on stdout, and of files whose suffix names none
    outputs: list[tuple[Path, str]]  # each file to write, with its format (none: stdout)
    baseline: Path | None
    update_baseline: bool
    known: Baseline | None = None  # the baseline read (None: none, or about to be written)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Output | str:
        """The options, or a line saying what is wrong with them (exit status 2). The baseline
        is read here, before any checking, so a bad file costs nothing."""
        chosen: str | None = args.format
        outputs: list[tuple[Path, str]] = []
        for path in args.output or []:
            named = _SUFFIXES.get(path.suffix.lower())
            if chosen is not None and named is not None and named != chosen:
                return f"--format {chosen}, but --output {path} names {named}: drop one or rename the file"
            if not path.parent.is_dir():
                return f"--output {path}: no directory {path.parent}"
            outputs.append((path, named or chosen or "terminal"))
        out = cls(chosen or "terminal", outputs, args.baseline, args.update_baseline)
        if out.update_baseline and out.baseline is None:
            return "--update-baseline needs --baseline FILE (the file to write)"
        if out.baseline is not None and not out.update_baseline:
            try:
                out.known = Baseline.read(out.baseline)
            except BaselineError as exc:
                return str(exc)
        return out

    @property
    def log(self) -> TextIO:
        """Where the run's status lines go: stdout for the terminal report on stdout, else stderr."""
        return sys.stdout if self.format == "terminal" and not self.outputs else sys.stderr

    def emit(self, run: RunResult) -> int:
        """Write the report (and the baseline, when asked); the exit status."""
        judged: Gate | None = None
        if self.update_baseline:
            assert self.baseline is not None, "checked by from_args"
            fresh = Baseline.of(run)
            try:
                fresh.write(self.baseline)
            except OSError as exc:
                print(f"execspec check: cannot write baseline {self.baseline}: {exc.strerror or exc}",
                      file=sys.stderr)
                return 2
            print(f"baseline {self.baseline}: {len(fresh.failures)} failing cell(s) written", file=self.log)
            self.known = fresh
        if self.known is not None:
            judged = gate(run, self.known)
        if not self.outputs:
            sys.stdout.write(self._render(self.format, run, judged))
        for path, fmt in self.outputs:
            try:
                path.write_text(self._render(fmt, run, judged), encoding="utf-8")
            except OSError as exc:
                print(f"execspec check: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
                return 2
            print(f"{fmt} report written to {path}", file=self.log)
        if judged is not None:
            _say(judged, self.baseline, self.log)
            return judged.exit_status
        return run.exit_status

    def _render(self, fmt: str, run: RunResult, judged: Gate | None) -> str:
        if fmt == "terminal":
            return terminal.render(run) + "\n"
        doc = document.document(run, gate=judged, baseline_file=None if self.baseline is None else str(self.baseline))
        if fmt == "json":
            return document.dumps(doc)
        if fmt == "markdown":
            return markdown.render(doc)
        return htmlpage.render(doc)


def _say(g: Gate, path: Path | None, log: TextIO) -> None:
    print(f"\nbaseline {path}: {len(g.new)} new failure(s), {len(g.known)} known, "
          f"{len(g.fixed)} fixed", file=log)
    for c in g.new:
        print(f"  new: {c.target} {c.clause}", file=log)
    for c in g.fixed:
        print(f"  fixed (now {g.now[c].value}; drop it from the baseline): {c.target} {c.clause}", file=log)
    for c in g.unchecked:
        print(f"  not checked in this run: {c.target} {c.clause}", file=log)

"""The README's conformance table is generated (``execspec table``), and cannot go stale silently.

The table between the README's markers must be exactly what the renderer makes of the saved
document it was generated from (``tests/readme_table.json``, written by ``execspec table``);
after a new run, ``execspec table`` writes both again. Rendering a saved document is fast: no
check runs here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from execspec.commands import table
from execspec.conformance.results import Area, ClauseVerdict, ExecutorKind, RunResult, TargetResult, Verdict
from execspec.reports import readme_table
from execspec.reports.document import Document, document

ROOT = Path(__file__).resolve().parent.parent.parent
SAVED = ROOT / table.DEFAULT_DOCUMENT


def _doc() -> Document:
    stdlib = TargetResult("stdlib@3.12", ExecutorKind.SOURCE_ONLY, (3, 12), verdicts={
        "WAIT-CANCELLED-COUNTS": ClauseVerdict("WAIT-CANCELLED-COUNTS", Verdict.DIVERGES, "gh-92001"),
        "TPE-INITIALIZER-FAILS-DROPPED": ClauseVerdict("TPE-INITIALIZER-FAILS-DROPPED", Verdict.DIVERGES),
        "FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS)})
    pebble = TargetResult("execspec.targets.pebble:process_pool", ExecutorKind.PROCESS_POOL, None, verdicts={
        "WAIT-CANCELLED-COUNTS": ClauseVerdict("WAIT-CANCELLED-COUNTS", Verdict.PASS, "gh-92001"),
        "TPE-INITIALIZER-FAILS-DROPPED": ClauseVerdict("TPE-INITIALIZER-FAILS-DROPPED", Verdict.NOT_APPLICABLE),
        "FUT-DONE": ClauseVerdict("FUT-DONE", Verdict.PASS),
        "INV-CANCELLED-NEVER-RUNS": ClauseVerdict("INV-CANCELLED-NEVER-RUNS", Verdict.FAIL)})
    rows = [Area("future", ("FUT-DONE",)), Area("threadpool", ("TPE-INITIALIZER-FAILS-DROPPED",)),
            Area("wait", ("WAIT-CANCELLED-COUNTS",)), Area("invariants", ("INV-CANCELLED-NEVER-RUNS",))]
    return document(RunResult([stdlib, pebble], rows, 4, 4, 0))


def test_the_readme_table_is_what_the_saved_document_renders() -> None:
    saved: Document = json.loads(SAVED.read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table.current_table(readme) == readme_table.render(saved), (
        f"README.md's conformance table is not what {table.DEFAULT_DOCUMENT} renders: run "
        f"'execspec table' (a new check) or 'execspec table --from {table.DEFAULT_DOCUMENT}'")


def test_the_saved_document_covers_every_installed_cpython_and_foreign_executor() -> None:
    saved: Document = json.loads(SAVED.read_text(encoding="utf-8"))
    names = [t["name"] for t in saved["targets"]]
    assert names[:len([n for n in names if n.startswith("stdlib@")])] == sorted(
        (n for n in names if n.startswith("stdlib@")), key=lambda n: tuple(int(p) for p in n[7:].split(".")))
    assert {f"stdlib@3.{m}" for m in range(8, 14)} <= set(names)
    assert "concurrent.futures:ProcessPoolExecutor" in names


def test_each_broken_clause_links_its_upstream_issue_or_says_there_is_none() -> None:
    rendered = readme_table.render(_doc())
    stdlib_row, pebble_row = rendered.splitlines()[2:4]
    assert "diverges [WAIT-CANCELLED-COUNTS](specs/wait.md#wait-cancelled-counts-" in stdlib_row
    assert "([gh-92001](https://github.com/python/cpython/issues/92001))" in stdlib_row
    assert "TPE-INITIALIZER-FAILS-DROPPED" in stdlib_row
    assert "unreported: no upstream issue records it yet" in stdlib_row
    assert "FAIL [INV-CANCELLED-NEVER-RUNS]" in pebble_row
    assert "[noxdafox/pebble#144](https://github.com/noxdafox/pebble/issues/144)" in pebble_row
    assert "FUT-DONE" not in rendered  # passing clauses are not listed
    assert pebble_row.rstrip().endswith("| 1 |")  # one n/a clause


def test_table_writes_between_the_markers_and_check_says_when_it_is_stale(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(_doc()), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n\n{readme_table.BEGIN}\nold\n{readme_table.END}\n\nafter\n", encoding="utf-8")
    assert table.main(["--from", str(saved), "--readme", str(readme), "--check"]) == 1
    assert "run 'execspec table --from" in capsys.readouterr().err
    assert table.main(["--from", str(saved), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\nbefore\n\n") and text.endswith("\n\nafter\n") and "old" not in text
    assert readme_table.current_table(text) == readme_table.render(_doc())
    assert table.main(["--from", str(saved), "--readme", str(readme), "--check"]) == 0
    assert table.main(["--from", str(saved), "--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == text  # writing again changes nothing


def test_an_edit_made_to_the_readme_while_the_table_runs_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run takes minutes: the README is read again before the table is written into it."""
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{readme_table.BEGIN}\nold\n{readme_table.END}\n", encoding="utf-8")
    document = tmp_path / "run.json"

    def run(doc: Path, profile: str) -> int:  # stands for the check of every target
        doc.write_text(json.dumps(_doc()), encoding="utf-8")
        readme.write_text(readme.read_text(encoding="utf-8") + "\nedited meanwhile\n", encoding="utf-8")
        return 0

    monkeypatch.setattr(table, "_run", run)
    assert table.main(["--document", str(document), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.endswith("\nedited meanwhile\n") and readme_table.current_table(text) == readme_table.render(_doc())


def test_table_without_markers_or_with_a_bad_document_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(_doc()), encoding="utf-8")
    assert table.main(["--from", str(saved), "--readme", str(readme)]) == 2
    assert readme_table.BEGIN in capsys.readouterr().err
    readme.write_text(f"{readme_table.BEGIN}\n{readme_table.END}\n", encoding="utf-8")
    saved.write_text("{not json", encoding="utf-8")
    assert table.main(["--from", str(saved), "--readme", str(readme)]) == 2
    assert "is not a JSON document" in capsys.readouterr().err


def test_the_table_targets_are_the_installed_cpythons_then_the_installed_foreign_executors() -> None:
    from execspec.targets.cpython import installed_cpythons

    found, left_out = table.table_targets()
    assert found[:len(installed_cpythons())] == [f"stdlib@{v}" for v in installed_cpythons()]
    assert len(found) - len(installed_cpythons()) + len(left_out) == len(readme_table.FOREIGN)


def test_the_kept_document_names_no_machine_paths() -> None:
    """The saved document is in the repository: `execspec table` writes it without this
    machine's checkout, home, temporary or interpreter folders."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "readme_table.json").read_text(encoding="utf-8")
    found = re.findall(r"(?:/work/|/root/|/home/|/tmp/|/usr/lib/python|\.pyenv/)[^\s\"\\]*", text)
    assert not found, f"machine-specific paths in tests/readme_table.json: {sorted(set(found))[:5]}"

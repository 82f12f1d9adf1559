"""Malformed catalogues are rejected with a message that names the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from execspec.spec import CatalogueError, load_dir, parse_versions

GOOD_CLAUSE = """## FUT-ONE: the first clause

A statement in our own words.

- doc: https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future
- versions: 3.8+
- status: documented
"""


def clause(cid: str = "FUT-ONE", *, title: str = "a clause", statement: str = "Says a thing.",
           doc: str | None = "https://docs.python.org/3/library/concurrent.futures.html#x",
           versions: str | None = "3.8+", status: str | None = "documented",
           see: str | None = None) -> str:
    lines = [f"## {cid}: {title}", "", statement, ""]
    for key, value in (("doc", doc), ("versions", versions), ("status", status), ("see", see)):
        if value is not None:
            lines.append(f"- {key}: {value}")
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, name: str, *clauses: str, heading: str = "# Area\n\nIntro prose.\n") -> Path:
    (tmp_path / name).write_text(heading + "\n" + "\n".join(clauses), encoding="utf-8")
    return tmp_path


def rejected(tmp_path: Path) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        load_dir(tmp_path)
    return info.value


def test_a_well_formed_small_catalogue_loads(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE, clause("FUT-TWO", see="FUT-ONE"))
    write(tmp_path, "wait.md", clause("WAIT-ONE", versions="3.9-3.11, 3.14",
                                      status="upstream-divergence gh-92001", see="FUT-TWO"))
    cat = load_dir(tmp_path)
    assert list(cat.clauses) == ["FUT-ONE", "FUT-TWO", "WAIT-ONE"]
    wait_one = cat.get("WAIT-ONE")
    assert wait_one.issue == "gh-92001" and wait_one.see == ("FUT-TWO",)
    assert [wait_one.holds_for((3, m)) for m in range(8, 15)] == [
        False, True, True, True, False, False, True]
    assert cat.get("FUT-ONE").statement == "A statement in our own words."
    assert cat.by_area() == {"future": [cat.get("FUT-ONE"), cat.get("FUT-TWO")],
                             "wait": [wait_one]}


def test_duplicate_ids_are_rejected_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE, clause("FUT-ONE"))
    err = rejected(tmp_path)
    assert err.file == "future.md" and err.line == 13
    assert "duplicate ID FUT-ONE (first defined at future.md:5)" in str(err)
    assert "new ID" in err.fix


def test_duplicate_ids_across_files_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE)
    write(tmp_path, "invariants.md", GOOD_CLAUSE.replace("FUT-ONE", "INV-ONE"), clause("INV-ONE"))
    assert "duplicate ID INV-ONE" in str(rejected(tmp_path))


@pytest.mark.parametrize("field", ["doc", "versions", "status"])
def test_a_missing_field_is_rejected_naming_the_field(tmp_path: Path, field: str) -> None:
    write(tmp_path, "future.md", clause(**{field: None}))  # type: ignore[arg-type]
    err = rejected(tmp_path)
    assert f"lacks the field '{field}'" in str(err) and err.line == 5
    assert f"- {field}:" in err.fix


def test_a_missing_statement_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(statement=""))
    assert "has no statement" in str(rejected(tmp_path))


def test_an_unknown_status_is_rejected_listing_the_statuses(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="documneted"))
    err = rejected(tmp_path)
    assert "unknown status 'documneted'" in str(err) and err.line == 11
    assert "implementation-defined" in err.fix


def test_a_divergence_without_a_gh_issue_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="upstream-divergence"))
    err = rejected(tmp_path)
    assert "without a CPython issue" in str(err) and "gh-92001" in err.fix


def test_a_divergence_with_a_malformed_issue_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="upstream-divergence bpo-43727"))
    assert "without a CPython issue" in str(rejected(tmp_path))


def test_a_divergence_without_an_issue_names_the_unreported_form(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="upstream-divergence"))
    assert "'- status: upstream-divergence unreported'" in rejected(tmp_path).fix


def test_an_unreported_divergence_loads_without_an_issue(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="upstream-divergence unreported"))
    found = load_dir(tmp_path).get("FUT-ONE")
    assert found.status == "upstream-divergence" and found.issue is None and found.unreported


@pytest.mark.parametrize("status", ["upstream-divergence Unreported", "upstream-divergence unreported gh-1",
                                    "upstream-divergence gh-1 unreported", "upstream-divergence not-reported"])
def test_a_misspelt_or_doubled_unreported_divergence_is_rejected(tmp_path: Path, status: str) -> None:
    write(tmp_path, "future.md", clause(status=status))
    assert "without a CPython issue" in str(rejected(tmp_path))


def test_unreported_on_a_documented_clause_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="documented unreported"))
    assert "only upstream-divergence takes an issue" in rejected(tmp_path).fix


def test_a_clause_that_does_not_diverge_is_never_unreported(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE)
    assert not load_dir(tmp_path).get("FUT-ONE").unreported


def test_an_issue_on_a_documented_clause_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="documented gh-1"))
    assert "only upstream-divergence takes an issue" in rejected(tmp_path).fix


@pytest.mark.parametrize("versions", ["3.7+", "3.15", "3.8-3.15", "2.7", "3.12-3.9", "3.x",
                                      "3.8,", "all", "3.8 +"])
def test_unknown_or_malformed_versions_are_rejected(tmp_path: Path, versions: str) -> None:
    write(tmp_path, "future.md", clause(versions=versions))
    err = rejected(tmp_path)
    assert f"bad versions {versions!r}" in str(err) and err.line == 10
    assert "3.8-3.14" in err.fix


def test_version_syntax_round_trips() -> None:
    for text in ["3.8+", "3.14", "3.8-3.10", "3.9-3.11, 3.14", "3.8, 3.10"]:
        assert str(parse_versions(text)) == text
    assert str(parse_versions("3.10, 3.8-3.9")) == "3.8-3.10"


def test_a_dangling_see_reference_is_rejected_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE, clause("FUT-TWO", see="FUT-ONE, FUT-0NE-X"))
    err = rejected(tmp_path)
    assert "refers to FUT-0NE-X, which no clause defines" in str(err)
    assert err.file == "future.md" and err.line == 13


def test_a_self_reference_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(see="FUT-ONE"))
    assert "refers to itself" in str(rejected(tmp_path))


@pytest.mark.parametrize("cid", ["fut-one", "FUT", "FUT_ONE", "FUT--ONE", "FUT-ONE-"])
def test_a_malformed_id_is_rejected(tmp_path: Path, cid: str) -> None:
    write(tmp_path, "future.md", clause(cid))
    err = rejected(tmp_path)
    assert f"malformed clause ID {cid!r}" in str(err) and "FUT-CANCEL-RUNNING" in err.fix


def test_an_id_in_the_wrong_area_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause("WAIT-ONE"))
    err = rejected(tmp_path)
    assert "prefix 'FUT-'" in str(err)


def test_a_heading_without_a_title_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", "## FUT-ONE\n\nStatement.\n")
    assert "malformed clause heading" in str(rejected(tmp_path))


def test_an_unknown_field_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause() + "- notes: extra\n")
    err = rejected(tmp_path)
    assert "unknown field 'notes'" in str(err) and err.line == 12


def test_a_repeated_field_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause() + "- status: documented\n")
    assert "given twice" in str(rejected(tmp_path))


def test_text_after_the_fields_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause() + "\nA stray paragraph.\n")
    err = rejected(tmp_path)
    assert "text after the field list" in str(err) and err.line == 13


def test_a_doc_outside_the_docs_page_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(doc="https://example.com/futures"))
    assert "is not a section of the docs" in str(rejected(tmp_path))


def test_an_implementation_defined_clause_may_cite_cpython_source(tmp_path: Path) -> None:
    src = "https://github.com/python/cpython/blob/main/Lib/concurrent/futures/thread.py"
    write(tmp_path, "future.md", clause(doc=src, status="implementation-defined"))
    assert load_dir(tmp_path).get("FUT-ONE").doc == src
    write(tmp_path, "future.md", clause(doc=src, status="documented"))
    assert "is not a section of the docs" in str(rejected(tmp_path))


def test_a_file_must_start_with_its_title(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE, heading="")
    err = rejected(tmp_path)
    assert "must start with a level-1 heading" in str(err) and err.line == 2


def test_clauses_in_an_unknown_area_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE)
    write(tmp_path, "futures.md", clause("FUT-TWO"))
    err = rejected(tmp_path)
    assert err.file == "futures.md" and "not a known area" in str(err)


def test_other_markdown_files_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE)
    write(tmp_path, "README.md", "## FUT-ONE: an index row\n")
    write(tmp_path, "diagrams.md", "## Future lifecycle\n\n```mermaid\nstateDiagram-v2\n```\n")
    assert list(load_dir(tmp_path).clauses) == ["FUT-ONE"]


def test_level_two_headings_inside_code_fences_in_the_intro_are_prose(tmp_path: Path) -> None:
    write(tmp_path, "future.md", GOOD_CLAUSE,
          heading="# Future\n\n```\n## NOT-A-CLAUSE: example\n```\n")
    assert list(load_dir(tmp_path).clauses) == ["FUT-ONE"]


def test_an_empty_directory_is_rejected(tmp_path: Path) -> None:
    assert "no clause files" in str(rejected(tmp_path))


def test_error_message_reads_file_line_problem_fix(tmp_path: Path) -> None:
    write(tmp_path, "future.md", clause(status="maybe"))
    assert str(rejected(tmp_path)).startswith("future.md:11: unknown status 'maybe' in FUT-ONE. Fix: ")

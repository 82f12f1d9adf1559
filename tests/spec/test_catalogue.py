"""The real catalogue in specs/: it loads, covers every area, and keeps its contract of IDs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from execspec import spec
from execspec.spec import AREAS, REQUIRED_IDS, SUPPORTED_VERSIONS, load, load_dir

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"


@pytest.fixture(scope="module")
def catalogue() -> spec.Catalogue:
    return load()


def test_packaged_catalogue_is_the_specs_directory(catalogue: spec.Catalogue) -> None:
    assert load_dir(SPECS_DIR).clauses == catalogue.clauses


def test_catalogue_has_every_area(catalogue: spec.Catalogue) -> None:
    assert set(catalogue.by_area()) == set(AREAS)


def test_catalogue_size_is_in_the_planned_range(catalogue: spec.Catalogue) -> None:
    assert 100 <= len(catalogue) <= 140


def test_catalogue_defines_every_required_id(catalogue: spec.Catalogue) -> None:
    missing = sorted(REQUIRED_IDS - set(catalogue.clauses))
    assert not missing, f"clause IDs cited elsewhere but not defined: {missing}"


def test_invariants_are_exactly_the_inv_clauses(catalogue: spec.Catalogue) -> None:
    invariants = catalogue.invariants()
    assert invariants and all(c.area == "invariants" for c in invariants)
    assert {c.id for c in invariants} == {i for i in catalogue.clauses if i.startswith("INV-")}


def test_every_divergence_cites_a_gh_issue_or_says_it_is_unreported(
        catalogue: spec.Catalogue) -> None:
    divergences = catalogue.by_status("upstream-divergence")
    assert {c.id: c.issue for c in divergences} == {
        "FUT-RESULT-FALSY-EXC": "gh-132063",
        "EXE-SHUTDOWN-CANCELLED-DONE": "gh-87893",
        "WAIT-CANCELLED-COUNTS": "gh-92001",
        "AC-CANCELLED-COUNTS": "gh-92001",
        "TPE-INITIALIZER-FAILS-DROPPED": None,  # found by execspec; no upstream issue yet
        "EXE-SHUTDOWN-CANCEL-TAKEN": None,  # found by execspec's conformance machine; none yet
        "WAIT-DUPLICATES-DONE": "gh-30168",  # CPython 3.8; the fix's pull request (bpo-20369)
        "TPE-INITIALIZER-FAILS-CANCELLED": None,  # found by execspec's conformance machine; none yet
        "AC-TIMEOUT-FROM-CALL": None,  # found by execspec's timing check; none yet
        "FUT-RUNNING-EXECUTING": "gh-81457",  # ProcessPoolExecutor (bpo-37276)
        "EXE-SHUTDOWN-CANCEL-AT-ONCE": None,  # ProcessPoolExecutor; found by execspec's machine
    }
    assert sorted(c.id for c in divergences if c.unreported) == [
        "AC-TIMEOUT-FROM-CALL", "EXE-SHUTDOWN-CANCEL-AT-ONCE", "EXE-SHUTDOWN-CANCEL-TAKEN", "TPE-INITIALIZER-FAILS-CANCELLED", "TPE-INITIALIZER-FAILS-DROPPED"]
    others = [c for c in catalogue if c.status != "upstream-divergence"]
    assert all(c.issue is None and not c.unreported for c in others)


def test_an_unreported_divergence_renders_as_unreported(catalogue: spec.Catalogue) -> None:
    clause = catalogue.get("TPE-INITIALIZER-FAILS-DROPPED")
    assert "status:   upstream-divergence (unreported)" in spec.render_clause(clause)
    assert "| upstream-divergence (unreported) | 3.8+ |" in spec.render_index(catalogue)


def test_version_specific_clauses_hold_only_where_documented(catalogue: spec.Catalogue) -> None:
    holds = catalogue.get
    assert holds("EXC-TIMEOUT-ALIAS").holds_for((3, 11))
    assert not holds("EXC-TIMEOUT-ALIAS").holds_for((3, 10))
    assert holds("EXC-TIMEOUT-DISTINCT").holds_for((3, 10))
    assert not holds("EXC-TIMEOUT-DISTINCT").holds_for((3, 11))
    assert holds("TPE-MAX-WORKERS-DEFAULT-38").holds_for((3, 12))
    assert not holds("TPE-MAX-WORKERS-DEFAULT-38").holds_for((3, 13))
    assert holds("TPE-MAX-WORKERS-DEFAULT-313").holds_for((3, 13))
    assert set(holds("EXE-MAP-BUFFERSIZE").versions) == {(3, 14)}
    assert not holds("EXE-SHUTDOWN-CANCEL-FUTURES").holds_for((3, 8))


def test_applicable_filters_by_version(catalogue: spec.Catalogue) -> None:
    for version in SUPPORTED_VERSIONS:
        ids = {c.id for c in catalogue.applicable(version)}
        assert "FUT-CANCEL-RUNNING" in ids
        assert ("EXE-MAP-BUFFERSIZE" in ids) == (version == (3, 14))
    running = {c.id for c in catalogue.applicable(sys.version_info)}
    assert "FUT-STATES" in running


def test_get_names_close_ids_for_a_typo(catalogue: spec.Catalogue) -> None:
    with pytest.raises(KeyError, match="FUT-CANCEL-RUNNING"):
        catalogue.get("FUT-CANCEL-RUNING")


def test_statements_are_short(catalogue: spec.Catalogue) -> None:
    long = [c.id for c in catalogue if len(c.statement) > 420]
    assert not long, f"statements should be one or two sentences: {long}"


def test_render_clause_shows_status_issue_and_source(catalogue: spec.Catalogue) -> None:
    text = spec.render_clause(catalogue.get("WAIT-CANCELLED-COUNTS"))
    assert "upstream-divergence (gh-92001)" in text
    assert "specs/wait.md:" in text


def test_committed_index_is_current(catalogue: spec.Catalogue) -> None:
    stale = spec.index_is_stale(catalogue, SPECS_DIR / "README.md")
    assert not stale, (
        "specs/README.md is stale; regenerate it: EXECSPEC_REGEN=1 python -m pytest tests/spec -q"
    )


# Anchors of https://docs.python.org/3/library/concurrent.futures.html (from its reST source):
# a `doc:` pointing anywhere else on that page is a typo.
DOC_ANCHORS = frozenset(
    {"module-concurrent.futures", "executor-objects", "threadpoolexecutor",
     "threadpoolexecutor-example", "future-objects", "module-functions", "exception-classes"}
    | {f"concurrent.futures.{name}" for name in (
        "Executor", "Executor.submit", "Executor.map", "Executor.shutdown", "ThreadPoolExecutor",
        "Future", "Future.cancel", "Future.cancelled", "Future.running", "Future.done",
        "Future.result", "Future.exception", "Future.add_done_callback",
        "Future.set_running_or_notify_cancel", "Future.set_result", "Future.set_exception",
        "wait", "as_completed", "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED",
        "CancelledError", "TimeoutError", "BrokenExecutor", "InvalidStateError",
        "thread.BrokenThreadPool")}
)


def test_doc_links_point_at_existing_sections(catalogue: spec.Catalogue) -> None:
    bad = [(c.id, c.doc) for c in catalogue
           if c.doc.startswith(spec.DOCS_URL) and c.doc.split("#", 1)[1] not in DOC_ANCHORS]
    assert not bad, f"doc: anchors that the docs page does not have: {bad}"


def test_documented_clauses_cite_the_docs_page(catalogue: spec.Catalogue) -> None:
    off_page = [c.id for c in catalogue
                if c.status != "implementation-defined" and not c.doc.startswith(spec.DOCS_URL)]
    assert not off_page

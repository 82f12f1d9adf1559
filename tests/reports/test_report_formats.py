"""The JSON document and the formats rendered from it: the document matches its published
schema, carries each failure's calls, interleaving and replay command, and every renderer
escapes what the run says (markup in an exception message shows as text)."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from typing import Any

import jsonschema
import pytest

from execspec.conformance.baseline import Baseline, gate
from execspec.reports import document as documents
from execspec.reports import htmlpage, markdown
from execspec.reports.document import SCHEMA_VERSION, Document, document, dumps, schema

from reports._runs import INJECTED, failing_run


def _doc() -> Document:
    return document(failing_run())


def _validate(doc: object) -> None:
    jsonschema.Draft202012Validator(schema()).validate(doc)  # type: ignore[arg-type]


def test_the_schema_is_itself_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())  # type: ignore[arg-type]


def test_the_document_matches_its_schema_round_tripped_through_json_text() -> None:
    doc = json.loads(dumps(_doc()))
    _validate(doc)
    assert doc["schema_version"] == SCHEMA_VERSION == schema()["properties"]["schema_version"]["const"]  # type: ignore[index]
    with_gate = json.loads(dumps(document(failing_run(), gate=gate(failing_run(), Baseline()),
                                          baseline_file="conformance.json")))
    _validate(with_gate)


@pytest.mark.parametrize("break_it", [
    lambda d: d.pop("schema_version"),
    lambda d: d["targets"][0]["verdicts"]["FUT-DONE"].update(verdict="FAILED"),
    lambda d: d["targets"][0]["failures"][0].update(seeds="11 22 33"),
    lambda d: d["targets"][0].update(surprise=1),
    lambda d: d["targets"][0]["failures"][0].pop("replay_command"),
])
def test_the_schema_rejects_a_document_that_breaks_it(break_it: Any) -> None:
    # The known-bad side of the schema test: a schema that accepted anything would pass above.
    doc = json.loads(dumps(_doc()))
    bad = copy.deepcopy(doc)
    break_it(bad)
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)


def test_the_document_holds_each_failure_with_its_clauses_calls_seeds_and_replay() -> None:
    mine, stdlib = _doc()["targets"]
    assert mine["score"] == {"passed": 2, "of": 4} and mine["python"] is None
    fail = mine["verdicts"]["FUT-CB-ONCE"]
    assert fail["verdict"] == "fail" and len(fail["failures"]) == 1
    machine = mine["failures"][fail["failures"][0]]
    assert machine["clauses"] == ["FUT-CB-ONCE"] and machine["seeds"] == [11, 22, 33]
    assert machine["calls"][0] == "ex = make(max_workers=1)" and "add_done_callback" in (machine["snippet"] or "")
    shim = mine["failures"][mine["verdicts"]["FUT-DONE"]["failures"][0]]
    assert shim["replay_command"] == "execspec replay execspec-schedules/done-pct-seed7-3.json"
    assert shim["interleaving"] is not None and shim["schedule"] == 3 and INJECTED in shim["message"]
    assert mine["machine_runs"] == [{"mode": "shim", "profile": "smoke", "examples": 10, "seconds": 1.5,
                                     "first_failure": 0.25, "budget": None, "budget_spent": False}]
    div = stdlib["verdicts"]["WAIT-CANCELLED-COUNTS"]
    assert (div["verdict"], div["issue"], div["issue_url"]) == (
        "diverges", "gh-92001", "https://github.com/python/cpython/issues/92001")
    na = stdlib["verdicts"]["EXC-TIMEOUT-ALIAS"]
    assert na["verdict"] == "not applicable" and na["reason"] == "no check of it applies to Python 3.9"
    assert stdlib["python"] == "3.9" and _doc()["clauses"]["WAIT-CANCELLED-COUNTS"]["area"] == "wait" == div["area"]


def test_only_gh_issues_get_a_link() -> None:
    assert documents.issue_url("gh-92001") == "https://github.com/python/cpython/issues/92001"
    assert documents.issue_url("bpo-123") is None and documents.issue_url("gh-x") is None


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_page_escapes_markup_and_links_each_failing_cell_to_its_panel() -> None:
    page = htmlpage.render(_doc())
    parsed = _Collect()
    parsed.feed(page)
    scripts = [t for t, _ in parsed.tags if t == "script"]
    assert scripts == ["script"], "only the page's own script"
    assert not any(t == "img" for t, _ in parsed.tags), "the injected <img> became an element"
    assert INJECTED in "".join(parsed.text), "the message is shown, as text"
    assert not any(a.get("src") or (a.get("href") or "").startswith("http") and "github.com" not in (a.get("href") or "")
                   and "python.org" not in (a.get("href") or "") for _, a in parsed.tags), "no network"
    ids = {a["id"] for _, a in parsed.tags if a.get("id")}
    opens = [a["href"] for t, a in parsed.tags if t == "a" and "opens" in (a.get("class") or "")]
    assert len(opens) == 3 and all(h and h[1:] in ids for h in opens), opens
    assert "https://github.com/python/cpython/issues/92001" in page


def test_markdown_escapes_the_message_and_keeps_the_calls_in_a_fence_it_cannot_close() -> None:
    doc = _doc()
    doc["targets"][0]["failures"][0]["snippet"] = "x = '```'\n"
    text = markdown.render(doc)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "````python\nx = '```'\n````" in text
    assert "| `FUT-CB-ONCE` | **FAIL** | pass |" in text
    assert "diverges [gh-92001](https://github.com/python/cpython/issues/92001)" in text
    assert "| **score** | 2/4 | 2/3 |" in text
    assert "- n/a (no check of it applies to Python 3.9): `EXC-TIMEOUT-ALIAS`" in text


def test_a_failure_whose_schedule_file_could_not_be_written_says_why_instead_of_a_replay() -> None:
    doc = _doc()
    shim = doc["targets"][0]["failures"][1]
    assert shim["replay_command"] is not None and shim["replay_unsaved"] is None
    shim.update(replay_file=None, replay_command=None, replay_unsaved="read-only <dir>")
    _validate(json.loads(dumps(doc)))
    assert "No schedule file: read-only &lt;dir&gt;" in htmlpage.render(doc)
    assert "No schedule file: read-only \\<dir\\>" in markdown.render(doc)


def test_with_a_baseline_the_pages_say_what_is_new_known_and_fixed() -> None:
    run = failing_run()
    listed = Baseline(frozenset({("mine:make_pool", "FUT-CB-ONCE"), ("mine:make_pool", "WAIT-CANCELLED-COUNTS")}))
    doc = document(run, gate=gate(run, listed), baseline_file="conformance.json")
    page = htmlpage.render(doc)
    assert "Baseline conformance.json: 1 new failure(s), 1 known, 1 fixed" in page
    assert page.count("(baseline)</span>") == 1  # the one known FAIL cell
    assert "new: mine:make_pool FUT-DONE" in page and "fixed (now pass; drop it" in page
    text = markdown.render(doc)
    assert "- new: mine:make\\_pool `FUT-DONE`" in text


def test_only_web_addresses_become_links() -> None:
    doc = _doc()
    doc["clauses"]["FUT-DONE"]["doc"] = "javascript:alert(1)"
    assert "javascript:" not in htmlpage.render(doc)

"""The explorer sees exactly the state counts recorded in model/manifest.json, and no invariant
is violated, for every named bound configuration.

Like tlaplus/Examples' manifest: an accidental change to the model shows up as changed counts.
After an intended change, regenerate with ``EXECSPEC_REGEN=1 python -m pytest tests/model``
(add ``-m slow`` for the slow tier's entries) and review the diff.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from execspec.model.explore import BOUNDS, FAST, SLOW, Report, explore, main_report

MANIFEST = Path(__file__).resolve().parents[2] / "model" / "manifest.json"
REGEN = os.environ.get("EXECSPEC_REGEN") == "1"
COUNTED = ("distinct_states", "transitions", "depth", "quiescent_states")


def _load() -> dict[str, dict[str, object]]:
    if not MANIFEST.exists():
        return {}
    data: dict[str, dict[str, object]] = json.loads(MANIFEST.read_text(encoding="utf-8"))["bounds"]
    return data


def _record(name: str, report: Report) -> None:
    entries = _load()
    entries[name] = {
        "tier": "fast" if name in FAST else "slow",
        **{k: getattr(report, k) for k in COUNTED},
        "seconds": round(report.seconds, 2),  # informational only: never compared
    }
    ordered = {n: entries[n] for n in BOUNDS if n in entries}
    text = json.dumps({"about": "Expected explorer counts per bound configuration "
                       "(execspec.model.explore.BOUNDS); seconds are informational.",
                       "bounds": ordered}, indent=2)
    MANIFEST.write_text(text + "\n", encoding="utf-8")


@cache
def _explore(name: str) -> Report:
    return explore(BOUNDS[name], name=name)


def _check(name: str) -> None:
    report = _explore(name)
    assert report.ok, report.render()
    if REGEN:
        _record(name, report)
        return
    expected = _load().get(name)
    assert expected is not None, f"{name} is not in {MANIFEST.name}: run with EXECSPEC_REGEN=1"
    seen = {k: getattr(report, k) for k in COUNTED}
    assert seen == {k: expected[k] for k in COUNTED}, (
        f"bounds {name}: the explorer saw {seen}, the manifest records "
        f"{ {k: expected[k] for k in COUNTED} }; if the model change is intended, regenerate "
        "with EXECSPEC_REGEN=1 and review the diff"
    )


@pytest.mark.parametrize("name", FAST)
def test_explorer_counts_match_manifest(name: str) -> None:
    _check(name)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", SLOW)
def test_explorer_counts_match_manifest_at_larger_bounds(name: str) -> None:
    _check(name)


def test_every_named_bound_configuration_is_in_the_manifest() -> None:
    assert set(_load()) == set(BOUNDS) or REGEN, (
        f"manifest entries {sorted(_load())} differ from BOUNDS {sorted(BOUNDS)}"
    )


def test_main_report_prints_one_summary_line_per_configuration() -> None:
    text = main_report(["tiny"])
    assert text.startswith("bounds tiny: ") and "distinct states" in text and "no invariant violated" in text
    with pytest.raises(ValueError, match="unknown bounds"):
        main_report(["no-such-bounds"])


def test_explore_command_exits_zero_without_violations_and_lists_configurations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from execspec.model.explore import main, summary

    assert main(["tiny"]) == 0
    assert "bounds tiny:" in capsys.readouterr().out
    assert main(["--list"]) == 0
    assert "w2f3-full" in capsys.readouterr().out
    assert summary(["tiny"]).startswith("model: 1 bound configurations, ")


#: Rules the fast tier cannot reach, and the unit test that fires each instead.
UNREACHED_IN_FAST_TIER = {
    "map.broken": "a broken pool needs a submit before map(); "
    "test_transitions_follow_the_clauses::test_map_on_a_broken_pool_raises_broken_thread_pool",
    "pool.drain-dies": "CPython's reading of a broken pool's drain meeting a cancelled call; "
    "test_transitions_follow_the_clauses::"
    "test_tpe_initializer_fails_cancelled_cpython_drain_dies_at_the_cancelled_call",
    "worker.init-fails-unseen": "CPython's reading of a dropped pool whose initializer fails; no "
    "fast-tier bound drops a pool with a failing initializer under CPYTHON; "
    "test_transitions_follow_the_clauses::"
    "test_tpe_initializer_fails_dropped_cpython_strands_the_queued_futures",
}


def test_fast_tier_fires_every_rule_but_those_listed() -> None:
    from execspec.model.rules import RULES

    fired: set[str] = set()
    for name in FAST:
        fired |= _explore(name).rules_fired
    assert set(RULES) - fired == set(UNREACHED_IN_FAST_TIER)

"""The Hypothesis strategy on the abstract programs of ``_programs.py``: shrinking, and the
example database (a failure saved once is replayed first by the next search)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from execspec.sched.strategies.hypothesis import search
from execspec.sched.kernel.protocols import Strategy
from tests.sched._programs import LOST_UPDATE, Run, run_program


def test_hypothesis_shrinks_the_lost_update_to_one_context_switch() -> None:
    def run(strategy: Strategy) -> Run:
        result = run_program(LOST_UPDATE, strategy)
        assert result is not None
        return result

    found = search(run, lambda r: r.outcome == "lost-update", key=b"test-lost-update",
                   max_examples=300, database=None)
    assert found is not None and found.outcome == "lost-update"
    switches = sum(a.thread != b.thread for a, b in zip(found.choices, found.choices[1:]))
    assert switches == 2  # 0 reads, 1 reads and writes, 0 writes: the minimal interleaving
    assert found.threads == [0, 1, 1, 0]


def test_hypothesis_search_reports_nothing_on_a_correct_program() -> None:
    locked = [[("lock", "L"), ("read", "n"), ("write", "n"), ("unlock", "L")]] * 2

    def run(strategy: Strategy) -> Run:
        result = run_program(locked, strategy)
        assert result is not None
        return result

    assert search(run, lambda r: r.outcome != "ok", key=b"test-locked", max_examples=100,
                  database=None) is None


def test_hypothesis_saves_a_failure_and_replays_it_first_on_the_next_run(tmp_path: Path) -> None:
    from hypothesis.database import DirectoryBasedExampleDatabase

    def recorder(into: list[Run]) -> Callable[[Strategy], Run]:
        def run(strategy: Strategy) -> Run:
            result = run_program(LOST_UPDATE, strategy)
            assert result is not None
            into.append(result)
            return result
        return run

    def lost(r: Run) -> bool:
        return r.outcome == "lost-update"

    db = DirectoryBasedExampleDatabase(str(tmp_path / "db"))
    first = search(recorder([]), lost, key=b"test-db", max_examples=300, database=db)
    assert first is not None
    assert [p for p in (tmp_path / "db").rglob("*") if p.is_file()], "nothing was saved"

    # Another seed, the same database: the very first interleaving tried is the stored one.
    again: list[Run] = []
    assert search(recorder(again), lost, key=b"test-db", max_examples=300, database=db,
                  seed=1) is not None
    assert again[0].outcome == "lost-update" and again[0].threads == first.threads

    # Control: the same seed with an empty database does not start with a failure.
    fresh: list[Run] = []
    search(recorder(fresh), lost, key=b"test-db", max_examples=300, seed=1,
           database=DirectoryBasedExampleDatabase(str(tmp_path / "fresh")))
    assert fresh[0].outcome == "ok"

    # And the key matters: another scenario's key does not replay this one's failure.
    other: list[Run] = []
    search(recorder(other), lost, key=b"another-scenario", max_examples=300, database=db, seed=1)
    assert other[0].outcome == "ok"

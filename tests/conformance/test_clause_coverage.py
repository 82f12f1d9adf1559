"""``execspec coverage``: every clause is checked by the machine, by a clause check, or listed
with its reason; the three never overlap and together are the catalogue."""

from __future__ import annotations

from execspec.commands.coverage import main
from execspec.conformance.coverage import coverage
from execspec.spec import load


def test_coverage_partitions_the_catalogue_and_gives_every_gap_a_reason() -> None:
    machine, checks, rest = coverage()
    left = {u.clause for u in rest}
    assert not machine & checks and not machine & left and not checks & left
    assert machine | checks | left == set(load().clauses)
    assert all(u.reason.strip() for u in rest)
    assert "FUT-CANCEL-RUNNING" in machine  # a rule of the model the machine drives cites it


def test_the_command_prints_the_counts_and_each_gap(capsys: object) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    machine, checks, rest = coverage()
    assert out.startswith(f"{len(machine)} of {len(machine) + len(checks) + len(rest)} clauses")
    assert all(f"  {u.clause}: " in out for u in rest)

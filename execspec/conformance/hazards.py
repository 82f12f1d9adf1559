"""The docs' deadlocks as the machine meets them: documented hazards, recorded, never violations.

A task that waits on another future (the machine's ``submit_waiting``) holds its worker while
it waits. Once every state every oracle still believes in is one of the docs' deadlocks
(``execspec.model.deadlocked``: DL-MUTUAL-WAIT, DL-SELF-SUBMIT-SINGLE-WORKER), the executor
did what the docs warn of and nothing but a client call can change that: :func:`reached`
says so as a :class:`Hazard`, and the machine ends the example there. A hang the model does
not allow (a free worker that should have taken the awaited call) is no hazard: the oracle
reports it as a violation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from execspec.conformance.actions import Action
from execspec.conformance.oracle import Oracle
from execspec.model import FState, State, deadlocked, hazard_clauses, stuck


@dataclass
class Hazard:
    """A documented deadlock the machine drove the executor into (DL-*): not a violation."""

    clauses: tuple[str, ...]
    what: str
    actions: list[Action]


def describe(s: State) -> str:
    """Which waiting call holds which worker, in words."""
    words = []
    for fid in sorted(stuck(s)):
        f = s.futures[fid]
        if f.state is FState.RUNNING:
            where = "queued behind it" if s.futures[f.awaits].state is FState.PENDING else "itself waiting"
            words.append(f"f{fid} waits on f{f.awaits} ({where})")
    return f"every worker of {s.pool.max_workers} is held: " + "; ".join(words)


def reached(oracles: Iterable[Oracle], actions: list[Action]) -> Hazard | None:
    """The hazard, when every belief of every oracle is a deadlock (it is stable: no internal
    step leaves one); else None."""
    oracles = list(oracles)
    if not oracles or not all(o.beliefs and all(deadlocked(s) for s in o.beliefs) for o in oracles):
        return None
    states = [s for o in oracles for s in o.beliefs]
    clauses = tuple(sorted({c for s in states for c in hazard_clauses(s)}))
    return Hazard(clauses, describe(min(states, key=repr)), list(actions))


__all__ = ["Hazard", "describe", "reached"]

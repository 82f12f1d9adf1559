"""Which clauses the model encodes, and which are checked elsewhere (and why).

Every clause of the catalogue is either cited by a rule (:data:`~execspec.model.rules.RULES`),
an invariant (:data:`~execspec.model.invariants.INVARIANTS`) or a case of the API surface
(:data:`~execspec.model.api.CASES`), or listed in
:data:`CHECKED_ELSEWHERE` with the reason the model leaves it out. Nothing is both.
``tests/model/test_every_clause_is_encoded_or_excused.py`` holds the catalogue to this.
"""

from __future__ import annotations

from execspec.model.api import CASES
from execspec.model.invariants import INVARIANTS
from execspec.model.rules import RULES

_NOT_STATE = "checked by impl's tests (the conformance machine has no rule for it yet)"

#: Clause ID -> why the model does not encode it, and where it is checked instead.
CHECKED_ELSEWHERE: dict[str, str] = {
    # construction-time argument handling: no state to model
    "TPE-EXIT-BEFORE-ATEXIT": "ordering against atexit handlers is interpreter machinery; the model "
    "has one exit event; checked by impl's tests",
    "TPE-SHUTDOWN-OWN-WORKER": "a pool's own call shutting that pool down: the model's client "
    "operations run outside the pool's calls; checked by impl's tests "
    "(tests/impl/test_impl_interrupts.py, impl and the stdlib side by side)",
    "EXE-CONTEXT-ENTER": f"__enter__ returns the executor itself: identity, not state; {_NOT_STATE}",
    # values, types and the module surface
    "FUT-CB-BASEEXCEPTION": "undefined behaviour by the clause itself; the invariants still require "
    "the future to stay done; the conformance machine must not require an outcome",
    # map beyond eager submission: its iterator is client code over result()
    "EXE-MAP-TIMEOUT": "a deadline for the whole iteration needs a clock: the model's iterator is "
    "GetResult(fid, Timeout.FINITE) per item; checked on the virtual clock by the conformance machine",
    "AC-TIMEOUT-FROM-CALL": "where the deadline counts from needs a clock, which the model has not: "
    "checked on the virtual clock by the conformance machine (execspec/conformance/timing.py)",
    "EXE-MAP-CLOSE-CANCELS": "closing the iterator is a sequence of Cancel ops the client makes; the "
    "conformance machine checks each against the model",
}


def encoded() -> dict[str, tuple[str, ...]]:
    """Clause ID -> the rules and invariants that encode it."""
    out: dict[str, list[str]] = {}
    for rule in RULES.values():
        for cid in rule.cites:
            out.setdefault(cid, []).append(rule.name)
    for inv in INVARIANTS:
        out.setdefault(inv.id, []).append(f"invariant:{inv.kind}")
    for case in CASES.values():  # the API surface (model/api.py): arguments, names, exceptions
        for cid in case.clauses:
            out.setdefault(cid, []).append(f"api:{case.name}")
    return {cid: tuple(dict.fromkeys(names)) for cid, names in out.items()}


def where(clause_id: str) -> str:
    """Where the model encodes a clause, or why it does not (for ``execspec spec CLAUSE``).

    >>> where("FUT-CANCEL-RUNNING")
    'encoded by cancel.running'
    """
    enc = encoded().get(clause_id)
    if enc:
        return "encoded by " + ", ".join(enc)
    if clause_id in CHECKED_ELSEWHERE:
        return "checked elsewhere: " + CHECKED_ELSEWHERE[clause_id]
    return "not covered by the model"


def where_encoded(clause_id: str) -> str:
    """The same as :func:`where` (the name ``execspec spec`` uses)."""
    return where(clause_id)

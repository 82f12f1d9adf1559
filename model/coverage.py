"""Which clauses the model encodes, and which are checked elsewhere (and why).

Every clause of the catalogue is either cited by a rule (:data:`~execspec.model.rules.RULES`)
or an invariant (:data:`~execspec.model.invariants.INVARIANTS`), or listed in
:data:`CHECKED_ELSEWHERE` with the reason the model leaves it out. Nothing is both.
``tests/model/test_every_clause_is_encoded_or_excused.py`` holds the catalogue to this.
"""

from __future__ import annotations

from execspec.model.invariants import INVARIANTS
from execspec.model.rules import RULES

_NOT_STATE = "checked by impl's tests (the conformance machine has no rule for it yet)"

#: Clause ID -> why the model does not encode it, and where it is checked instead.
CHECKED_ELSEWHERE: dict[str, str] = {
    # construction-time argument handling: no state to model
    "TPE-MAX-WORKERS-DEFAULT-35": f"a default computed from the CPU count, not state; {_NOT_STATE}",
    "TPE-MAX-WORKERS-DEFAULT-38": f"a default computed from the CPU count, not state; {_NOT_STATE}",
    "TPE-MAX-WORKERS-DEFAULT-313": f"a default computed from the CPU count, not state; {_NOT_STATE}",
    "TPE-MAX-WORKERS-INVALID": f"constructor argument validation; the model starts valid; {_NOT_STATE}",
    "TPE-MAX-WORKERS-TYPE": f"constructor argument types; {_NOT_STATE}",
    "TPE-INITIALIZER-NOT-CALLABLE": f"constructor argument validation; {_NOT_STATE}",
    "TPE-THREAD-NAME-PREFIX": "thread naming is not state (workers have no identity here); "
    f"{_NOT_STATE}",
    "TPE-FORK": "os.fork() and the module's global lock are outside the pool's state; impl tests",
    "TPE-EXIT-BEFORE-ATEXIT": "ordering against atexit handlers is interpreter machinery; the model "
    "has one exit event; checked by impl's tests",
    "EXE-ABSTRACT": f"the Executor base class's own methods; {_NOT_STATE}",
    "TPE-SHUTDOWN-OWN-WORKER": "a pool's own call shutting that pool down: the model's client "
    "operations run outside the pool's calls; checked by impl's tests "
    "(tests/impl/test_impl_interrupts.py, impl and the stdlib side by side)",
    "EXE-SUBMIT-FN-POSITIONAL": f"argument passing, not state; {_NOT_STATE}",
    "EXE-CONTEXT-ENTER": f"__enter__ returns the executor itself: identity, not state; {_NOT_STATE}",
    # values, types and the module surface
    "FUT-TIMEOUT-NUMBER": "int vs float timeouts: the model has no clocks (Timeout.FINITE stands for "
    f"both); {_NOT_STATE}",
    "FUT-CB-BASEEXCEPTION": "undefined behaviour by the clause itself; the invariants still require "
    "the future to stay done; the conformance machine must not require an outcome",
    "EXC-ERROR-BASE": f"the exception class hierarchy; {_NOT_STATE}",
    "EXC-TIMEOUT-ALIAS": f"the exception class hierarchy (3.11+); {_NOT_STATE}",
    "EXC-TIMEOUT-DISTINCT": f"the exception class hierarchy (<= 3.10); {_NOT_STATE}",
    "MOD-CONSTANTS": f"module constants; {_NOT_STATE}",
    "MOD-NAMES": f"module names; {_NOT_STATE}",
    "WAIT-RETURN-WHEN-INVALID": "argument validation; the model's ReturnWhen has only valid "
    f"values; {_NOT_STATE}",
    "AC-ANY-ITERABLE": f"the type of the iterable; the model takes a tuple of futures; {_NOT_STATE}",
    # map beyond eager submission: its iterator is client code over result()
    "EXE-MAP-ZIP": "which items reach fn (zip semantics) is values, not state: Map takes one task per "
    f"call; {_NOT_STATE}",
    "EXE-MAP-TIMEOUT": "a deadline for the whole iteration needs a clock: the model's iterator is "
    "GetResult(fid, Timeout.FINITE) per item; checked on the virtual clock by the conformance machine",
    "EXE-MAP-BUFFERSIZE": "lazy submission as results are consumed is a sequence of Submit ops "
    "driven by the client; the conformance machine checks it against the model op by op",
    "EXE-MAP-BUFFERSIZE-LAZY": "as EXE-MAP-BUFFERSIZE: the input iterable is the client's",
    "EXE-MAP-BUFFERSIZE-INVALID": f"argument validation; {_NOT_STATE}",
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

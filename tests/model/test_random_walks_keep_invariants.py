"""Random walks at bounds too large to explore exhaustively keep every invariant (simulation
mode, as TLC's ``-simulate``): Hypothesis picks each next transition, and shrinks any failure to
a shortest walk."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execspec.model.explore import Bounds, Model, client_ops, successors
from execspec.model.invariants import violated_by_step, violated_in_state
from execspec.model.ops import allowed, internal_successors
from execspec.model.render import state_text
from execspec.model.states import CPYTHON, InitKind, Timeout, initial

LARGE = [
    Bounds(max_workers=3, futures=5, callbacks=2, waiters=3, timeouts=tuple(Timeout), iterators=2,
           bare=1, exit=True),
    Bounds(max_workers=2, futures=5, init=InitKind.FAILS, callbacks=2, waiters=2),
    Bounds(max_workers=4, futures=6, init=InitKind.OK, waiters=2, iterators=1, options=CPYTHON),
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(range(len(LARGE))))
def test_random_walks_at_large_bounds_keep_every_invariant(data: st.DataObject, which: int) -> None:
    b = LARGE[which]
    s = initial(b.max_workers, b.init)
    path: list[str] = []
    for _ in range(40):
        for op in client_ops(s, b):
            assert allowed(s, op, b.options), f"no allowed outcome for {op} in {state_text(s)}"
        moves = list(successors(s, b, Model()))
        if not moves:
            break
        rule, label, t = data.draw(st.sampled_from(moves), label="move")
        path.append(rule)
        call = label if isinstance(label, tuple) else None
        quiescent = not internal_successors(t, b.options)
        bad = violated_by_step(s, t, call, b.options) + violated_in_state(t, b.options, quiescent)
        assert not bad, f"{[i.id for i in bad]} after {path} in {state_text(t)}"
        s = t


"""Checking observations against the model: views, closures and belief states.

A real executor runs internal steps whenever it likes, so after a client call returns the
model can be in any state reachable from the call's outcome by internal steps: its *closure*.
The conformance machine keeps a *belief state* — the set of model states consistent with
everything observed so far — and narrows it after every call with :func:`advance`::

    beliefs = frozenset({initial(max_workers=2)})
    beliefs = advance(beliefs, Submit(), Returned(0))          # submit returned future 0
    beliefs = advance(beliefs, Cancel(0), Returned(False))     # it was already running
    assert beliefs, "no model state explains what the executor did"

An empty belief state means the executor did something the contract does not allow;
:func:`explain` then says what was allowed and which rules (and so clauses) say so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace

from execspec.model.ops import Op, allowed, internal_successors
from execspec.model.rules import cites
from execspec.model.states import DOCS, Blocked, FState, Options, Result, Settled, State, Step


@dataclass(frozen=True)
class FutureView:
    """What a client can see of one future."""

    state: FState
    outcome: Settled | None  # the value returned or the exception raised, once FINISHED
    called: tuple[int, ...]  # callbacks called so far (numbered in order of addition)
    started: bool  # the call began (a task's side effect shows it)


@dataclass(frozen=True)
class View:
    """What a client can see of a whole state: futures and what each blocked call returned.

    An observer that cannot tell which calls blocked (real threads) leaves ``waiters`` None:
    only the futures are compared then.
    """

    futures: tuple[FutureView | bool, ...]  # a bool: only whether the future's task began is seen
    waiters: tuple[Result | None, ...] | None = None  # per blocked call; None inside: still blocked


def shows(s: State, seen: View) -> bool:
    """Whether state ``s`` shows what the observer saw (the parts it saw)."""
    v = view(s)
    return _same(v.futures, seen.futures) and (seen.waiters is None or v.waiters == seen.waiters)


def _same(now: tuple[FutureView | bool, ...], seen: tuple[FutureView | bool, ...]) -> bool:
    return len(now) == len(seen) and all(
        (a.started == b if isinstance(a, FutureView) else a == b) if isinstance(b, bool) else a == b
        for a, b in zip(now, seen))


def view(s: State) -> View:
    """The observable part of a model state."""
    return View(
        futures=tuple(FutureView(f.state, f.outcome, f.called, f.runs > 0) for f in s.futures),
        waiters=tuple(w.result for w in s.waiters),
    )


#: Public future states, ordered by how internal steps move them (CANCELLED only by a client).
_RANK = {FState.PENDING: 0, FState.RUNNING: 1, FState.FINISHED: 2, FState.CANCELLED: 3}


def may_become(now: View, seen: View) -> bool:
    """Whether internal steps from a state showing ``now`` could lead to one showing ``seen``.

    Internal steps only move views forward (a future from PENDING to RUNNING to FINISHED, more
    callbacks called, blocked calls returning), so a state already past ``seen`` is a dead end.
    """
    if len(now.futures) != len(seen.futures):
        return False
    for a, b in zip(now.futures, seen.futures):
        assert isinstance(a, FutureView)  # a model state's own view sees every part
        if isinstance(b, bool):  # the observer saw only whether the task began
            if a.started and not b:
                return False
            continue
        if a.state is not b.state and (a.state is FState.CANCELLED or _RANK[a.state] > _RANK[b.state]
                                       or b.state is FState.CANCELLED):
            return False
        if b.called[: len(a.called)] != a.called or (a.started and not b.started):
            return False
    if seen.waiters is None or now.waiters is None:
        return True
    return len(now.waiters) == len(seen.waiters) and all(
        a is None or a == b for a, b in zip(now.waiters, seen.waiters)
    )


def held_completion(s: State, step: Step, held: frozenset[int]) -> bool:
    """Whether ``step`` is a task finishing whose future is in ``held`` (its task is parked
    on something the model does not see, such as the machine's gate)."""
    if step.rule not in ("task.returns", "task.raises", "task.wait-returns"):
        return False
    sent = set(step.state.pool.delivering) - set(s.pool.delivering)  # a process pool's: on its way back
    return any(a.state is FState.RUNNING and (b.state is not FState.RUNNING or fid in sent) and fid in held
               for fid, (a, b) in enumerate(zip(s.futures, step.state.futures)))


def closure(
    states: Iterable[State], opts: Options = DOCS, toward: View | None = None,
    held: frozenset[int] = frozenset(),
) -> frozenset[State]:
    """Every state reachable from ``states`` by internal steps alone (the states included).

    With ``toward``, states that can no longer come to show that view are not expanded. The
    tasks of the futures in ``held`` cannot finish (they are parked on something the model does
    not see, such as the conformance machine's closed gates): those steps are not taken."""
    seen = set(states)
    todo = deque(seen)
    while todo:
        s = todo.popleft()
        # (may_become knows only client calls cancel: a pool whose manager has a cancel to do
        # (Options.manager_cancels) is not pruned)
        if toward is not None and not s.pool.cancelling and not may_become(view(s), toward):
            continue
        for step in internal_successors(s, opts):
            if held and held_completion(s, step, held):
                continue
            if step.state not in seen:
                seen.add(step.state)
                todo.append(step.state)
    return frozenset(seen)


def advance(
    beliefs: Iterable[State],
    op: Op,
    observed: Result,
    seen: View | None = None,
    opts: Options = DOCS,
    held: frozenset[int] = frozenset(),
) -> frozenset[State]:
    """The model states consistent with ``op`` having shown ``observed`` (and, if given, the
    system now showing ``seen``). Empty when no allowed behaviour explains the observation.

    ``observed`` may be ``Blocked(n)`` (the observer knows the call is parked), or what a call
    that blocked inside finally returned: then the call's waiter must have returned that.
    ``held``: futures whose tasks cannot finish yet (see :func:`closure`).
    """
    before = closure(beliefs, opts, held=held)
    after: set[State] = set()
    for s in before:
        for o in allowed(s, op, opts):
            if o.result == observed:
                after.add(o.state)
            elif isinstance(o.result, Blocked) and not isinstance(observed, Blocked):
                wid = o.result.waiter  # blocked inside, returned since
                after |= {t for t in closure({o.state}, opts, held=held) if t.waiters[wid].result == observed}
    if seen is None:
        return closure(after, opts, held=held)
    return frozenset(s for s in closure(after, opts, toward=seen, held=held) if shows(s, seen))


def observe(beliefs: Iterable[State], seen: View, opts: Options = DOCS) -> frozenset[State]:
    """Narrow the beliefs to states (after any internal steps) that show ``seen``."""
    return frozenset(s for s in closure(beliefs, opts, toward=seen) if shows(s, seen))


def explain(beliefs: Iterable[State], op: Op, opts: Options = DOCS,
            held: frozenset[int] = frozenset()) -> dict[Result, tuple[str, ...]]:
    """Each result ``op`` may show from these beliefs, with the clause IDs that allow it."""
    out: dict[Result, set[str]] = {}
    for s in closure(beliefs, opts, held=held):
        for o in allowed(s, op, opts):
            out.setdefault(o.result, set()).update(cites(o.rule))
    return {r: tuple(sorted(c)) for r, c in out.items()}


def explain_return(beliefs: Iterable[State], op: Op, observed: Result, opts: Options = DOCS,
                   held: frozenset[int] = frozenset()) -> tuple[str, ...]:
    """The clause IDs a call's return rested on when ``op`` blocked inside and later
    returned ``observed`` (what :func:`advance` accepts without a direct rule): the call's
    own rule, and each internal step that gave its waiter that result. Empty when no such
    route exists. :func:`explain` keys a blocked call by ``Blocked(n)``, so it cannot say
    which rules let the call come back; a view that later contradicts the return needs them.

    >>> from execspec.model.ops import Shutdown, Submit
    >>> from execspec.model.states import Returned, initial
    >>> submitted = advance({initial(1)}, Submit(), Returned(0))
    >>> "EXE-SHUTDOWN-WAIT" in explain_return(submitted, Shutdown(True), Returned(None))
    True
    """
    out: set[str] = set()
    for s in closure(beliefs, opts, held=held):
        for o in allowed(s, op, opts):
            if not isinstance(o.result, Blocked):
                continue
            wid = o.result.waiter
            for t in closure({o.state}, opts, held=held):  # the steps again: only on a failure
                if t.waiters[wid].result == observed:
                    continue
                for step in pending_steps(t, held, opts):
                    if step.state.waiters[wid].result == observed:
                        out |= set(cites(o.rule)) | set(cites(step.rule))
    return tuple(sorted(out))


# ---- what the conformance machine adds to a plain observer ----------------------------------
#
# The machine keeps one blocked waiter in the model per call it has seen block and not yet seen
# return (its *outstanding* calls, in the order they blocked), so ``Blocked(len(outstanding))``
# names the next one the same way in every belief state. A call's waiter is forgotten once the
# machine has seen what it returned: the state keeps nothing the observer already knows.


def forget(s: State, keep: int, returned: Iterable[int] = ()) -> State:
    """``s`` without the waiters past the first ``keep`` and without those in ``returned``.

    >>> from execspec.model.states import initial
    >>> forget(initial(), 0) == initial()
    True
    """
    drop = set(returned)
    kept = tuple(w for i, w in enumerate(s.waiters[:keep]) if i not in drop)
    return s if len(kept) == len(s.waiters) else replace(s, waiters=kept)


def observe_calls(
    beliefs: Iterable[State],
    futures: tuple[FutureView | bool, ...],
    returns: tuple[Result | None, ...],
    opts: Options = DOCS,
    held: frozenset[int] = frozenset(),
) -> frozenset[State]:
    """Narrow the beliefs to states showing ``futures`` in which outstanding call ``i`` has
    returned ``returns[i]`` (None: it is still blocked). The observer read both at one instant."""
    seen = View(futures)
    return frozenset(
        s for s in closure(beliefs, opts, toward=seen, held=held)
        if shows(s, seen) and len(s.waiters) == len(returns)
        and all(w.result == r for w, r in zip(s.waiters, returns))
    )


def pending_steps(s: State, held: frozenset[int] = frozenset(), opts: Options = DOCS) -> tuple[Step, ...]:
    """The internal steps still due in ``s``: every one but the completions of held tasks."""
    return tuple(t for t in internal_successors(s, opts) if not held_completion(s, t, held))


def quiescent(beliefs: Iterable[State], held: frozenset[int] = frozenset(),
              opts: Options = DOCS) -> frozenset[State]:
    """The states among ``beliefs`` where nothing more is due: an executor seen (in those
    beliefs) after being left alone until every thread parked must be in one of them. No
    internal steps are taken here: the beliefs already hold what the observer saw then."""
    return frozenset(s for s in beliefs if not pending_steps(s, held, opts))


def advance_any(beliefs: Iterable[State], op: Op, opts: Options = DOCS,
                held: frozenset[int] = frozenset()) -> frozenset[State]:
    """The beliefs after ``op`` with any result it may have (the observer did not see it)."""
    after: set[State] = set()
    for s in closure(beliefs, opts, held=held):
        after |= {o.state for o in allowed(s, op, opts)}
    return closure(after, opts, held=held)

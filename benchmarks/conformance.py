"""The conformance machine's own throughput, and how fast it catches each known-bad executor.

    python benchmarks/conformance.py           # the full run (a few minutes)
    python benchmarks/conformance.py --quick   # a smoke run (seconds); figures are rough

1. **Throughput**: examples/s and steps/s of the machine (generation only: no enumerated
   shapes, no shrinking) in shim and real-thread mode, for the stdlib and impl, beside a
   *floor* measured in the same run: the same machine with the executor replaced by a stub
   that answers instantly. A pool that runs each task at submit would not do as the stub: the
   machine gates tasks and opens the gates later, so such a pool would block the machine in
   submit() and fail every example. The stub is therefore a tape: each session of impl's
   run is recorded (every action and the record it showed), and the floor run replays the
   tape without any executor. The machine is deterministic (derandomized, no database), so
   given the same records it makes the same choices; what remains is the machine's own cost
   (Hypothesis, the rules, the model's oracles). A step is one action the machine had the
   session perform (a rule's call, a settle, the teardown's). Rounds are interleaved
   (stdlib, impl, floor, ...) and each figure is the best round.
2. **Time to the first failure** for each known-bad executor of
   ``tests/conformance/known_bad`` (``KNOWN_BAD``): seconds from the start of
   ``run_machine`` to its first violation (shapes first, then generated examples; no
   shrinking), in each mode, and the clause named beside the one the variant breaks.

Absolute figures on a shared machine are noisy; compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))  # conformance.known_bad

from conformance.known_bad import KNOWN_BAD  # noqa: E402

from execspec.conformance import loading  # noqa: E402
from execspec.conformance.run import MachineResult, Profile, run_machine  # noqa: E402
from execspec.conformance.machine import Mode  # noqa: E402
from execspec.conformance.session import Record, ShimSession  # noqa: E402
from execspec.targets import Target  # noqa: E402

Tape = list[tuple[str, Any, Any]]  # per session: (method, its argument, what it returned)


@dataclass
class _Counts:
    steps: int = 0
    tapes: list[Tape] = field(default_factory=list)


def _record(session: Any, tape: Tape, counts: _Counts) -> Any:
    """``session``, its methods patched to write each exchange on ``tape`` (the instance is
    kept: the machine tells a shim session by its class, and passes it the seed)."""
    run, snapshot, close = session.run, session.snapshot, session.close

    def run_recorded(a: Any, *seed: int) -> Record:
        counts.steps += 1
        rec: Record = run(a, *seed)
        tape.append(("run", (a, seed), rec))
        return rec

    def snapshot_recorded() -> Record:
        counts.steps += 1
        rec: Record = snapshot()
        tape.append(("snapshot", None, rec))
        return rec

    def close_recorded(patience: float | None = None) -> list[str]:
        stuck: list[str] = close(patience)
        tape.append(("close", None, stuck))
        return stuck

    session.run, session.snapshot, session.close = run_recorded, snapshot_recorded, close_recorded
    return session


def _nothing_to_load(env: Any) -> tuple[Any, Callable[..., Any]]:
    raise RuntimeError("benchmark harness: the floor loads no executor")


class _Replay(ShimSession):
    """The stub: answers each call with what the recorded session answered, instantly. A
    ShimSession subclass, so that the machine passes it the schedule seed as it did then."""

    def __init__(self, tape: Tape, counts: _Counts, shim: bool) -> None:
        super().__init__(load=_nothing_to_load)
        self.tape, self.pos, self.counts, self.shim = tape, 0, counts, shim

    def _next(self, method: str, arg: Any) -> Any:
        if self.pos >= len(self.tape) or self.tape[self.pos][:2] != (method, arg):
            raise RuntimeError(f"benchmark harness: the floor run left its tape at {method}")
        self.pos += 1
        return self.tape[self.pos - 1][2]

    def run(self, a: Any, seed: int = 0) -> Record:
        self.counts.steps += 1
        self.seeds.append(seed)
        return self._next("run", (a, (seed,) if self.shim else ()))  # type: ignore[no-any-return]

    def snapshot(self) -> Record:
        self.counts.steps += 1
        return self._next("snapshot", None)  # type: ignore[no-any-return]

    def close(self, patience: float | None = None) -> list[str]:
        return self._next("close", None)  # type: ignore[no-any-return]


def _with_sessions(wrap: Callable[[Callable[[], Any]], Callable[[], Any]], fn: Callable[[], MachineResult]) -> MachineResult:
    """Run ``fn`` with every session factory the machine asks for wrapped by ``wrap``."""
    real = loading.session_factory

    def factory(target: Any, mode: Any, shim_modules: tuple[str, ...] = ()) -> Callable[[], Any]:
        make = real(target, mode, shim_modules)
        wrapped = wrap(make)
        wrapped.kind, wrapped.not_applicable = make.kind, make.not_applicable  # type: ignore[attr-defined]
        return wrapped

    loading.session_factory = factory
    try:
        return fn()
    finally:
        loading.session_factory = real


def measure(target: str, mode: Mode, profile: Profile, counts: _Counts, replay: list[Tape] | None = None) -> MachineResult:
    """One machine run; sessions recorded onto ``counts.tapes``, or replayed from ``replay``."""
    if replay is None:
        def wrap(make: Callable[[], Any]) -> Callable[[], Any]:
            def session() -> Any:
                counts.tapes.append([])
                return _record(make(), counts.tapes[-1], counts)
            return session
    else:
        tapes = iter(replay)

        def wrap(make: Callable[[], Any]) -> Callable[[], Any]:
            return lambda: _Replay(next(tapes), counts, mode is Mode.SHIM)
    return _with_sessions(wrap, lambda: run_machine(Target.parse(target), mode, profile))


def throughput(rounds: int, examples: int, steps: int) -> None:
    profile = Profile("benchmark", examples, examples, steps, shrink=False, shapes=False)
    print(f"1. throughput: {examples} examples of up to {steps} steps per run, generation only, "
          f"best of {rounds} interleaved rounds")
    print(f"   {'mode':<8} {'executor':<8} {'examples/s':>11} {'steps/s':>9} {'steps':>6} "
          f"{'x floor':>8}  (floor: the same machine on a tape of impl's answers)")
    for mode in (Mode.SHIM, Mode.THREADS):
        best: dict[str, tuple[float, float, int]] = {}
        measure("impl", mode, Profile("warm-up", 2, 2, steps, shrink=False, shapes=False), _Counts())
        for _ in range(rounds):
            tapes: list[Tape] = []
            for name in ("stdlib", "impl", "floor"):
                counts = _Counts()
                r = measure("impl" if name == "floor" else name, mode, profile, counts,
                            tapes if name == "floor" else None)
                if name == "impl":
                    tapes = counts.tapes
                if r.violation is not None or r.error is not None:
                    print(f"   {mode.value:<8} {name:<8} failed: {r.error or r.violation}")
                    continue
                rate = (r.examples / r.seconds, counts.steps / r.seconds, counts.steps)
                if name not in best or rate[0] > best[name][0]:
                    best[name] = rate
        floor = best.get("floor", (0.0, 0.0, 0))[1]
        for name, (ex_s, st_s, n) in best.items():
            slower = f"{floor / st_s:7.1f}x" if name != "floor" and st_s else ""
            print(f"   {mode.value:<8} {name:<8} {ex_s:>11.1f} {st_s:>9.0f} {n:>6} {slower:>8}", flush=True)
    print("   x floor: how many times slower per step than the machine alone (floor steps/s / steps/s)")


def first_failures(shim_examples: int, thread_examples: int, steps: int, only: list[str]) -> None:
    profile = Profile("benchmark-bad", shim_examples, thread_examples, steps, shrink=False, shapes=True)
    print(f"\n2. time to the first failure, known-bad executors (the enumerated shapes, then up to "
          f"{shim_examples} examples in shim mode, {thread_examples} on threads, of {steps} steps; no shrinking)")
    print(f"   {'known-bad':<58} {'mode':<8} {'first failure':>13} {'examples':>8}  {'named':<5}  found by")
    for target, clause in KNOWN_BAD.items():
        if only and not any(o in target for o in only):
            continue
        name = target.removeprefix("conformance.known_bad.")
        for mode in (Mode.SHIM, Mode.THREADS):
            t0 = time.monotonic()
            r = run_machine(Target.parse(target), mode, profile)
            if r.first_failure is None:
                when, named, found = f"({time.monotonic() - t0:.1f} s)", "", r.error or "not caught"
            else:
                when, named = f"{r.first_failure:.2f} s", "yes" if clause in r.clauses else "NO"
                found = f"shape '{r.shape}'" if r.shape else "a generated example"
                if clause not in r.clauses:
                    found += f" (named {', '.join(r.clauses)}; breaks {clause})"
            print(f"   {name:<58} {mode.value:<8} {when:>13} {r.examples:>8}  {named:<5}  {found}", flush=True)
    print("   named: the violation names the clause the variant breaks; (n s): not caught, the run's length")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smoke run: few examples, one round")
    ap.add_argument("--only", action="append", default=[], help="known-bad targets containing this (repeatable)")
    ap.add_argument("--part", choices=("all", "throughput", "known-bad"), default="all")
    args = ap.parse_args(argv)
    q = args.quick
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {'--quick' if q else 'full run'}")
    if args.part != "known-bad":
        throughput(1 if q else 3, 5 if q else 50, 6 if q else 12)
    if args.part != "throughput":
        first_failures(20 if q else 300, 20 if q else 100, 8 if q else 12, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput, latency and memory: execspec.impl beside the stdlib, in one process and one run.

    python benchmarks/throughput.py           # the full run (about a minute)
    python benchmarks/throughput.py --quick   # a smoke run (seconds); figures are rough

Every workload runs on both executors, interleaved round by round (stdlib, impl, stdlib, ...)
so drift in the machine's speed hits both alike; each figure is the best round. Ratios are
impl/stdlib, oriented so that > 1 means impl is better. Absolute figures on shared machines
are noisy; the ratios are what the targets (issue 3, raised by issue 12) are about.
"""

from __future__ import annotations

import argparse
import concurrent.futures as stdlib
import gc
import importlib
import io
import os
import queue
import statistics
import sys
import threading
import time
import tokenize
import tracemalloc
from typing import Any, Callable

import execspec.impl as impl

TARGETS = {  # issue 3, raised by issue 12
    "submit+result, 1 worker": 6.0,
    "submit+result, 4 workers": 6.0,
    "submit+result, 32 workers": 5.0,
    "submit+result, 32 warm": 5.0,
    "map, 100,000 items": 6.0,
    "round trip, median": 1.0,
    "memory per pending future": 1.0,
}


def noop() -> None:
    return None


def ident(x: Any) -> Any:
    return x


def count_lines(paths: list[str]) -> tuple[int, int]:
    """(physical lines, code lines) of Python files; code lines leave out blank lines,
    comment-only lines and docstrings. Used for impl and the stdlib alike."""
    physical = code = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        physical += len(text.splitlines())
        lines: set[int] = set()
        prev = tokenize.NEWLINE
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):  # fmt: skip
                if tok.type == tokenize.NEWLINE:
                    prev = tok.type
                continue
            # a string that starts a statement is a docstring (or a bare string): not code
            if not (tok.type == tokenize.STRING and prev in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)):
                lines.update(range(tok.start[0], tok.end[0] + 1))
            prev = tok.type
        code += len(lines)
    return physical, code


def submit_result(mod: Any, workers: int, n: int, warm: bool = False) -> float:
    """Tasks per second: submit n no-op tasks, then collect every result. The burst goes into
    a cold pool (one worker started; the burst starts the rest, as ``with ... ex.map()`` does),
    or with ``warm`` into a pool whose every worker is already started and idle."""
    with mod.ThreadPoolExecutor(workers) as ex:
        if warm:  # each submit finds every worker busy, so each starts one; then all go idle
            gate = threading.Event()
            held = [ex.submit(gate.wait) for _ in range(workers)]
            gate.set()
            for f in held:
                f.result()
            time.sleep(0.05)  # every worker back on the queue
        else:
            ex.submit(noop).result()  # start a worker outside the timing
        t0 = time.perf_counter()
        fs = [ex.submit(noop) for _ in range(n)]
        for f in fs:
            f.result()
        return n / (time.perf_counter() - t0)


def map_items(mod: Any, n: int) -> float:
    """Items per second through map() with 4 workers."""
    with mod.ThreadPoolExecutor(4) as ex:
        ex.submit(noop).result()
        t0 = time.perf_counter()
        for _ in ex.map(ident, range(n)):
            pass
        return n / (time.perf_counter() - t0)


def round_trips(mod: Any, n: int) -> list[float]:
    """Seconds per submit -> result round trip of one task, on an idle 1-worker pool."""
    out = []
    with mod.ThreadPoolExecutor(1) as ex:
        ex.submit(noop).result()
        for _ in range(n):
            t0 = time.perf_counter()
            ex.submit(noop).result()
            out.append(time.perf_counter() - t0)
    return out


def memory_per_pending(mod: Any, n: int) -> float:
    """Bytes traced per future queued behind a blocked worker (future + work item + queue)."""
    gate = threading.Event()
    with mod.ThreadPoolExecutor(1) as ex:
        started = threading.Event()
        ex.submit(lambda: (started.set(), gate.wait()))
        assert started.wait(10), "worker never started"
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        fs = [ex.submit(noop) for _ in range(n)]
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        gate.set()
        del fs
    return (after - before) / n


def floor_round_trip(n: int) -> list[float]:
    """The floor: a bare SimpleQueue put, a worker's get, a Lock release back."""
    q: queue.SimpleQueue[threading.Lock | None] = queue.SimpleQueue()

    def worker() -> None:
        while (gate := q.get()) is not None:
            gate.release()

    t = threading.Thread(target=worker)
    t.start()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        gate = threading.Lock()
        gate.acquire()
        q.put(gate)
        gate.acquire()
        out.append(time.perf_counter() - t0)
    q.put(None)
    t.join()
    return out


def best_of(rounds: int, fn: Callable[[Any], float], higher_is_better: bool = True) -> dict[str, float]:
    results: dict[str, list[float]] = {"stdlib": [], "impl": []}
    for _ in range(rounds):
        for name, mod in (("stdlib", stdlib), ("impl", impl)):
            gc.collect()
            results[name].append(fn(mod))
    pick = max if higher_is_better else min
    return {name: pick(vals) for name, vals in results.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one round")
    ap.add_argument("--impl", metavar="DIR", help="measure the package in DIR instead (a copy of impl/ "
                    "at another commit, e.g. from git show), for before/after runs")  # fmt: skip
    args = ap.parse_args(argv)
    if args.impl:
        global impl
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.impl)))
        impl = importlib.import_module(os.path.basename(os.path.abspath(args.impl)))
        print(f"impl from {impl.__file__}")
    q = args.quick
    rounds = 1 if q else 5
    n_tasks = 2_000 if q else 50_000
    n_map = 5_000 if q else 100_000
    n_rt = 200 if q else 5_000
    n_mem = 1_000 if q else 20_000

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {'--quick' if q else 'full run'}, "
          f"best of {rounds} interleaved round(s); ratio = impl/stdlib, > 1 means impl is better")  # fmt: skip
    rows: list[tuple[str, str, float, float, float]] = []

    def row(name: str, unit: str, s: float, i: float, ratio: float) -> None:
        rows.append((name, unit, s, i, ratio))
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  target >= %.1fx: %s" % (target, "met" if ratio >= target else "MISSED"))
        print(f"  {name:<28} stdlib {s:>12,.1f}  impl {i:>12,.1f}  {unit:<9} ratio {ratio:5.2f}x{verdict}", flush=True)

    for workers, warm in ((1, False), (4, False), (8, False), (16, False), (32, False), (32, True)):
        r = best_of(rounds, lambda m: submit_result(m, workers, n_tasks, warm))
        name = f"{workers} warm" if warm else f"{workers} worker{'s' if workers > 1 else ''}"
        row(f"submit+result, {name}", "tasks/s", r["stdlib"], r["impl"], r["impl"] / r["stdlib"])
    r = best_of(rounds, lambda m: map_items(m, n_map))
    row(f"map, {n_map:,} items", "items/s", r["stdlib"], r["impl"], r["impl"] / r["stdlib"])

    samples: dict[str, list[float]] = {"stdlib": [], "impl": []}
    for _ in range(rounds):
        for name, mod in (("stdlib", stdlib), ("impl", impl)):
            samples[name] += round_trips(mod, n_rt)
    med = {k: statistics.median(v) * 1e6 for k, v in samples.items()}
    p99 = {k: statistics.quantiles(v, n=100)[98] * 1e6 for k, v in samples.items()}
    row("round trip, median", "µs", med["stdlib"], med["impl"], med["stdlib"] / med["impl"])
    row("round trip, p99", "µs", p99["stdlib"], p99["impl"], p99["stdlib"] / p99["impl"])

    r = best_of(1 if q else 3, lambda m: memory_per_pending(m, n_mem), higher_is_better=False)
    row("memory per pending future", "bytes", r["stdlib"], r["impl"], r["stdlib"] / r["impl"])

    fl = statistics.median(floor_round_trip(n_rt * rounds)) * 1e6
    print(f"  {'floor: bare hand-off':<28} {'':>19} {fl:>12,.1f}  µs        (SimpleQueue put/get + Lock release)")

    here = os.path.dirname(impl.__file__)
    mine = sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith(".py"))
    theirs = [os.path.join(os.path.dirname(stdlib.__file__), f) for f in ("_base.py", "thread.py")]
    (ip, ic), (sp, sc) = count_lines(mine), count_lines(theirs)
    print(f"  lines, physical: impl {ip} vs stdlib _base.py+thread.py {sp} ({ip / sp:.2f}x); "
          f"code only (no blanks, comments, docstrings): impl {ic} vs {sc} ({ic / sc:.2f}x)")  # fmt: skip
    missed = [name for name, _, _, _, ratio in rows if name in TARGETS and ratio < TARGETS[name]]
    print("targets: all met" if not missed and ip < sp else f"targets missed: {missed or 'line count'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The trace table of a report: one column per thread, one row per step."""

from __future__ import annotations

from typing import Any

__all__ = ["TRACE_HEAD", "TRACE_TAIL", "trace_table"]

#: traces longer than this are shown as their first and last rows
TRACE_HEAD, TRACE_TAIL = 25, 40
_COL = 36


def trace_table(rows: list[tuple[int, Any, float]], names: list[str]) -> str:
    """One column per thread, one row per step. A run of identical steps (same thread, same
    operation, same time) is one row ``3-97 ... yield (x95)``; long traces keep their head
    and tail."""
    if not names:
        return ""
    cols = [f"{i}:{n}"[:_COL] for i, n in enumerate(names)]
    header = f"{'step':>9} {'time':>8}  " + " ".join(f"{c:<{_COL}}" for c in cols)
    lines = [header.rstrip(), "-" * min(len(header), 200)]
    groups: list[tuple[int, int, int, str, float]] = []  # first, last, tid, label, time
    for i, (tid, op, clock) in enumerate(rows, 1):
        label = op.label or op.kind
        if groups and groups[-1][2:] == (tid, label, clock):
            first = groups[-1][0]
            groups[-1] = (first, i, tid, label, clock)
        else:
            groups.append((i, i, tid, label, clock))

    def row(g: tuple[int, int, int, str, float]) -> str:
        first, last, tid, label, clock = g
        cells = ["" for _ in names]
        text = label if first == last else f"{label} (x{last - first + 1})"
        cells[tid] = text[:_COL]
        steps = str(first) if first == last else f"{first}-{last}"
        return (f"{steps:>9} {clock:>8g}  " + " ".join(f"{c:<{_COL}}" for c in cells)).rstrip()

    if len(groups) <= TRACE_HEAD + TRACE_TAIL:
        lines += [row(g) for g in groups]
    else:
        hidden = groups[TRACE_HEAD:len(groups) - TRACE_TAIL]
        lines += [row(g) for g in groups[:TRACE_HEAD]]
        lines.append(f"{'...':>9} {'':>8}  (steps {hidden[0][0]}-{hidden[-1][1]} not shown)")
        lines += [row(g) for g in groups[len(groups) - TRACE_TAIL:]]
    return "\n".join(lines)

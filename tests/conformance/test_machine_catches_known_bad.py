"""Golden: the machine catches each known-bad executor and names the clause it breaks.

Each variant in ``tests/conformance/known_bad`` breaks one clause (its reproduction in
``_reproductions.py`` shows the bug is real). The machine runs against it, deterministically,
in the mode named here, and must report a violation that names that clause. A variant the
machine does not catch yet is an expected failure (strict: the day it is caught, this test says
so), with the reason: a gap of the machine, listed, not hidden.
"""

from __future__ import annotations

import pytest

from conformance.known_bad import KNOWN_BAD
from execspec.conformance.machine import Mode
from execspec.conformance.run import Profile, run_machine
from execspec.targets import Target

GOLDEN = Profile("golden", shim_examples=600, thread_examples=300, steps=12, shrink_budget=5.0)

_P = "conformance.known_bad."
#: variant -> the mode it is checked in (the shim where it loads there: deterministic, fast)
MODE = {t: Mode.SHIM for t in KNOWN_BAD}

#: variants the machine does not catch yet, and why (each is a gap of the machine)
NOT_YET = {
    _P + "lifo_start:LifoStart": "TPE-FIFO-START is implementation-defined: the docs reading allows any "
                                 "order, so no DOCS-reading violation names it",
}


def _cases() -> list[object]:
    out = []
    for target, clause in KNOWN_BAD.items():
        marks = [pytest.mark.xfail(strict=True, reason=NOT_YET[target]), pytest.mark.slow] if target in NOT_YET else []
        if MODE[target] is Mode.THREADS:
            marks.append(pytest.mark.slow)  # found on real threads: timing decides how soon
        out.append(pytest.param(target, clause, id=target.removeprefix(_P).split(":")[1], marks=marks))
    return out


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("target", "clause"), _cases())
def test_the_machine_names_the_broken_clause(target: str, clause: str) -> None:
    r = run_machine(Target.parse(target), MODE[target], GOLDEN)
    assert r.error is None, f"harness error (ours): {r.error}"
    assert r.violation is not None, f"{target}: no violation in {r.examples} examples ({r.seconds:.1f} s)"
    assert clause in r.violation.clauses, f"{target}: named {r.violation.clauses}, not {clause}: {r.violation}"

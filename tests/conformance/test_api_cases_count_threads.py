"""The shim-only API cases that count threads and calls while calls overlap, or measure the
default pool size at other CPU counts, or fork: every good executor shows what the model allows,
under the simplest interleaving and seeded ones, and each known-bad executor next to it does not
(on the simplest interleaving; the fork's on one of the seeded ones).

They run as the machine runs them (``ShimSession``: the driver performs the case's program on a
caller thread of its own, after a ``create``), one case at a time, so a failure names the case.
"""

from __future__ import annotations

import sys

import pytest

from execspec.conformance.actions import ApiCall, Create
from execspec.conformance.loading import shim_loader
from execspec.conformance.session import ShimSession
from execspec.model import Returned, api
from execspec.targets import Target

_P = "conformance.known_bad."
_PY = sys.version_info[:2]
_DEFAULT_CASE = "max-workers-default-other-cpus-313" if _PY >= (3, 13) else "max-workers-default-other-cpus"

#: case -> the known-bad executor whose bug it shows
BAD = {
    "threads-burst": _P + "spare_worker:StartsASpareWorker",
    "threads-from-three-submitters": _P + "spare_worker:StartsASpareWorker",
    "threads-callback-submits": _P + "idle_in_callbacks:IdleWhileCallbacksRun",
    "shutdown-after-a-burst": _P + "_shim_only:JoinsOnlyBegunWorkers",
    _DEFAULT_CASE: _P + "default_workers:DefaultIgnoresCpus",
}
GOOD = ("impl", "stdlib", _P + "_tiny_pool:TinyPool")
SEEDS = (0, 1, 2, 3, 5, 8, 13, 21)


def _shows(target: str, case: str, seed: int) -> object:
    session = ShimSession(shim_loader(Target.parse(target)))
    session.run(Create(max_workers=1))
    record = session.run(ApiCall(case), seed)
    if record.hung is not None:  # a deadlock under the shim: never an allowed observation
        return record.hung
    return record.result.value if isinstance(record.result, Returned) else record.result


@pytest.mark.parametrize("target", GOOD)
@pytest.mark.parametrize("case", sorted(BAD))
def test_good_executors_show_what_the_model_allows_on_every_schedule(case: str, target: str) -> None:
    allowed = api.allowed(api.CASES[case], _PY, cpython=target == "stdlib")
    assert allowed, f"{case} holds for no case on Python {_PY}"
    for seed in SEEDS:
        assert _shows(target, case, seed) in allowed, f"{target}, seed {seed}"


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_known_bad_executor_fails_its_case(case: str) -> None:
    # the simplest interleaving (seed 0: the client runs while it can), as the machine's shape
    # "the API cases that count threads" runs them first
    assert _shows(BAD[case], case, 0) not in api.allowed(api.CASES[case], _PY)


def test_a_pool_whose_module_lock_a_forked_child_inherits_held_fails_the_fork_case() -> None:
    case, bad = "fork-new-pool", _P + "_shim_only:ForkUnsafe"
    allowed = api.allowed(api.CASES[case], _PY, cpython=False)
    for target in GOOD:
        for seed in SEEDS:
            assert _shows(target, case, seed) in allowed, f"{target}, seed {seed}"
    seen = {seed: _shows(bad, case, seed) for seed in SEEDS}
    stuck = [seed for seed, got in seen.items() if got not in allowed]
    assert stuck, f"ForkUnsafe passed the fork case on every seed: {seen}"
    assert all("DEADLOCK" in str(seen[seed]) for seed in stuck), seen  # the child blocks on the lock

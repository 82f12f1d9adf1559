"""The clause checks and their two runners.

What lives here: :class:`World` and :class:`Check` (``world``), the 26 clause checks
(``clause_checks``), which of them apply to a target (``applicable``), the real-thread runner
(``threads``), the shim runner (``shim``) and the one adapter that reads the shim's results
(``sched_results``), and a whole run from targets to a :class:`~execspec.conformance.results.RunResult`
(``run``).

May import: :mod:`execspec.conformance.results`, :mod:`execspec.spec`, :mod:`execspec.sched`,
:mod:`execspec.targets`, :mod:`execspec.config`.

>>> from execspec.targets import Target
>>> result = check_target(Target.parse("impl"))  # doctest: +SKIP
>>> result.tally.failed  # doctest: +SKIP
0
"""

from execspec.conformance.scenarios.applicable import applicable_checks
from execspec.conformance.scenarios.clause_checks import CHECKS, check
from execspec.conformance.scenarios.run import areas, check_target, run, verdicts
from execspec.conformance.scenarios.shim import ShimRun, check_scenario, run_shim, scenario_for
from execspec.conformance.scenarios.threads import HANG_LIMIT, run_threads
from execspec.conformance.scenarios.world import BOUND, Check, World

__all__ = ["BOUND", "CHECKS", "HANG_LIMIT", "Check", "ShimRun", "World", "applicable_checks", "areas",
           "check", "check_scenario", "check_target", "run", "run_shim", "run_threads", "scenario_for",
           "verdicts"]

"""Conformance: running executors against the spec and saying, clause by clause, what they do.

What lives here:

- ``results``: the typed results every report is rendered from (:class:`Verdict`,
  :class:`Mode`, :class:`FailureKind`, :class:`CheckOutcome`, :class:`ClauseVerdict`,
  :class:`TargetResult`, :class:`RunResult`), and the exit status a run implies;
- ``scenarios``: the clause checks (small deterministic scenarios, each naming its clauses) and
  their two runners, real threads and the scheduler shim;
- the Hypothesis conformance machine (``machine*``, ``observe*``) and the task kits per
  executor kind (``kits``; ``kits.orphans``: process-pool workers that end with their parent);
- ``ending``: a run's bounds, and its end with nothing left behind (child processes ended,
  threads that would block exit not waited for by the console script).

May import: :mod:`execspec.spec`, :mod:`execspec.model`, :mod:`execspec.sched`,
:mod:`execspec.targets`, :mod:`execspec.config`; never :mod:`execspec.impl` (reached only by
loading the target string ``impl``), :mod:`execspec.reports` or :mod:`execspec.commands`. No
argparse: this is a library; ``execspec.commands.check`` is its command line.

This ``__init__`` imports nothing, so that ``execspec.conformance.results`` (all that reports
need) can be imported without loading the checks or the shim.
"""

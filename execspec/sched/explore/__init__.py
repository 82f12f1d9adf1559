"""Exploration: ``driver`` (``explore``, ``run_with``: schedule after schedule, distinct
failures as typed ``Failure`` records), ``split`` (the work split over any
``concurrent.futures`` executor, merged in serial order), ``schedule`` (schedule files that
replay exactly).

May import: everything below it in ``execspec.sched`` (kernel, shims, strategies, loader,
postmortem, runner); nothing imports it but the package face and the commands.

>>> from execspec.sched.explore import explore
>>> from execspec.sched.strategies import RandomStrategy
>>> r = explore("execspec.sched.examples.docs:wait_on_each_other", RandomStrategy(seed=0),
...             max_schedules=5, schedule_dir=None)
>>> r.failures[0].kind.name
'DEADLOCK'
"""

from execspec.sched.explore.driver import (
    DEFAULT_SCHEDULE_DIR, MAX_SCHEDULES_ENV, Exploration, Failure, explore, failure_key, run_with,
)
from execspec.sched.explore.schedule import (
    Schedule, ScheduleFileError, resolve_scenario, scenario_name,
)
from execspec.sched.explore.split import process_pool

__all__ = ["DEFAULT_SCHEDULE_DIR", "MAX_SCHEDULES_ENV", "Exploration", "Failure", "Schedule",
           "ScheduleFileError", "explore", "failure_key", "process_pool", "resolve_scenario",
           "run_with", "scenario_name"]

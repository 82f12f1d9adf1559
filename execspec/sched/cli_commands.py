"""Compatibility only: the commands moved to ``execspec.commands.deadlocks`` and ``.replay``."""
from execspec.commands.deadlocks import deadlocks_main
from execspec.commands.replay import replay_main
from execspec.sched.strategies.named import make_strategy

__all__ = ["deadlocks_main", "make_strategy", "replay_main"]

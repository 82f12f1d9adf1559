"""Targets: what makes an executor (``impl``, ``stdlib``, ``stdlib@3.X``, ``module:factory``,
``source:DIR``), what kind of executor it makes, and where installed CPythons keep their source.

What lives here: :class:`Target` and its parser (``target``), :class:`ExecutorKind` and
:func:`classify` (``kind``), the installed CPythons and the stdlib-by-identity tests
(``cpython``), and :func:`validate`, which builds one executor of a target and shuts it down
again before any other work starts (``validation``).

May import: nothing of execspec but itself and :mod:`execspec.config`. In particular it never
imports ``execspec.impl``: ``impl`` is reached only by loading the target string.

>>> Target.parse("stdlib").is_cpython_stdlib
True
"""

from execspec.targets.cpython import find_cpython_source, installed_cpythons
from execspec.targets.kind import ExecutorKind, classify
from execspec.targets.target import DEFAULT_TARGETS, Target, TargetError
from execspec.targets.validation import Problem, TargetProblem, validate

__all__ = ["DEFAULT_TARGETS", "ExecutorKind", "Problem", "Target", "TargetError", "TargetProblem",
           "classify", "find_cpython_source", "installed_cpythons", "validate"]

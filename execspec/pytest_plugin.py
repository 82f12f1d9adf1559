"""The pytest plugin: run the conformance machine against an executor in your own test suite.

    pytest --execspec-target mypkg.pool:make_pool            # shim and real threads
    pytest --execspec-target mypkg.pool:make_pool --execspec-mode threads --execspec-profile thorough

Each target and mode becomes one test item, ``execspec[TARGET-MODE]``, that fails with the
shrunk violation (its clauses, its calls as a snippet) when the executor breaks the contract.
Profiles: ``ci`` (bounded; the default when ``$CI`` is set), ``dev`` (the default otherwise),
``thorough``, ``smoke``, or one registered with :func:`execspec.conformance.run.register_profile`;
``--execspec-profile`` or ``$EXECSPEC_PROFILE`` choose.

Importing this module costs only pytest's own imports: the machine loads when an item runs.
"""

from __future__ import annotations

from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("execspec", "conformance of concurrent.futures executors")
    group.addoption("--execspec-target", action="append", default=[], metavar="MODULE:FACTORY",
                    help="run the conformance machine against this executor factory (repeatable)")
    group.addoption("--execspec-mode", choices=("shim", "threads", "both"), default="both",
                    help="under the scheduler shim, on real threads, or both (default)")
    group.addoption("--execspec-profile", default=None,
                    help="ci, dev, thorough, smoke or a registered one (default: $EXECSPEC_PROFILE, "
                         "else ci when $CI is set, else dev)")


class ConformanceItem(pytest.Item):
    """One machine run: a target in one mode."""

    def __init__(self, *, target: str, mode: str, profile: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target, self.mode, self.profile = target, mode, profile

    def runtest(self) -> None:
        from execspec import config
        from execspec.conformance.machine import Mode
        from execspec.conformance.run import budgeted, profile_named, run_machine
        from execspec.targets import Target

        profile = budgeted(profile_named(self.profile or config.profile()))
        result = run_machine(Target.parse(self.target), Mode(self.mode), profile)
        if result.error is not None:
            raise ConformanceFailure(f"the harness failed (execspec's bug, not a verdict): {result.error}")
        if result.violation is not None:
            from execspec.conformance.snippet import render

            target = Target.parse(self.target)
            found = [r for r in result.rounds if r.violation is not None]  # each round's, past the ones before
            raise ConformanceFailure("\n\n".join(
                f"{r.violation}\n\nshrunk calls ({len(r.actions)}):\n{render(r.actions, target.module, target.factory)}"
                for r in found))
        if result.budget_spent:  # a pass, on fewer examples than the profile asks: said, not hidden
            import warnings

            warnings.warn(BudgetSpentWarning(
                f"execspec[{self.target}-{self.mode}]: the machine stopped at its {result.budget:g} s budget "
                f"after {result.examples} examples, before the {profile.name} profile's ran out "
                f"($EXECSPEC_MACHINE_BUDGET gives it more)"), stacklevel=1)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int, str]:
        return "execspec", 0, f"execspec[{self.target}-{self.mode}]"


class ConformanceFailure(Exception):
    """The executor broke the contract (the message says which clauses and how)."""


class BudgetSpentWarning(UserWarning):
    """A machine run passed, but stopped at its budget before its profile's examples ran out."""


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    targets = config.getoption("execspec_target") or []
    mode = config.getoption("execspec_mode")
    modes = ("shim", "threads") if mode == "both" else (mode,)
    for target in targets:
        for m in modes:
            items.append(ConformanceItem.from_parent(session, name=f"execspec[{target}-{m}]", target=target,
                                                     mode=m, profile=config.getoption("execspec_profile")))

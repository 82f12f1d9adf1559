"""The runnable examples in the checker's docstrings are true (the model has its own test)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ("execspec.cli", "execspec.spec", "execspec.spec.catalogue", "execspec.spec.render",
           "execspec.targets", "execspec.targets.target", "execspec.targets.kind",
           "execspec.targets.cpython", "execspec.conformance.results", "execspec.reports.terminal",
           "execspec.reports.document", "execspec.reports.markdown", "execspec.reports.htmlpage",
           "execspec.conformance.baseline", "execspec.conformance.progress")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

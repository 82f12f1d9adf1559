"""The runnable examples in the model's docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ("__init__", "states", "rules", "ops", "observe", "explore", "broken", "coverage")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module("execspec.model" + ("" if name == "__init__" else f".{name}"))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

"""The runnable examples in impl's docstrings run and show what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["execspec.impl", "execspec.impl._future", "execspec.impl._executor", "execspec.impl._thread",
           "execspec.impl._waiting"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(name), verbose=False)
    assert failed == 0


def test_every_public_name_has_a_docstring() -> None:
    import execspec.impl as impl

    for name in impl.__all__:
        obj = getattr(impl, name)
        if callable(obj) and not isinstance(obj, type) or isinstance(obj, type) and not issubclass(obj, BaseException):
            assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"

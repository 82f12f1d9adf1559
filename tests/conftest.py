"""Shared pytest configuration: a clean environment for every test, nothing else global.

Every test starts with no ``EXECSPEC_*`` environment variable set, so a developer's shell
(``EXECSPEC_PREEMPTION_BOUND=2``, say) cannot change what a test explores; a test that wants
one sets it with ``monkeypatch.setenv``. ``EXECSPEC_REGEN``, the flag that regenerates golden
files, is kept.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

KEPT = frozenset({"EXECSPEC_REGEN"})


@pytest.fixture(autouse=True)
def _no_execspec_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [n for n in os.environ if n.startswith("EXECSPEC_") and n not in KEPT]:
        monkeypatch.delenv(name)
    yield

"""Fixtures for impl's tests: executors that are always shut down, and gates (impl_support.py)."""

from __future__ import annotations

from typing import Iterator

import pytest
from impl_support import Gate

import execspec.impl as impl


@pytest.fixture
def ex() -> Iterator[impl.ThreadPoolExecutor]:
    executor = impl.ThreadPoolExecutor(max_workers=4)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def ex1() -> Iterator[impl.ThreadPoolExecutor]:
    executor = impl.ThreadPoolExecutor(max_workers=1)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def gate() -> Iterator[Gate]:
    g = Gate()
    yield g
    g.open()  # never leave a worker blocked behind a failed assertion

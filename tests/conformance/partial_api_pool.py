"""A correct pool whose module offers only part of ``concurrent.futures``: the stdlib's pool
under its own name, and the ``wait`` it imported for its own use; no ``as_completed``, no
constants, no exceptions (as a pool's module often is)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

__all__ = ["PartialPool", "wait"]


class PartialPool(ThreadPoolExecutor):
    """The stdlib's ThreadPoolExecutor, unchanged: whatever it passes, this passes."""

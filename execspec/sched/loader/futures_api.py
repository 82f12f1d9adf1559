"""The ``concurrent.futures`` API an executor is driven with: its module's own names, and the
standard library's for the rest.

A target names an executor factory in some module, but the checks call more than the factory:
``wait``, ``as_completed``, the ``return_when`` constants, the exceptions, a bare ``Future``.
A pool's module often has only some of them (the pool class, and a ``wait`` it imported for its
own use), and a check that met an AttributeError there would report the harness's assumption as
the target's failure. :func:`futures_api` answers each name from the module when it has it, else
from ``concurrent.futures``. The clauses about the module's own surface (MOD-NAMES and its kin)
judge :attr:`FuturesApi.own` instead: the module itself when it offers ``wait`` and
``as_completed`` (it presents itself as a ``concurrent.futures`` of its own), else the stdlib.

>>> import concurrent.futures, types
>>> pool_module = types.ModuleType("mypool")
>>> pool_module.wait = concurrent.futures.wait
>>> api = futures_api(pool_module, concurrent.futures)
>>> api.wait is concurrent.futures.wait, api.FIRST_COMPLETED, api.own is concurrent.futures
(True, 'FIRST_COMPLETED', True)
>>> futures_api(concurrent.futures, concurrent.futures) is concurrent.futures
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["OWN_API", "FuturesApi", "futures_api", "own_api"]

#: what a module must offer to be judged as a ``concurrent.futures`` of its own (MOD-NAMES)
OWN_API = ("wait", "as_completed")


class FuturesApi:
    """``module``'s attributes, and ``stdlib``'s (``concurrent.futures``) where it has none."""

    __slots__ = ("module", "stdlib", "own")

    def __init__(self, module: Any, stdlib: Any) -> None:
        self.module = module
        self.stdlib = stdlib
        #: what the module-surface clauses judge (see the module docstring)
        self.own = own_api(module, stdlib)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self.module, name)
        except AttributeError:
            return getattr(self.stdlib, name)

    def __repr__(self) -> str:
        name = getattr(self.module, "__name__", self.module)
        return f"<the concurrent.futures API of {name}, the standard library's where it has none>"


def futures_api(module: Any, stdlib: Any) -> Any:
    """The namespace to drive ``module``'s executors with: ``stdlib`` itself when ``module`` is
    it, else a :class:`FuturesApi` of the two."""
    return module if module is stdlib else FuturesApi(module, stdlib)


def own_api(module: Any, stdlib: Any) -> Any:
    """The namespace whose names the module-surface clauses judge: ``module`` when it offers
    every name in :data:`OWN_API`, else ``stdlib``. Given a :class:`FuturesApi` (or the stdlib)
    as ``module``, its own."""
    if isinstance(module, FuturesApi):
        return module.own
    return module if all(hasattr(module, n) for n in OWN_API) else stdlib

"""The shim modules as module objects: one fresh ``threading``/``queue``/``time``/``os``/
``_thread``/``atexit`` per module table, reset for each execution it serves.

The classes are shared; a module's mutable attributes (``threading.excepthook`` ...) are not.
"""

from __future__ import annotations

import types
from typing import Any

from execspec.sched.shims import os as shim_os
from execspec.sched.shims import queue as shim_queue
from execspec.sched.shims import threading as shim_threading
from execspec.sched.shims import time as shim_time

__all__ = ["SHIM_MODULES", "build_shim_module", "reset_shim_module"]

#: module name -> the namespace its shim module starts with
_TEMPLATES: dict[str, dict[str, Any]] = {
    "threading": shim_threading.TEMPLATE, "queue": shim_queue.TEMPLATE,
    "time": shim_time.TEMPLATE, "os": shim_os.OS_TEMPLATE,
    "atexit": shim_os.ATEXIT_TEMPLATE, "_thread": shim_os.THREAD_TEMPLATE,
}

#: the names of the modules the shim stands in for
SHIM_MODULES = frozenset(_TEMPLATES)


def build_shim_module(name: str) -> types.ModuleType:
    """A new shim module object ``name`` (threading, queue, time, os, _thread, atexit)."""
    if name not in _TEMPLATES:
        raise KeyError(f"no shim module {name!r}; the shim provides {sorted(_TEMPLATES)}")
    mod = types.ModuleType(name, f"Shim {name} module (execspec.sched).")
    mod.__dict__.update(_TEMPLATES[name])
    return mod


def reset_shim_module(name: str, mod: types.ModuleType) -> None:
    """Undo whatever an execution assigned on a shim module (``threading.excepthook`` ...)."""
    d = mod.__dict__
    keep = {k: d[k] for k in ("__name__", "__doc__", "__package__", "__loader__", "__spec__")}
    d.clear()
    d.update(keep)
    d.update(_TEMPLATES[name])

"""Task kits: the tasks the conformance machine submits, and the probes that watch them.

A kit makes one callable (``kit.fn``) that every task runs with its future's number. What the
task does (return, raise, raise a falsy exception), whether it parks on a gate first, and the
record of which tasks began are the kit's: an in-process kit keeps them in memory; a kit for
executors that run tasks elsewhere (process pools, clusters) keeps them where every worker can
reach them. Callbacks always run in the client's process, so they are not the kit's concern.

May import: the model (for ``TaskKind``) and nothing else of ours.
"""

from execspec.conformance.kits.base import FalsyError, Kit, TaskError
from execspec.conformance.kits.threads import ThreadKit

__all__ = ["FalsyError", "Kit", "TaskError", "ThreadKit"]

"""impl with two unrelated bugs: submit() after shutdown() runs the call (EXE-SUBMIT-AFTER-SHUTDOWN)
and map() swaps each pair of results (EXE-MAP-ORDER). A machine that stops at its first violation
sees one of them; its rounds see both."""

from __future__ import annotations

from conformance.known_bad._impl_api import *  # noqa: F403 - the target's wait/as_completed/Future/exceptions
from conformance.known_bad.map_out_of_order import MapPairsSwapped
from conformance.known_bad.submit_after_shutdown import AcceptsAfterShutdown


class TwoBugs(AcceptsAfterShutdown, MapPairsSwapped):
    """Both bugs at once (each class overrides its own methods)."""

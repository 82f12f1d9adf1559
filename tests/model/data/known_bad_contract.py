"""A deliberately wrong contract: CrossHair must refute it, or the contract check proves nothing.

The claim is that ``Future.cancel()`` succeeds in every state, which the model (rightly) denies
for a running or finished future.
"""

from __future__ import annotations

from execspec.model.future import cancel
from execspec.model.states import Fut


def cancel_always_succeeds(f: Fut) -> bool:
    """Whether cancel() succeeded (wrongly claimed to be always).

    post: _
    """
    return cancel(f)[0]

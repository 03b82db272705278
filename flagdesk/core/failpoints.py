# SPDX-License-Identifier: EUPL-1.2
"""Named points where a test can make the worker die (SIGKILL), to prove crash safety.

Set ``FLAGDESK_FAILPOINT=<name>`` in the worker's environment; the process kills itself
the first time it reaches that point. Nothing happens when the setting is empty.
"""

from __future__ import annotations

import os
import signal

from django.conf import settings

NAMES = (
    "send.before_connect",  # the attempt row is written, no connection yet
    "send.in_transaction",  # the body is sent, the final "." not yet
    "send.after_accept",  # the server said 250, the database does not know yet
)


def failpoint(name: str) -> None:
    if name not in NAMES:
        raise ValueError(f"unknown failpoint {name}")
    if getattr(settings, "FAILPOINT", "") == name:
        os.kill(os.getpid(), signal.SIGKILL)

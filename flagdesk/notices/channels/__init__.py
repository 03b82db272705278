# SPDX-License-Identifier: EUPL-1.2
"""Outbound channels, one plugin per kind: ``email`` sends through SMTP (or the local outbox),
``portal`` is a web form an operator fills in by hand.
"""

from __future__ import annotations

from flagdesk.notices.channels.base import Channel, SendOutcome, StageCallback
from flagdesk.notices.channels.email import EmailChannel
from flagdesk.notices.channels.portal import PortalChannel

CHANNELS: dict[str, type[Channel]] = {"email": EmailChannel, "portal": PortalChannel}


def channel_for(kind: str) -> Channel:
    return CHANNELS[kind]()


__all__ = ["CHANNELS", "Channel", "SendOutcome", "StageCallback", "channel_for"]

# SPDX-License-Identifier: EUPL-1.2
"""Web-portal channel: FlagDesk shows the text and the portal URL; an operator pastes it into
the platform's form and records the submission (time, the platform's reference, a
confirmation upload), which counts as the acknowledgment. Nothing is sent automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from flagdesk.notices.channels.base import SendOutcome, StageCallback


class PortalChannel:
    kind: ClassVar[str] = "portal"

    def send(
        self, raw: bytes, sender: str, recipients: Sequence[str], on_stage: StageCallback
    ) -> SendOutcome:
        raise RuntimeError("portal notices are submitted by a person, not by the worker")

    def was_delivered(self, raw_sha256: str) -> bool | None:
        return None

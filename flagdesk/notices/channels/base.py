# SPDX-License-Identifier: EUPL-1.2
"""What every outbound channel offers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

# Called with a stage name; it returns only once the stage is recorded in the database.
StageCallback = Callable[[str], None]


@dataclass(frozen=True)
class SendOutcome:
    """accepted | temporary | permanent, with what the server said."""

    result: str
    server: str = ""
    code: int | None = None
    reply: str = ""


class Channel(Protocol):
    kind: ClassVar[str]

    def send(
        self, raw: bytes, sender: str, recipients: Sequence[str], on_stage: StageCallback
    ) -> SendOutcome: ...

    def was_delivered(self, raw_sha256: str) -> bool | None:
        """After a crash: True/False when the channel can tell, None when it cannot."""
        ...

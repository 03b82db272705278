# SPDX-License-Identifier: EUPL-1.2
"""Mail as a platform writes it, for tests and benchmarks."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.utils import timezone

THANKS = "Thanks a lot, our Trust & Safety teams will look into it."


def platform_answer(notice: Any, to: str, text: str = THANKS) -> bytes:
    """X's answer to a notice, threaded to it (In-Reply-To and References)."""
    message = EmailMessage()
    message["From"] = "X Trust & Safety <escalations@x.example>"
    message["To"] = to
    message["Subject"] = f"Re: {notice.subject}"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="x.example")
    message["In-Reply-To"] = notice.message_id
    message["References"] = notice.message_id
    message.set_content(text)
    return message.as_bytes()

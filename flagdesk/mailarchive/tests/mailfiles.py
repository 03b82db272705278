# SPDX-License-Identifier: EUPL-1.2
"""Mail an earlier tool sent and received, written for the import tests: our notice to X
with its own (non-FlagDesk) Message-ID, X's answer to it, and the files that hold them."""

from __future__ import annotations

import datetime as dt
import io
import mailbox
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.core.management import call_command

TEAM = "Team Verkiezingen <verkiezingen@minbzk.nl>"  # minbzk.nl: one of our own domains
PLATFORM = "escalations@x.example"  # X's channel address (the x_channel fixture)
SENT_AT = dt.datetime(2023, 11, 20, 10, 0, tzinfo=dt.UTC)


def mail(
    *,
    sender: str,
    to: str,
    subject: str,
    message_id: str,
    date: dt.datetime,
    text: str,
    in_reply_to: str = "",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    return message.as_bytes()


def our_notice(reference: str, message_id: str = "<oldtool.4711@mail.minbzk.nl>") -> bytes:
    return mail(
        sender=TEAM,
        to=PLATFORM,
        subject=f"Trusted flagger notification {reference}",
        message_id=message_id,
        date=SENT_AT,
        text=f"Dear X,\n\nPlease review the post under case {reference}.\n\nKind regards",
    )


def xs_answer(
    notice_id: str = "<oldtool.4711@mail.minbzk.nl>",
    *,
    after: dt.timedelta = dt.timedelta(minutes=4, seconds=10),
    subject: str = "Re: Trusted flagger notification",
) -> bytes:
    return mail(
        sender=f"X Trust and Safety <{PLATFORM}>",
        to=TEAM,
        subject=subject,
        message_id=f"<answer.{int(after.total_seconds())}@x.example>",
        date=SENT_AT + after,
        text="We have received your report and will review it.",
        in_reply_to=notice_id,
    )


def write_mbox(path: Path, messages: Iterable[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, messages: Iterable[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


def write_eml_folder(path: Path, messages: Iterable[bytes]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for number, raw in enumerate(messages, start=1):
        (path / f"{number:03d}.eml").write_bytes(raw)
    return path


def import_mail(path: Path, election: str = "TK2023") -> tuple[int, str, str]:
    """Run the command; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import-mail", str(path), "--election", election, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()

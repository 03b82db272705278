# SPDX-License-Identifier: EUPL-1.2
"""E-mail channel: SMTP with STARTTLS or implicit TLS, or the local outbox when no server is set.

The SMTP dialogue is driven step by step so that the database learns the one moment that
matters for crash safety: just before the final "." of DATA. Until then the server holds no
complete message (a dropped connection discards it), so a retry cannot duplicate; after it,
the server may have accepted, and a crash leaves the outcome unknown.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from django.conf import settings

from flagdesk.core.failpoints import failpoint
from flagdesk.notices.channels.base import SendOutcome, StageCallback
from flagdesk.notices.channels.email.smtpurl import SmtpConfig, parse_smtp_url
from flagdesk.notices.compose import sha256

# The "server" an attempt records when the notice was only written to the local outbox: the
# case page reads it to say that nothing was sent.
OUTBOX_SERVER = "outbox"


class EmailChannel:
    kind: ClassVar[str] = "email"

    def send(
        self, raw: bytes, sender: str, recipients: Sequence[str], on_stage: StageCallback
    ) -> SendOutcome:
        if not settings.SMTP_URL:
            return write_to_outbox(raw, on_stage)
        return send_smtp(parse_smtp_url(settings.SMTP_URL), raw, sender, recipients, on_stage)

    def was_delivered(self, raw_sha256: str) -> bool | None:
        if not settings.SMTP_URL:
            return outbox_path(raw_sha256).exists()
        return None


def outbox_path(raw_sha256: str) -> Path:
    return Path(settings.OUTBOX_DIR) / f"{raw_sha256}.eml"


def write_to_outbox(raw: bytes, on_stage: StageCallback) -> SendOutcome:
    """Write the message as an .eml file; the rename makes it appear whole or not at all."""
    on_stage("connecting")
    failpoint("send.before_connect")
    path = outbox_path(sha256(raw))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(raw)
    on_stage("transmitting")
    failpoint("send.in_transaction")
    os.replace(temporary, path)
    failpoint("send.after_accept")
    return SendOutcome(
        "accepted", server=OUTBOX_SERVER, reply=f"written to the local outbox: {path}"
    )


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    timeout = settings.SMTP_TIMEOUT
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.security == "tls":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=timeout)
    smtp.ehlo()
    if config.security == "starttls":
        smtp.starttls(context=context)
        smtp.ehlo()
    if config.username:
        smtp.login(config.username, config.password)
    return smtp


def _classify(code: int, reply: bytes | str, server: str) -> SendOutcome:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    result = "permanent" if 500 <= code < 600 else "temporary"
    return SendOutcome(result, server=server, code=code, reply=f"{code} {text}".strip())


def send_smtp(
    config: SmtpConfig,
    raw: bytes,
    sender: str,
    recipients: Sequence[str],
    on_stage: StageCallback,
) -> SendOutcome:
    """One attempt. The first recipient is the platform; the others (archive copy) may fail."""
    server = str(config)
    on_stage("connecting")
    failpoint("send.before_connect")
    try:
        smtp = _connect(config)
    except smtplib.SMTPResponseException as exc:
        return _classify(exc.smtp_code, exc.smtp_error, server)
    except (OSError, smtplib.SMTPException) as exc:
        return SendOutcome("temporary", server=server, reply=f"connection failed: {exc}")
    outcome = SendOutcome("unknown", server=server)
    try:
        outcome = _transaction(smtp, raw, sender, recipients, on_stage, server)
        return outcome
    finally:
        # Only a finished dialogue ends politely; otherwise QUIT could wait on a server that
        # is still in the middle of DATA.
        _close(smtp, polite=outcome.result in ("accepted", "permanent"))


def _transaction(
    smtp: smtplib.SMTP,
    raw: bytes,
    sender: str,
    recipients: Sequence[str],
    on_stage: StageCallback,
    server: str,
) -> SendOutcome:
    try:
        code, reply = smtp.mail(sender)
        if code != 250:
            return _classify(code, reply, server)
        platform, *copies = recipients
        code, reply = smtp.rcpt(platform)
        if code not in (250, 251):
            return _classify(code, reply, server)
        for copy in copies:
            smtp.rcpt(copy)  # a refused archive copy must not stop the notice
        code, reply = smtp.docmd("DATA")
        if code != 354:
            return _classify(code, reply, server)
        smtp.send(_dot_stuffed(raw))
    except smtplib.SMTPResponseException as exc:
        return _classify(exc.smtp_code, exc.smtp_error, server)
    except (OSError, smtplib.SMTPException) as exc:
        # The final "." was never sent: the server cannot have accepted the message.
        return SendOutcome("temporary", server=server, reply=f"connection lost: {exc}")
    on_stage("transmitting")
    failpoint("send.in_transaction")
    try:
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        return SendOutcome("unknown", server=server, reply=f"no answer after the message: {exc}")
    failpoint("send.after_accept")
    if code == 250:
        return SendOutcome("accepted", server=server, code=code, reply=_text(code, reply))
    return _classify(code, reply, server)


def _text(code: int, reply: bytes) -> str:
    return f"{code} {reply.decode('utf-8', 'replace')}"


def _dot_stuffed(raw: bytes) -> bytes:
    """The message body for DATA, without the terminating ".": CRLF line ends, dots doubled."""
    data = re.sub(rb"\r\n|\n|\r", b"\r\n", raw)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def _close(smtp: smtplib.SMTP, *, polite: bool) -> None:
    if polite:
        try:
            smtp.quit()
            return
        except (TimeoutError, OSError, smtplib.SMTPException):
            pass
    smtp.close()

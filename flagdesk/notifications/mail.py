# SPDX-License-Identifier: EUPL-1.2
"""A notification by e-mail to the staff member, in their language, sent from the worker.

It goes out through the outgoing mail set up for notices (``FLAGDESK_SMTP_URL``, from
``FLAGDESK_FROM_EMAIL``); without a server it is written to ``<outbox>/staff/`` as the
notices are written to the outbox. A temporary failure (the server is down, or answers
4xx) is tried again, as a notice's send is, but fewer times: ``MAX_ATTEMPTS`` over about a
quarter of an hour (``RETRY_DELAYS``), each failure logged, kept on the notification
(``email_state``, ``email_attempts``, ``email_error``) and audited. A refusal (5xx), an
unknown outcome (the message may have arrived) or the last attempt's failure is final: a
staff e-mail is a courtesy, the bell has the notification.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flagdesk.audit import service as audit
from flagdesk.notices.channels.email import send_smtp
from flagdesk.notices.channels.email.smtpurl import parse_smtp_url
from flagdesk.notices.compose import sha256
from flagdesk.notifications import texts
from flagdesk.notifications.models import EmailState, Notification, NotificationSettings

logger = logging.getLogger("flagdesk.notifications")

# Three attempts: now, after 5 minutes, after 10 more. Longer than a mail server's restart,
# short enough that the e-mail is still news when it arrives.
MAX_ATTEMPTS = 3
RETRY_DELAYS = (dt.timedelta(minutes=5), dt.timedelta(minutes=10))


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def deliver(notification_id: int) -> str:
    """Make one attempt at the e-mail of one notification (a second run finds it claimed)."""
    if not _claim(notification_id):
        return "nothing to send"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    choice = NotificationSettings.objects.filter(user=notification.recipient).first()
    if choice is None or not choice.email or not notification.recipient.email:
        _settle(notification, EmailState.NONE, "the person turned e-mail off")
        return "e-mail is off"
    try:
        raw = compose(notification, choice.language)
        problem, temporary = _send(raw, notification.recipient.email)
    except Exception as error:
        problem, temporary = f"{type(error).__name__}: {error}", True
    if problem and temporary and notification.email_attempts < MAX_ATTEMPTS:
        _retry(notification, problem)
        return f"retrying: {problem}"
    if problem:
        logger.warning(
            "notification e-mail %s failed after %s attempt(s), not tried again: %s",
            notification_id,
            notification.email_attempts,
            problem,
        )
        _settle(notification, EmailState.FAILED, problem)
        return f"failed: {problem}"
    _settle(notification, EmailState.SENT, "")
    return "sent"


def _claim(notification_id: int) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification_id, email_state__in=(EmailState.QUEUED, EmailState.RETRYING)
        ).update(email_state=EmailState.SENDING, email_attempts=F("email_attempts") + 1)
    )


def _retry(notification: Notification, problem: str) -> None:
    """Note the failed attempt and queue the next one after its backoff, as notices do."""
    # Imported here: tasks.py imports this module.
    from flagdesk.notifications.tasks import email_notification

    attempts = notification.email_attempts
    when = timezone.now() + retry_delay(attempts)
    logger.warning(
        "notification e-mail %s failed (attempt %s of %s), trying again at %s: %s",
        notification.pk,
        attempts,
        MAX_ATTEMPTS,
        when.isoformat(timespec="seconds"),
        problem,
    )
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            email_state=EmailState.RETRYING, email_error=problem[:500]
        )
        audit.log(
            "notification_email_retrying",
            notification.recipient,
            after={
                "notification": notification.pk,
                "attempt": attempts,
                "next_attempt_at": when.isoformat(),
                "problem": problem[:500],
            },
        )
        transaction.on_commit(
            lambda: email_notification.using(run_after=when).enqueue(notification.pk)
        )


def _settle(notification: Notification, state: str, problem: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            email_state=state, email_error=problem[:500]
        )
        action = "notification_emailed" if state == EmailState.SENT else "notification_not_emailed"
        after = {
            "notification": notification.pk,
            "state": state or "off",
            "attempts": notification.email_attempts,
        }
        if problem:
            after["problem"] = problem[:500]
        audit.log(action, notification.recipient, after=after)


def compose(notification: Notification, language: str) -> bytes:
    """The e-mail's bytes, in ``language``."""
    with translation.override(language):
        sentence = texts.sentence(notification.kind, notification.case_reference)
        link = f"{settings.SITE_URL.rstrip('/')}{notification.link}"
        body = "\n\n".join(
            [
                sentence,
                _("Open it in FlagDesk: %(link)s") % {"link": link},
                _(
                    "You receive this because you asked FlagDesk to e-mail your notifications. "
                    "You can turn this off under Notifications, E-mail settings."
                ),
            ]
        )
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = settings.FROM_EMAIL
        message["To"] = notification.recipient.email
        message["Subject"] = f"FlagDesk: {sentence}"
        message["Date"] = format_datetime(timezone.now())
        message["Message-ID"] = make_msgid(domain=settings.FROM_EMAIL.rpartition("@")[2] or None)
        # RFC 3834: no auto-replies back into the team mailbox the worker reads.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def _send(raw: bytes, to: str) -> tuple[str, bool]:
    """Send ``raw`` to ``to``: the problem (empty when it was accepted), and whether it was
    temporary, so worth another attempt. An unknown outcome is not: it may have arrived."""
    if not settings.SMTP_URL:
        _write_to_outbox(raw)
        return "", False
    outcome = send_smtp(
        parse_smtp_url(settings.SMTP_URL), raw, settings.FROM_EMAIL, [to], lambda stage: None
    )
    if outcome.result == "accepted":
        return "", False
    return f"{outcome.result}: {outcome.reply}", outcome.result == "temporary"


def outbox_dir() -> Path:
    return Path(settings.OUTBOX_DIR) / "staff"


def _write_to_outbox(raw: bytes) -> None:
    path = outbox_dir() / f"{sha256(raw)}.eml"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(raw)
    os.replace(temporary, path)

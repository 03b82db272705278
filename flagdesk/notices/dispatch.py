# SPDX-License-Identifier: EUPL-1.2
"""Delivering a frozen notice: claim, attempt, record — and recover what a crash interrupted.

Every step that matters is committed before the next one starts:

1. claim: the delivery moves to ``sending`` and an attempt row (stage ``prepared``) is written,
   in one transaction, only if the delivery is due and nobody else holds it;
2. the channel reports its stages (``connecting``, then ``transmitting`` just before the final
   "." of SMTP DATA) and each is committed before it goes on;
3. the result is recorded: accepted, retrying (with backoff), failed, or unknown.

After a crash, an open attempt of a dead worker tells how far it got: before ``transmitting``
nothing can have been delivered and the notice is sent again; from ``transmitting`` on the
outcome is unknown — evidence (the outbox file, the archive copy, a reply from the platform)
settles it, otherwise a person decides. Never a silent duplicate, never a silent loss.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone

from flagdesk.audit import service as audit
from flagdesk.core import dberrors, workers
from flagdesk.notices import content
from flagdesk.notices.channels import SendOutcome, channel_for
from flagdesk.notices.models import (
    Attempt,
    AttemptResult,
    Delivery,
    DeliveryState,
    Stage,
)

logger = logging.getLogger("flagdesk.notices")

RETRY_CAP = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 60 s, 120 s, ... capped at an hour (base from FLAGDESK_SEND_RETRY_SECONDS)."""
    delay = dt.timedelta(seconds=settings.SEND_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, RETRY_CAP)


def claim(delivery_id: int) -> Attempt | None:
    """Take the delivery for one attempt; None when it is not due or someone else has it.

    Any database error other than "another attempt is open" is logged and raised: the task
    fails (and shows so), the delivery stays queued untouched, and the notice is reported as
    stuck (``notices.service.stuck_deliveries``) until a person queues it again.
    """
    try:
        return _claim(delivery_id)
    except DatabaseError as exc:
        _log_claim_error(delivery_id, exc)
        raise


def _claim(delivery_id: int) -> Attempt | None:
    now = timezone.now()
    with transaction.atomic():
        taken = Delivery.objects.filter(
            pk=delivery_id,
            state__in=(DeliveryState.QUEUED, DeliveryState.RETRYING),
            next_attempt_at__lte=now,
        ).update(state=DeliveryState.SENDING, updated_at=now)
        if not taken:
            return None
        delivery = Delivery.objects.select_related("notice").get(pk=delivery_id)
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    delivery=delivery,
                    number=delivery.attempts,
                    worker_id=workers.current_worker_id(),
                    started_at=now,
                )
        except IntegrityError as exc:
            if not is_open_attempt_conflict(exc):
                raise
            # Another attempt is still open (a worker we believe dead may not be): back off.
            transaction.set_rollback(True)
            return None


#: The constraint claim() expects to meet: every other violation is a fault.
OPEN_ATTEMPT_CONSTRAINT = "one_open_attempt_per_delivery"


def is_open_attempt_conflict(exc: IntegrityError) -> bool:
    """True when ``exc`` is the "one open attempt per delivery" constraint and nothing else
    (a NOT NULL column of a newer schema, another unique constraint, a CHECK)."""
    return dberrors.violated_constraint(exc, Attempt) == OPEN_ATTEMPT_CONSTRAINT


def _log_claim_error(delivery_id: int, exc: DatabaseError) -> None:
    # The notice id and the kind of error only: the database's message may quote the row.
    notice_id = Delivery.objects.filter(pk=delivery_id).values_list("notice_id", flat=True)
    try:
        notice = notice_id.first()
    except DatabaseError:
        notice = None
    logger.error(
        "claiming notice %s (delivery %s) failed with %s%s; the notice stays queued and is "
        "reported as stuck until it is queued again",
        notice,
        delivery_id,
        type(exc).__name__,
        dberrors.describe(exc, Attempt),
    )


class AttemptTakenOver(Exception):
    """Recovery settled this attempt while it was still running: stop before sending."""


def _set_stage(attempt: Attempt, stage: str) -> None:
    # Conditional, so that an attempt recovery gave up on can never reach the final ".".
    if not Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(stage=stage):
        raise AttemptTakenOver(f"attempt {attempt.pk} was settled by recovery")
    attempt.stage = stage


def stuck_after() -> dt.timedelta:
    """An attempt this old is given up even if its worker lives (a bug, a lost exception):
    ten times the SMTP timeout covers every step of one dialogue."""
    return dt.timedelta(seconds=settings.SMTP_TIMEOUT * 10)


def attempt_delivery(delivery_id: int) -> str:
    """Run one attempt of a delivery; returns the delivery's state afterwards."""
    attempt = claim(delivery_id)
    if attempt is None:
        return "not-claimed"
    delivery = attempt.delivery
    notice = delivery.notice
    refused = content.frozen_problems(notice)
    if refused:
        return _refuse(attempt, refused)
    channel = channel_for(notice.channel_kind)
    recipients = [notice.recipient]
    if settings.ARCHIVE_BCC:
        recipients.append(settings.ARCHIVE_BCC)
    try:
        outcome = channel.send(
            bytes(notice.raw or b""),
            settings.FROM_EMAIL,  # bounces come back to the watched team mailbox
            recipients,
            lambda stage: _set_stage(attempt, stage),
        )
    except Exception as exc:
        # A bug or an unexpected error: record it; where the message stood decides what it means.
        logger.exception("send of notice %s failed unexpectedly", notice.pk)
        result = "unknown" if attempt.stage == Stage.TRANSMITTING else "temporary"
        outcome = SendOutcome(result, reply=f"unexpected error: {exc!r}")
    return _record_once_the_database_answers(attempt, outcome)


def _refuse(attempt: Attempt, reasons: tuple[str, ...]) -> str:
    """The bytes about to go out name content the decision did not approve, or were changed
    after freezing: never send them. The delivery fails, so a person sees it among the
    problems; sending again sends the same bytes and is refused again."""
    notice = attempt.delivery.notice
    logger.error("notice %s refused before sending: %s", notice.pk, ", ".join(reasons))
    with transaction.atomic():
        audit.log("notice_refused", notice, after={"reasons": [str(r) for r in reasons]})
        reply = f"refused before sending: {content.explain(reasons)}"
        return record(attempt, SendOutcome("permanent", reply=reply))


def _record_once_the_database_answers(attempt: Attempt, outcome: SendOutcome) -> str:
    """Only this process knows the server's answer: when the database is away (a restart),
    keep trying to write it down for a while instead of leaving the outcome unknown."""
    deadline = time.monotonic() + stuck_after().total_seconds()
    delay = 0.5
    while True:
        try:
            return record(attempt, outcome)
        except workers.DATABASE_ERRORS as exc:
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "recording the outcome of notice %s: database unavailable (%s); "
                "trying again in %.1f s",
                attempt.delivery.notice_id,
                str(exc).strip(),
                delay,
            )
        time.sleep(delay)
        close_old_connections()
        delay = min(delay * 2, 5.0)


def record(attempt: Attempt, outcome: SendOutcome, *, retry_now: bool = False) -> str:
    """Finish the attempt and move the delivery on; ``retry_now`` skips the backoff (the
    attempt was interrupted before the message was complete, not refused)."""
    now = timezone.now()
    with transaction.atomic():
        # Lock the delivery only: the mail archive locks the notice, then its delivery, when an
        # answer or the archive copy comes in; taking both here as well could deadlock.
        delivery = (
            Delivery.objects.select_for_update(no_key=True, of=("self",))
            .select_related("notice")
            .get(pk=attempt.delivery_id)
        )
        if not Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).exists():
            return str(delivery.state)  # another worker's recovery settled it already
        result, state = _result_and_state(outcome.result, delivery.attempts)
        if retry_now and state == DeliveryState.RETRYING:
            result = AttemptResult.INTERRUPTED
        Attempt.objects.filter(pk=attempt.pk).update(
            stage=Stage.DONE,
            finished_at=now,
            result=result,
            server=outcome.server[:300],
            reply_code=outcome.code,
            reply=outcome.reply[:2000],
        )
        before = {"state": delivery.state}
        delivery.state = state
        delivery.server_reply = outcome.reply[:2000]
        if state == DeliveryState.ACCEPTED:
            delivery.accepted_at = now
            delivery.last_error = ""
        elif state == DeliveryState.RETRYING:
            delivery.next_attempt_at = now if retry_now else now + backoff(delivery.attempts)
            delivery.last_error = outcome.reply[:2000]
        else:
            delivery.last_error = outcome.reply[:2000]
        if state == DeliveryState.UNKNOWN:
            delivery.evidence = _evidence(attempt, outcome)
        delivery.save()
        audit.log(
            f"notice_{state}",
            delivery.notice,
            actor=None,
            before=before,
            after={
                "state": state,
                "attempt": attempt.number,
                "server": outcome.server,
                "reply": outcome.reply[:500],
            },
        )
        if state == DeliveryState.RETRYING:
            _enqueue(delivery.pk, None if retry_now else delivery.next_attempt_at)
    logger.info("notice %s: %s (%s)", delivery.notice_id, state, outcome.reply[:200])
    return str(state)


def _result_and_state(result: str, attempts: int) -> tuple[str, str]:
    if result == "accepted":
        return AttemptResult.ACCEPTED, DeliveryState.ACCEPTED
    if result == "permanent":
        return AttemptResult.PERMANENT_FAILURE, DeliveryState.FAILED
    if result == "unknown":
        return AttemptResult.UNKNOWN, DeliveryState.UNKNOWN
    if attempts >= settings.SEND_MAX_ATTEMPTS:
        return AttemptResult.TEMPORARY_FAILURE, DeliveryState.FAILED
    return AttemptResult.TEMPORARY_FAILURE, DeliveryState.RETRYING


def _evidence(attempt: Attempt, outcome: SendOutcome | None) -> dict[str, Any]:
    return {
        "attempt": attempt.number,
        "worker": attempt.worker_id,
        "started_at": attempt.started_at.isoformat(),
        "stage": attempt.stage,
        "server": outcome.server if outcome else "",
        "reply": outcome.reply if outcome else "",
        "explanation": "The message was complete on the wire when the attempt stopped; "
        "the server may or may not have accepted it.",
    }


def _enqueue(delivery_id: int, when: dt.datetime | None = None) -> None:
    from flagdesk.notices.tasks import deliver_notice

    task = deliver_notice.using(run_after=when) if when else deliver_notice
    task.enqueue(delivery_id)


def recover_interrupted(
    delivered_elsewhere: Any = None, *, own: bool = False
) -> list[tuple[int, str]]:
    """Settle the open attempts of dead workers. Returns (delivery id, new state) pairs.

    :param delivered_elsewhere: callable(notice) -> bool: True when the mail archive holds
        proof of delivery (our own archive copy, or a reply referring to our Message-ID).
    :param own: settle this worker's open attempts too; only for a caller that knows none of
        them is still running (its task loop broke off when the database went away).
    """
    settled: list[tuple[int, str]] = []
    open_attempts = Attempt.objects.filter(finished_at__isnull=True).select_related(
        "delivery__notice"
    )
    stuck = timezone.now() - stuck_after()
    me = workers.current_worker_id()
    for attempt in open_attempts:
        interrupted = own and attempt.worker_id == me
        if not interrupted and workers.is_alive(attempt.worker_id) and attempt.started_at > stuck:
            continue
        settled.append((attempt.delivery_id, _settle(attempt, delivered_elsewhere)))
    return settled


def _settle(attempt: Attempt, delivered_elsewhere: Any) -> str:
    notice = attempt.delivery.notice
    if attempt.stage != Stage.TRANSMITTING:
        reply = f"the worker stopped at stage {attempt.stage}, before the message was complete"
        return record(attempt, SendOutcome("temporary", reply=reply), retry_now=True)
    known = channel_for(notice.channel_kind).was_delivered(notice.raw_sha256)
    if known is None and delivered_elsewhere is not None and delivered_elsewhere(notice):
        known = True  # a missing copy proves nothing: it may still be on its way
    if known is True:
        reply = "delivered: evidence found after the worker stopped"
        return record(attempt, SendOutcome("accepted", reply=reply))
    if known is False:
        reply = "not delivered: the worker stopped before the message was handed over"
        return record(attempt, SendOutcome("temporary", reply=reply), retry_now=True)
    reply = "the worker stopped after the message was sent, before the server's answer was recorded"
    return record(attempt, SendOutcome("unknown", reply=reply))

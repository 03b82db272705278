# SPDX-License-Identifier: EUPL-1.2
"""Public API of the notices app: draft, edit, send and follow a notice to a platform.

Other apps call only these functions. The mail archive reports acknowledgments, bounces and
evidence of delivery here; nothing about what the platform did with the content is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.assessments import service as decisions
from flagdesk.assessments.models import Decision, DecisionStatus, Outcome
from flagdesk.audit import service as audit
from flagdesk.core.uploads import check_upload
from flagdesk.intake.models import Case
from flagdesk.notices import clocks, compose, content, dispatch, hooks, template_store
from flagdesk.notices.models import (
    DELIVERED_STATES,
    PROBLEM_STATES,
    Delivery,
    DeliveryState,
    Notice,
    NoticeMessageId,
    NoticeStatus,
    NoticeTemplateVersion,
)
from flagdesk.rules import dates, legal_basis
from flagdesk.rules.clocks import Stage
from flagdesk.rules.language import dutch_paragraphs, looks_dutch

logger = logging.getLogger("flagdesk.notices")


class NoticeError(Exception):
    """The action is not possible for this notice now (shown to the user)."""


# ---------------------------------------------------------------- composing


def sender_of(user: Any) -> tuple[str, str]:
    name = (user.get_full_name() or user.get_username()) if user else settings.ORGANISATION_NAME
    email = (getattr(user, "email", "") or settings.FROM_EMAIL) if user else settings.FROM_EMAIL
    return name, email


def facts_for(
    case: Case,
    decision: Decision,
    sender: tuple[str, str],
    language: str = "en",
    *,
    channel_kind: str = "email",
    english_summary: str = "",
) -> compose.NoticeFacts:
    """The facts of the case in the notice's language. In an English notice the election is
    named in English, and with an English summary that summary stands in for the Dutch free
    text (the explanation and every Dutch fact)."""
    assessment = getattr(case, "assessment", None)
    first = case.first_signal
    english = language != "nl"
    what_is_false, why_it_matters, kind_facts = _free_text(case, english_summary if english else "")
    # The co-government's own account of its attempts is its words, mostly Dutch and often
    # too short to judge: a Dutch notice quotes it, an English one gives the count only.
    own_contact_account = (first.own_contact_result if first else "") if not english else ""
    return compose.NoticeFacts(
        reference=case.reference,
        kind=case.category,
        platform_name=case.platform.name,
        platform_slug=case.platform.slug,
        policy_name=case.platform.policy_name,
        policy_url=case.platform.policy_url,
        election_name=case.election.english_name if english else case.election.name,
        election_day=case.election.english_day
        if english
        else dates.date_text(case.election.election_day, "nl"),
        # The content concerned is exactly the set the approved decision covers: a URL that
        # reached the case any other way was never assessed.
        urls=list(decision.url_set.order_by("pk").values_list("url", flat=True)),
        what_is_false=what_is_false,
        why_it_matters=why_it_matters,
        harms=(assessment.harms or []) if assessment else [],
        signal_explanation=first.explanation if first else "",
        organisation=settings.ORGANISATION_NAME_EN if english else settings.ORGANISATION_NAME,
        sender_name=sender[0],
        sender_email=sender[1],
        earlier_notifications=hooks.earlier_notifications(case, language),
        kind_facts=kind_facts,
        own_contact_attempts=assessment.own_contact_attempts if assessment else None,
        own_contact_account=own_contact_account,
        narratives=_narrative_rules(case, english),
        channel_kind=channel_kind,
        legal_basis=decisions.legal_basis_of(decision),
        designation=designation(),
        programme=case.platform.programme,
    )


def designation() -> legal_basis.Designation:
    """The organisation's Art. 22 designation, as the settings state it."""
    return legal_basis.Designation(
        designated=settings.ART22_DESIGNATED,
        coordinator=settings.ART22_COORDINATOR,
        designated_on=settings.ART22_DESIGNATED_ON,
    )


def _free_text(case: Case, english_summary: str) -> tuple[str, str, dict[str, str]]:
    """``(what is false, why it matters, the kind's facts)`` as the assessor wrote them; with
    an English summary, the summary is the explanation and Dutch texts are left out."""
    assessment = getattr(case, "assessment", None)
    first = case.first_signal
    kind_facts = dict(assessment.kind_facts or {}) if assessment else {}
    what_is_false = (assessment.misleading_reasoning if assessment else "") or (
        first.explanation if first else ""
    )
    why_it_matters = assessment.election_process_risk_reasoning if assessment else ""
    summary = english_summary.strip()
    if not summary:
        return what_is_false, why_it_matters, kind_facts
    kind_facts = {name: _unless_dutch(value) for name, value in kind_facts.items()}
    if case.category != "misinformation":
        kind_facts = _summary_in_place(case.category, kind_facts, summary)
    return summary, _unless_dutch(why_it_matters), kind_facts


# Where the summary goes when the kind's main free text was Dutch and is left out.
SUMMARY_FACT = {"hacked_channel": "incident", "blocked_ad": "why_election_information"}


def _summary_in_place(kind: str, facts: dict[str, str], summary: str) -> dict[str, str]:
    main = SUMMARY_FACT.get(kind)
    if main and not facts.get(main):
        facts[main] = summary
    return facts


def _unless_dutch(text: str) -> str:
    return "" if looks_dutch(text) else text


def _narrative_rules(case: Case, english: bool) -> list[compose.NarrativeRule]:
    """The confirmed narratives' correct rules with their sources; an English notice leaves
    out a rule written in Dutch and cites its source only."""
    rules = []
    for narrative in hooks.confirmed_narratives(case):
        rule = narrative.correct_rule
        rules.append(
            compose.NarrativeRule(
                claim=narrative.claim_en if english else narrative.claim_nl,
                correct_rule=_unless_dutch(rule) if english else rule,
                source=narrative.rule_source,
                source_url=narrative.rule_source_url,
            )
        )
    return rules


def draft_for_decision(decision: Decision, actor: Any = None) -> Notice | None:
    """The first notice of an approved deploy decision, as a draft for the assessor."""
    if decision.outcome != Outcome.DEPLOY or decision.status != DecisionStatus.APPROVED:
        return None
    existing = Notice.objects.filter(decision=decision, follows__isnull=True).first()
    if existing:
        return existing
    case = decision.case
    platform = case.platform
    # The assessor who decided owns the case and signs the notice.
    sender = sender_of(decision.decided_by)
    language = platform.channel_language or "en"
    facts = facts_for(case, decision, sender, language, channel_kind=platform.channel_kind)
    rendered = compose.render_body(facts, language)
    with transaction.atomic():
        notice = Notice.objects.create(
            case=case,
            decision=decision,
            platform=platform,
            channel_kind=platform.channel_kind,
            recipient=platform.channel_address,
            language=language,
            subject=compose.subject_for(facts, language),
            body=rendered.text,
            template_name=rendered.name,
            template_version=rendered.version,
            message_id=compose.new_message_id(settings.FROM_EMAIL),
            sender_name=sender[0],
            sender_email=sender[1],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.log("notice_drafted", notice, actor=actor, after=_snapshot(notice))
    return notice


def follow_up(notice: Notice, actor: Any) -> Notice:
    """A new draft that continues the thread (In-Reply-To/References to the earlier notice)."""
    require(actor, Action.SEND_NOTICE)
    if notice.status != NoticeStatus.FROZEN:
        raise NoticeError(_("Send the notice before following up on it."))
    references = " ".join(filter(None, [notice.references, notice.message_id]))
    sender = sender_of(actor)
    subject = notice.subject if notice.subject.startswith("Re: ") else f"Re: {notice.subject}"
    with transaction.atomic():
        draft = Notice.objects.create(
            case=notice.case,
            decision=notice.decision,
            platform=notice.platform,
            follows=notice,
            channel_kind=notice.channel_kind,
            recipient=notice.recipient,
            language=notice.language,
            subject=subject,
            body=_follow_up_text(notice),
            message_id=compose.new_message_id(settings.FROM_EMAIL),
            in_reply_to=notice.message_id,
            references=references,
            sender_name=sender[0],
            sender_email=sender[1],
            created_by=actor,
        )
        audit.log("notice_drafted", draft, actor=actor, after=_snapshot(draft))
    return draft


def _follow_up_text(notice: Notice) -> str:
    # In the notice's language, not the user's: an English thread gets no Dutch line.
    with translation.override(notice.language or "en"):
        return _("Following up on our notification {reference}.\n").format(
            reference=notice.case.reference
        )


def update_draft(notice: Notice, subject: str, body: str, actor: Any) -> Notice:
    require(actor, Action.SEND_NOTICE)
    subject = " ".join(subject.split())  # no line breaks can reach a header
    if not subject or not body.strip():
        raise NoticeError(_("A notice needs a subject and a text."))
    with transaction.atomic():
        notice = Notice.objects.select_for_update(no_key=True).get(pk=notice.pk)
        if notice.status != NoticeStatus.DRAFT:
            raise NoticeError(_("This notice was sent and can no longer be changed."))
        before = _snapshot(notice)
        notice.subject = subject[:300]
        notice.body = body.replace("\r\n", "\n")
        notice.save(update_fields=["subject", "body"])
        audit.log_changes(
            "notice_edited", notice, actor=actor, before=before, after=_snapshot(notice)
        )
    return notice


def dutch_in_english(notice: Notice) -> list[str]:
    """The paragraphs of an English notice's text that are Dutch (none for a Dutch notice)."""
    if notice.language == "nl":
        return []
    return dutch_paragraphs(notice.body)


def _refuse_dutch_in_english(notice: Notice) -> None:
    dutch = dutch_in_english(notice)
    if dutch:
        raise NoticeError(
            _(
                "This notice is in English but contains Dutch text (“%(start)s…”). Give an "
                "English summary: it replaces the Dutch text in the notice."
            )
            % {"start": dutch[0][:60]}
        )


def summarise(notice: Notice, summary: str, actor: Any) -> Notice:
    """Compose an English draft again with the assessor's English summary in place of the
    Dutch free text. The draft's hand edits are replaced (the audit event keeps them)."""
    require(actor, Action.SEND_NOTICE)
    summary = summary.strip().replace("\r\n", "\n")
    if not summary:
        raise NoticeError(_("Write the English summary first."))
    if looks_dutch(summary):
        raise NoticeError(_("The summary looks Dutch; write it in English."))
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(no_key=True, of=("self",))
            .select_related("case", "decision", "platform")
            .get(pk=notice.pk)
        )
        if notice.status != NoticeStatus.DRAFT:
            raise NoticeError(_("This notice was sent and can no longer be changed."))
        if notice.language == "nl" or notice.follows_id is not None:
            raise NoticeError(_("Only a first notice in English is composed with a summary."))
        before = {**_snapshot(notice), "english_summary": notice.english_summary}
        facts = facts_for(
            notice.case,
            notice.decision,
            (notice.sender_name, notice.sender_email),
            notice.language,
            channel_kind=notice.channel_kind,
            english_summary=summary,
        )
        notice.english_summary = summary[:10_000]
        notice.body = compose.body_for(facts, notice.language)
        notice.save(update_fields=["english_summary", "body"])
        audit.log_changes(
            "notice_edited",
            notice,
            actor=actor,
            before=before,
            after={**_snapshot(notice), "english_summary": notice.english_summary},
        )
    return notice


def draft_digest(notice: Notice) -> str:
    """SHA-256 of what a person confirms before sending: recipient, subject and text, one per
    line. The case page's confirmation step and the API carry it back, so a draft changed
    since (by someone else) is never sent unseen."""
    text = "\n".join([notice.recipient, notice.subject, notice.body])
    return hashlib.sha256(text.encode()).hexdigest()


class DraftChanged(NoticeError):
    """The draft is no longer the text the person confirmed (``draft_digest`` differs)."""


def check_sendable(notice: Notice) -> None:
    """Raise NoticeError when ``notice`` may not go out as it is; change nothing.

    The case page asks this before it shows the confirmation step, so a refusal comes at once
    rather than after the person confirmed.
    """
    if notice.status != NoticeStatus.DRAFT:
        raise NoticeError(_("This notice was already sent."))
    if not notice.recipient:
        raise NoticeError(_("The platform has no channel address; set it on the platform first."))
    _refuse_dutch_in_english(notice)
    refused = content.draft_problems(notice)
    if refused:
        raise NoticeError(
            _("This notice cannot be sent: %(why)s. Remove the other URLs.")
            % {"why": content.explain(refused)}
        )


def send(notice: Notice, actor: Any, *, expected_digest: str | None = None) -> Delivery:
    """Freeze the notice (the exact bytes are stored) and hand it to the worker.

    The task row is written in the same transaction, so a notice is queued if and only if
    its task exists.

    :param expected_digest: the ``draft_digest`` of the text the person confirmed; checked
        under the row lock, so an edit that lands between confirming and sending is refused
        (``DraftChanged``) rather than sent.
    """
    require(actor, Action.SEND_NOTICE)
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(no_key=True, of=("self",))
            .select_related("platform")
            .get(pk=notice.pk)
        )
        if (
            expected_digest is not None
            and notice.status == NoticeStatus.DRAFT
            and draft_digest(notice) != expected_digest
        ):
            raise DraftChanged(
                _("The notice changed after you asked to send it. Check it and send again.")
            )
        check_sendable(notice)
        now = timezone.now()
        notice.raw = compose.build_message(
            compose.Envelope(
                from_email=settings.FROM_EMAIL,
                from_name=f"{notice.sender_name} ({settings.ORGANISATION_NAME})",
                to=notice.recipient,
                subject=notice.subject,
                body=notice.body,
                message_id=notice.message_id,
                in_reply_to=notice.in_reply_to,
                references=notice.references,
            )
        )
        notice.raw_sha256 = compose.sha256(bytes(notice.raw))
        notice.status = NoticeStatus.FROZEN
        notice.frozen_by = actor
        notice.frozen_at = now
        notice.save()
        delivery = Delivery.objects.create(notice=notice, next_attempt_at=now)
        audit.log(
            "notice_queued",
            notice,
            actor=actor,
            after={
                "to": notice.recipient,
                "sha256": notice.raw_sha256,
                "channel": notice.channel_kind,
            },
        )
        if notice.channel_kind == "email":
            dispatch._enqueue(delivery.pk)
    return delivery


# ------------------------------------------------------------- afterwards


def record_portal_submission(
    notice: Notice,
    actor: Any,
    *,
    submitted_at: dt.datetime,
    reference: str = "",
    confirmation: UploadedFile | None = None,
) -> Notice:
    """The operator submitted the text in the platform's portal; that counts as acknowledged."""
    require(actor, Action.SEND_NOTICE)
    if submitted_at > timezone.now() + dt.timedelta(minutes=5):
        raise NoticeError(_("The submission time lies in the future."))
    if confirmation is not None:
        # Checked by its bytes and size like a signal's attachments; the form did too.
        try:
            check_upload(confirmation)
        except ValidationError as exc:
            raise NoticeError(" ".join(exc.messages)) from exc
    with transaction.atomic():
        notice = Notice.objects.select_for_update(no_key=True).get(pk=notice.pk)
        delivery = Delivery.objects.select_for_update(no_key=True).get(notice=notice)
        if notice.channel_kind != "portal" or delivery.state != DeliveryState.QUEUED:
            raise NoticeError(_("Only a sent portal notice awaiting submission can be recorded."))
        notice.portal_reference = reference.strip()[:200]
        if confirmation is not None:
            notice.portal_confirmation_sha256 = _sha256_of(confirmation)
            notice.portal_confirmation.save(
                confirmation.name or "confirmation", confirmation, save=False
            )
        notice.acknowledged_at = submitted_at
        notice.acknowledgment_source = "portal"
        notice.save()
        delivery.state = DeliveryState.SUBMITTED
        delivery.accepted_at = submitted_at
        delivery.server_reply = _("Submitted in the portal, reference {reference}").format(
            reference=notice.portal_reference or "-"
        )
        delivery.save()
        audit.log(
            "notice_submitted",
            notice,
            actor=actor,
            after={
                "submitted_at": submitted_at.isoformat(),
                "reference": notice.portal_reference,
                "confirmation_sha256": notice.portal_confirmation_sha256 or None,
            },
        )
    return notice


def _sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def record_acknowledgment(
    notice: Notice, at: dt.datetime, source: str, *, actor: Any = None
) -> bool:
    """The platform confirmed receipt. The first acknowledgment counts; it also proves delivery.

    :param actor: who or what recorded it, for the audit log: the mail intake's label
        (``"mail: <sender>"``) or the person who confirmed the message.
    """
    if notice.acknowledged_at is not None and not _awaits_evidence(notice):
        return False  # the usual case for later mail: nothing to change, nothing to lock
    with transaction.atomic(savepoint=False):
        notice = Notice.objects.select_for_update(no_key=True).get(pk=notice.pk)
        _record_delivery_evidence(notice, source, actor)
        if notice.acknowledged_at is not None:
            return False
        notice.acknowledged_at = at
        notice.acknowledgment_source = source[:200]
        notice.save(update_fields=["acknowledged_at", "acknowledgment_source"])
        audit.log(
            "notice_acknowledged",
            notice,
            actor=actor,
            after={"at": at.isoformat(), "source": source},
        )
    return True


def _awaits_evidence(notice: Notice) -> bool:
    delivery = getattr(notice, "delivery", None)
    return delivery is None or delivery.state in (DeliveryState.UNKNOWN, DeliveryState.SENDING)


def record_delivery_evidence(notice: Notice, source: str, *, actor: Any = None) -> None:
    """Proof that the platform got the notice (our archive copy, a reply): settles 'unknown'."""
    if not _awaits_evidence(notice):
        return
    with transaction.atomic(savepoint=False):
        _record_delivery_evidence(
            Notice.objects.select_for_update(no_key=True).get(pk=notice.pk), source, actor
        )


def _record_delivery_evidence(notice: Notice, source: str, actor: Any = None) -> None:
    delivery = Delivery.objects.select_for_update(no_key=True).filter(notice=notice).first()
    if delivery is None or delivery.state not in (DeliveryState.UNKNOWN, DeliveryState.SENDING):
        return
    before = {"state": delivery.state}
    delivery.state = DeliveryState.ACCEPTED
    delivery.accepted_at = delivery.accepted_at or timezone.now()
    delivery.evidence = {**delivery.evidence, "settled_by": source}
    delivery.save()
    audit.log(
        "notice_accepted",
        notice,
        actor=actor,
        before=before,
        after={"state": "accepted", "evidence": source},
    )


def record_bounce(notice: Notice, *, permanent: bool, detail: str, actor: Any = None) -> None:
    """A delivery status notification came back for this notice (``actor`` as for
    :func:`record_acknowledgment`)."""
    with transaction.atomic(savepoint=False):
        delivery = Delivery.objects.select_for_update(no_key=True).filter(notice=notice).first()
        if delivery is None:
            return
        if not permanent:
            delivery.last_error = detail[:2000]
            delivery.save(update_fields=["last_error", "updated_at"])
            audit.log("notice_delayed", notice, actor=actor, after={"detail": detail[:500]})
            return
        before = {"state": delivery.state}
        delivery.state = DeliveryState.BOUNCED
        delivery.last_error = detail[:2000]
        delivery.save()
        audit.log(
            "notice_bounced",
            notice,
            actor=actor,
            before=before,
            after={"state": "bounced", "detail": detail[:500]},
        )


def resolve_unknown(notice: Notice, actor: Any, *, delivered: bool, note: str) -> Delivery:
    """A person settles an unknown outcome: it arrived (no resend) or send it again."""
    require(actor, Action.SEND_NOTICE)
    if not note.strip():
        raise NoticeError(_("Say what you based this on."))
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(no_key=True).get(notice=notice)
        if delivery.state != DeliveryState.UNKNOWN:
            raise NoticeError(_("Only an unknown outcome can be settled."))
        before = {"state": delivery.state}
        if delivered:
            delivery.state = DeliveryState.ACCEPTED
            delivery.accepted_at = delivery.accepted_at or timezone.now()
        else:
            delivery.state = DeliveryState.RETRYING
            delivery.next_attempt_at = timezone.now()
        delivery.evidence = {**delivery.evidence, "settled_by": actor.get_username(), "note": note}
        delivery.save()
        audit.log(
            "notice_outcome_settled",
            notice,
            actor=actor,
            before=before,
            after={"state": delivery.state, "note": note},
        )
        if not delivered:
            dispatch._enqueue(delivery.pk)
    return delivery


def send_again(notice: Notice, actor: Any) -> Delivery:
    """After a failure or bounce was fixed (e.g. the server is back): the same bytes again."""
    require(actor, Action.SEND_NOTICE)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(no_key=True).get(notice=notice)
        if delivery.state not in (DeliveryState.FAILED, DeliveryState.BOUNCED):
            raise NoticeError(_("Only a failed or bounced notice can be sent again."))
        before = {"state": delivery.state}
        delivery.state = DeliveryState.RETRYING
        delivery.next_attempt_at = timezone.now()
        delivery.save()
        audit.log(
            "notice_requeued", notice, actor=actor, before=before, after={"state": "retrying"}
        )
        dispatch._enqueue(delivery.pk)
    return delivery


# --------------------------------------------------------- earlier archive


@dataclass(frozen=True)
class HistoricalMail:
    """A notice found in an earlier archive: mail we sent to a platform before FlagDesk (or
    from another tool), with the exact bytes and the Message-ID it went out under."""

    raw: bytes
    message_id: str
    sender_name: str
    sender_email: str
    recipient: str
    subject: str
    body: str
    sent_at: dt.datetime


def approved_decision(case: Case) -> Decision | None:
    """The case's latest approved deploy decision: what an imported notice was sent under."""
    return (
        Decision.objects.filter(case=case, status=DecisionStatus.APPROVED, outcome=Outcome.DEPLOY)
        .order_by("-reviewed_at", "-pk")
        .first()
    )


def record_historical_notice(case: Case, mail: HistoricalMail, *, source: str) -> Notice:
    """Record a notice that was sent before FlagDesk knew of it, from an imported archive.

    It is frozen as sent (``raw`` the original bytes, ``message_id`` its own Message-ID, so
    answers thread to it; sent at its Date header) with a delivery marked accepted on the
    archive's word, not by a send: nothing is queued and no attempt is recorded. The first
    such notice of a decision takes the place of the unsent draft approval made; a later
    one is a follow-up of the latest sent notice of that decision. Audited
    (``notice_imported``).

    :raises NoticeError: without an approved deploy decision, or when a notice with this
        Message-ID exists already.
    """
    decision = approved_decision(case)
    if decision is None:
        raise NoticeError(_("The case has no approved decision to deploy."))
    with transaction.atomic():
        if Notice.objects.filter(message_id=mail.message_id).exists():
            raise NoticeError(_("A notice with this Message-ID exists already."))
        notice = _historical_notice_row(case, decision, mail)
        before = _snapshot(notice) if notice.pk else None
        _fill_historical(notice, mail)
        notice.save()
        Delivery.objects.create(
            notice=notice,
            state=DeliveryState.ACCEPTED,
            accepted_at=mail.sent_at,
            server_reply=_("Imported from an earlier archive; not sent by FlagDesk."),
            evidence={"imported": source[:200]},
        )
        audit.log(
            "notice_imported",
            notice,
            actor=source,
            before=before,
            after={**_snapshot(notice), "sha256": notice.raw_sha256, "sent_at": _iso(mail.sent_at)},
        )
    return notice


def _historical_notice_row(case: Case, decision: Decision, mail: HistoricalMail) -> Notice:
    """The unsent first draft of the decision if there is one, else a new notice (the
    first, or a follow-up of the decision's latest sent notice)."""
    first = (
        Notice.objects.select_for_update(no_key=True)
        .filter(decision=decision, follows__isnull=True)
        .first()
    )
    if first is not None and first.status == NoticeStatus.DRAFT:
        return first
    earlier = (
        Notice.objects.filter(decision=decision, status=NoticeStatus.FROZEN)
        .order_by("-frozen_at", "-pk")
        .first()
    )
    return Notice(
        case=case,
        decision=decision,
        platform=case.platform,
        follows=earlier,
        language=case.platform.channel_language or "en",
    )


def _fill_historical(notice: Notice, mail: HistoricalMail) -> None:
    notice.status = NoticeStatus.FROZEN
    notice.channel_kind = "email"
    notice.recipient = mail.recipient[:300]
    notice.subject = " ".join(mail.subject.split())[:300]
    notice.body = mail.body
    notice.message_id = mail.message_id
    notice.sender_name = mail.sender_name[:200]
    notice.sender_email = mail.sender_email[:254]
    notice.raw = mail.raw
    notice.raw_sha256 = compose.sha256(mail.raw)
    notice.frozen_at = mail.sent_at
    notice.frozen_by = None


# ------------------------------------------------------------ stuck notices

STUCK_NO_TASK = "no_task"
STUCK_NO_PROGRESS = "no_progress"


@dataclass(frozen=True)
class StuckNotice:
    """An e-mail notice waiting to be sent that nothing will send: no task exists for it
    (a task that failed, a lost enqueue), or it has been due for longer than
    FLAGDESK_NOTICE_STUCK_AFTER without a worker taking it."""

    delivery: Delivery
    reason: str

    @property
    def notice(self) -> Notice:
        return self.delivery.notice

    @property
    def explanation(self) -> str:
        if self.reason == STUCK_NO_TASK:
            return str(_("No task will send it (an earlier attempt failed unexpectedly)."))
        return str(_("It has been due for a while and no worker took it."))


WAITING = (DeliveryState.QUEUED, DeliveryState.RETRYING)


def _waiting_email_deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.filter(state__in=WAITING, notice__channel_kind="email")


def _deliveries_with_a_task() -> set[int]:
    """The deliveries a task is waiting or running for (few: only unsent notices)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from flagdesk.notices.tasks import deliver_notice

    rows = DBTaskResult.objects.filter(
        task_path=deliver_notice.module_path,
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
    ).values_list("args_kwargs", flat=True)
    return {int(row["args"][0]) for row in rows if row.get("args")}


def _stuck_reason(delivery: Delivery, with_task: set[int], now: dt.datetime) -> str | None:
    if delivery.pk not in with_task:
        return STUCK_NO_TASK
    limit = now - dt.timedelta(seconds=settings.NOTICE_STUCK_AFTER)
    if delivery.next_attempt_at is not None and delivery.next_attempt_at <= limit:
        return STUCK_NO_PROGRESS
    return None


def stuck_notices(now: dt.datetime | None = None, case: Any = None) -> list[StuckNotice]:
    """Every stuck notice (of ``case`` only, when given), oldest first; cheap when nothing
    waits (one query)."""
    now = now or timezone.now()
    deliveries = _waiting_email_deliveries()
    if case is not None:
        deliveries = deliveries.filter(notice__case=case)
    waiting = list(
        deliveries.select_related("notice__case", "notice__platform").order_by(
            "next_attempt_at", "pk"
        )
    )
    return _stuck_of(waiting, now)


def stuck_among(notices: Iterable[Notice], now: dt.datetime | None = None) -> list[StuckNotice]:
    """:func:`stuck_notices` among ``notices`` read with their delivery (the case page's):
    no query unless one of them waits to be sent."""
    waiting = []
    for notice in notices:
        # A notice without a delivery (a draft) has none: Django raises an AttributeError.
        delivery = getattr(notice, "delivery", None)
        if delivery is not None and notice.channel_kind == "email" and delivery.state in WAITING:
            waiting.append(delivery)
    return _stuck_of(waiting, now or timezone.now())


def _stuck_of(waiting: list[Delivery], now: dt.datetime) -> list[StuckNotice]:
    if not waiting:
        return []
    with_task = _deliveries_with_a_task()
    found = [(d, _stuck_reason(d, with_task, now)) for d in waiting]
    return [StuckNotice(d, reason) for d, reason in found if reason]


def stuck_notice_ids(now: dt.datetime | None = None) -> set[int]:
    return {stuck.notice.pk for stuck in stuck_notices(now)}


def warn_stuck(now: dt.datetime | None = None) -> list[int]:
    """Log each stuck notice once per FLAGDESK_NOTICE_STUCK_AFTER, whichever worker's
    upkeep gets there first (a conditional update on the delivery claims the warning).
    Returns the notice ids warned about now."""
    now = now or timezone.now()
    interval = dt.timedelta(seconds=settings.NOTICE_STUCK_AFTER)
    warned = []
    for stuck in stuck_notices(now):
        claimed = (
            Delivery.objects.filter(pk=stuck.delivery.pk)
            .filter(Q(stuck_warned_at__isnull=True) | Q(stuck_warned_at__lte=now - interval))
            .update(stuck_warned_at=now)
        )
        if claimed:
            logger.warning(
                "notice %s is stuck (%s): queue it again from the case page or with "
                "`flagdesk notices requeue %s` once the cause is fixed",
                stuck.notice.pk,
                stuck.reason,
                stuck.notice.pk,
            )
            warned.append(stuck.notice.pk)
    return warned


def requeue_stuck(notice: Notice, actor: Any) -> Delivery:
    """Queue a stuck notice again: the same frozen bytes, one new task. Idempotent: the
    delivery is locked and checked again, so a double click or two people at once queue it
    once; the claim in the worker sends it once even if two tasks existed."""
    if actor is not None:  # None: the operator's command line (`flagdesk notices requeue`)
        require(actor, Action.SEND_NOTICE)
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(no_key=True, of=("self",))
            .select_related("notice")
            .get(notice=notice)
        )
        now = timezone.now()
        reason = (
            _stuck_reason(delivery, _deliveries_with_a_task(), now)
            if delivery.state in (DeliveryState.QUEUED, DeliveryState.RETRYING)
            and delivery.notice.channel_kind == "email"
            else None
        )
        if reason is None:
            raise NoticeError(_("This notice is not stuck: it is sent or on its way."))
        before = {"state": delivery.state, "next_attempt_at": _iso(delivery.next_attempt_at)}
        delivery.next_attempt_at = now
        delivery.stuck_warned_at = None
        delivery.save(update_fields=["next_attempt_at", "stuck_warned_at", "updated_at"])
        audit.log(
            "notice_stuck_requeued",
            delivery.notice,
            actor=actor,
            before=before,
            after={"state": delivery.state, "reason": reason, "next_attempt_at": _iso(now)},
        )
        dispatch._enqueue(delivery.pk)
    logger.info("notice %s queued again (it was stuck: %s)", notice.pk, reason)
    return delivery


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def remind_unacknowledged(now: dt.datetime | None = None) -> list[Notice]:
    """Mark notices whose acknowledgment clock ran out (the platform's own service level or
    the default, tighter on election day: ``notices/clocks.py``); their owners see a
    reminder. The ``notice_reminder`` event has the shape of the other stages'
    ``reminder_due`` (stage, threshold_minutes, since), so one mapping reads both."""
    now = now or timezone.now()
    waiting = Notice.objects.filter(reminded_at__isnull=True)
    reminded = []
    due = clocks.earliest_due(Stage.ACKNOWLEDGMENT, now)
    for clock in clocks.acknowledgment_clocks(now, waiting, started_before=due):
        if not clock.reading.overdue or clock.notice is None:
            continue
        notice = clock.notice
        updated = Notice.objects.filter(pk=notice.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if updated:
            audit.log(
                "notice_reminder",
                notice,
                after={
                    **clocks.reminder_after(clock),
                    "waited_minutes": _minutes(clock.reading.elapsed),
                },
            )
            reminded.append(notice)
    return reminded


def reminder_after(notice: Notice, now: dt.datetime) -> dt.timedelta:
    """How long this notice may wait for its acknowledgment at ``now``."""
    minutes = clocks.threshold_for(Stage.ACKNOWLEDGMENT, notice.platform, notice.case.election, now)
    return dt.timedelta(minutes=minutes)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


# ------------------------------------------------------------------ reading


def notices_for_case(case: Case) -> list[Notice]:
    return list(
        Notice.objects.filter(case=case)
        .select_related("delivery", "platform", "template_version")
        .order_by("created_at", "pk")
    )


def by_message_ids(message_ids: list[str]) -> dict[str, Notice]:
    """Our notices among these Message-IDs, whatever their format: a notice's own and the
    other Message-IDs recorded for it (``record_message_ids``). One query (a reply names
    several), a second only when a notice was found under another of its IDs."""
    wanted = list(dict.fromkeys(m.strip() for m in message_ids if m and m.strip()))
    wanted = [m for m in wanted if len(m) <= MAX_MESSAGE_ID_CHARS][:MAX_LOOKUP_IDS]
    if not wanted:
        return {}
    extra = NoticeMessageId.objects.filter(message_id__in=wanted).values("notice_id")
    found = (
        Notice.objects.filter(Q(message_id__in=wanted) | Q(pk__in=extra))
        .select_related("case", "delivery", "platform")
        .order_by()
    )
    by_id = {notice.message_id: notice for notice in found}
    missing = {n.pk: n for n in by_id.values() if n.message_id not in wanted}
    if missing:
        for row in NoticeMessageId.objects.filter(message_id__in=wanted, notice_id__in=missing):
            by_id[row.message_id] = missing[row.notice_id]
    return {m: n for m, n in by_id.items() if m in wanted}


# Message-IDs longer than the column cannot be ours; a reply may name a hundred.
MAX_MESSAGE_ID_CHARS = 250
MAX_LOOKUP_IDS = 200


def message_ids_of(notice: Notice) -> set[str]:
    """Every Message-ID the notice went out under."""
    extra = NoticeMessageId.objects.filter(notice=notice).values_list("message_id", flat=True)
    return {notice.message_id, *extra}


def record_message_ids(notice: Notice, message_ids: Collection[str], *, source: str) -> list[str]:
    """Record other Message-IDs the notice carried (an earlier tool's, or from before the
    sending domain changed), so that answers to them thread to it. A Message-ID already
    recorded for this notice is skipped; one that belongs to another notice raises
    ``NoticeError`` (an answer must never find two notices). Audited.

    :returns: the Message-IDs newly recorded.
    """
    wanted = [m.strip() for m in message_ids if m and m.strip()]
    if any(not (m.startswith("<") and m.endswith(">")) or len(m) > 250 for m in wanted):
        raise NoticeError(_("A Message-ID is written <id@host>, at most 250 characters."))
    with transaction.atomic():
        known = by_message_ids(wanted)
        taken = sorted(m for m, other in known.items() if other.pk != notice.pk)
        if taken:
            raise NoticeError(_("Message-ID of another notice: %s") % ", ".join(taken))
        new = [m for m in dict.fromkeys(wanted) if m not in known]
        NoticeMessageId.objects.bulk_create(
            NoticeMessageId(notice=notice, message_id=m, source=source[:100]) for m in new
        )
        if new:
            audit.log(
                "notice_message_ids_recorded", notice, after={"message_ids": new, "source": source}
            )
    return new


def by_portal_reference(references: list[str]) -> Notice | None:
    """A portal notice the operator recorded with one of these platform references."""
    if not references:
        return None
    return (
        Notice.objects.filter(portal_reference__in=references)
        .select_related("case")
        .order_by("-pk")
        .first()
    )


def sent_notices_for_case_reference(reference: str) -> list[Notice]:
    return list(
        Notice.objects.filter(case__reference=reference, status=NoticeStatus.FROZEN).order_by(
            "-frozen_at"
        )
    )


def waiting_to_send() -> int:
    """E-mail notices queued or retrying: what a worker still has to send."""
    return Delivery.objects.filter(
        state__in=(DeliveryState.QUEUED, DeliveryState.RETRYING, DeliveryState.SENDING),
        notice__channel_kind="email",
    ).count()


def problems() -> QuerySet[Delivery]:
    """Deliveries that need a person now: failed, bounced, outcome unknown."""
    return (
        Delivery.objects.filter(state__in=PROBLEM_STATES)
        .select_related("notice__case", "notice__platform")
        .order_by("-updated_at")
    )


def reminders_for(user: Any) -> list[Notice]:
    return list(
        Notice.objects.filter(
            reminded_at__isnull=False, acknowledged_at__isnull=True, decision__decided_by=user
        ).select_related("case", "platform")
    )


def time_to_acknowledgment(notice: Notice) -> dt.timedelta | None:
    delivery = getattr(notice, "delivery", None)
    if notice.acknowledged_at is None or delivery is None or delivery.accepted_at is None:
        return None
    return max(notice.acknowledged_at - delivery.accepted_at, dt.timedelta(0))


@dataclass(frozen=True)
class AckStats:
    platform: str
    notices: int
    acknowledged: int
    median_seconds: float | None
    max_seconds: float | None


def acknowledgment_stats(election: Any = None) -> list[AckStats]:
    """Time to acknowledgment per platform (first notices only), for the dashboard and report."""
    query = Notice.objects.filter(
        follows__isnull=True, delivery__state__in=DELIVERED_STATES
    ).select_related("delivery", "platform")
    if election is not None:
        query = query.filter(case__election=election)
    per_platform: dict[str, list[float | None]] = defaultdict(list)
    for notice in query:
        waited = time_to_acknowledgment(notice)
        per_platform[notice.platform.name].append(waited.total_seconds() if waited else None)
    stats = []
    for name, values in sorted(per_platform.items()):
        known = [v for v in values if v is not None]
        stats.append(
            AckStats(
                platform=name,
                notices=len(values),
                acknowledged=len(known),
                median_seconds=median(known) if known else None,
                max_seconds=max(known) if known else None,
            )
        )
    return stats


def _snapshot(notice: Notice) -> dict[str, Any]:
    return {
        "case": notice.case.reference,
        "to": notice.recipient,
        "channel": notice.channel_kind,
        "subject": notice.subject,
        "body": notice.body,
        "message_id": notice.message_id,
        "in_reply_to": notice.in_reply_to,
        "template": notice.template_name,
        "template_version": notice.template_version.version if notice.template_version else None,
    }


# ------------------------------------------------------------ templates


class TemplateError(NoticeError):
    """A template version cannot be saved or activated (shown to the administrator)."""


@dataclass(frozen=True)
class TemplateCheck:
    """What saving a text would give: refused with a reason, or the names it uses that the
    notice's facts do not have (they would render as nothing)."""

    refused: str = ""
    missing: tuple[str, ...] = ()


def check_template_text(text: str) -> TemplateCheck:
    """Compile the text with the restricted engine and render it with sample facts."""
    try:
        _rendered, missing = template_store.render_text(
            text, compose.template_context(compose.SAMPLE_FACTS)
        )
    except template_store.TemplateRefused as exc:
        return TemplateCheck(refused=str(exc))
    return TemplateCheck(missing=missing)


def save_template_version(name: str, text: str, note: str, actor: Any) -> NoticeTemplateVersion:
    """Store ``text`` as the next version of template ``name`` and make it the active one.
    Notices already drafted or sent keep their text: they store it."""
    _require_admin(actor)
    name, note, text = name.strip(), " ".join(note.split()), text.replace("\r\n", "\n")
    if not template_store.NAME_PATTERN.match(name):
        raise TemplateError(_("This is not a notice template name."))
    if not note:
        raise TemplateError(_("Say what you changed and why in the note."))
    check = check_template_text(text)
    if check.refused:
        raise TemplateError(_("The template was not saved: %(why)s") % {"why": check.refused})
    try:
        with transaction.atomic():
            before = _active_version_number(name)
            NoticeTemplateVersion.objects.filter(name=name, active=True).update(active=False)
            last = NoticeTemplateVersion.objects.filter(name=name).order_by("-version").first()
            version = NoticeTemplateVersion.objects.create(
                name=name,
                version=(last.version + 1) if last else 1,
                text=text,
                note=note[:500],
                active=True,
                created_by=_user_or_none(actor),
            )
            audit.log(
                "notice_template_saved",
                version,
                actor=_user_or_none(actor),
                before={"active_version": before},
                after=_template_snapshot(version),
            )
    except IntegrityError as exc:
        raise TemplateError(
            _("Someone else saved this template meanwhile. Reload the page and try again.")
        ) from exc
    return version


def activate_template_version(version: NoticeTemplateVersion, actor: Any) -> NoticeTemplateVersion:
    """Make an earlier version the one in use again (a revert); audited."""
    _require_admin(actor)
    with transaction.atomic():
        before = _active_version_number(version.name)
        NoticeTemplateVersion.objects.filter(name=version.name, active=True).update(active=False)
        NoticeTemplateVersion.objects.filter(pk=version.pk).update(active=True)
        version.refresh_from_db()
        audit.log(
            "notice_template_activated",
            version,
            actor=_user_or_none(actor),
            before={"active_version": before},
            after={"name": version.name, "active_version": version.version},
        )
    return version


def use_file_template(name: str, actor: Any) -> None:
    """Back to the file template shipped with FlagDesk: no version of ``name`` is active
    (they are all kept)."""
    _require_admin(actor)
    if template_store.file_text(name) is None:
        raise TemplateError(_("There is no file template of this name to go back to."))
    with transaction.atomic():
        before = _active_version_number(name)
        if before is None:
            raise TemplateError(_("The file template is already in use."))
        NoticeTemplateVersion.objects.filter(name=name, active=True).update(active=False)
        audit.log(
            "notice_template_file_restored",
            ("notice_template", name),
            actor=_user_or_none(actor),
            before={"active_version": before},
            after={"name": name, "active_version": None},
        )


@dataclass(frozen=True)
class TemplatePreview:
    text: str
    missing: tuple[str, ...] = ()
    refused: str = ""


def preview_template(text: str, decision: Decision, name: str = "") -> TemplatePreview:
    """``text`` rendered with the real facts of ``decision``'s case, as its notice would
    be drafted now, in the language and for the channel the template ``name`` is for
    (``notice.<kind>[.<platform>][.portal].<language>.txt``). Stores nothing."""
    sender = sender_of(decision.decided_by)
    language = "nl" if name.endswith(".nl.txt") else "en"
    channel = "portal" if ".portal." in name else decision.case.platform.channel_kind
    facts = facts_for(decision.case, decision, sender, language, channel_kind=channel)
    context = compose.template_context(facts, language)
    try:
        rendered, missing = template_store.render_text(text, context)
    except template_store.TemplateRefused as exc:
        return TemplatePreview(text="", refused=str(exc))
    return TemplatePreview(text=compose.tidy(rendered), missing=missing)


def _require_admin(actor: Any) -> None:
    if actor is not None:  # None: the operator's command line (`flagdesk notice-template`)
        require(actor, Action.ADMINISTER)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _active_version_number(name: str) -> int | None:
    return (
        NoticeTemplateVersion.objects.filter(name=name, active=True)
        .values_list("version", flat=True)
        .first()
    )


def _template_snapshot(version: NoticeTemplateVersion) -> dict[str, Any]:
    return {
        "name": version.name,
        "version": version.version,
        "note": version.note,
        "text": version.text,
        "sha256": hashlib.sha256(version.text.encode("utf-8")).hexdigest(),
    }


# ------------------------------------------------------------- retention


def delete_portal_confirmations(
    before: dt.date, *, dry_run: bool = False, keep_elections: Collection[int] = ()
) -> dict[str, int]:
    """Delete the uploaded portal confirmations of notices on cases of elections whose
    attention window ended before ``before``, except ``keep_elections`` (not yet exported to
    the archive). The notice keeps the platform's reference and
    the time of submission. Called by ``records.service`` inside its transaction; the files
    go before it commits (a failed commit leaves the rows due for the next run).

    :returns: ``{"files": n, "bytes": total size}``.
    """
    notices = (
        Notice.objects.filter(case__election__attention_end__lt=before)
        .exclude(portal_confirmation="")
        .exclude(case__election_id__in=list(keep_elections))
    )
    found = list(notices.values_list("pk", "portal_confirmation"))
    storage = Notice._meta.get_field("portal_confirmation").storage
    size = sum(storage.size(name) for _pk, name in found if storage.exists(name))
    if dry_run or not found:
        return {"files": len(found), "bytes": size}
    Notice.objects.filter(pk__in=[pk for pk, _name in found]).update(portal_confirmation="")
    for _pk, name in found:
        storage.delete(name)
    return {"files": len(found), "bytes": size}

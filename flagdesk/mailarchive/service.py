# SPDX-License-Identifier: EUPL-1.2
"""Public API of the mail archive: import a raw message, watch the mailbox, attach by hand.

Import is idempotent (the SHA-256 of the raw bytes is unique), so the IMAP watcher may
deliver a message twice after a crash without it being archived twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.audit import service as audit
from flagdesk.core import workers
from flagdesk.core.storage import write_once
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.models import Case
from flagdesk.mailarchive import trust
from flagdesk.mailarchive.classify import Context as ClassifyContext
from flagdesk.mailarchive.classify import classify, is_delay
from flagdesk.mailarchive.matching import (
    ANY_PLATFORM_PATTERNS,
    case_references,
    platform_references,
    quoted_message_ids,
    returned_message_ids,
)
from flagdesk.mailarchive.models import (
    AuthResult,
    Confirmation,
    Kind,
    LinkStrength,
    MailAttachment,
    MailboxCursor,
    MailMessage,
    MatchMethod,
    PlatformReference,
    SenderKind,
)
from flagdesk.mailarchive.parsing import ParsedMail, parse_message
from flagdesk.notices import selectors as notice_reads
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.platforms import service as platforms

logger = logging.getLogger("flagdesk.mailarchive")

MIB = 1024 * 1024
# The mailbox recorded on mail brought in by `flagdesk import-mail` ("import CODE: path").
IMPORTED_MAILBOX = "import "


class ArchiveError(Exception):
    """Shown to the user."""


# -------------------------------------------------------------- storage


def archive_root() -> Path:
    return Path(settings.DATA_DIR) / "mail"


def _content_path(digest: str, suffix: str) -> Path:
    return archive_root() / digest[:2] / digest[2:4] / f"{digest}{suffix}"


def store_bytes(data: bytes, suffix: str) -> str:
    """Write once, under the hash of the content; returns the path relative to the archive."""
    digest = hashlib.sha256(data).hexdigest()
    path = _content_path(digest, suffix)
    batch = _batch_state()
    if write_once(path, data, sync=batch is None) and batch is not None:
        batch.unsynced = True  # one sync for the batch, before its commit
    return str(path.relative_to(archive_root()))


@dataclass
class _BatchState:
    unsynced: bool = False
    cursor: tuple[DatabaseCursor, int, int] | None = None


_batch = threading.local()


def _batch_state() -> _BatchState | None:
    state: _BatchState | None = getattr(_batch, "state", None)
    return state


def raw_removed(message: MailMessage) -> bool:
    """Whether the original was removed under retention (the row and its text stay)."""
    return not message.raw_path


def read_raw(message: MailMessage) -> bytes:
    if raw_removed(message):
        raise ArchiveError(_("The original message was removed under the retention policy."))
    return (archive_root() / message.raw_path).read_bytes()


def read_attachment(attachment: MailAttachment) -> bytes:
    if not attachment.path:
        if raw_removed(attachment.message):
            raise ArchiveError(_("This attachment was removed under the retention policy."))
        raise ArchiveError(_("This attachment was too large to keep."))
    return (archive_root() / attachment.path).read_bytes()


# --------------------------------------------------------------- import


@dataclass(frozen=True)
class Match:
    notice: Notice | None
    case: Case | None
    method: str
    reasons: tuple[trust.Reason, ...] = ()
    ticket_platform: str = ""
    """For a match by a platform's ticket number: the platform that number belongs to."""
    id_in_report: bool = False
    """Whether the notice's Message-ID is in the report's original (a DSN's or MDN's)."""
    candidates: tuple[str, ...] = ()
    """For evidence pointing at several cases: their references (nothing is linked)."""


# Tests give the DKIM check a resolver of their own (dkim.verify's dnsfunc); None: real DNS.
DKIM_DNSFUNC: trust.DnsFunc | None = None


def import_raw(
    raw: bytes, *, mailbox: str = "", uid: int | None = None, election_id: int | None = None
) -> MailMessage:
    """Archive one message (idempotent) and let it act: acknowledgment, bounce, evidence.

    With ``election_id`` (an import of one election's earlier archive) it is linked only to
    a case of that election; a match elsewhere leaves it unmatched, for a person to judge."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = next(iter(MailMessage.objects.filter(sha256=digest).order_by()[:1]), None)
    if existing is not None:
        return existing
    parsed = parse_message(raw, max_part_bytes=settings.MAIL_MAX_PART_MB * MIB)
    raw_path = store_bytes(raw, ".eml")
    attachment_paths = [
        store_bytes(part.payload, ".bin") if part.payload is not None else ""
        for part in parsed.attachments
    ]
    in_batch = connection.in_atomic_block
    try:
        # No savepoint inside an import batch: it would cost two statements per message, and
        # a failing message fails its whole batch anyway (which is then read again).
        with transaction.atomic(savepoint=False):
            return _archive(
                parsed,
                raw,
                digest,
                raw_path,
                attachment_paths,
                mailbox=mailbox,
                uid=uid,
                election_id=election_id,
            )
    except IntegrityError:
        if in_batch:
            raise
        # Another worker archived the same bytes a moment ago.
        return MailMessage.objects.get(sha256=digest)


def archive_unparsed(raw: bytes, *, mailbox: str, why: str) -> MailMessage:
    """Keep a message that ``import_raw`` could not take (its parsing or matching failed):
    the raw bytes under their hash, a row without a case, on the unmatched list, the failure
    in ``defects``. Nothing acts on it. Idempotent like ``import_raw``."""
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        existing = MailMessage.objects.filter(sha256=digest).first()
        if existing is not None:
            return existing
        message = MailMessage.objects.create(
            sha256=digest,
            size=len(raw),
            raw_path=store_bytes(raw, ".eml"),
            mailbox=mailbox[:300],
            archived_at=timezone.now(),
            kind=Kind.REPLY,
            defects=["unparsed", why[:500]],
            match_method=MatchMethod.UNMATCHED,
        )
        audit.log(
            "mail_archived",
            message,
            after={"sha256": digest, "kind": message.kind, "match": "unmatched", "unparsed": why},
        )
    return message


@dataclass(frozen=True)
class Assessment:
    sender: trust.Sender
    auth: trust.Authentication
    verdict: trust.Verdict


def assess(parsed: ParsedMail, raw: bytes, match: Match, kind: str) -> Assessment:
    """The sender, its authentication and whether the mail may act on its notice."""
    domains = platforms.mail_domains()
    fields = trust.header_fields(raw)
    return_paths = [value for name, value in fields if name == "return-path"]
    sender = trust.assess_sender(
        parsed.from_address,
        from_name=parsed.from_name,
        return_path=return_paths[0] if return_paths else None,
        platforms=domains,
        own_domains=[*own_domains(), *_sent_from(match)],
    )
    auth = _authentication(raw, fields, sender, domains.get(sender.platform, []))
    notice = match.notice
    verdict = trust.decide(
        method=match.method,
        kind=kind,
        sender=sender,
        auth=auth,
        notice_platform=notice.platform.slug if notice is not None else "",
        our_id_in_report=match.id_in_report,
        ticket_platform=match.ticket_platform,
        link_reasons=match.reasons,
    )
    return Assessment(sender, auth, verdict)


def _sent_from(match: Match) -> list[str]:
    """For our own archive copy: the domain the notice really went out from (its frozen From
    header; FLAGDESK_FROM_EMAIL may have changed since)."""
    if match.method != MatchMethod.OWN_MESSAGE_ID or match.notice is None:
        return []
    raw = bytes(match.notice.raw or b"")
    senders = [value for name, value in trust.header_fields(raw) if name == "from"]
    addresses = getaddresses(senders[:1])
    return [trust.domain_of(address) for _name, address in addresses if address]


def written_by_us(raw: bytes, from_address: str) -> bool:
    """Whether a message From one of our own domains may be taken for ours: a copy that never
    crossed a mail server (no Received header: the Sent folder), or one our own receiving
    server authenticated for our domain (the archive BCC). Anyone can write our address in
    From; a forged one arrives through our server and fails or lacks that check."""
    domain = trust.domain_of(from_address)
    if not domain or domain not in {d.lower() for d in own_domains()}:
        return False
    fields = trust.header_fields(raw)
    if not any(name == "received" for name, _value in fields):
        return True
    results, ignored = trust.trusted_results(
        fields, settings.MAIL_AUTHSERV_IDS, settings.MAIL_AUTHSERV_MAX_HOPS
    )
    return trust.authentication(results, domain, [], ignored).result == trust.AuthResult.PASS


def own_domains() -> list[str]:
    addresses = [settings.FROM_EMAIL, settings.ARCHIVE_BCC]
    found = [trust.domain_of(a) for a in addresses if a]
    return [d for d in (*found, *settings.ORGANISATION_DOMAINS) if d]


def _authentication(
    raw: bytes, fields: list[tuple[str, str]], sender: trust.Sender, platform_domains: list[str]
) -> trust.Authentication:
    results, ignored = trust.trusted_results(
        fields, settings.MAIL_AUTHSERV_IDS, settings.MAIL_AUTHSERV_MAX_HOPS
    )
    server = trust.authentication(results, sender.domain, platform_domains, ignored)
    local = None
    if settings.MAIL_VERIFY_DKIM and sender.domain:
        local = trust.verify_dkim(raw, sender.domain, platform_domains, DKIM_DNSFUNC)
    return trust.combine(server, local)


def _archive(
    parsed: ParsedMail,
    raw: bytes,
    digest: str,
    raw_path: str,
    attachment_paths: list[str],
    *,
    mailbox: str,
    uid: int | None,
    election_id: int | None = None,
) -> MailMessage:
    now = timezone.now()
    match = _within_election(match_message(parsed), election_id)
    kind, reasons = _kind_of(parsed, match)
    assessment = assess(parsed, raw, match, kind)
    if kind == Kind.OWN_COPY and not assessment.verdict.acts:
        # Our Message-ID, but not our copy: read it like any other mail.
        kind, reasons = _kind_of(parsed, replace(match, method=MatchMethod.THREAD))
    message = MailMessage.objects.create(
        sha256=digest,
        size=len(raw),
        raw_path=raw_path,
        mailbox=mailbox[:300],
        uid=uid,
        message_id=parsed.message_id[:998],
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        subject=parsed.subject,
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:300],
        to=", ".join(parsed.to),
        date=parsed.date,
        archived_at=now,
        kind=kind,
        kind_reasons=reasons,
        text=parsed.text,
        html=parsed.html,
        defects=list(parsed.defects),
        case=match.case,
        notice=match.notice,
        match_method=match.method,
        link_candidates=list(match.candidates),
        **_trust_fields(assessment, linked=match.case is not None or match.notice is not None),
    )
    MailAttachment.objects.bulk_create(
        MailAttachment(
            message=message,
            filename=part.filename[:255],
            content_type=part.content_type[:255],
            size=part.size,
            sha256=part.sha256,
            path=path,
            truncated=part.truncated,
        )
        for part, path in zip(parsed.attachments, attachment_paths, strict=True)
    )
    audit.log(
        "mail_archived",
        message,
        after={
            "sha256": digest,
            "kind": kind,
            "case": match.case.reference if match.case else None,
            "match": match.method,
            "sender": message.sender_kind,
            "authentication": message.auth_result,
            "link": message.link_strength,
            "confirmation": message.confirmation,
            "reasons": message.trust_reasons,
            **({"candidates": list(match.candidates)} if match.candidates else {}),
        },
    )
    if match.notice is not None and assessment.verdict.acts:
        _remember_platform_references(message, parsed, assessment)
        _act_on_notice(message, match.notice, permanent=True)
    return message


def _within_election(match: Match, election_id: int | None) -> Match:
    if election_id is None or match.case is None or match.case.election_id == election_id:
        return match
    return Match(None, None, MatchMethod.UNMATCHED)


def _kind_of(parsed: ParsedMail, match: Match) -> tuple[str, list[str]]:
    if match.method == MatchMethod.OWN_MESSAGE_ID:
        return Kind.OWN_COPY, ["own_message_id"]
    report = classify(parsed, context=_context(match))
    return Kind(str(report.kind)), [str(r) for r in report.reasons]


def _context(match: Match) -> ClassifyContext:
    notice = match.notice
    # Without a notice there is nothing to acknowledge: only receipt wording makes an
    # acknowledgment then, not "the first answer".
    return ClassifyContext(
        ack_already_recorded=notice is None or notice.acknowledged_at is not None,
        linked=match.case is not None or notice is not None,
        own_domains=tuple(own_domains()),
        our_recipients=_recipients_of(notice),
    )


def _recipients_of(notice: Notice | None) -> tuple[str, ...]:
    if notice is None:
        return ()
    return tuple(address for _name, address in getaddresses([notice.recipient]) if address)


def _trust_fields(assessment: Assessment, *, linked: bool) -> dict[str, Any]:
    sender, auth, verdict = assessment.sender, assessment.auth, assessment.verdict
    reasons = [*verdict.reasons, *sender.reasons, *auth.reasons]
    waits = linked and not verdict.acts
    return {
        "sender_domain": sender.domain[:253],
        "sender_platform": sender.platform,
        "sender_kind": SenderKind(str(sender.kind)),
        "auth_result": AuthResult(str(auth.result)),
        "auth_method": auth.method,
        "link_strength": LinkStrength(str(verdict.link_strength)),
        "trust_reasons": [str(r) for r in dict.fromkeys(reasons)],
        "confirmation": Confirmation.PENDING if waits else Confirmation.NOT_NEEDED,
    }


def mail_actor(message: MailMessage) -> str:
    """The audit log's actor for what a message changes by itself: ``"mail: <from address>"``,
    like the other non-person actors (``"flagdesk import-mail"``, ``"oidc"``), so the case's
    timeline says the platform's mail did it and not an unnamed "system". The address is the
    message's own claim; its trust assessment is on the ``mail_archived`` event."""
    address = "".join(c for c in message.from_address if c.isprintable()).strip()
    return f"mail: {address or 'unknown sender'}"[:200]


def _act_on_notice(
    message: MailMessage, notice: Notice, *, permanent: bool, actor: Any = None
) -> None:
    """What a linked message does to its notice. ``actor``: the person who confirmed the
    message, whose decision made it count; else the message itself (:func:`mail_actor`)."""
    actor = actor or mail_actor(message)
    source = f"mail {message.message_id or message.sha256[:12]}"
    if message.confirmed_by_id is not None:
        source = f"{source} (confirmed by {message.confirmed_by})"
    if message.kind == Kind.OWN_COPY:
        notices.record_delivery_evidence(notice, _("archive copy received"), actor=actor)
    elif message.kind == Kind.BOUNCE:
        notices.record_bounce(notice, permanent=permanent, detail=message.text[:2000], actor=actor)
    elif is_delay(message.kind, message.kind_reasons):
        # Still on its way: noted on the delivery, no bounce and no proof of delivery.
        notices.record_bounce(notice, permanent=False, detail=message.text[:2000], actor=actor)
    elif message.kind == Kind.ACKNOWLEDGMENT:
        notices.record_acknowledgment(notice, acknowledged_at(message, notice), source, actor=actor)
    elif message.kind in PROVES_DELIVERY:
        # A read receipt, an out-of-office or a reply: the notice arrived, nothing more.
        notices.record_delivery_evidence(notice, source, actor=actor)


# Kinds of linked mail that show the notice reached the platform (besides acknowledgments).
PROVES_DELIVERY = (Kind.READ_RECEIPT, Kind.AUTO_REPLY, Kind.REPLY, Kind.DELIVERY_REPORT)


def acknowledged_at(message: MailMessage, notice: Notice) -> dt.datetime:
    """The Date the platform put on its answer, unless implausible (before our notice was
    frozen, or after we archived it); then the time we archived it."""
    date = message.date
    lower = notice.frozen_at or notice.created_at
    if message.mailbox.startswith(IMPORTED_MAILBOX) and date is not None and lower is not None:
        # From an earlier archive (flagdesk import-mail): archived long after it arrived, so
        # the archive time says nothing. Its Date, kept between our notice and the import.
        return min(max(date, lower), message.archived_at)
    if (
        date is None
        or lower is None
        or not (lower - dt.timedelta(minutes=2) <= date <= message.archived_at)
    ):
        return message.archived_at
    return max(date, lower)


def match_message(parsed: ParsedMail) -> Match:
    """Our own Message-ID, then the thread headers, then the report's original (the three
    secrets: strong evidence, ``trust.decide`` still weighs the sender). Else the weak
    evidence together: our Message-IDs quoted in the text (a quoted or forwarded original),
    case references in the subject and text, the sending platform's ticket numbers. When
    that points at one case it links (for a person to confirm); at several, nothing links and
    the message waits in the unmatched queue with ``ambiguous_link``."""
    thread = [parsed.in_reply_to, *reversed(parsed.references)]
    reported = list(parsed.report_original_ids)
    if not reported and _from_mail_system(parsed):
        # A bounce that returns our notice as text: its copy's Message-ID line is the
        # returned original (trust.decide still wants a mail system and no lookalike).
        reported = returned_message_ids(parsed.text)
    known = notices.by_message_ids([parsed.message_id, *thread, *reported])
    own = known.get(parsed.message_id.strip()) if parsed.message_id else None
    if own is not None:
        return Match(own, own.case, MatchMethod.OWN_MESSAGE_ID)
    for method, candidates in ((MatchMethod.THREAD, thread), (MatchMethod.REPORT, reported)):
        for candidate in candidates:
            notice = known.get(candidate.strip()) if candidate else None
            if notice is not None:
                in_report = any(known.get(i) == notice for i in reported)
                return Match(notice, notice.case, method, id_in_report=in_report)
    return _by_weak_evidence(parsed, [c for c in thread if c])


def _from_mail_system(parsed: ParsedMail) -> bool:
    local_part = parsed.from_address.rpartition("@")[0].lower()
    null_return_path = parsed.headers.get("return-path", "x").strip() in ("<>", "")
    return local_part in trust.DAEMON_LOCAL_PARTS or null_return_path


@dataclass(frozen=True)
class _Evidence:
    method: str
    case: Case
    notice: Notice | None
    reason: trust.Reason
    ticket_platform: str = ""


def _by_weak_evidence(parsed: ParsedMail, thread: list[str]) -> Match:
    found = [
        *_by_earlier_mail(thread),
        *_by_quoted_message_id(parsed),
        *_by_case_reference(parsed),
        *_by_platform_reference(parsed),
    ]
    if not found:
        return Match(None, None, MatchMethod.UNMATCHED)
    cases = {evidence.case.pk: evidence.case.reference for evidence in found}
    if len(cases) > 1:
        # Never a wrong case: a person picks (the candidates are in the audit event).
        return Match(
            None,
            None,
            MatchMethod.UNMATCHED,
            (trust.Reason.AMBIGUOUS_LINK,),
            candidates=tuple(sorted(cases.values())),
        )
    best = next((e for e in found if e.notice is not None), found[0])
    reasons = tuple(dict.fromkeys(e.reason for e in found))
    return Match(best.notice, best.case, best.method, reasons, best.ticket_platform)


def _by_earlier_mail(thread: list[str]) -> list[_Evidence]:
    """Notices of archived mail this one answers (a platform's answer to its own earlier
    answer, whose References no longer name our notice). Only trusted earlier mail counts,
    and only weakly: a chain of guesses must not become a strong link."""
    if not thread:
        return []
    earlier = (
        MailMessage.objects.filter(message_id__in=thread[:MAX_THREAD_LOOKUP], notice__isnull=False)
        .filter(_TRUSTED)
        .select_related("notice__case")
        .order_by("-pk")[:20]
    )
    reason = trust.Reason.ANSWERS_EARLIER_MAIL
    return [
        _Evidence(MatchMethod.EARLIER_MAIL, m.notice.case, m.notice, reason)
        for m in earlier
        if m.notice is not None
    ]


MAX_THREAD_LOOKUP = 100


def _by_quoted_message_id(parsed: ParsedMail) -> list[_Evidence]:
    """Our notices whose Message-ID is written in the text: anyone can type it there, so it
    is weak evidence (the thread headers are where a mail program puts it)."""
    ids = quoted_message_ids(parsed.text)
    known = notices.by_message_ids(ids) if ids else {}
    return [
        _Evidence(MatchMethod.QUOTED_ORIGINAL, n.case, n, trust.Reason.OUR_ID_IN_TEXT)
        for n in dict.fromkeys(known.values())
    ]


def _by_case_reference(parsed: ParsedMail) -> list[_Evidence]:
    places = (
        (trust.Reason.CASE_REFERENCE_SUBJECT, parsed.subject),
        (trust.Reason.CASE_REFERENCE_BODY, parsed.text[:20_000]),
    )
    found = []
    for reason, text in places:
        for reference in case_references(text)[:MAX_CASE_REFERENCES]:
            sent = notices.sent_notices_for_case_reference(reference)
            case = sent[0].case if sent else case_reads.case_by_reference(reference)
            if case is not None:
                notice = sent[0] if sent else None
                found.append(_Evidence(MatchMethod.CASE_REFERENCE, case, notice, reason))
    return found


# A mail naming more case references than this is a list or digest, not an answer.
MAX_CASE_REFERENCES = 10


def _platform_references(parsed: ParsedMail) -> list[tuple[str, str]]:
    """The ticket numbers in the platforms' own formats, for learning."""
    return platform_references(f"{parsed.subject}\n{parsed.text[:20_000]}")


def _ticket_candidates(parsed: ParsedMail) -> list[str]:
    """Every string that may be a ticket number: the platforms' formats and the generic."""
    text = f"{parsed.subject}\n{parsed.text[:20_000]}"
    found = [*platform_references(text), *platform_references(text, ANY_PLATFORM_PATTERNS)]
    return list(dict.fromkeys(reference[:100] for _slug, reference in found))


def _by_platform_reference(parsed: ParsedMail) -> list[_Evidence]:
    """The notices an earlier mail with the same ticket number of the *sending* platform
    belonged to, or a portal notice recorded with it: a learned number only links mail
    from that platform's own mail domains."""
    sender = trust.platform_of(trust.domain_of(parsed.from_address), platforms.mail_domains())
    if not sender:
        return []
    numbers = _ticket_candidates(parsed)
    if not numbers:
        return []
    learned = PlatformReference.objects.filter(
        reference__in=numbers, platform=sender
    ).select_related("notice__case")
    found = [
        _Evidence(
            MatchMethod.PLATFORM_REFERENCE,
            r.notice.case,
            r.notice,
            trust.Reason.TICKET_NUMBER,
            sender,
        )
        for r in learned.order_by("-pk")[:20]
    ]
    portal = notices.by_portal_reference(numbers)
    if portal is not None and portal.platform.slug == sender:
        found.append(
            _Evidence(
                MatchMethod.PLATFORM_REFERENCE,
                portal.case,
                portal,
                trust.Reason.TICKET_NUMBER,
                sender,
            )
        )
    return found


def _remember_platform_references(
    message: MailMessage, parsed: ParsedMail, assessment: Assessment
) -> None:
    """Learn the platform's ticket numbers, only from its own authenticated mail: a number
    planted by anyone else would link their later mail to the notice."""
    sender = assessment.sender
    if (
        message.notice_id is None
        or message.kind == Kind.OWN_COPY
        or sender.kind != trust.SenderKind.PLATFORM
        or assessment.auth.result != trust.AuthResult.PASS
    ):
        return
    for platform, reference in _platform_references(parsed):
        if platform != sender.platform:
            continue
        PlatformReference.objects.get_or_create(
            platform=platform,
            reference=reference[:100],
            notice_id=message.notice_id,
            defaults={"message": message},
        )


def proves_delivery(notice: Notice) -> bool:
    """Evidence in the archive that the platform's server got the notice: our own copy (the
    archive BCC) or anything the platform sent back about it."""
    kinds = (*PROVES_DELIVERY, Kind.ACKNOWLEDGMENT, Kind.OWN_COPY)
    trusted = MailMessage.objects.filter(notice=notice, kind__in=kinds).filter(_TRUSTED)
    if trusted.exclude(kind=Kind.DELIVERY_REPORT).exists():
        return True
    reports = trusted.filter(kind=Kind.DELIVERY_REPORT).values_list("kind_reasons", flat=True)
    return any(not is_delay(Kind.DELIVERY_REPORT, reasons) for reasons in reports)


# Mail that counts as the platform's (or the mail system's) word.
_TRUSTED = Q(link_strength=LinkStrength.STRONG) | Q(confirmation=Confirmation.CONFIRMED)


# ------------------------------------------------------------- by hand


def unmatched() -> QuerySet[MailMessage]:
    return MailMessage.objects.filter(match_method=MatchMethod.UNMATCHED)


def awaiting_confirmation() -> QuerySet[MailMessage]:
    """Mail linked to a case only weakly (or from a doubtful sender): an assessor confirms
    what it is, or rejects it, before it changes anything."""
    return MailMessage.objects.filter(confirmation=Confirmation.PENDING).select_related(
        "case", "notice"
    )


def attach_to_case(message: MailMessage, case: Case, actor: Any) -> MailMessage:
    """A person links an unmatched message to a case (and to its latest sent notice). That
    is a weak link: it changes the notice only once an assessor confirms what it is."""
    require(actor, Action.SEND_NOTICE)
    with transaction.atomic():
        message = MailMessage.objects.select_for_update(no_key=True).get(pk=message.pk)
        if message.match_method != MatchMethod.UNMATCHED:
            raise ArchiveError(_("This message is already linked to a case."))
        sent = notices.sent_notices_for_case_reference(case.reference)
        message.case = case
        message.notice = sent[0] if sent else None
        message.match_method = MatchMethod.MANUAL
        if message.notice is not None and message.kind != Kind.OWN_COPY and message.raw_path:
            # Now that it answers a notice, the first answer may be the acknowledgment.
            parsed = parse_message(
                read_raw(message), max_part_bytes=settings.MAIL_MAX_PART_MB * MIB
            )
            report = classify(parsed, context=_context(Match(message.notice, case, "manual")))
            message.kind = Kind(str(report.kind))
            message.kind_reasons = [str(r) for r in report.reasons]
        message.link_strength = LinkStrength.WEAK
        message.confirmation = Confirmation.PENDING
        message.trust_reasons = list(
            dict.fromkeys([trust.Reason.ATTACHED_BY_HAND, *message.trust_reasons])
        )
        message.save(
            update_fields=[
                "case",
                "notice",
                "match_method",
                "kind",
                "kind_reasons",
                "link_strength",
                "confirmation",
                "trust_reasons",
            ]
        )
        audit.log(
            "mail_attached",
            message,
            actor=actor,
            after={"case": case.reference, "notice": message.notice_id, "confirmation": "pending"},
        )
    return message


# What an assessor may say a weakly linked message is.
CONFIRMABLE_KINDS = (Kind.ACKNOWLEDGMENT, Kind.REPLY, Kind.BOUNCE)


def confirmable_notices(message: MailMessage) -> list[Notice]:
    """The sent notices of the message's case, newest first: what it may be confirmed for."""
    if message.case_id is None:
        return []
    return notice_reads.sent_notices_of_case(message.case_id)


def confirm_message(
    message: MailMessage, actor: Any, *, kind: str, notice: Notice, note: str = ""
) -> MailMessage:
    """An assessor confirms "this is the platform's acknowledgment (reply, bounce) of this
    notice"; only now does it change the notice."""
    require(actor, Action.SEND_NOTICE)
    if kind not in CONFIRMABLE_KINDS:
        raise ArchiveError(_("Choose acknowledgment, reply or bounce."))
    with transaction.atomic():
        message = _pending(message)
        if notice.pk not in {n.pk for n in confirmable_notices(message)}:
            raise ArchiveError(_("Choose a sent notice of this message's case."))
        before = {"kind": message.kind, "notice": message.notice_id}
        message.kind = Kind(kind)
        message.notice = notice
        _decide_by_hand(message, actor, Confirmation.CONFIRMED, note)
        audit.log(
            "mail_confirmed",
            message,
            actor=actor,
            before=before,
            after={"kind": kind, "notice": notice.pk, "note": message.confirmation_note},
        )
        _act_on_notice(message, notice, permanent=_permanent_bounce(message), actor=actor)
    return message


def reject_message(message: MailMessage, actor: Any, note: str = "") -> MailMessage:
    """An assessor says the message is not what it claims (not the platform's answer): it
    stays in the archive and on the case, marked rejected, and changes nothing."""
    require(actor, Action.SEND_NOTICE)
    with transaction.atomic():
        message = _pending(message)
        _decide_by_hand(message, actor, Confirmation.REJECTED, note)
        audit.log(
            "mail_rejected",
            message,
            actor=actor,
            after={"notice": message.notice_id, "note": message.confirmation_note},
        )
    return message


def _pending(message: MailMessage) -> MailMessage:
    locked = (
        MailMessage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("case")
        .get(pk=message.pk)
    )
    if locked.confirmation != Confirmation.PENDING:
        raise ArchiveError(_("This message does not await confirmation."))
    return locked


def _decide_by_hand(message: MailMessage, actor: Any, state: str, note: str) -> None:
    message.confirmation = state
    message.confirmed_by = actor
    message.confirmed_at = timezone.now()
    message.confirmation_note = note.strip()[:2000]
    message.save(
        update_fields=[
            "kind",
            "notice",
            "confirmation",
            "confirmed_by",
            "confirmed_at",
            "confirmation_note",
        ]
    )


def _permanent_bounce(message: MailMessage) -> bool:
    temporary = {"dsn_delayed", "delay_subject"}
    return not temporary & set(message.kind_reasons)


# -------------------------------------------------------------- mailbox


class DatabaseCursor:
    """The watcher's place in a mailbox, kept in the database."""

    def __init__(self, mailbox: str) -> None:
        self.mailbox = mailbox

    def load(self) -> tuple[int | None, int]:
        if not connection.in_atomic_block:
            # The start of a watcher run: drop a connection the database cut meanwhile (a
            # restart), or this thread would fail on it forever.
            close_old_connections()
        row = MailboxCursor.objects.filter(mailbox=self.mailbox).first()
        return (row.uidvalidity, row.last_uid) if row else (None, 0)

    def save(self, uidvalidity: int, last_uid: int) -> None:
        state = _batch_state()
        if state is not None:
            state.cursor = (self, uidvalidity, last_uid)  # written once, with the batch
            return
        self.write(uidvalidity, last_uid)

    def write(self, uidvalidity: int, last_uid: int) -> None:
        # One UPDATE, not update_or_create's locked read and write. It only moves forward
        # (or to a new UIDVALIDITY): a slower watcher of the same mailbox never winds it back.
        moved = (
            MailboxCursor.objects.filter(mailbox=self.mailbox)
            .filter(~Q(uidvalidity=uidvalidity) | Q(last_uid__lt=last_uid))
            .update(uidvalidity=uidvalidity, last_uid=last_uid, updated_at=timezone.now())
        )
        if not moved:
            MailboxCursor.objects.get_or_create(
                mailbox=self.mailbox, defaults={"uidvalidity": uidvalidity, "last_uid": last_uid}
            )


def watch_mailbox(url: str, stop: threading.Event) -> None:
    """Archive what arrives in the team mailbox until ``stop`` is set (IDLE, else polling)."""
    from flagdesk.mailarchive.imap import MailboxWatcher, parse_imap_url

    config = parse_imap_url(url)
    key = f"{config.user}@{config.host}:{config.port}/{config.folder}"  # no password

    def deliver(raw: bytes, uidvalidity: int, uid: int) -> None:
        import_raw(raw, mailbox=key, uid=uid)

    options = {
        **WATCHER_OPTIONS,
        "batch_scope": functools.partial(import_batch, key),
        "on_state": functools.partial(workers.report_mailbox, key),
    }
    MailboxWatcher(config, DatabaseCursor(key), deliver, **options).run_forever(stop)


# Messages fetched, archived and committed together with the cursor: fewer commits, and
# short enough that SQLite's write lock is not held long (about 0.3 s per batch).
@contextlib.contextmanager
def import_batch(mailbox: str = "") -> Iterator[None]:
    """One transaction per batch of messages: their audit events appended together, their
    files synced to disk once, and the mailbox cursor moved once — all before the commit, so
    no row ever points at a file that a power cut could lose.

    With ``mailbox``, the batch first locks that mailbox's cursor row: several workers watch
    the same mailbox, and one waits for the other's batch and then skips what its cursor
    covers, instead of importing the same messages at the same time (PostgreSQL; SQLite
    serialises every write transaction anyway)."""
    _batch.state = state = _BatchState()
    try:
        with transaction.atomic(), audit.batched():
            if mailbox:
                list(MailboxCursor.objects.select_for_update(no_key=True).filter(mailbox=mailbox))
            yield
            if state.cursor is not None:
                cursor, uidvalidity, last_uid = state.cursor
                cursor.write(uidvalidity, last_uid)
            if state.unsynced:
                os.sync()
    finally:
        _batch.state = None


WATCHER_OPTIONS: dict[str, Any] = {"batch_size": 50, "batch_scope": import_batch}


# ------------------------------------------------------------- retention


def purge_raw(
    before: dt.date, *, dry_run: bool = False, keep_elections: Collection[int] = ()
) -> dict[str, int]:
    """Remove the raw files (the .eml and its attachments) of messages past retention: those
    on cases of elections whose attention window ended before ``before``, and unmatched ones
    archived before it.

    The row stays, with its date, kind, notice, SHA-256 and the sanitised text that reports
    quote, so the archive still shows that an acknowledgment arrived and when; an empty
    ``raw_path`` marks it as removed. Messages on cases of ``keep_elections`` (elections not
    yet exported to the archive) stay whatever their age. An attachment file that another kept message shares
    (files are named by content) stays until that message goes too. Called by
    ``records.service`` inside its transaction; the files go before it commits.

    :returns: ``{"messages": n, "files": removed files, "bytes": their size}``.
    """
    messages = MailMessage.objects.exclude(raw_path="").filter(
        Q(case__election__attention_end__lt=before)
        | Q(case__isnull=True, archived_at__lt=_start_of(before))
    )
    if keep_elections:
        messages = messages.exclude(case__election_id__in=list(keep_elections))
    found = list(messages.values_list("pk", "raw_path", "size"))
    ids = [pk for pk, _path, _size in found]
    parts = list(
        MailAttachment.objects.filter(message_id__in=ids)
        .exclude(path="")
        .values_list("pk", "path", "size")
    )
    shared = set(
        MailAttachment.objects.filter(path__in={path for _pk, path, _size in parts})
        .exclude(message_id__in=ids)
        .values_list("path", flat=True)
    )
    files = {path: size for _pk, path, size in found}
    files |= {path: size for _pk, path, size in parts if path not in shared}
    result = {"messages": len(found), "files": len(files), "bytes": sum(files.values())}
    if dry_run or not found:
        return result
    MailAttachment.objects.filter(pk__in=[pk for pk, _path, _size in parts]).update(path="")
    MailMessage.objects.filter(pk__in=ids).update(raw_path="")
    for path in files:
        (archive_root() / path).unlink(missing_ok=True)
    return result


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

# SPDX-License-Identifier: EUPL-1.2
"""Public API of the redaction app: documents for publication, proposed and decided redactions.

The engine proposes; a reviewer accepts, rejects, changes the ground or adds. The report asks
``segments()`` for the text as it may be published: plain pieces and redacted spans (only their
ground and length travel on, never the original).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.audit import service as audit
from flagdesk.elections.models import Election
from flagdesk.redaction.models import Origin, RedactedDocument, Redaction, Status


class RedactionError(Exception):
    """Shown to the user."""


@dataclass(frozen=True)
class Segment:
    """A piece of a published text: plain (``ground`` None) or a redacted span of ``text``.

    For a redacted span ``text`` is the original: renderers use only its length.
    """

    text: str
    ground: str | None = None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def organisation_profile() -> Any:
    """What the engine must keep: the organisation's own name, domains, address, handles."""
    from flagdesk.redaction.engine import OrganisationProfile

    return OrganisationProfile(
        name=settings.ORGANISATION_NAME,
        domains=tuple(settings.ORGANISATION_DOMAINS),
        address_lines=tuple(settings.ORGANISATION_ADDRESS),
        public_handles=tuple(settings.PUBLIC_HANDLES),
        allow=tuple(settings.REDACTION_ALLOW),
        deny=tuple(settings.REDACTION_DENY),
        keep_addresses=tuple(settings.REDACTION_KEEP_ADDRESSES),
        role_words=tuple(settings.REDACTION_ROLE_WORDS),
    )


def detect(text: str) -> list[Any]:
    from flagdesk.redaction.engine import detect as engine_detect

    return list(engine_detect(text, lang="auto", profile=organisation_profile()))


# ------------------------------------------------------------------ documents


def document_for(
    election: Election, kind: str, object_id: int, text: str, title: str
) -> RedactedDocument:
    """The document for this exact text, with the engine's proposals (made once)."""
    digest = sha256(text)
    with transaction.atomic():
        document, created = RedactedDocument.objects.get_or_create(
            kind=kind,
            object_id=object_id,
            text_sha256=digest,
            defaults={"election": election, "text": text, "title": title[:300]},
        )
        if created:
            _propose(document)
    return document


def _propose(document: RedactedDocument) -> None:
    findings = detect(document.text)
    Redaction.objects.bulk_create(
        Redaction(
            document=document,
            start=f.start,
            end=f.end,
            text=document.text[f.start : f.end],
            category=f.category,
            ground=f.ground,
            recogniser=f.recogniser[:60],
            default_accept=f.default_accept,
        )
        for f in findings
    )
    audit.log(
        "redactions_proposed",
        document,
        after={"findings": len(findings), "sha256": document.text_sha256},
    )


def documents_for_election(election: Election) -> QuerySet[RedactedDocument]:
    return RedactedDocument.objects.filter(election=election).annotate(
        open_count=Count("redactions", filter=Q(redactions__status=Status.PROPOSED)),
        redaction_count=Count("redactions"),
    )


def is_reviewed(document: RedactedDocument) -> bool:
    """A person looked at it and decided every proposal (none found is no review)."""
    if document.checked_at is None:
        return False
    return not document.redactions.filter(status=Status.PROPOSED).exists()


def review_progress(election: Election) -> tuple[int, int]:
    """(documents fully reviewed, documents) for an election."""
    documents = list(documents_for_election(election))
    done = [d for d in documents if getattr(d, "open_count", 0) == 0 and d.checked_at]
    return len(done), len(documents)


def mark_checked(document: RedactedDocument, actor: Any) -> bool:
    """Record that a reviewer looked at ``document`` (the first time only); True if now."""
    require(actor, Action.REVIEW_REDACTIONS)
    with transaction.atomic():
        updated = RedactedDocument.objects.filter(pk=document.pk, checked_at__isnull=True).update(
            checked_by=actor, checked_at=timezone.now()
        )
        if updated:
            document.refresh_from_db(fields=["checked_by", "checked_at"])
            audit.log(
                "redaction_document_checked",
                document,
                actor=actor,
                before={"checked_at": None},
                after={
                    "checked_at": document.checked_at.isoformat() if document.checked_at else None
                },
            )
    return bool(updated)


def proposed_categories(documents: QuerySet[RedactedDocument]) -> list[tuple[str, int]]:
    """``(category, open proposals)`` among ``documents``, for the bulk decision form."""
    rows = (
        Redaction.objects.filter(document__in=documents, status=Status.PROPOSED)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("category")
    )
    return [(row["category"], row["n"]) for row in rows]


def decide_all_of_category(
    documents: QuerySet[RedactedDocument], category: str, accept: bool, actor: Any
) -> int:
    """Accept or reject every open proposal of ``category`` in ``documents`` (one document or
    a whole report); each decision is audited on its own, as one by one would be."""
    require(actor, Action.REVIEW_REDACTIONS)
    proposals = Redaction.objects.filter(
        document__in=documents, category=category, status=Status.PROPOSED
    ).order_by("document_id", "start")
    count = 0
    with transaction.atomic():
        for redaction in proposals:
            decide(redaction, accept, actor)
            count += 1
    return count


# -------------------------------------------------------------------- review


def decide(redaction: Redaction, accept: bool, actor: Any, ground: str | None = None) -> Redaction:
    require(actor, Action.REVIEW_REDACTIONS)
    if ground is not None:
        _check_ground(ground)
    with transaction.atomic():
        redaction = Redaction.objects.select_for_update(no_key=True).get(pk=redaction.pk)
        before = _snapshot(redaction)
        redaction.status = Status.ACCEPTED if accept else Status.REJECTED
        if ground:
            redaction.ground = ground
        redaction.decided_by = actor
        redaction.decided_at = timezone.now()
        redaction.save()
        audit.log_changes(
            "redaction_decided", redaction, actor=actor, before=before, after=_snapshot(redaction)
        )
    return redaction


def accept_all_proposed(document: RedactedDocument, actor: Any) -> int:
    """Accept the engine's accept-by-default proposals at once; the others stay open."""
    require(actor, Action.REVIEW_REDACTIONS)
    count = 0
    for redaction in document.redactions.filter(status=Status.PROPOSED, default_accept=True):
        decide(redaction, True, actor)
        count += 1
    return count


def add(
    document: RedactedDocument, start: int, end: int, actor: Any, ground: str = "5.1.2e"
) -> Redaction:
    """A reviewer redacts a span the engine missed."""
    require(actor, Action.REVIEW_REDACTIONS)
    _check_ground(ground)
    if not 0 <= start < end <= len(document.text):
        raise RedactionError(_("That part is not in the text."))
    with transaction.atomic():
        overlapping = document.redactions.filter(start__lt=end, end__gt=start)
        if overlapping.exists():
            raise RedactionError(_("That part overlaps a redaction already there."))
        redaction = Redaction.objects.create(
            document=document,
            start=start,
            end=end,
            text=document.text[start:end],
            category="manual",
            ground=ground,
            origin=Origin.REVIEWER,
            status=Status.ACCEPTED,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        audit.log("redaction_added", redaction, actor=actor, after=_snapshot(redaction))
    return redaction


def add_text(document: RedactedDocument, needle: str, actor: Any, ground: str = "5.1.2e") -> int:
    """Redact every occurrence of a string (that no redaction covers yet); returns how many."""
    needle = needle.strip()
    if len(needle) < 2:
        raise RedactionError(_("Give at least two characters to redact."))
    added = 0
    position = document.text.find(needle)
    while position != -1:
        end = position + len(needle)
        if not document.redactions.filter(start__lt=end, end__gt=position).exists():
            add(document, position, end, actor, ground)
            added += 1
        position = document.text.find(needle, end)
    if not added:
        raise RedactionError(_("The text does not contain that (outside existing redactions)."))
    return added


def _check_ground(ground: str) -> None:
    from flagdesk.redaction.grounds import GROUNDS

    if ground not in {g.code for g in GROUNDS}:
        raise RedactionError(_("Unknown Woo ground."))


def _snapshot(redaction: Redaction) -> dict[str, Any]:
    # The original text is not copied into the audit log: it is personal data.
    return {
        "document": redaction.document_id,
        "span": [redaction.start, redaction.end],
        "category": redaction.category,
        "ground": redaction.ground,
        "status": redaction.status,
        "origin": redaction.origin,
    }


# ------------------------------------------------------------------- output


def effective(document: RedactedDocument) -> list[Redaction]:
    return [r for r in document.redactions.order_by("start") if r.effective]


def split(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` into plain and redacted segments; spans are (start, end, ground), sorted."""
    segments: list[Segment] = []
    position = 0
    for start, end, ground in sorted(spans):
        if start < position:  # overlapping spans: extend the previous redaction
            start = position
            if end <= start:
                continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], ground))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def segments_of(document: RedactedDocument) -> list[Segment]:
    return split(document.text, [(r.start, r.end, r.ground) for r in effective(document)])


def grounds_of(document: RedactedDocument) -> list[str]:
    return sorted({r.ground for r in effective(document)})


def judgement(document: RedactedDocument) -> str:
    """The Woo judgement per document, as ministries report it."""
    return "Gedeeltelijk openbaar" if effective(document) else "Openbaarmaking"


def report_redactions(election: Election) -> ReviewedRedactions:
    """The redaction source the reports app uses (found by this name)."""
    return ReviewedRedactions(election)


class ReviewedRedactions:
    """The reports app's redaction source: the decided redactions of each document.

    A text never seen before gets its document (and the engine's proposals) on first use,
    so a draft report always shows what would be redacted.
    """

    def __init__(self, election: Election) -> None:
        self.election = election

    def segments(self, kind: str, object_id: int, text: str, title: str = "") -> list[Segment]:
        document = document_for(
            self.election, kind, object_id, text, title or f"{kind} {object_id}"
        )
        return segments_of(document)

    def grounds(self, kind: str, object_id: int, text: str) -> list[str]:
        document = RedactedDocument.objects.filter(
            kind=kind, object_id=object_id, text_sha256=sha256(text)
        ).first()
        return grounds_of(document) if document else []

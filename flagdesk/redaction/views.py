# SPDX-License-Identifier: EUPL-1.2
"""The redaction review: an election's documents, one document with its redactions, and the
reviewer's actions (accept, reject, change the ground, accept all, redact more text).

Everyone who sees cases may look; only reviewers act (a wrong role gets a 403, and the
service checks it again). The original text is shown here, to staff only, and the page is
never cached; the staff API (redaction/api.py) shows it under the same rule, never to a
partner token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.core.live import live_page
from flagdesk.elections.models import Election
from flagdesk.redaction import categories, hooks, service
from flagdesk.redaction.grounds import BY_CODE, DEFAULT_GROUND, GROUNDS
from flagdesk.redaction.models import RedactedDocument, Redaction

# The texts the report shows (flagdesk.reports.redactions.TEXT_KINDS), in words.
KIND_LABELS = {
    "signal.explanation": gettext_lazy("Signal: explanation"),
    "assessment.misleading_reasoning": gettext_lazy("Assessment: why it is misleading"),
    "notice.from": gettext_lazy("Notice: sender"),
    "notice.to": gettext_lazy("Notice: recipient"),
    "notice.subject": gettext_lazy("Notice: subject"),
    "notice.body": gettext_lazy("Notice: text"),
    "mail.from": gettext_lazy("Message: sender"),
    "mail.to": gettext_lazy("Message: recipient"),
    "mail.subject": gettext_lazy("Message: subject"),
    "mail.text": gettext_lazy("Message: text"),
}


@dataclass(frozen=True)
class Piece:
    """A piece of the original text: plain (``redaction`` None) or one highlighted redaction."""

    text: str
    redaction: Redaction | None = None


@dataclass(frozen=True)
class PreviewPiece:
    """A piece of the text as published: plain, or the black label of a withheld span."""

    text: str
    label: str | None = None


def highlighted(text: str, redactions: list[Redaction]) -> list[Piece]:
    """Cut the original at every redaction, whatever its status; overlaps are cut short."""
    pieces: list[Piece] = []
    position = 0
    for redaction in sorted(redactions, key=lambda r: (r.start, r.end)):
        start, end = max(redaction.start, position), min(redaction.end, len(text))
        if end <= start:
            continue
        if start > position:
            pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], redaction))
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def ground_label(code: str) -> str:
    ground = BY_CODE.get(code)
    return ground.label if ground else code


def preview(document: RedactedDocument) -> list[PreviewPiece]:
    return [
        PreviewPiece(s.text) if s.ground is None else PreviewPiece("", ground_label(s.ground))
        for s in service.segments_of(document)
    ]


def _document_url(document: RedactedDocument, anchor: str = "") -> str:
    url = reverse("fd-redaction-document", kwargs={"pk": document.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
@live_page
@require_GET
def document_list(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    election = get_object_or_404(Election, code=code)
    open_only = request.GET.get("open") == "1"
    documents = [
        d
        for d in service.documents_for_election(election).order_by("pk")
        if getattr(d, "open_count", 0) or not open_only
    ]
    rows = [(d, kind_label(d.kind), service.judgement(d), document_name(d)) for d in documents]
    reviewed, total = service.review_progress(election)
    may_review = can(request.user, Action.REVIEW_REDACTIONS)
    return render(
        request,
        "redaction/list.html",
        {
            "election": election,
            "rows": rows,
            "open_only": open_only,
            "reviewed": reviewed,
            "total": total,
            "may_review": may_review,
            "bulk": _bulk_choices(service.documents_for_election(election)) if may_review else [],
        },
    )


def document_name(document: RedactedDocument) -> str:
    """What the text is, for a person: "Notice to X, 22 November 2023 (FD-…) — sender"."""
    named = hooks.document_name(document.kind, document.object_id)
    if named:
        return named
    if document.title and document.title != f"{document.kind} {document.object_id}":
        return document.title
    return f"{kind_label(document.kind)} {document.object_id}"


def _bulk_choices(documents: QuerySet[RedactedDocument]) -> list[tuple[str, str, int]]:
    """``(category, label, open proposals)`` for the bulk form, in the reviewer's language."""
    # Sorted by what the reviewer reads, not by the stored code.
    choices = [
        (category, categories.label(category), n)
        for category, n in service.proposed_categories(documents)
    ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


@login_required
@require_GET
@never_cache
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    document = get_object_or_404(RedactedDocument.objects.select_related("election"), pk=pk)
    may_review = can(request.user, Action.REVIEW_REDACTIONS)
    if may_review:
        # A reviewer opened it: that is the look "checked" stands for (first time, audited).
        service.mark_checked(document, request.user)
    redactions = list(document.redactions.select_related("decided_by").order_by("start"))
    documents = RedactedDocument.objects.filter(pk=document.pk)
    return render(
        request,
        "redaction/document.html",
        {
            "document": document,
            "name": document_name(document),
            "bulk": _bulk_choices(documents) if may_review else [],
            "redactions": redactions,
            "pieces": highlighted(document.text, redactions),
            "preview": preview(document),
            "kind": kind_label(document.kind),
            "judgement": service.judgement(document),
            "reviewed": service.is_reviewed(document),
            "grounds": GROUNDS,
            "default_ground": DEFAULT_GROUND,
            "may_review": may_review,
        },
    )


@login_required
@require_POST
def redaction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or reject one redaction, with the ground chosen in its row."""
    require(request.user, Action.REVIEW_REDACTIONS)
    redaction = get_object_or_404(Redaction.objects.select_related("document"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return HttpResponseBadRequest("decision must be accept or reject")
    accept = decision == "accept"
    ground = request.POST.get("ground") or None
    try:
        service.decide(redaction, accept, request.user, ground=ground)
    except service.RedactionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Redaction accepted.") if accept else _("Redaction rejected."))
    return redirect(_document_url(redaction.document, f"redaction-{redaction.pk}"))


@login_required
@require_POST
def document_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.REVIEW_REDACTIONS)
    document = get_object_or_404(RedactedDocument, pk=pk)
    count = service.accept_all_proposed(document, request.user)
    messages.success(
        request,
        ngettext("%(count)d proposal accepted.", "%(count)d proposals accepted.", count)
        % {"count": count},
    )
    return redirect(_document_url(document, "redactions"))


@login_required
@require_POST
def document_add_text(request: HttpRequest, pk: int) -> HttpResponse:
    """Redact every occurrence of a piece of text the engine missed."""
    require(request.user, Action.REVIEW_REDACTIONS)
    document = get_object_or_404(RedactedDocument, pk=pk)
    needle = request.POST.get("needle", "")
    ground = request.POST.get("ground") or DEFAULT_GROUND
    try:
        count = service.add_text(document, needle, request.user, ground)
    except service.RedactionError as exc:
        messages.error(request, str(exc))
        return redirect(_document_url(document, "add-text"))
    messages.success(
        request,
        ngettext("%(count)d place redacted.", "%(count)d places redacted.", count)
        % {"count": count},
    )
    return redirect(_document_url(document, "redactions"))


def _bulk_decision(request: HttpRequest) -> tuple[str, bool] | None:
    category, decision = request.POST.get("category", ""), request.POST.get("decision")
    if not category or decision not in ("accept", "reject"):
        return None
    return category, decision == "accept"


def _bulk_message(request: HttpRequest, count: int, accept: bool) -> None:
    text = (
        ngettext("%(count)d proposal accepted.", "%(count)d proposals accepted.", count)
        if accept
        else ngettext("%(count)d proposal rejected.", "%(count)d proposals rejected.", count)
    )
    messages.success(request, text % {"count": count})


@login_required
@require_POST
def document_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or reject every open proposal of one kind in this document."""
    require(request.user, Action.REVIEW_REDACTIONS)
    document = get_object_or_404(RedactedDocument, pk=pk)
    chosen = _bulk_decision(request)
    if chosen is None:
        return HttpResponseBadRequest("category and decision (accept or reject) are required")
    documents = RedactedDocument.objects.filter(pk=document.pk)
    count = service.decide_all_of_category(documents, chosen[0], chosen[1], request.user)
    _bulk_message(request, count, chosen[1])
    return redirect(_document_url(document, "redactions"))


@login_required
@require_POST
def election_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """Accept or reject every open proposal of one kind in the whole report's documents."""
    require(request.user, Action.REVIEW_REDACTIONS)
    election = get_object_or_404(Election, code=code)
    chosen = _bulk_decision(request)
    if chosen is None:
        return HttpResponseBadRequest("category and decision (accept or reject) are required")
    documents = RedactedDocument.objects.filter(election=election)
    count = service.decide_all_of_category(documents, chosen[0], chosen[1], request.user)
    _bulk_message(request, count, chosen[1])
    return redirect(reverse("fd-redaction-list", kwargs={"code": election.code}))

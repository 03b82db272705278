# SPDX-License-Identifier: EUPL-1.2
"""The redaction review: an election's documents, one document with its redactions, and the
reviewer's actions (accept, reject, change the ground, accept all, redact more text).

Everyone who sees cases may look; only reviewers act (a wrong role gets a 403, and the
service checks it again). The original text is shown here, to staff only: there is no API
for it, and the page is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from flagdesk.redaction import service
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
    rows = [(d, kind_label(d.kind), service.judgement(d)) for d in documents]
    reviewed, total = service.review_progress(election)
    return render(
        request,
        "redaction/list.html",
        {
            "election": election,
            "rows": rows,
            "open_only": open_only,
            "reviewed": reviewed,
            "total": total,
        },
    )


@login_required
@require_GET
@never_cache
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    document = get_object_or_404(RedactedDocument.objects.select_related("election"), pk=pk)
    redactions = list(document.redactions.select_related("decided_by").order_by("start"))
    return render(
        request,
        "redaction/document.html",
        {
            "document": document,
            "redactions": redactions,
            "pieces": highlighted(document.text, redactions),
            "preview": preview(document),
            "kind": kind_label(document.kind),
            "judgement": service.judgement(document),
            "reviewed": service.is_reviewed(document),
            "grounds": GROUNDS,
            "default_ground": DEFAULT_GROUND,
            "may_review": can(request.user, Action.REVIEW_REDACTIONS),
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

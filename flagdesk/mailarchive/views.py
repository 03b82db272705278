# SPDX-License-Identifier: EUPL-1.2
"""The archived messages: read one, download it as it arrived, link an unmatched one to a case.

Reading is for all staff who see cases; linking a message to a case is the assessor's, like
everything else about a notice (the service checks it again).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.intake.models import Case
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import MailAttachment, MailMessage

UNMATCHED_LIMIT = 200


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    # Strip quotes and line breaks: the name came from a stranger's message.
    safe = "".join(c for c in filename if c.isprintable() and c not in '"\\') or "download"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    message = get_object_or_404(MailMessage.objects.select_related("case", "notice"), pk=pk)
    return render(
        request,
        "mailarchive/detail.html",
        {
            "message": message,
            "attachments": list(message.attachments.all()),
            "may_attach": can(request.user, Action.SEND_NOTICE),
        },
    )


@login_required
@require_GET
def mail_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The message byte for byte as the mail server handed it over."""
    require(request.user, Action.VIEW_CASES)
    message = get_object_or_404(MailMessage, pk=pk)
    try:
        data = service.read_raw(message)
    except service.ArchiveError as exc:
        messages.error(request, str(exc))
        return redirect("fd-mail-detail", pk=message.pk)
    return _download(data, f"message-{message.pk}.eml", "message/rfc822")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Attachments may hold anything: always a download, never shown in the browser."""
    require(request.user, Action.VIEW_CASES)
    attachment = get_object_or_404(MailAttachment, pk=pk)
    try:
        data = service.read_attachment(attachment)
    except service.ArchiveError as exc:
        messages.error(request, str(exc))
        return redirect("fd-mail-detail", pk=attachment.message_id)
    return _download(data, attachment.filename, "application/octet-stream")


@login_required
@require_GET
def unmatched_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    queue = service.unmatched()
    return render(
        request,
        "mailarchive/unmatched.html",
        {
            "messages_waiting": list(queue[:UNMATCHED_LIMIT]),
            "total": queue.count(),
            "may_attach": can(request.user, Action.SEND_NOTICE),
        },
    )


@login_required
@require_POST
def mail_attach(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    message = get_object_or_404(MailMessage, pk=pk)
    reference = request.POST.get("reference", "").strip()
    case = Case.objects.filter(reference__iexact=reference).first() if reference else None
    if case is None:
        messages.error(
            request,
            _("There is no case with the reference “%(reference)s”.") % {"reference": reference},
        )
        return redirect("fd-mail-unmatched")
    try:
        service.attach_to_case(message, case, request.user)
    except service.ArchiveError as exc:
        messages.error(request, str(exc))
        return redirect("fd-mail-unmatched")
    messages.success(
        request, _("Message linked to case %(reference)s.") % {"reference": case.reference}
    )
    return redirect("fd-mail-unmatched")

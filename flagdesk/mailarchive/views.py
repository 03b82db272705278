# SPDX-License-Identifier: EUPL-1.2
"""The archived messages: read one, download it as it arrived, link an unmatched one to a case,
confirm or reject one that is linked only weakly.

Reading is for all staff who see cases; linking, confirming and rejecting are the assessor's,
like everything else about a notice (the service checks it again).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.core.live import live_page
from flagdesk.intake import selectors as case_reads
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import Kind, MailAttachment, MailMessage
from flagdesk.notices import selectors as notice_reads

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
    may_confirm = can(request.user, Action.SEND_NOTICE)
    return render(
        request,
        "mailarchive/detail.html",
        {
            "message": message,
            "attachments": list(message.attachments.all()),
            "may_attach": may_confirm,
            "may_confirm": may_confirm and message.needs_confirmation,
            "confirm_notices": service.confirmable_notices(message) if may_confirm else [],
            "confirm_kinds": CONFIRM_KINDS,
        },
    )


# The choices an assessor has when confirming, in the order offered.
CONFIRM_KINDS = [(kind.value, kind.label) for kind in service.CONFIRMABLE_KINDS]


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
@live_page
@require_GET
def unmatched_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    queue = service.unmatched()
    awaiting = service.awaiting_confirmation()
    may_attach = can(request.user, Action.SEND_NOTICE)
    to_confirm = list(awaiting[:UNMATCHED_LIMIT])
    return render(
        request,
        "mailarchive/unmatched.html",
        {
            "messages_waiting": list(queue[:UNMATCHED_LIMIT]),
            "total": queue.count(),
            "to_confirm": [(m, service.confirmable_notices(m)) for m in to_confirm],
            "to_confirm_total": awaiting.count(),
            "may_attach": may_attach,
            "confirm_kinds": CONFIRM_KINDS,
        },
    )


@login_required
@require_POST
def mail_attach(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    message = get_object_or_404(MailMessage, pk=pk)
    reference = request.POST.get("reference", "").strip()
    case = case_reads.case_by_reference(reference, ignore_case=True) if reference else None
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


def _back(request: HttpRequest, message: MailMessage) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("fd-mail-detail", pk=message.pk)


@login_required
@require_POST
def mail_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessor confirms what a weakly linked message is; only then does it count."""
    require(request.user, Action.SEND_NOTICE)
    message = get_object_or_404(MailMessage, pk=pk)
    kind = request.POST.get("kind", "")
    notice_pk = _int(request.POST.get("notice"))
    notice = notice_reads.notice_by_id(notice_pk) if notice_pk is not None else None
    if notice is None or kind not in {k for k, _label in CONFIRM_KINDS}:
        messages.error(request, _("Choose what the message is and for which notice."))
        return _back(request, message)
    try:
        service.confirm_message(
            message, request.user, kind=kind, notice=notice, note=request.POST.get("note", "")
        )
    except service.ArchiveError as exc:
        messages.error(request, str(exc))
        return _back(request, message)
    messages.success(
        request,
        _("Confirmed as %(kind)s of the notice about %(reference)s.")
        % {"kind": Kind(kind).label, "reference": notice.case.reference},
    )
    return _back(request, message)


@login_required
@require_POST
def mail_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessor rejects a weakly linked message: it stays archived and changes nothing."""
    require(request.user, Action.SEND_NOTICE)
    message = get_object_or_404(MailMessage, pk=pk)
    try:
        service.reject_message(message, request.user, request.POST.get("note", ""))
    except service.ArchiveError as exc:
        messages.error(request, str(exc))
        return _back(request, message)
    messages.success(request, _("Message rejected: it changes nothing about the notice."))
    return _back(request, message)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None

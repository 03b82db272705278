# SPDX-License-Identifier: EUPL-1.2
"""Actions on a notice from the case page: edit, send, follow up, record, settle, resend.

Every action is a POST that checks the role up front (a wrong role gets a 403, not a
message), calls :mod:`flagdesk.notices.service` and goes back to the notice on the case
page; the service's NoticeError is shown as a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, require
from flagdesk.notices import service
from flagdesk.notices.forms import PortalSubmissionForm, ResolveUnknownForm
from flagdesk.notices.models import Notice


def _notice(pk: int) -> Notice:
    return get_object_or_404(Notice.objects.select_related("case"), pk=pk)


def _back(notice: Notice) -> HttpResponse:
    case_url = reverse("fd-case-detail", kwargs={"reference": notice.case.reference})
    return redirect(f"{case_url}#notice-{notice.pk}")


def _act(request: HttpRequest, notice: Notice, action: Callable[[], object], done: str) -> bool:
    """Run a service action; show its NoticeError or ``done``. True when it succeeded."""
    try:
        action()
    except service.NoticeError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def notice_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft; with the "send" button also freeze it and hand it to the worker."""
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    if request.POST.get("action") == "summarise":
        summary = request.POST.get("english_summary", "")
        _act(
            request,
            notice,
            lambda: service.summarise(notice, summary, request.user),
            _("The notice was composed again with your English summary."),
        )
        return _back(notice)
    subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
    saved = _act(
        request,
        notice,
        lambda: service.update_draft(notice, subject, body, request.user),
        _("Draft saved."),
    )
    if saved and request.POST.get("action") == "send":
        return _confirm_send(request, notice)
    return _back(notice)


def _confirm_send(request: HttpRequest, notice: Notice) -> HttpResponse:
    """The step between "Send" and sending: platform, channel and recipient, then confirm.

    A server-side page rather than a dialog, so it works without JavaScript and the first
    POST never sends.
    """
    notice = _notice(notice.pk)  # as saved just now, not as the form found it
    try:
        service.check_sendable(notice)
    except service.NoticeError as exc:
        messages.error(request, str(exc))
        return _back(notice)
    context = {"notice": notice, "case": notice.case, "digest": service.draft_digest(notice)}
    return render(request, "notices/confirm_send.html", context)


@login_required
@require_POST
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmed send: freeze the notice and hand it to the worker."""
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    # The digest is checked by the service under the row lock: an edit that lands in between
    # is refused, not sent.
    digest = request.POST.get("digest", "")
    _act(
        request,
        notice,
        lambda: service.send(notice, request.user, expected_digest=digest),
        _queued_text(notice),
    )
    return _back(notice)


def _queued_text(notice: Notice) -> str:
    if notice.channel_kind == "portal":
        return _("The text is final. Submit it in the platform's portal and record that here.")
    return _("The notice is queued. Its state below shows what the platform's mail server says.")


@login_required
@require_POST
def notice_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    try:
        follow_up = service.follow_up(notice, request.user)
    except service.NoticeError as exc:
        messages.error(request, str(exc))
        return _back(notice)
    messages.success(request, _("Follow-up drafted. Edit it and send it."))
    return _back(follow_up)


@login_required
@require_POST
def notice_portal_submission(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    form = PortalSubmissionForm(request.POST, request.FILES, prefix_pk=notice.pk)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return _back(notice)
    _act(
        request,
        notice,
        lambda: service.record_portal_submission(
            notice,
            request.user,
            submitted_at=form.cleaned_data["submitted_at"],
            reference=form.cleaned_data["reference"],
            confirmation=form.cleaned_data["confirmation"],
        ),
        _("Portal submission recorded."),
    )
    return _back(notice)


@login_required
@require_POST
def notice_resolve_unknown(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    delivered = request.POST.get("outcome") == ResolveUnknownForm.ARRIVED
    done = (
        _("Recorded that the notice arrived. It will not be sent again.")
        if delivered
        else _("The notice is queued to go out again.")
    )
    note = request.POST.get("note", "")
    _act(
        request,
        notice,
        lambda: service.resolve_unknown(notice, request.user, delivered=delivered, note=note),
        done,
    )
    return _back(notice)


@login_required
@require_POST
def notice_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    _act(
        request,
        notice,
        lambda: service.send_again(notice, request.user),
        _("The notice is queued to go out again."),
    )
    return _back(notice)


@login_required
@require_POST
def notice_requeue(request: HttpRequest, pk: int) -> HttpResponse:
    """A stuck notice (no task, or no progress) is queued again; a second click is refused."""
    require(request.user, Action.SEND_NOTICE)
    notice = _notice(pk)
    _act(
        request,
        notice,
        lambda: service.requeue_stuck(notice, request.user),
        _("The notice is queued to go out again."),
    )
    return _back(notice)


@login_required
@require_GET
def notice_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as it was frozen: the bytes the platform got, byte for byte."""
    require(request.user, Action.VIEW_CASES)
    notice = _notice(pk)
    if notice.raw is None:
        raise Http404("This notice has not been frozen yet.")
    response = HttpResponse(bytes(notice.raw), content_type="message/rfc822")
    response["Content-Disposition"] = (
        f'attachment; filename="{notice.case.reference}-notice-{notice.pk}.eml"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def notice_confirmation(request: HttpRequest, pk: int) -> FileResponse:
    """The portal's confirmation: may hold anything, so always a download."""
    require(request.user, Action.VIEW_CASES)
    notice = _notice(pk)
    if not notice.portal_confirmation:
        raise Http404("No confirmation was uploaded.")
    response = FileResponse(
        notice.portal_confirmation.open("rb"),
        as_attachment=True,
        filename=(notice.portal_confirmation.name or "confirmation").rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

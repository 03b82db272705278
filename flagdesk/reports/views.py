# SPDX-License-Identifier: EUPL-1.2
"""The reports to parliament: per election a draft on demand, the review's progress, the
approver's sign-off and the final versions with their hashes.

Reading and drafts are for all staff who see cases; preparing the review is for those who
review redactions; signing off is the approver's (the service checks it again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.elections.models import Election
from flagdesk.reports import figures, service
from flagdesk.reports.models import FinalReport


@dataclass(frozen=True)
class ElectionRow:
    election: Election
    deployments: int
    latest: FinalReport | None


@dataclass(frozen=True)
class FinalFile:
    fmt: str
    sha256: str
    size: int


def _election(code: str) -> Election:
    return get_object_or_404(Election, code=code)


def _format(fmt: str) -> str:
    if fmt not in service.FORMATS:
        raise Http404("Unknown format.")
    return fmt


def _download(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=service.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    rows = [
        ElectionRow(e, figures.deployed_cases(e).count(), service.latest_final(e))
        for e in Election.objects.order_by("-election_day", "code")
    ]
    return render(request, "reports/list.html", {"rows": rows})


@login_required
@require_GET
def report_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    election = _election(code)
    reviewed, documents = service.review_progress(election)
    finals = [(final, _files_of(final)) for final in service.finals(election)]
    return render(
        request,
        "reports/detail.html",
        {
            "election": election,
            "formats": service.FORMATS,
            "reviewed": reviewed,
            "documents": documents,
            "finals": finals,
            "may_review": can(request.user, Action.REVIEW_REDACTIONS),
            "may_sign_off": can(request.user, Action.APPROVE),
        },
    )


def _files_of(final: FinalReport) -> list[FinalFile]:
    return [
        FinalFile(fmt, final.files[fmt]["sha256"], int(final.files[fmt].get("size", 0)))
        for fmt in service.FORMATS
        if fmt in final.files
    ]


@login_required
@require_GET
def report_draft(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """A draft built now from the current data: watermarked CONCEPT, never stored."""
    require(request.user, Action.VIEW_CASES)
    election, fmt = _election(code), _format(fmt)
    data = service.draft(election, fmt)
    return _download(data, f"{election.code}-report-concept.{fmt}", fmt)


@login_required
@require_POST
def report_prepare(request: HttpRequest, code: str) -> HttpResponse:
    """Build the report once, so that every text it shows is registered for review."""
    require(request.user, Action.REVIEW_REDACTIONS)
    election = _election(code)
    service.build(election)
    reviewed, documents = service.review_progress(election)
    messages.success(
        request,
        _("The review is ready: %(open)d of %(total)d documents have redactions to review.")
        % {"open": documents - reviewed, "total": documents},
    )
    return redirect("fd-report-detail", code=election.code)


@login_required
@require_POST
def report_sign_off(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.APPROVE)
    election = _election(code)
    try:
        final = service.sign_off(election, request.user, request.POST.get("note", ""))
    except service.ReportError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("fd-report-detail", kwargs={"code": code}) + "#sign-off")
    messages.success(
        request, _("Version %(version)d is signed off and stored.") % {"version": final.version}
    )
    return redirect(reverse("fd-report-detail", kwargs={"code": code}) + "#finals")


@login_required
@require_GET
def report_final(request: HttpRequest, code: str, version: int, fmt: str) -> HttpResponse:
    """A signed-off file exactly as stored, after checking it against its recorded hash."""
    require(request.user, Action.VIEW_CASES)
    election, fmt = _election(code), _format(fmt)
    final = get_object_or_404(FinalReport, election=election, version=version)
    try:
        data = service.final_file(final, fmt)
    except service.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("fd-report-detail", code=election.code)
    except OSError:
        messages.error(request, _("The stored file cannot be read. Ask an administrator."))
        return redirect("fd-report-detail", code=election.code)
    return _download(data, f"{election.code}-report-v{final.version}.{fmt}", fmt)

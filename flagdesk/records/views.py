# SPDX-License-Identifier: EUPL-1.2
"""The administrator's view of retention: the policy in force and what recent runs removed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from flagdesk.accounts.permissions import Action, require
from flagdesk.records import service

COUNT_LABELS = {
    "signals": _("signals"),
    "counters": _("day counters"),
    "refusals": _("refusals counted"),
    "messages": _("messages"),
    "files": _("files"),
    "bytes": _("bytes"),
    "signal_attachments": _("signal attachments"),
    "portal_confirmations": _("portal confirmations"),
    "events": _("events"),
    "elections_awaiting_export": _("elections kept until their archival export"),
}


def _counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(COUNT_LABELS.get(key, key)), value) for key, value in counts.items()]


@login_required
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    labels = {row["category"]: row["label"] for row in service.policy()}
    runs = [
        {
            "run": run,
            "results": [
                {
                    **result,
                    "label": labels.get(result.get("category"), result.get("category")),
                    "counts": _counts(result.get("counts", {})),
                }
                for result in run.results
            ],
        }
        for run in service.recent_runs()
    ]
    return render(request, "records/retention.html", {"policy": service.policy(), "runs": runs})

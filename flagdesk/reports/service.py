# SPDX-License-Identifier: EUPL-1.2
"""Public API of the reports app: drafts on demand, and the final report an approver signs off.

A final report is rendered in every format once, at sign-off, from the reviewed redactions;
its files are stored read-only under their SHA-256 and listed with their hashes in the
``FinalReport`` row and in the audit trail. A correction is a new version, never an edit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.audit import service as audit
from flagdesk.core.storage import write_once
from flagdesk.elections.models import Election
from flagdesk.redaction import service as redaction
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Report
from flagdesk.reports.models import FinalReport
from flagdesk.reports.render import render

FORMATS = ("pdf", "docx", "html", "md")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


class ReportError(Exception):
    """Shown to the user."""


def build(election: Election) -> Report:
    """The report from the current data and the reviewed (or proposed) redactions."""
    return build_report(election, redactions=redaction.report_redactions(election))


def draft(election: Election, fmt: str) -> bytes:
    """A draft in one format: watermarked, never stored."""
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format."))
    return render(build(election), fmt, final=False)


def review_progress(election: Election) -> tuple[int, int]:
    return redaction.review_progress(election)


def sign_off(election: Election, actor: Any, note: str = "") -> FinalReport:
    """An approver makes the report final: only when every redaction was reviewed."""
    require(actor, Action.APPROVE)
    report = build(election)  # also registers any text not seen before, with its proposals
    done, total = review_progress(election)
    if done < total:
        raise ReportError(
            _("%(open)d of %(total)d documents still have redactions to review.")
            % {"open": total - done, "total": total}
        )
    files = {fmt: _store(render(report, fmt, final=True), fmt) for fmt in FORMATS}
    with transaction.atomic():
        version = (
            FinalReport.objects.filter(election=election).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        final = FinalReport.objects.create(
            election=election,
            version=version,
            signed_off_by=actor,
            signed_off_at=timezone.now(),
            note=note.strip(),
            files=files,
        )
        audit.log(
            "report_signed_off",
            final,
            actor=actor,
            after={
                "election": election.code,
                "version": version,
                "sha256": {fmt: f["sha256"] for fmt, f in files.items()},
            },
        )
    return final


def reports_root() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def _store(data: bytes, fmt: str) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    path = reports_root() / f"{digest}.{fmt}"
    write_once(path, data)
    return {"path": path.name, "sha256": digest, "size": len(data)}


def final_file(final: FinalReport, fmt: str) -> bytes:
    """The stored bytes, checked against the hash recorded at sign-off."""
    entry = final.files.get(fmt)
    if entry is None:
        raise ReportError(_("Unknown format."))
    data = (reports_root() / entry["path"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ReportError(_("The stored file does not match its recorded hash."))
    return data


def latest_final(election: Election) -> FinalReport | None:
    return FinalReport.objects.filter(election=election).order_by("-version").first()


def finals(election: Election) -> list[FinalReport]:
    return list(FinalReport.objects.filter(election=election).select_related("signed_off_by"))

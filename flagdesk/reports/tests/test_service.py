# SPDX-License-Identifier: EUPL-1.2
"""Sign-off with the reviewed redactions of the real engine: refused while proposals are open,
then stored once with hashes; the final PDF leaks no personal data (pdftotext)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.redaction import service as redaction
from flagdesk.redaction.models import Redaction, Status
from flagdesk.reports import service

# The demo's assessor signs the seed notice; X answers "Dear Anna,".
NAMES = ("Anna de Vries", "anna.devries")


def review_everything(election: Election, reviewer: User) -> None:
    service.build(election)  # registers the report's texts with the engine's proposals
    for document in redaction.documents_for_election(election):
        redaction.mark_checked(document, reviewer)  # a person looked (issue 15)
        redaction.accept_all_proposed(document, reviewer)
        for open_one in document.redactions.filter(status=Status.PROPOSED):
            redaction.decide(open_one, False, reviewer)  # not redacted by default: keep


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.poppler
def test_sign_off_waits_for_the_review_then_stores_the_report(
    demo: Election, alice: User, bob: User, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        service.sign_off(demo, alice)  # assessors don't sign off
    with pytest.raises(service.ReportError, match=r"\d+ (of|van) \d+"):
        service.sign_off(demo, bob)
    done, total = service.review_progress(demo)
    assert total > 0 and done < total

    review_everything(demo, alice)
    final = service.sign_off(demo, bob, note="Voor de Tweede Kamer.")
    assert (final.version, final.signed_off_by) == (1, bob)
    pdf = service.final_file(final, "pdf")
    text = pdf_text(pdf, tmp_path)
    for name in NAMES:
        assert name not in text
    assert "5.1.2 e" in text  # the black boxes carry the ground
    assert "CONCEPT" not in text
    assert "Turfmarkt 147" in text and "civic integrity policy" in text
    for fmt in service.FORMATS:
        stored = Path(service.reports_root()) / final.files[fmt]["path"]
        assert os.stat(stored).st_mode & 0o222 == 0  # read-only
    event = AuditEvent.objects.get(action="report_signed_off")
    assert event.after["sha256"]["pdf"] == final.files["pdf"]["sha256"]
    assert service.sign_off(demo, bob).version == 2  # a correction is a new version


def test_a_changed_final_file_is_detected(demo: Election, alice: User, bob: User) -> None:
    review_everything(demo, alice)
    final = service.sign_off(demo, bob)
    stored = Path(service.reports_root()) / final.files["md"]["path"]
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"tampered")
    with pytest.raises(service.ReportError, match="hash"):
        service.final_file(final, "md")


def test_a_rejected_proposal_is_published_and_an_added_one_withheld(
    demo: Election, alice: User, bob: User
) -> None:
    service.build(demo)
    notice_body = next(d for d in redaction.documents_for_election(demo) if d.kind == "notice.body")
    redaction.add_text(notice_body, "Democracy and Governance Division", alice, ground="5.1.2i")
    review_everything(demo, alice)
    markdown = service.final_file(service.sign_off(demo, bob), "md").decode()
    assert "Democracy and Governance Division" not in markdown
    assert "[5.1.2i]" in markdown
    assert all(name not in markdown for name in NAMES)


def test_the_cli_writes_the_signed_off_bytes(
    demo: Election, alice: User, bob: User, tmp_path: Path
) -> None:
    with pytest.raises(Exception, match="no signed-off report"):
        call_command("report", "TK2023", "--final", "--out", str(tmp_path / "r.md"))
    review_everything(demo, alice)
    final = service.sign_off(demo, bob)
    call_command("report", "TK2023", "--final", "--out", str(tmp_path / "r.md"))
    assert (tmp_path / "r.md").read_bytes() == service.final_file(final, "md")
    assert Redaction.objects.exists()

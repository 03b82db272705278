# SPDX-License-Identifier: EUPL-1.2
"""`flagdesk audit verify` also reads back every stored file against its recorded hash."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from flagdesk.core import integrity
from flagdesk.elections.models import Election
from flagdesk.intake.models import Attachment
from flagdesk.mailarchive import service as mailarchive
from flagdesk.mailarchive.models import MailMessage
from flagdesk.notices.models import Notice
from flagdesk.reports import service as reports
from tests_support.dataset import closed_election_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def election() -> Election:
    return closed_election_with_everything()


def verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_passes_when_every_file_matches(election: Election) -> None:
    labels = {stored.label for stored in integrity.stored_files()}
    assert {"archived mail", "signal attachment"} <= labels
    assert any(label.startswith("final report TK2023 v1") for label in labels)
    code, out, _ = verify()
    assert code == 0
    assert "stored files intact" in out and "hash chain verified" in out


def test_a_flipped_byte_is_named(election: Election) -> None:
    message = MailMessage.objects.exclude(raw_path="").first()
    assert message is not None
    path = mailarchive.archive_root() / message.raw_path
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    os.chmod(path, 0o644)  # stored read-only
    path.write_bytes(bytes(data))
    code, _, errors = verify()
    assert code == 1
    assert f"archived mail: {path}: changed" in errors


def test_a_missing_file_is_named(election: Election) -> None:
    final = reports.latest_final(election)
    assert final is not None
    pdf = Path(reports.reports_root()) / final.files["pdf"]["path"]
    pdf.unlink()
    attachment = Attachment.objects.get()
    Path(attachment.file.path).unlink()
    code, _, errors = verify()
    assert code == 1
    assert f"final report TK2023 v1 (pdf): {pdf}: missing" in errors
    assert f"signal attachment: {attachment.file.path}: missing" in errors
    assert "2 missing or changed" in errors


def test_changed_notice_bytes_are_named(election: Election) -> None:
    notice = Notice.objects.exclude(raw=None).get()
    Notice.objects.filter(pk=notice.pk).update(raw=bytes(notice.raw) + b" ")
    code, _, errors = verify()
    assert code == 1
    assert f"notice as sent: notice {notice.pk}: bytes changed" in errors


def test_mail_removed_by_retention_is_not_missing(election: Election) -> None:
    message = MailMessage.objects.exclude(raw_path="").get()
    (mailarchive.archive_root() / message.raw_path).unlink()
    assert verify()[0] == 1
    MailMessage.objects.filter(pk=message.pk).update(raw_path="")  # as purge_raw leaves it
    assert verify()[0] == 0


def test_every_app_that_stores_files_registered_them() -> None:
    # audit verify knows no app: a source missing here would silently go unchecked.
    assert set(integrity._file_sources) == {
        "intake.attachments",
        "notices.portal_confirmations",
        "mailarchive.files",
        "reports.final",
    }
    assert set(integrity._checks) == {"notices.frozen_bytes"}


def test_audit_verify_runs_a_check_an_app_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integrity, "_checks", dict(integrity._checks))
    monkeypatch.setattr(integrity, "_file_sources", dict(integrity._file_sources))
    broken = integrity.Mismatch("seal", "seal 7", "changed")
    integrity.register_check("test.seals", lambda: [broken])
    gone = integrity.StoredFile(Path("/nonexistent/seal.bin"), None, "seal file")
    integrity.register_stored_files("test.seal_files", lambda: [gone])
    code, _, errors = verify()
    assert code == 1
    assert "stored file seal: seal 7: changed" in errors
    assert "stored file seal file: /nonexistent/seal.bin: missing" in errors

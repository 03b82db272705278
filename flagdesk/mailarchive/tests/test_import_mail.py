# SPDX-License-Identifier: EUPL-1.2
"""`flagdesk import-mail`: an earlier archive (mbox, Maildir, .eml folder) brought in."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import Confirmation, Kind, MailMessage, MatchMethod
from flagdesk.mailarchive.tests.mailfiles import (
    SENT_AT,
    import_mail,
    our_notice,
    write_eml_folder,
    write_maildir,
    write_mbox,
    xs_answer,
)
from flagdesk.notices.models import DeliveryState, Notice, NoticeStatus
from flagdesk.notices.tests.conftest import approved_case

OLD_ID = "<oldtool.4711@mail.minbzk.nl>"


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def _archive(draft: Notice) -> list[bytes]:
    # The answer first in the file: the import still takes our sent mail first.
    return [xs_answer(), our_notice(draft.case.reference)]


def _assert_notice_and_acknowledgment(draft: Notice) -> None:
    notice = Notice.objects.get(message_id=OLD_ID)
    assert notice.pk == draft.pk  # the unsent draft became the notice that was sent
    assert notice.status == NoticeStatus.FROZEN
    assert notice.frozen_at == SENT_AT
    assert bytes(notice.raw or b"") == our_notice(draft.case.reference)
    assert notice.recipient == "escalations@x.example"
    assert notice.delivery.state == DeliveryState.ACCEPTED
    assert notice.delivery.accepted_at == SENT_AT
    assert notice.delivery.attempt_rows.count() == 0  # nothing was sent
    # X's answer threads to it by the old tool's Message-ID and acknowledges at its Date.
    answer = MailMessage.objects.get(message_id="<answer.250@x.example>")
    assert (answer.notice, answer.match_method) == (notice, MatchMethod.THREAD)
    assert answer.kind == Kind.ACKNOWLEDGMENT
    assert notice.acknowledged_at == SENT_AT + dt.timedelta(minutes=4, seconds=10)
    assert AuditEvent.objects.filter(action="notice_imported").count() == 1


def test_it_imports_an_mbox_and_the_answer_threads_to_the_notice(
    draft: Notice, tmp_path: Path
) -> None:
    path = write_mbox(tmp_path / "old.mbox", _archive(draft))
    status, out, err = import_mail(path)
    assert status == 0, err
    _assert_notice_and_acknowledgment(draft)
    assert "imported: 2" in out and "notices created: 1" in out
    assert "linked to a case of the election: 2" in out and "unmatched (on Mail to check): 0" in out
    own = MailMessage.objects.get(message_id=OLD_ID)
    assert own.kind == Kind.OWN_COPY
    assert service.read_raw(own) == our_notice(draft.case.reference)


def test_it_imports_a_maildir(draft: Notice, tmp_path: Path) -> None:
    status, _out, err = import_mail(write_maildir(tmp_path / "Mail", _archive(draft)))
    assert status == 0, err
    _assert_notice_and_acknowledgment(draft)


def test_it_imports_a_folder_of_eml_files(draft: Notice, tmp_path: Path) -> None:
    status, _out, err = import_mail(write_eml_folder(tmp_path / "eml", _archive(draft)))
    assert status == 0, err
    _assert_notice_and_acknowledgment(draft)


def test_it_imports_a_single_eml_file(draft: Notice, tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(our_notice(draft.case.reference))
    status, out, _err = import_mail(path)
    assert status == 0 and "notices created: 1" in out


def test_it_shows_progress_and_a_summary(draft: Notice, tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "old.mbox", _archive(draft))
    _status, out, err = import_mail(path)
    # Not a terminal: one finished bar per stage.
    assert "scan       [##############################] 2/2" in err
    assert "sent       [##############################] 1/1" in err
    assert "received   [##############################] 1/1" in err
    assert out.startswith("import-mail TK2023: imported: 2; already present: 0")
    assert "bad (skipped): 0" in out


def test_a_broken_file_is_reported_and_skipped_and_the_rest_imported(
    draft: Notice, tmp_path: Path
) -> None:
    folder = write_eml_folder(tmp_path / "eml", _archive(draft))
    (folder / "000-scan.eml").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    status, out, err = import_mail(folder)
    assert status == 1
    assert f"bad: {folder / '000-scan.eml'}: not a mail message (no header at the start)" in err
    assert "imported: 2" in out and "bad (skipped): 1" in out
    _assert_notice_and_acknowledgment(draft)


def test_a_second_run_imports_nothing_new(draft: Notice, tmp_path: Path) -> None:
    messages = _archive(draft)
    mbox = write_mbox(tmp_path / "old.mbox", messages)
    assert import_mail(mbox)[0] == 0
    events = AuditEvent.objects.count()
    status, out, _err = import_mail(mbox)
    assert status == 0
    assert "imported: 0; already present: 2 (same SHA-256 of the bytes: 2" in out
    assert "notices created: 0" in out
    # The same mailbox exported another way (a Maildir adds no From line but other bytes
    # may differ): recognised by Message-ID, sender, subject and date.
    maildir = write_maildir(tmp_path / "Mail", [m.replace(b"\n", b"\r\n") for m in messages])
    status, out, _err = import_mail(maildir)
    assert "imported: 0; already present: 2" in out and "same Message-ID and headers: 2" in out
    assert MailMessage.objects.count() == 2 and Notice.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_message_reusing_a_message_id_is_not_taken_for_the_same(
    draft: Notice, tmp_path: Path
) -> None:
    import_mail(write_mbox(tmp_path / "a.mbox", _archive(draft)))
    forged = xs_answer(subject="Re: something else entirely")
    status, out, _err = import_mail(write_eml_folder(tmp_path / "b", [forged]))
    assert status == 0
    assert "imported: 1" in out  # nothing lost: a different message is archived


def test_mail_about_a_case_of_another_election_is_not_linked_to_it(
    draft: Notice, tmp_path: Path, alice: User, bob: User
) -> None:
    ps2027 = Election.objects.get(code="PS2027")
    other = approved_case(ps2027, alice, bob, url="https://x.com/a/status/1727365099999999999")
    path = write_mbox(
        tmp_path / "old.mbox",
        [
            our_notice(other.reference, "<other.1@mail.minbzk.nl>"),
            xs_answer("<other.1@mail.minbzk.nl>"),
        ],
    )
    status, out, _err = import_mail(path)
    assert status == 0
    assert "notices created: 0" in out and "unmatched (on Mail to check): 2" in out
    assert "sent by us, no notice made (case of another election): 1" in out
    assert not Notice.objects.filter(case=other, status=NoticeStatus.FROZEN).exists()
    assert not MailMessage.objects.filter(case=other).exists()


def test_sent_mail_on_a_case_without_an_approved_decision_makes_no_notice(
    draft: Notice, tmp_path: Path
) -> None:
    draft.decision.status = "proposed"
    draft.decision.save()
    path = write_mbox(tmp_path / "old.mbox", _archive(draft))
    _status, out, _err = import_mail(path)
    assert "notices created: 0" in out
    assert "sent by us, no notice made (no approved decision to deploy): 1" in out
    assert MailMessage.objects.count() == 2  # both archived all the same


def test_an_answer_linked_only_by_the_case_reference_waits_for_a_person(
    draft: Notice, tmp_path: Path
) -> None:
    loose = xs_answer(
        "", subject=f"About {draft.case.reference}", after=dt.timedelta(minutes=1)
    )  # no In-Reply-To: the reference is guessable
    path = write_mbox(tmp_path / "old.mbox", [our_notice(draft.case.reference), loose])
    assert import_mail(path)[0] == 0
    answer = MailMessage.objects.get(message_id="<answer.60@x.example>")
    assert answer.match_method == MatchMethod.CASE_REFERENCE
    assert answer.confirmation == Confirmation.PENDING
    assert Notice.objects.get(pk=draft.pk).acknowledged_at is None


def test_an_unknown_election_stops_with_one_line(db: Any, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no election 'XX1999'"):
        call_command("import-mail", str(tmp_path), "--election", "XX1999")


def test_a_message_the_archive_cannot_take_is_kept_raw_and_the_batch_goes_on(
    draft: Notice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = service.import_raw

    def failing_on_the_answer(raw: bytes, **kwargs: Any) -> MailMessage:
        if b"<answer.250@x.example>" in raw:
            raise ValueError("a parser bug")
        return real(raw, **kwargs)

    monkeypatch.setattr(service, "import_raw", failing_on_the_answer)
    path = write_mbox(tmp_path / "old.mbox", _archive(draft))
    status, out, err = import_mail(path)
    assert status == 1
    assert f"bad: {path} (message 1): archived unparsed (ValueError)" in err
    assert "imported: 2" in out and "notices created: 1" in out
    kept = MailMessage.objects.get(sha256=hashlib.sha256(xs_answer()).hexdigest())
    assert kept.match_method == MatchMethod.UNMATCHED and kept.defects[0] == "unparsed"
    assert service.read_raw(kept) == xs_answer()
    assert AuditEvent.objects.filter(action="notice_imported").count() == 1


def test_an_answer_dated_before_the_notice_counts_as_acknowledged_when_sent(
    draft: Notice, tmp_path: Path
) -> None:
    # The old tool's clock ran ten minutes fast: X's answer is dated before our notice. The
    # time of the import would be years off; the notice's own time is the nearest truth.
    early = xs_answer(after=-dt.timedelta(minutes=10))
    path = write_mbox(tmp_path / "old.mbox", [our_notice(draft.case.reference), early])
    assert import_mail(path)[0] == 0
    assert Notice.objects.get(pk=draft.pk).acknowledged_at == SENT_AT


def test_a_second_sent_mail_on_the_decision_is_a_follow_up_and_answers_thread_to_it(
    draft: Notice, tmp_path: Path
) -> None:
    later = our_notice(draft.case.reference, "<oldtool.4712@mail.minbzk.nl>").replace(
        b"Date: Mon, 20 Nov 2023 10:00:00 +0000", b"Date: Mon, 20 Nov 2023 12:00:00 +0000"
    )
    answer = xs_answer("<oldtool.4712@mail.minbzk.nl>", after=dt.timedelta(hours=2, minutes=5))
    path = write_mbox(tmp_path / "old.mbox", [answer, later, our_notice(draft.case.reference)])
    status, out, err = import_mail(path)
    assert status == 0, err
    assert "notices created: 2" in out
    first = Notice.objects.get(message_id=OLD_ID)
    second = Notice.objects.get(message_id="<oldtool.4712@mail.minbzk.nl>")
    assert second.follows == first and second.decision == first.decision
    assert MailMessage.objects.get(message_id="<answer.7500@x.example>").notice == second

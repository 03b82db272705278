# SPDX-License-Identifier: EUPL-1.2
"""A hostile archive handed to `flagdesk import-mail`: every file is outside input.

Nothing may crash the import, nothing outside the folder may be read (links are not
followed), and every message that can be kept is kept byte for byte; what cannot is named
on one line with its path and why.
"""

from __future__ import annotations

import hashlib
import io
import mailbox
import os
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import MailAttachment, MailMessage
from flagdesk.mailarchive.tests.mailfiles import (
    SENT_AT,
    TEAM,
    import_mail,
    mail,
    our_notice,
    write_eml_folder,
    write_maildir,
    xs_answer,
)
from flagdesk.notices.models import Notice, NoticeStatus
from flagdesk.notices.tests.conftest import draft, x_channel

__all__ = ["draft", "x_channel"]

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def _note(number: int, text: str = "A note.") -> bytes:
    return mail(
        sender="someone@example.org",
        to=TEAM,
        subject=f"note {number}",
        message_id=f"<note.{number}@example.org>",
        date=SENT_AT,
        text=text,
    )


def test_a_from_line_inside_a_body_does_not_split_the_message(db: Any, tmp_path: Path) -> None:
    body = "Our answer:\n\nFrom the ministry, 20 November at 10:00: nothing new.\n"
    first = _note(1, body)
    path = tmp_path / "careless.mbox"
    # Written by a careless tool: the body's "From " is not escaped to ">From ".
    envelope = b"From someone@example.org Mon Nov 20 10:00:00 2023\n"
    path.write_bytes(envelope + first + b"\n" + envelope + _note(2) + b"\n")
    status, out, err = import_mail(path)
    assert status == 0, err
    assert "imported: 2" in out
    kept = MailMessage.objects.get(message_id="<note.1@example.org>")
    assert service.read_raw(kept) == first  # the whole body, byte for byte


def test_a_50_mb_message_is_archived_whole_and_its_part_recorded(
    db: Any, tmp_path: Path, settings: Any
) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", TEAM, "big"
    message["Message-ID"] = "<big@example.org>"
    message.set_content("See the attachment.")
    message.add_attachment(os.urandom(38 * MB), maintype="application", subtype="octet-stream")
    raw = message.as_bytes()
    assert len(raw) > 50 * MB
    folder = write_eml_folder(tmp_path / "eml", [raw])
    status, out, _err = import_mail(folder)
    assert status == 0 and "imported: 1" in out
    kept = MailMessage.objects.get(message_id="<big@example.org>")
    assert kept.size == len(raw) and service.read_raw(kept) == raw
    part = MailAttachment.objects.get(message=kept)
    assert part.truncated and not part.path  # over FLAGDESK_MAIL_MAX_PART_MB: hash only


def test_a_message_over_the_limit_is_reported_and_skipped(db: Any, tmp_path: Path) -> None:
    folder = write_eml_folder(tmp_path / "eml", [_note(1, "x" * (2 * MB)), _note(2)])
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import-mail",
            str(folder),
            "--election",
            "TK2023",
            "--max-message-mb",
            "1",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert f"bad: {folder / '001.eml'}: larger than 1 MB" in err.getvalue()
    assert MailMessage.objects.filter(message_id="<note.2@example.org>").exists()


def test_a_folder_inside_a_maildirs_cur_is_reported(db: Any, tmp_path: Path) -> None:
    box = write_maildir(tmp_path / "Mail", [_note(1)])
    (box / "cur" / "sub").mkdir()
    (box / "cur" / "sub" / "hidden.eml").write_bytes(_note(2))
    status, out, err = import_mail(box)
    assert status == 1
    assert f"bad: {box / 'cur' / 'sub'}: a folder inside cur/, skipped" in err
    assert "imported: 1" in out


def test_file_names_that_are_not_utf8_are_read_and_shown_escaped(db: Any, tmp_path: Path) -> None:
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.eml")).write_bytes(_note(1))
    (folder / os.fsdecode(b"\xff\xfe.eml")).write_bytes(b"\x00\x01 not mail")
    status, out, err = import_mail(folder)
    assert status == 1
    assert "imported: 1" in out
    assert "\\xff\\xfe.eml: not a mail message" in err


def test_links_out_of_the_folder_are_not_followed(db: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.eml").write_bytes(_note(99, "Not yours to import."))
    folder = write_eml_folder(tmp_path / "eml", [_note(1)])
    (folder / "link.eml").symlink_to(outside / "secret.eml")
    (folder / "linkdir").symlink_to(outside, target_is_directory=True)
    status, out, err = import_mail(folder)
    assert status == 1
    assert f"bad: {folder / 'link.eml'}: symbolic link, not followed" in err
    assert f"bad: {folder / 'linkdir'}: symbolic link, not followed" in err
    assert not MailMessage.objects.filter(message_id="<note.99@example.org>").exists()
    assert "imported: 1" in out


def test_a_maildir_link_to_a_file_outside_is_not_followed(db: Any, tmp_path: Path) -> None:
    outside = tmp_path / "secret.eml"
    outside.write_bytes(_note(99))
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.close()
    (tmp_path / "Mail" / "cur" / "1.host:2,S").symlink_to(outside)
    status, _out, err = import_mail(tmp_path / "Mail")
    assert status == 1 and "symbolic link, not followed" in err
    assert not MailMessage.objects.exists()


def test_an_eml_that_is_not_mail_is_reported(db: Any, tmp_path: Path) -> None:
    folder = write_eml_folder(tmp_path / "eml", [b"PK\x03\x04 a zip file, not mail", _note(1)])
    status, out, err = import_mail(folder)
    assert status == 1
    assert f"bad: {folder / '001.eml'}: not a mail message (no header at the start)" in err
    assert "imported: 1" in out


def test_a_deeply_nested_message_is_archived_raw(db: Any, tmp_path: Path) -> None:
    inner = _note(1)
    for depth in range(400):
        inner = (
            b"From: nest@example.org\nSubject: level %d\nMIME-Version: 1.0\n"
            b"Content-Type: message/rfc822\n\n" % depth
        ) + inner
    raw = b"Message-ID: <nest@example.org>\n" + inner
    status, out, err = import_mail(write_eml_folder(tmp_path / "eml", [raw, xs_answer()]))
    assert status == 0, err
    assert "imported: 2" in out
    kept = MailMessage.objects.get(sha256=hashlib.sha256(raw).hexdigest())
    assert service.read_raw(kept) == raw


def test_mail_forged_in_our_name_does_not_become_a_notice(draft: Notice, tmp_path: Path) -> None:
    # It came in through our mail server (Received) and nothing authenticated it as ours.
    forged = b"Received: from evil.example by mx.minbzk.nl; Mon, 20 Nov 2023 10:00:00 +0000\n"
    forged += our_notice(draft.case.reference, "<forged.1@evil.example>")
    status, out, _err = import_mail(write_eml_folder(tmp_path / "eml", [forged]))
    assert status == 0
    assert "notices created: 0" in out
    assert "received from outside unauthenticated): 1" in out
    assert Notice.objects.get(pk=draft.pk).status == NoticeStatus.DRAFT
    assert MailMessage.objects.filter(message_id="<forged.1@evil.example>").exists()

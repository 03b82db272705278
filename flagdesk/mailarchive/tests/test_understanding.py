# SPDX-License-Identifier: EUPL-1.2
"""The mail-understanding evaluation: a set of platform mail written for it, with the notice
each message belongs to and its kind (samples/understanding/expected.json).

Eight notices on five platforms, some sent under Message-IDs of an earlier tool or an older
sending domain; the messages are imported in order, so earlier ones (acknowledgments, learned
ticket numbers) shape later ones, as in a real mailbox. The test prints linked-right and
classified-right and holds them to the targets: every message linked right, >= 95 % classified
right, no message ever linked to a wrong case or strongly linked from a stranger, and every
message archived byte for byte.

Run on its own to see the figures:
``.venv/bin/pytest flagdesk/mailarchive/tests/test_understanding.py -s -p no:xdist``
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import LinkStrength, MailMessage
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform

SET = Path(__file__).parent / "samples" / "understanding"
EXPECTED: dict[str, dict[str, str | None]] = json.loads((SET / "expected.json").read_text())

# label: (platform, case reference, recipient, Message-ID as sent, other Message-IDs)
NOTICES = {
    "A": ("x", "FD-2023-0101", "tf-escalations@x.com",
          "<1772000000.5d41402abc4b2a76b9719d911017c592.flagdesk@minbzk.example>", []),
    "B": ("meta", "FD-2023-0102", "elections-nl@support.facebook.com",
          "<1772000100.7d793037a0760186574b0282f2f435e7.flagdesk@minbzk.example>", []),
    # Carried over from an earlier tool (Outlook's Message-ID).
    "C": ("tiktok", "FD-2023-0103", "euelections@tiktok.com",
          "<AM0PR09MB4711B2C3D4E5F6A7B8C9@AM0PR09MB4711.eurprd09.prod.outlook.example>", []),
    # Sent again after a change of the sending domain: the old Message-ID is recorded too.
    "D": ("google", "FD-2023-0104", "tf-nl@google.com",
          "<1772000300.9e107d9d372bb6826bd81d3542a419d6.flagdesk@minbzk.example>",
          ["<1690000000.e4d909c290d0fb1ca068ffaddf22cbd0.flagdesk@bzk-oud.example>"]),
    "E": ("snapchat", "FD-2023-0105", "trustedflagger@snap.com",
          "<1772000400.0cc175b9c0f1b6a831c399e269772661.flagdesk@minbzk.example>", []),
    "F": ("x", "FD-2023-0106", "tf-escalations@x.com",
          "<1772000500.92eb5ffee6ae2fec3ad71c777531578f.flagdesk@minbzk.example>", []),
    "G": ("meta", "FD-2023-0107", "elections-nl@support.facebook.com",
          "<20270302101500.GA4412@mail.elections-desk.example>", []),
    "H": ("google", "FD-2023-0108", "tf-nl@google.com",
          "<1772000700.8277e0910d750195b448797616e091ad.flagdesk@minbzk.example>", []),
}  # fmt: skip


@pytest.fixture(autouse=True)
def _mail_settings(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.FROM_EMAIL = "trustedflagger@minbzk.example"
    settings.ORGANISATION_DOMAINS = ["minbzk.example"]
    settings.MAIL_AUTHSERV_IDS = ["mx.minbzk.example"]
    settings.MAIL_VERIFY_DKIM = False


@pytest.fixture
def sent_notices(
    tk2023: Election, alice: User, bob: User, x_channel: Platform
) -> dict[str, Notice]:
    made = {}
    for number, (label, (slug, reference, recipient, message_id, extra)) in enumerate(
        NOTICES.items()
    ):
        case = approved_case(tk2023, alice, bob, f"https://x.com/someone/status/{1000 + number}")
        Case.objects.filter(pk=case.pk).update(reference=reference)
        notice = Notice.objects.get(case=case)
        notices.send(notice, alice)
        Delivery.objects.filter(notice=notice).update(state=DeliveryState.ACCEPTED)
        Notice.objects.filter(pk=notice.pk).update(
            platform=Platform.objects.get(slug=slug), recipient=recipient, message_id=message_id
        )
        notice = Notice.objects.get(pk=notice.pk)
        notices.record_message_ids(notice, extra, source="test: old sending domain")
        made[label] = notice
    return made


def test_the_evaluation_set_is_understood(sent_notices: dict[str, Notice]) -> None:
    labels = {notice.pk: label for label, notice in sent_notices.items()}
    cases = {notice.case_id: label for label, notice in sent_notices.items()}
    linked = classified = 0
    misses = []
    for name, want in sorted(EXPECTED.items()):
        raw = (SET / name).read_bytes()
        message = service.import_raw(raw)
        assert service.read_raw(message) == raw, name  # archived byte for byte
        got_notice = labels.get(message.notice_id) if message.notice_id else None
        got_case = cases.get(message.case_id) if message.case_id else None
        # Never a wrong case, whatever else goes wrong.
        assert got_case in (None, want["notice"]), f"{name}: linked to case of {got_case}"
        if want["notice"] is None or message.sender_kind in ("lookalike", "other"):
            assert message.link_strength != LinkStrength.STRONG, name
        linked += got_notice == want["notice"]
        classified += message.kind == want["kind"]
        if got_notice != want["notice"] or message.kind != want["kind"]:
            misses.append(f"{name}: {got_notice}/{message.kind}, expected {want}")
    total = len(EXPECTED)
    print(f"\nmail understanding: {total} messages")
    print(f"linked right:     {linked}/{total} = {100 * linked / total:.1f} %")
    print(f"classified right: {classified}/{total} = {100 * classified / total:.1f} %")
    print("\n".join(misses))
    assert MailMessage.objects.count() == total
    assert linked == total, misses
    assert classified / total >= 0.95, misses

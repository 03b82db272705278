# SPDX-License-Identifier: EUPL-1.2
"""The message page, its downloads and the unmatched queue, by role."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import MailMessage, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path


def stray_mail(subject: str = "Question about your letter", html: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = "Trust & Safety <support@x.example>"
    message["To"] = "flagdesk@localhost"
    message["Subject"] = subject
    message["Date"] = "Wed, 22 Nov 2023 10:15:00 +0100"
    message["Message-ID"] = "<stray-1@x.example>"
    message.set_content("Hello,\nwhich post do you mean?\n")
    if html:
        message.add_alternative(
            "<p>Hello, <b>which</b> post?</p><script>alert(1)</script>"
            '<img src="https://tracker.example/p.gif">',
            subtype="html",
        )
    message.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="letter.pdf"
    )
    return bytes(message)


# Built once: every build has a new random MIME boundary.
STRAY = stray_mail()


@pytest.fixture
def stray(db: Any) -> MailMessage:
    return service.import_raw(STRAY)


def test_the_message_page_shows_the_sanitised_html(stray: MailMessage, carol: User) -> None:
    response = in_english(verified_client(carol)).get(f"/mail/{stray.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>which</b>" in html  # rendered, not escaped
    assert "<script>alert" not in html and "tracker.example" not in html
    assert "support@x.example" in html and "Question about your letter" in html
    assert "Not matched" in html


def test_a_message_without_html_shows_its_text(db: Any, carol: User) -> None:
    message = service.import_raw(stray_mail(html=False))
    html = in_english(verified_client(carol)).get(f"/mail/{message.pk}").content.decode()
    assert 'class="panel mail-text"' in html and "which post do you mean?" in html


def test_the_raw_message_downloads_byte_for_byte(stray: MailMessage, bob: User) -> None:
    response = verified_client(bob).get(reverse("fd-mail-raw", kwargs={"pk": stray.pk}))
    assert response.status_code == 200
    assert response.content == STRAY
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")


def test_attachments_always_download(stray: MailMessage, dave: User) -> None:
    [attachment] = stray.attachments.all()
    page = verified_client(dave).get(f"/mail/{stray.pk}").content.decode()
    assert f'href="/mail/attachments/{attachment.pk}"' in page
    response = verified_client(dave).get(f"/mail/attachments/{attachment.pk}")
    assert response.content == b"%PDF-1.4 fake"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_defects_are_listed(db: Any, carol: User) -> None:
    message = service.import_raw(
        b"From: a@x.example\r\nSubject: broken\r\nContent-Type: multipart/mixed\r\n\r\nno parts\r\n"
    )
    assert message.defects
    html = verified_client(carol).get(f"/mail/{message.pk}").content.decode()
    assert 'class="mail-defects"' in html


@pytest.mark.parametrize("path", ["/mail/{pk}", "/mail/{pk}/message.eml", "/mail/unmatched"])
def test_anonymous_users_are_sent_to_the_login(stray: MailMessage, path: str) -> None:
    response = Client().get(path.format(pk=stray.pk))
    assert response.status_code == 302 and response["Location"].startswith("/login")


# ------------------------------------------------------------ unmatched


def test_the_queue_lists_unmatched_mail_with_a_count_in_the_nav(
    stray: MailMessage, carol: User
) -> None:
    html = in_english(verified_client(carol)).get("/mail/unmatched").content.decode()
    assert f'href="/mail/{stray.pk}"' in html
    assert 'Mail to check <span class="nav-count">(1)</span>' in html
    assert '<form method="post" action="/mail/' not in html  # intake cannot link


def test_the_nav_link_needs_the_case_view(stray: MailMessage, carol: User) -> None:
    html = verified_client(carol).get("/").content.decode()
    assert 'href="/mail/unmatched"' in html


def test_the_assessor_links_a_message_to_a_case(
    stray: MailMessage, draft: Notice, alice: User
) -> None:
    notices.send(draft, alice)
    client = in_english(verified_client(alice))
    page = client.get("/mail/unmatched").content.decode()
    assert f'action="/mail/{stray.pk}/attach"' in page
    response = client.post(f"/mail/{stray.pk}/attach", {"reference": draft.case.reference.lower()})
    assert response.status_code == 302
    stray.refresh_from_db()
    assert (stray.case, stray.notice, stray.match_method) == (
        draft.case,
        draft,
        MatchMethod.MANUAL,
    )
    assert AuditEvent.objects.filter(action="mail_attached").exists()
    case_html = client.get(f"/cases/{draft.case.reference}").content.decode()
    assert f'href="/mail/{stray.pk}"' in case_html
    assert "Message linked to this case" in case_html  # timeline
    assert "No unmatched messages." in client.get("/mail/unmatched").content.decode()


def test_an_unknown_reference_is_refused(stray: MailMessage, alice: User) -> None:
    client = in_english(verified_client(alice))
    response = client.post(f"/mail/{stray.pk}/attach", {"reference": "FD-1999-0001"}, follow=True)
    assert "There is no case with the reference" in response.content.decode()
    stray.refresh_from_db()
    assert stray.match_method == MatchMethod.UNMATCHED


def test_a_linked_message_cannot_be_linked_again(
    stray: MailMessage, draft: Notice, alice: User
) -> None:
    client = in_english(verified_client(alice))
    client.post(f"/mail/{stray.pk}/attach", {"reference": draft.case.reference})
    response = client.post(
        f"/mail/{stray.pk}/attach", {"reference": draft.case.reference}, follow=True
    )
    assert "already linked to a case" in response.content.decode()


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_only_assessors_link_messages(
    stray: MailMessage, draft: Notice, persona: str, request: pytest.FixtureRequest
) -> None:
    client = verified_client(request.getfixturevalue(persona))
    response = client.post(f"/mail/{stray.pk}/attach", {"reference": draft.case.reference})
    assert response.status_code == 403
    stray.refresh_from_db()
    assert stray.match_method == MatchMethod.UNMATCHED


def test_linking_accepts_only_post(stray: MailMessage, alice: User) -> None:
    assert verified_client(alice).get(f"/mail/{stray.pk}/attach").status_code == 405


def test_the_case_page_lists_the_mail_of_the_case(draft: Notice, alice: User) -> None:
    notices.send(draft, alice)
    reply = EmailMessage()
    reply["From"] = "support@x.example"
    reply["Subject"] = f"We received your report [{draft.case.reference}]"
    reply["In-Reply-To"] = draft.message_id
    reply["Message-ID"] = "<ack-1@x.example>"
    reply.set_content("Thank you, we received your report and will review it.")
    message = service.import_raw(bytes(reply))
    html = in_english(verified_client(alice)).get(f"/cases/{draft.case.reference}").content
    text = html.decode()
    assert f'href="/mail/{message.pk}"' in text
    assert f'class="badge kind-{message.kind}"' in text


# ------------------------------------------------------------ sender check


def forged_answer(notice: Notice, sender: str = "random@attacker.example") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "trustedflagger@minbzk.example"
    message["Subject"] = f"Re: {notice.case.reference}"
    message["Message-ID"] = "<forged-1@attacker.example>"
    message.set_content("Thanks.")
    return message.as_bytes()


@pytest.fixture
def pending(draft: Notice, alice: User) -> MailMessage:
    notices.send(draft, alice)
    return service.import_raw(forged_answer(draft, "help@meta-support-desk.example"))


def test_the_message_page_shows_the_sender_check_and_warns(
    pending: MailMessage, carol: User
) -> None:
    html = in_english(verified_client(carol)).get(f"/mail/{pending.pk}").content.decode()
    assert "Needs confirmation" in html and "Lookalike sender" in html
    assert "Lookalike of a platform&#x27;s domain: probably not the platform." in html
    assert 'data-code="lookalike_brand_token"' in html
    assert "meta-support-desk.example" in html
    assert f'action="/mail/{pending.pk}/confirm"' not in html  # intake cannot confirm


def test_the_case_page_and_the_queue_show_it(pending: MailMessage, alice: User) -> None:
    client = in_english(verified_client(alice))
    case_html = client.get(f"/cases/{pending.case.reference}").content.decode()
    assert 'data-confirmation="pending"' in case_html and "Lookalike sender" in case_html
    queue = client.get("/mail/unmatched").content.decode()
    assert f'id="confirm-{pending.pk}"' in queue
    assert f'action="/mail/{pending.pk}/confirm"' in queue
    assert 'Mail to check <span class="nav-count">(1)</span>' in queue


def test_the_assessor_confirms_through_the_page(
    pending: MailMessage, draft: Notice, alice: User
) -> None:
    client = in_english(verified_client(alice))
    response = client.post(
        f"/mail/{pending.pk}/confirm",
        {
            "kind": "acknowledgment",
            "notice": draft.pk,
            "note": "X phoned",
            "next": "/mail/unmatched",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/mail/unmatched"
    draft.refresh_from_db()
    assert draft.acknowledged_at is not None
    pending.refresh_from_db()
    assert (pending.confirmation, pending.confirmed_by) == ("confirmed", alice)


def test_the_assessor_rejects_and_nothing_changes(
    pending: MailMessage, draft: Notice, alice: User
) -> None:
    client = in_english(verified_client(alice))
    # An outside address as "next" is not followed.
    response = client.post(f"/mail/{pending.pk}/reject", {"next": "https://evil.example/"})
    assert response["Location"] == f"/mail/{pending.pk}"
    pending.refresh_from_db()
    assert pending.confirmation == "rejected"
    draft.refresh_from_db()
    assert draft.acknowledged_at is None
    assert "Rejected" in client.get(f"/mail/{pending.pk}").content.decode()


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_others_cannot_confirm_or_reject(
    pending: MailMessage, draft: Notice, persona: str, request: pytest.FixtureRequest
) -> None:
    client = verified_client(request.getfixturevalue(persona))
    for action in ("confirm", "reject"):
        data = {"kind": "acknowledgment", "notice": draft.pk}
        assert client.post(f"/mail/{pending.pk}/{action}", data).status_code == 403
    pending.refresh_from_db()
    assert pending.confirmation == "pending"


def test_a_confirmation_needs_a_kind_and_a_notice(pending: MailMessage, alice: User) -> None:
    client = verified_client(alice)
    client.post(f"/mail/{pending.pk}/confirm", {"kind": "own_copy", "notice": "x"})
    pending.refresh_from_db()
    assert pending.confirmation == "pending"

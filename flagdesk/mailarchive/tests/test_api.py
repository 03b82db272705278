# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/berichten: the archived mail over the API, as the mail pages show and change it.

Attackers first: a forged id, a partner's token, a role that may only read, a case that
does not exist, a link that was already decided, a hostile message's original.
"""

from __future__ import annotations

import base64
import hashlib
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import Confirmation, Kind, MailMessage, MatchMethod
from flagdesk.mailarchive.tests.test_service import reply
from flagdesk.mailarchive.tests.test_views import STRAY, forged_answer
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice

PROBLEM = "application/problem+json"
WRITES = ("koppeling", "bevestiging", "afwijzing")


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {accounts.issue_token(name='t', user=user)[1]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response["Content-Type"] == PROBLEM


@pytest.fixture
def stray(db: Any) -> MailMessage:
    """Unmatched mail with HTML that holds a script and a tracking pixel, and a PDF."""
    return service.import_raw(STRAY)


@pytest.fixture
def sent(draft: Notice, alice: User) -> Notice:
    notices.send(draft, alice)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def pending(sent: Notice) -> MailMessage:
    """Mail from a lookalike of Meta's domain quoting the case: linked weakly, waiting."""
    message = service.import_raw(forged_answer(sent, "help@meta-support-desk.example"))
    assert message.confirmation == Confirmation.PENDING and message.case == sent.case
    return message


# ------------------------------------------------------------------------ attackers


@pytest.mark.parametrize("forged", ["999999", "0", "-1", "abc", "99999999999999999999"])
def test_a_forged_id_is_a_problem_404_everywhere(
    stray: MailMessage, alice: User, forged: str
) -> None:
    client = api(alice)
    for suffix in ("", "/origineel"):
        assert is_problem(client.get(f"/api/v1/berichten/{forged}{suffix}"), 404), suffix
    for write in WRITES:
        response = post(client, f"/api/v1/berichten/{forged}/{write}", {"case": "x"})
        assert is_problem(response, 404), write


def test_a_partner_token_gets_403_on_every_endpoint(stray: MailMessage, nos_token: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    for url in ("/api/v1/berichten", f"/api/v1/berichten/{stray.pk}"):
        assert is_problem(client.get(url), 403), url
    download = client.get(f"/api/v1/berichten/{stray.pk}/origineel")
    assert is_problem(download, 403) and STRAY not in download.content
    for write in WRITES:
        assert is_problem(post(client, f"/api/v1/berichten/{stray.pk}/{write}", {}), 403)


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_only_assessors_change_mail_others_only_read(
    pending: MailMessage, stray: MailMessage, persona: str, request: pytest.FixtureRequest
) -> None:
    client = api(request.getfixturevalue(persona))
    assert client.get(f"/api/v1/berichten/{pending.pk}").status_code == 200
    attach = post(client, f"/api/v1/berichten/{stray.pk}/koppeling", {"case": "FD-2023-0001"})
    confirm = post(
        client,
        f"/api/v1/berichten/{pending.pk}/bevestiging",
        {"kind": "acknowledgment", "notice": pending.notice_id},
    )
    reject = post(client, f"/api/v1/berichten/{pending.pk}/afwijzing", {})
    assert all(is_problem(r, 403) for r in (attach, confirm, reject))
    pending.refresh_from_db()
    stray.refresh_from_db()
    assert pending.confirmation == Confirmation.PENDING
    assert stray.match_method == MatchMethod.UNMATCHED


def test_anonymous_gets_401(stray: MailMessage) -> None:
    response = Client().get(f"/api/v1/berichten/{stray.pk}/origineel")
    assert is_problem(response, 401) and response["WWW-Authenticate"]


def test_linking_to_a_case_that_does_not_exist_is_a_400_problem(
    stray: MailMessage, alice: User
) -> None:
    response = post(api(alice), f"/api/v1/berichten/{stray.pk}/koppeling", {"case": "FD-1999-0001"})
    assert is_problem(response, 400)
    assert [p["name"] for p in response.json()["invalid_params"]] == ["case"]
    stray.refresh_from_db()
    assert stray.match_method == MatchMethod.UNMATCHED and stray.case is None
    assert not AuditEvent.objects.filter(action="mail_attached").exists()


def test_confirming_an_already_confirmed_link_is_a_409(
    pending: MailMessage, sent: Notice, alice: User
) -> None:
    client = api(alice)
    url = f"/api/v1/berichten/{pending.pk}/bevestiging"
    body = {"kind": "acknowledgment", "notice": sent.pk}
    assert post(client, url, body).status_code == 200
    again = post(client, url, {**body, "kind": "reply"})
    assert is_problem(again, 409)
    assert again.json()["detail"]  # the service's reason
    reject = post(client, f"/api/v1/berichten/{pending.pk}/afwijzing", {"note": "oops"})
    assert is_problem(reject, 409)
    pending.refresh_from_db()
    assert (pending.confirmation, pending.kind) == (Confirmation.CONFIRMED, Kind.ACKNOWLEDGMENT)
    assert AuditEvent.objects.filter(action="mail_confirmed").count() == 1
    assert not AuditEvent.objects.filter(action="mail_rejected").exists()


def test_a_strong_link_cannot_be_confirmed_or_rejected(sent: Notice, alice: User) -> None:
    message = service.import_raw(reply(sent))  # X's answer in the thread: strong
    client = api(alice)
    body = {"kind": "reply", "notice": sent.pk}
    assert is_problem(post(client, f"/api/v1/berichten/{message.pk}/bevestiging", body), 409)
    assert is_problem(post(client, f"/api/v1/berichten/{message.pk}/afwijzing", {}), 409)


def test_a_message_already_linked_cannot_be_linked_again(
    pending: MailMessage, sent: Notice, alice: User
) -> None:
    response = post(
        api(alice), f"/api/v1/berichten/{pending.pk}/koppeling", {"case": sent.case.reference}
    )
    assert is_problem(response, 409)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "own_copy", "notice": "{notice}"},  # not something a person confirms
        {"kind": "acknowledgment"},
        {"kind": "acknowledgment", "notice": 999999},
        {"kind": "acknowledgment", "notice": "{other}"},  # a notice of another case
        {"kind": "acknowledgment", "notice": "x"},
    ],
)
def test_a_confirmation_needs_a_kind_and_a_sent_notice_of_the_case(
    pending: MailMessage, sent: Notice, alice: User, bob: User, tk2023: Any, body: dict[str, Any]
) -> None:
    from flagdesk.notices.tests.conftest import approved_case

    other = Notice.objects.get(
        case=approved_case(
            tk2023, alice, bob, url="https://x.com/kiezer/status/1727365099999999999"
        )
    )
    notices.send(other, alice)
    values = {
        k: {"{notice}": sent.pk, "{other}": other.pk}.get(v, v) if isinstance(v, str) else v
        for k, v in body.items()
    }
    response = post(api(alice), f"/api/v1/berichten/{pending.pk}/bevestiging", values)
    assert is_problem(response, 400)
    pending.refresh_from_db()
    assert pending.confirmation == Confirmation.PENDING


def test_the_original_of_a_hostile_message_is_only_ever_an_attachment(db: Any, carol: User) -> None:
    hostile = EmailMessage()
    hostile["From"] = "x@evil.example"
    hostile["Subject"] = "<script>alert(1)</script>"
    hostile.set_content(
        "<html><body><script>fetch('/api/v1/zaken')</script></body></html>", subtype="html"
    )
    raw = bytes(hostile)
    message = service.import_raw(raw)
    for accept in ("*/*", "text/html", "message/rfc822", "application/json"):
        response = api(carol).get(f"/api/v1/berichten/{message.pk}/origineel", HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response.content == raw
        assert response["Content-Type"] == "message/rfc822"
        assert response["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    detail = api(carol).get(f"/api/v1/berichten/{message.pk}").json()
    assert "<script" not in detail["html"] and "<script" not in detail["text"]


# ------------------------------------------------------------------------- reading


def test_the_original_downloads_byte_for_byte_with_its_digest(
    stray: MailMessage, carol: User
) -> None:
    response = api(carol).get(f"/api/v1/berichten/{stray.pk}/origineel")
    assert response.content == STRAY
    digest = base64.b64encode(hashlib.sha256(STRAY).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    assert response["API-Version"]


def test_an_original_removed_under_retention_is_gone(stray: MailMessage, carol: User) -> None:
    MailMessage.objects.filter(pk=stray.pk).update(raw_path="")
    response = api(carol).get(f"/api/v1/berichten/{stray.pk}/origineel")
    assert is_problem(response, 410)
    assert api(carol).get(f"/api/v1/berichten/{stray.pk}").json()["original_available"] is False


def test_one_message_shows_the_sanitised_text_and_its_metadata(
    stray: MailMessage, carol: User
) -> None:
    body = api(carol).get(f"/api/v1/berichten/{stray.pk}").json()
    assert "<b>which</b>" in body["html"]
    assert "<script" not in body["html"] and "tracker.example" not in body["html"]
    assert "which post do you mean?" in body["text"]
    assert body["html"] == stray.html  # the same sanitised HTML as the page
    assert body["sha256"] == hashlib.sha256(STRAY).hexdigest()
    assert (body["from_address"], body["from_name"]) == ("support@x.example", "Trust & Safety")
    assert body["subject"] == "Question about your letter"
    assert (body["kind"], body["match_method"], body["case"], body["notice"]) == (
        stray.kind,
        "unmatched",
        None,
        None,
    )
    assert body["sent_at"].startswith("2023-11-22T")
    assert body["original_available"] is True
    [attachment] = body["attachments"]
    assert attachment["filename"] == "letter.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["sha256"] == hashlib.sha256(b"%PDF-1.4 fake").hexdigest()


def test_the_list_filters_like_the_mail_pages(
    stray: MailMessage, pending: MailMessage, sent: Notice, carol: User
) -> None:
    strong = service.import_raw(reply(sent, "We received your report."))
    client = api(carol)

    def ids(query: str = "") -> list[int]:
        response = client.get(f"/api/v1/berichten{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [strong.pk, pending.pk, stray.pk]  # newest first
    assert ids("?ongekoppeld=true") == [stray.pk]
    assert ids("?ongekoppeld=false") == [strong.pk, pending.pk]
    assert ids("?bevestigingNodig=true") == [pending.pk]
    assert ids("?bevestigingNodig=false") == [strong.pk, stray.pk]
    assert ids(f"?zaak={sent.case.reference.lower()}") == [strong.pk, pending.pk]
    assert ids("?zaak=FD-1999-0001") == []
    assert ids(f"?melding={sent.pk}") == [strong.pk, pending.pk]
    newest_first = [strong, pending, stray]
    for kind in {m.kind for m in newest_first}:
        assert ids(f"?klasse={kind}") == [m.pk for m in newest_first if m.kind == kind]
    assert ids(f"?klasse={stray.kind}&zaak={sent.case.reference}") == [
        m.pk for m in (strong, pending) if m.kind == stray.kind
    ]
    assert ids("?pageSize=1&page=2") == [pending.pk]
    row = client.get("/api/v1/berichten?bevestigingNodig=true").json()["results"][0]
    assert row["needs_confirmation"] is True and row["link_strength"] == "weak"
    assert "html" not in row and "text" not in row  # the detail has the text


@pytest.mark.parametrize(
    "query",
    ["klasse=nonsense", "melding=abc", "melding=-3", "ongekoppeld=maybe", "zaak=" + "x" * 99],
)
def test_a_bad_filter_is_a_400_problem(db: Any, carol: User, query: str) -> None:
    assert is_problem(api(carol).get(f"/api/v1/berichten?{query}"), 400)


# ------------------------------------------------------------------------- changing


def test_the_assessor_links_an_unmatched_message_to_a_case(
    stray: MailMessage, sent: Notice, alice: User
) -> None:
    response = post(
        api(alice), f"/api/v1/berichten/{stray.pk}/koppeling", {"case": sent.case.reference.lower()}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["case"], body["notice"], body["match_method"]) == (
        sent.case.reference,
        sent.pk,
        "manual",
    )
    assert (body["link_strength"], body["confirmation"]) == ("weak", "pending")
    event = AuditEvent.objects.get(action="mail_attached")
    assert event.actor_id == alice.pk and event.object_id == str(stray.pk)
    assert audit.verify() == []


def test_the_assessor_confirms_a_weak_link_and_the_notice_is_acknowledged(
    pending: MailMessage, sent: Notice, alice: User
) -> None:
    response = post(
        api(alice),
        f"/api/v1/berichten/{pending.pk}/bevestiging",
        {"kind": "acknowledgment", "notice": sent.pk, "note": "X phoned to confirm"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["confirmation"], body["confirmed_by"], body["confirmation_note"]) == (
        "confirmed",
        "alice",
        "X phoned to confirm",
    )
    assert body["trusted"] is True and body["confirmed_at"]
    sent.refresh_from_db()
    assert sent.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="mail_confirmed", actor_id=alice.pk).exists()


def test_the_assessor_rejects_a_weak_link_and_nothing_changes(
    pending: MailMessage, sent: Notice, alice: User
) -> None:
    response = post(api(alice), f"/api/v1/berichten/{pending.pk}/afwijzing", {"note": "fake"})
    assert response.status_code == 200, response.content
    assert (response.json()["confirmation"], response.json()["trusted"]) == ("rejected", False)
    sent.refresh_from_db()
    assert sent.acknowledged_at is None
    assert AuditEvent.objects.filter(action="mail_rejected", actor_id=alice.pk).exists()

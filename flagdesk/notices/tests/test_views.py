# SPDX-License-Identifier: EUPL-1.2
"""The correspondence section of the case page and the notice actions, by role."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notices import dispatch, service
from flagdesk.notices.models import Delivery, DeliveryState, Notice, NoticeStatus
from flagdesk.notices.templatetags.notices_tags import duration_text
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform
from tests_support.smtp import SmtpServer

NEUTRAL_SUBJECT = "Possible violation of your election policy"
NEUTRAL_BODY = "Dear X,\n\nPlease review this post.\n\nKind regards,\nAlice"


def case_page(client: Client, notice: Notice) -> str:
    response = client.get(reverse("fd-case-detail", kwargs={"reference": notice.case.reference}))
    assert response.status_code == 200
    return response.content.decode()


def correspondence(html: str) -> str:
    match = re.search(r'<section aria-labelledby="correspondence-h".*?</section>', html, re.S)
    assert match, "the case page has a correspondence section"
    return match.group(0)


def post(client: Client, name: str, notice: Notice, data: dict[str, Any] | None = None) -> Any:
    return client.post(reverse(name, kwargs={"pk": notice.pk}), data or {})


def with_state(notice: Notice, alice: User, state: str, **fields: Any) -> Notice:
    service.send(notice, alice)
    Delivery.objects.filter(notice=notice).update(state=state, **fields)
    return Notice.objects.select_related("delivery", "case").get(pk=notice.pk)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------ the draft


def test_the_assessor_sees_the_draft_form(draft: Notice, alice: User) -> None:
    html = correspondence(case_page(in_english(verified_client(alice)), draft))
    assert f'action="/notices/{draft.pk}/draft"' in html
    assert 'name="subject"' in html and "<textarea" in html
    assert 'value="save"' in html and 'value="send"' in html
    assert "Save draft" in html and "Send notice" in html
    assert ">Draft<" in html


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_other_roles_see_the_draft_without_a_form(
    draft: Notice, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    html = correspondence(case_page(in_english(verified_client(user)), draft))
    assert escape(draft.subject) in html
    assert "<form" not in html


def test_the_assessor_saves_the_draft(draft: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    response = post(
        client, "fd-notice-draft", draft, {"subject": "New", "body": "Text", "action": "save"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{draft.case.reference}#notice-{draft.pk}")
    draft.refresh_from_db()
    assert (draft.subject, draft.body, draft.status) == ("New", "Text", NoticeStatus.DRAFT)
    assert "Draft saved." in messages_of(client.get(response["Location"]))


def test_an_empty_draft_is_refused_with_a_message(draft: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    response = post(client, "fd-notice-draft", draft, {"subject": " ", "body": "x"})
    assert response.status_code == 302
    assert "A notice needs a subject and a text." in messages_of(client.get(response["Location"]))
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
@pytest.mark.parametrize(
    "name",
    [
        "fd-notice-draft",
        "fd-notice-send",
        "fd-notice-follow-up",
        "fd-notice-portal-submission",
        "fd-notice-unknown",
        "fd-notice-send-again",
    ],
)
def test_only_assessors_may_act_on_a_notice(
    draft: Notice, persona: str, name: str, request: pytest.FixtureRequest
) -> None:
    client = verified_client(request.getfixturevalue(persona))
    data = {"subject": "s", "body": "b", "action": "send", "note": "n", "outcome": "arrived"}
    assert post(client, name, draft, data).status_code == 403
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT and draft.subject != "s"


@pytest.mark.parametrize(
    "name", ["fd-notice-draft", "fd-notice-follow-up", "fd-notice-send-again", "fd-notice-raw"]
)
def test_anonymous_users_are_sent_to_the_login(draft: Notice, name: str) -> None:
    response = Client().post(reverse(name, kwargs={"pk": draft.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_actions_accept_only_post(draft: Notice, alice: User) -> None:
    assert verified_client(alice).get(f"/notices/{draft.pk}/draft").status_code == 405


# ------------------------------------------------------- queued is not sent


def test_send_asks_for_confirmation_first_and_does_not_send(draft: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    data = {"subject": NEUTRAL_SUBJECT, "body": NEUTRAL_BODY, "action": "send"}
    response = post(client, "fd-notice-draft", draft, data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT and draft.subject == NEUTRAL_SUBJECT
    assert not Delivery.objects.filter(notice=draft).exists()
    html = response.content.decode()
    assert draft.platform.name in html and draft.recipient in html and "e-mail" in html
    assert f'action="/notices/{draft.pk}/send"' in html


def test_a_draft_changed_after_the_confirmation_page_is_not_sent(
    draft: Notice, alice: User
) -> None:
    client = verified_client(alice)
    data = {"subject": NEUTRAL_SUBJECT, "body": NEUTRAL_BODY, "action": "send"}
    page = post(client, "fd-notice-draft", draft, data).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert digest
    service.update_draft(draft, NEUTRAL_SUBJECT, NEUTRAL_BODY + " Changed.", alice)
    post(client, "fd-notice-send", draft, {"digest": digest.group(1)})
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT
    assert not Delivery.objects.filter(notice=draft).exists()


def test_send_queues_the_notice(draft: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    data = {"subject": NEUTRAL_SUBJECT, "body": NEUTRAL_BODY, "action": "send"}
    page = post(client, "fd-notice-draft", draft, data).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert digest
    response = post(client, "fd-notice-send", draft, {"digest": digest.group(1)})
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.FROZEN and draft.subject == NEUTRAL_SUBJECT
    assert Delivery.objects.get(notice=draft).state == DeliveryState.QUEUED
    shown = messages_of(client.get(response["Location"]))
    assert any("queued" in m for m in shown)
    assert not any(re.search(r"\b(sent|accepted)\b", m, re.I) for m in shown)


@pytest.mark.parametrize("state", ["queued", "sending", "retrying"])
@pytest.mark.parametrize(
    ("language", "forbidden"),
    [
        ("en", r"\b(sent|accepted|delivered)\b"),
        ("nl", r"(verzonden|verstuurd|geaccepteerd|aanvaard|afgeleverd|bezorgd)"),
    ],
)
def test_a_notice_on_its_way_is_never_shown_as_sent(
    draft: Notice, alice: User, state: str, language: str, forbidden: str
) -> None:
    service.update_draft(draft, NEUTRAL_SUBJECT, NEUTRAL_BODY, alice)
    notice = with_state(draft, alice, state)
    client = verified_client(alice)
    if language == "en":
        in_english(client)
    html = correspondence(case_page(client, notice))
    assert f'data-state="{state}"' in html
    assert re.findall(forbidden, html, re.I) == []
    assert "Follow up" not in html and "Opvolgen" not in html


# ------------------------------------------------------------ delivered


def test_an_accepted_notice_shows_its_delivery(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    html = correspondence(case_page(in_english(verified_client(alice)), draft))
    assert "Accepted by the mail server" in html and "badge-ok" in html
    assert "Sent at" in html and "Accepted at" in html
    assert 'class="attempts"' in html
    row = re.search(r"<tr><td>1</td>.*?</tr>", html, re.S)
    assert row and "Done" in row.group(0) and "Accepted" in row.group(0) and "250" in row.group(0)
    assert f'href="/notices/{draft.pk}/message.eml"' in html
    assert f'action="/notices/{draft.pk}/follow-up"' in html
    assert "Send again" not in html


def test_a_notice_written_to_the_local_outbox_does_not_read_as_accepted(
    draft: Notice, alice: User, outbox: Any, settings: Any
) -> None:
    settings.SMTP_URL = ""
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    html = correspondence(case_page(in_english(verified_client(alice)), draft))
    badge = re.search(r'<span class="badge badge-(\w+) notice-state">([^<]*)</span>', html)
    assert badge and badge.groups() == ("warn", "Written to the local outbox (not sent)")
    assert "Accepted by the mail server" not in html


def test_an_acknowledged_notice_reads_acknowledged(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    service.record_acknowledgment(draft, timezone.now(), "test")
    html = correspondence(case_page(in_english(verified_client(alice)), draft))
    badge = re.search(r'<span class="badge badge-(\w+) notice-state">([^<]*)</span>', html)
    assert badge and badge.groups() == ("ok", "Acknowledged")


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "dave"])
def test_the_raw_message_downloads_byte_for_byte(
    draft: Notice, alice: User, persona: str, request: pytest.FixtureRequest
) -> None:
    service.send(draft, alice)
    draft.refresh_from_db()
    client = verified_client(request.getfixturevalue(persona))
    response = client.get(reverse("fd-notice-raw", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert response.content == bytes(draft.raw)
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_draft_has_no_raw_message(draft: Notice, alice: User) -> None:
    response = verified_client(alice).get(reverse("fd-notice-raw", kwargs={"pk": draft.pk}))
    assert response.status_code == 404


def test_follow_up_drafts_a_new_notice(draft: Notice, alice: User) -> None:
    notice = with_state(draft, alice, DeliveryState.ACCEPTED, accepted_at=timezone.now())
    response = post(in_english(verified_client(alice)), "fd-notice-follow-up", notice)
    follow = Notice.objects.get(follows=notice)
    assert response["Location"].endswith(f"#notice-{follow.pk}")
    assert follow.status == NoticeStatus.DRAFT and follow.in_reply_to == notice.message_id


def test_acknowledgment_shows_the_time_it_took(draft: Notice, alice: User) -> None:
    accepted = timezone.now() - dt.timedelta(minutes=10)
    notice = with_state(draft, alice, DeliveryState.ACCEPTED, accepted_at=accepted)
    service.record_acknowledgment(notice, accepted + dt.timedelta(minutes=2, seconds=59), "mail")
    html = correspondence(case_page(in_english(verified_client(alice)), notice))
    assert "acknowledged after 2 min 59 s" in html
    assert "reminder" not in html


def test_a_reminder_shows_a_banner(draft: Notice, alice: User) -> None:
    notice = with_state(draft, alice, DeliveryState.ACCEPTED, accepted_at=timezone.now())
    Notice.objects.filter(pk=notice.pk).update(reminded_at=timezone.now())
    html = correspondence(case_page(in_english(verified_client(alice)), notice))
    assert 'class="message message-warning notice-reminder"' in html
    assert "No acknowledgment from X yet" in html


def test_durations_read_as_words() -> None:
    with translation.override("en"):
        assert duration_text(179) == "2 min 59 s"
        assert duration_text(7) == "7 s"
        assert duration_text(3 * 3600 + 120) == "3 h 2 min"
        assert duration_text(90000) == "1 d 1 h"


# ------------------------------------------------------ failed and unknown


@pytest.mark.parametrize("state", ["failed", "bounced"])
def test_a_failed_notice_can_be_sent_again(draft: Notice, alice: User, state: str) -> None:
    notice = with_state(draft, alice, state, last_error="550 5.1.1 no such user")
    client = in_english(verified_client(alice))
    html = correspondence(case_page(client, notice))
    assert "550 5.1.1 no such user" in html and "badge-bad" in html
    assert f'action="/notices/{notice.pk}/send-again"' in html
    response = post(client, "fd-notice-send-again", notice)
    assert response.status_code == 302
    assert Delivery.objects.get(notice=notice).state == DeliveryState.RETRYING
    assert "The notice is queued to go out again." in messages_of(client.get(response["Location"]))


def test_sending_again_what_is_fine_is_refused_with_a_message(draft: Notice, alice: User) -> None:
    notice = with_state(draft, alice, DeliveryState.ACCEPTED, accepted_at=timezone.now())
    client = in_english(verified_client(alice))
    response = post(client, "fd-notice-send-again", notice)
    shown = messages_of(client.get(response["Location"]))
    assert "Only a failed or bounced notice can be sent again." in shown
    assert Delivery.objects.get(notice=notice).state == DeliveryState.ACCEPTED


def unknown(notice: Notice, alice: User) -> Notice:
    evidence = {"stage": "transmitting", "server": "mx.x.example", "reply": ""}
    return with_state(notice, alice, DeliveryState.UNKNOWN, evidence=evidence)


def test_an_unknown_outcome_shows_the_evidence_and_two_choices(draft: Notice, alice: User) -> None:
    notice = unknown(draft, alice)
    html = correspondence(case_page(in_english(verified_client(alice)), notice))
    assert "It is not known whether the platform got this notice." in html
    assert "mx.x.example" in html and "transmitting" in html
    assert f'action="/notices/{notice.pk}/unknown"' in html
    assert 'name="outcome" value="arrived"' in html and 'name="outcome" value="resend"' in html
    assert "It arrived (do not resend)" in html
    assert re.search(r'<textarea name="note"[^>]*required', html)


def test_an_unknown_outcome_is_settled_as_arrived(draft: Notice, alice: User) -> None:
    notice = unknown(draft, alice)
    client = in_english(verified_client(alice))
    response = post(
        client, "fd-notice-unknown", notice, {"outcome": "arrived", "note": "X said so by phone"}
    )
    delivery = Delivery.objects.get(notice=notice)
    assert delivery.state == DeliveryState.ACCEPTED
    assert delivery.evidence["note"] == "X said so by phone"
    assert "It will not be sent again" in " ".join(messages_of(client.get(response["Location"])))


def test_an_unknown_outcome_is_sent_again(draft: Notice, alice: User) -> None:
    notice = unknown(draft, alice)
    post(verified_client(alice), "fd-notice-unknown", notice, {"outcome": "resend", "note": "no"})
    assert Delivery.objects.get(notice=notice).state == DeliveryState.RETRYING


def test_settling_an_unknown_outcome_needs_a_note(draft: Notice, alice: User) -> None:
    notice = unknown(draft, alice)
    client = in_english(verified_client(alice))
    response = post(client, "fd-notice-unknown", notice, {"outcome": "arrived", "note": " "})
    assert "Say what you based this on." in messages_of(client.get(response["Location"]))
    assert Delivery.objects.get(notice=notice).state == DeliveryState.UNKNOWN


# ------------------------------------------------------------------ portal


@pytest.fixture
def portal_notice(tk2023: Election, alice: User, bob: User, x_channel: Platform) -> Notice:
    x_channel.channel_kind = "portal"
    x_channel.channel_address = "https://help.x.example/forms/escalation"
    x_channel.save()
    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    service.send(notice, alice)
    return Notice.objects.select_related("case", "delivery").get(pk=notice.pk)


def test_a_portal_notice_is_ready_to_copy(portal_notice: Notice, alice: User) -> None:
    html = correspondence(case_page(in_english(verified_client(alice)), portal_notice))
    assert re.search(r"<textarea id=\"notice-\d+-copy\" readonly", html)
    assert 'href="https://help.x.example/forms/escalation"' in html
    assert 'type="datetime-local"' in html and 'enctype="multipart/form-data"' in html
    assert "Waiting for submission in the portal" in html


def test_the_portal_submission_is_recorded(portal_notice: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    submitted = timezone.localtime() - dt.timedelta(minutes=3)
    upload = SimpleUploadedFile("confirmation.png", b"\x89PNG\r\n\x1a\nxx", "image/png")
    response = client.post(
        reverse("fd-notice-portal-submission", kwargs={"pk": portal_notice.pk}),
        {
            "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M"),
            "reference": "X-123",
            "confirmation": upload,
        },
    )
    assert response.status_code == 302
    portal_notice.refresh_from_db()
    assert portal_notice.portal_reference == "X-123"
    assert portal_notice.acknowledged_at == submitted.replace(second=0, microsecond=0)
    assert Delivery.objects.get(notice=portal_notice).state == DeliveryState.SUBMITTED
    html = correspondence(case_page(client, portal_notice))
    assert "Submitted in the portal" in html and "X-123" in html
    download = client.get(reverse("fd-notice-confirmation", kwargs={"pk": portal_notice.pk}))
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/octet-stream"


def test_a_portal_submission_needs_a_time(portal_notice: Notice, alice: User) -> None:
    client = in_english(verified_client(alice))
    response = post(client, "fd-notice-portal-submission", portal_notice, {"submitted_at": ""})
    assert any("Submitted at" in m for m in messages_of(client.get(response["Location"])))
    assert Delivery.objects.get(notice=portal_notice).state == DeliveryState.QUEUED


# --------------------------------------------------------------- timeline


def test_notice_events_appear_in_the_timeline(draft: Notice, alice: User) -> None:
    service.send(draft, alice)
    html = case_page(in_english(verified_client(alice)), draft)
    timeline = html[html.index('id="timeline-h"') :]
    assert "Notice drafted" in timeline and "Notice made final and queued" in timeline


# --------------------------------------------------------------- dashboard


def test_the_dashboard_lists_problems_and_reminders(draft: Notice, alice: User) -> None:
    notice = with_state(draft, alice, DeliveryState.BOUNCED, last_error="550 no such user")
    Notice.objects.filter(pk=notice.pk).update(reminded_at=timezone.now())
    response = in_english(verified_client(alice)).get("/", {"election": "TK2023"})
    html = response.content.decode()
    attention = html[html.index('id="h-attention"') : html.index('id="h-waiting"')]
    href = f'href="/cases/{notice.case.reference}#notice-{notice.pk}"'
    assert attention.count(href) == 2  # once as a problem, once as my reminder
    # And once in "Waiting for me", among the delivery failures the assessor follows up.
    waiting = html[html.index('id="h-waiting"') : html.index('id="h-figures"')]
    assert waiting.count(href) == 1
    assert "Bounced" in attention and "550 no such user" in attention
    assert html.index('id="h-attention"') < html.index('id="h-figures"')


def test_the_dashboard_has_no_attention_panel_when_all_is_well(alice: User, tk2023: Any) -> None:
    from flagdesk.core import workers

    workers.register()  # a worker reports (this process stands in for it)
    html = verified_client(alice).get("/").content.decode()
    assert 'id="h-attention"' not in html


def health_fields(answer: dict[str, Any]) -> dict[str, Any]:
    """The fields /health had before the queue figures were added (those are tested in
    core/tests/test_queue_health.py); monitoring that reads them keeps working."""
    return {k: v for k, v in answer.items() if k not in ("queues", "matching")}


def test_the_dashboard_and_health_say_when_no_worker_runs(draft: Notice, alice: User) -> None:
    from django.test import Client

    from flagdesk.core import workers

    html = in_english(verified_client(alice)).get("/").content.decode()
    assert 'id="worker-down"' in html and "No background worker is running" in html
    assert health_fields(Client().get("/health").json()) == {
        "status": "ok", "database": "ok", "workers": 0, "notices_waiting": 0,
        "notices_stuck": 0, "mailboxes": []
    }  # fmt: skip
    service.send(draft, alice)
    html = in_english(verified_client(alice)).get("/").content.decode()
    assert "1 notice is waiting to be sent" in html
    degraded = Client().get("/health")
    assert (degraded.status_code, degraded.json()["status"]) == (503, "degraded")
    workers.register()
    assert health_fields(Client().get("/health").json()) == {
        "status": "ok", "database": "ok", "workers": 1, "notices_waiting": 1,
        "notices_stuck": 0, "mailboxes": []
    }  # fmt: skip
    assert 'id="worker-down"' not in verified_client(alice).get("/").content.decode()


def test_the_dashboard_charts_time_to_acknowledgment(
    draft: Notice, alice: User, bob: User, tk2023: Election
) -> None:
    sent = timezone.now() - dt.timedelta(hours=1)
    fast = with_state(draft, alice, DeliveryState.ACCEPTED, accepted_at=sent)
    service.record_acknowledgment(fast, sent + dt.timedelta(seconds=60), "mail")
    other = Notice.objects.get(
        case=approved_case(tk2023, alice, bob, "https://x.com/b/status/1727365011111111112")
    )
    slow = with_state(other, alice, DeliveryState.ACCEPTED, accepted_at=sent)
    service.record_acknowledgment(slow, sent + dt.timedelta(seconds=180), "mail")
    response = in_english(verified_client(bob)).get("/", {"election": "TK2023"})
    [bar] = response.context["ack_bars"]
    assert (bar.stats.platform, bar.stats.median_seconds, bar.percent) == ("X", 120.0, 100)
    html = response.content.decode()
    chart = html[html.index('id="h-ack"') :]
    assert "2 min 0 s" in chart and "3 min 0 s" in chart and "2 of 2" in chart
    assert '<rect class="bar" x="0" y="0" width="100"' in chart
    assert 'aria-hidden="true"' in chart and "style=" not in html


def test_the_case_page_says_when_notices_only_reach_the_outbox(
    draft: Notice, alice: User, settings: Any
) -> None:
    page = in_english(verified_client(alice)).get(f"/cases/{draft.case.reference}")
    assert 'id="outbox-only"' in page.content.decode()
    settings.SMTP_URL = "smtp+starttls://relay.example:587"
    page = in_english(verified_client(alice)).get(f"/cases/{draft.case.reference}")
    html = page.content.decode()
    assert 'id="outbox-only"' not in html
    assert 'id="no-mailbox"' in html  # replies can't arrive without a mailbox either
    settings.IMAP_URL = "imaps://team:pw@imap.example/INBOX"
    html = in_english(verified_client(alice)).get(f"/cases/{draft.case.reference}").content.decode()
    assert 'id="no-mailbox"' not in html

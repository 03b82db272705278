# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/meldingen: the notice panel of the case page over HTTP, from draft to the
platform's acknowledgment, and the doors that must stay shut."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.mailarchive import service as mailarchive
from flagdesk.mailarchive.tests.test_service import reply
from flagdesk.notices import service
from flagdesk.notices.api import NoticeSerializer
from flagdesk.notices.models import Delivery, DeliveryState, Notice, NoticeStatus
from flagdesk.notices.tasks import deliver_notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform
from tests_support.smtp import SmtpServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
PORTAL = "https://help.x.example/forms/escalation"


def token_for(user: User | None = None, organisation: Any = None) -> Client:
    raw = accounts.issue_token(name="test", user=user, organisation=organisation)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")


def run_the_worker() -> list[str]:
    """What the worker's notices loop does with each queued send task: claim it, run it."""
    results = []
    queued = DBTaskResult.objects.filter(
        task_path__endswith="deliver_notice", status=TaskResultStatus.READY
    )
    for task in queued.order_by("enqueued_at"):
        DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
        results.append(deliver_notice.call(*task.args_kwargs["args"]))
    return results


def is_problem(response: Any, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and bool(response["API-Version"])
    )


def events(notice: Notice) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="notices.notice", object_id=str(notice.pk))
    return list(rows.order_by("seq").values_list("action", flat=True))


@pytest.fixture
def portal_notice(tk2023: Election, alice: User, bob: User, x_platform: Platform) -> Notice:
    x_platform.channel_kind, x_platform.channel_address = "portal", PORTAL
    x_platform.channel_active = True
    x_platform.save()
    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    service.send(notice, alice)
    return notice


# ------------------------------------------------------------------ the whole run


def test_draft_edit_send_deliver_acknowledge_over_the_api(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    api = token_for(alice)
    reference = draft.case.reference

    listed = call(api, "get", f"/zaken/{reference}/meldingen")
    assert listed.status_code == 200
    [first] = listed.json()["results"]
    assert (first["id"], first["state"], first["status"]) == (draft.pk, "draft", "draft")
    assert first["recipient"] == "escalations@x.example" and first["channel"] == "email"
    assert first["delivery"] is None and first["acknowledgment_clock"] is None

    edited = call(
        api, "patch", f"/meldingen/{draft.pk}", {"subject": "Priority notice", "body": "Hello X."}
    )
    assert edited.status_code == 200, edited.json()
    shown = edited.json()
    text = "\n".join(["escalations@x.example", "Priority notice", "Hello X."])
    assert shown["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert shown["text_sha256"] != first["text_sha256"]

    # The digest of the text before the edit sends nothing.
    stale = call(
        api, "post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": first["text_sha256"]}
    )
    assert is_problem(stale, 409)
    sent = call(
        api, "post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": shown["text_sha256"]}
    )
    assert sent.status_code == 202, sent.json()
    assert sent["Location"] == f"/api/v1/meldingen/{draft.pk}"
    assert sent.json()["status"] == "frozen" and sent.json()["state"] == "queued"
    assert smtp_server.messages == []  # the worker sends, not the request

    assert run_the_worker() == ["accepted"]
    [received] = smtp_server.messages
    assert b"Hello X." in received.data

    delivered = call(api, "get", f"/meldingen/{draft.pk}").json()
    assert delivered["state"] == "accepted" and delivered["accepted_at"]
    [attempt] = delivered["delivery"]["attempts"]
    assert attempt["number"] == 1 and attempt["result"] == "accepted"
    assert attempt["reply_code"] == 250 and attempt["finished_at"]
    assert delivered["delivery"]["server_reply"]
    frozen = Notice.objects.get(pk=draft.pk)
    assert delivered["raw_sha256"] == hashlib.sha256(bytes(frozen.raw or b"")).hexdigest()
    clock = delivered["acknowledgment_clock"]
    assert clock["state"] == "ok" and clock["threshold_minutes"] > 0
    assert clock["since"] == delivered["accepted_at"]
    assert delivered["acknowledged_at"] is None
    assert delivered["time_to_acknowledgment_seconds"] is None

    # X answers 2 min 59 s after its server accepted the notice; the archive reads it.
    # (The acceptance is moved ten minutes back: a Date header in the future is not believed.)
    notice = Notice.objects.select_related("delivery").get(pk=draft.pk)
    accepted_at = (timezone.now() - dt.timedelta(minutes=10)).replace(microsecond=0)
    Delivery.objects.filter(pk=notice.delivery.pk).update(accepted_at=accepted_at)
    Notice.objects.filter(pk=draft.pk).update(frozen_at=accepted_at)
    answer = mailarchive.import_raw(
        reply(notice, date=accepted_at + dt.timedelta(minutes=2, seconds=59))
    )

    acknowledged = call(api, "get", f"/meldingen/{draft.pk}").json()
    assert acknowledged["acknowledged_at"]
    assert acknowledged["time_to_acknowledgment_seconds"] == 179
    assert acknowledged["acknowledgment_clock"] is None  # stopped

    case = call(api, "get", f"/zaken/{reference}").json()
    [summary] = case["notices"]
    assert summary["url"] == f"/api/v1/meldingen/{draft.pk}"
    assert summary["state"] == "accepted" and summary["time_to_acknowledgment_seconds"] == 179
    assert summary["acknowledged_at"] == acknowledged["acknowledged_at"]
    [mail] = case["correspondence"]
    assert mail["id"] == answer.pk and mail["kind"] == "acknowledgment"
    assert mail["direction"] == "incoming" and mail["notice"] == draft.pk
    assert mail["url"] == f"/api/v1/berichten/{answer.pk}"

    timeline = call(api, "get", f"/zaken/{reference}/tijdlijn").json()
    about_notice = [e["action"] for e in timeline if e["object_type"] == "notices.notice"]
    assert about_notice[:4] == [
        "notice_drafted",
        "notice_edited",
        "notice_queued",
        "notice_accepted",
    ]
    assert "notice_acknowledged" in about_notice
    assert {e["url"] for e in timeline if e["object_type"] == "notices.notice"} == {
        f"/api/v1/meldingen/{draft.pk}"
    }
    assert any(e["object_type"] == "mailarchive.mailmessage" for e in timeline)

    # Sending it twice is refused; a follow-up is a new draft in the same thread.
    again = call(
        api, "post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": shown["text_sha256"]}
    )
    assert is_problem(again, 409)
    follow_up = call(api, "post", f"/meldingen/{draft.pk}/vervolgmeldingen")
    assert follow_up.status_code == 201
    assert follow_up.json()["follows"] == draft.pk and follow_up.json()["state"] == "draft"
    assert follow_up["Location"] == f"/api/v1/meldingen/{follow_up.json()['id']}"
    assert call(api, "get", f"/meldingen/{draft.pk}").json()["follow_ups"] == [
        follow_up.json()["id"]
    ]
    assert len(smtp_server.messages) == 1
    assert audit.verify() == []


def test_the_answer_has_the_documented_fields(draft: Notice, alice: User) -> None:
    shown = call(token_for(alice), "get", f"/meldingen/{draft.pk}").json()
    assert set(shown) == set(NoticeSerializer().fields)


# ------------------------------------------------------------------ attackers


def test_a_partner_token_reaches_no_notice(draft: Notice, nos: Any) -> None:
    partner = token_for(organisation=nos)
    digest = service.draft_digest(draft)
    for method, path, body in [
        ("get", f"/zaken/{draft.case.reference}/meldingen", None),
        ("get", f"/meldingen/{draft.pk}", None),
        ("patch", f"/meldingen/{draft.pk}", {"subject": "mine"}),
        ("post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": digest}),
        ("post", f"/meldingen/{draft.pk}/vervolgmeldingen", None),
        ("post", f"/meldingen/{draft.pk}/uitkomst", {"arrived": True, "note": "x"}),
        ("post", f"/meldingen/{draft.pk}/herverzending", None),
    ]:
        assert is_problem(call(partner, method, path, body), 403), (method, path)
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT and draft.subject != "mine"


def test_staff_without_the_assessor_role_read_but_do_not_send(
    draft: Notice, bob: User, carol: User
) -> None:
    digest = service.draft_digest(draft)
    for user in (bob, carol):
        api = token_for(user)
        assert call(api, "get", f"/meldingen/{draft.pk}").status_code == 200
        assert is_problem(
            call(api, "post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": digest}), 403
        )
        assert is_problem(call(api, "patch", f"/meldingen/{draft.pk}", {"subject": "x"}), 403)
    assert not Delivery.objects.exists()


def test_a_draft_changed_by_someone_else_is_not_sent(
    draft: Notice, alice: User, erin: User
) -> None:
    seen = call(token_for(alice), "get", f"/meldingen/{draft.pk}").json()["text_sha256"]
    service.update_draft(draft, draft.subject, draft.body + "\nP.S. from Erin", erin)
    refused = call(
        token_for(alice), "post", f"/meldingen/{draft.pk}/verzending", {"text_sha256": seen}
    )
    assert is_problem(refused, 409)
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT and "notice_queued" not in events(draft)
    assert not DBTaskResult.objects.filter(task_path__endswith="deliver_notice").exists()


@pytest.mark.parametrize(
    "body", [{}, {"text_sha256": "0" * 63}, {"text_sha256": "Z" * 64}, {"text_sha256": None}]
)
def test_a_send_without_a_proper_digest_is_400(draft: Notice, alice: User, body: Any) -> None:
    response = call(token_for(alice), "post", f"/meldingen/{draft.pk}/verzending", body)
    assert is_problem(response, 400)
    assert response.json()["invalid_params"][0]["name"] == "text_sha256"
    assert not Delivery.objects.exists()


def test_forged_ids_are_not_found(draft: Notice, alice: User) -> None:
    api = token_for(alice)
    for path in (
        "/meldingen/99999999",
        "/meldingen/abc",
        "/meldingen/-1",
        "/zaken/FD-0000-9/meldingen",
    ):
        assert is_problem(call(api, "get", path), 404), path
    assert is_problem(call(api, "post", "/meldingen/99999999/vervolgmeldingen"), 404)


def test_a_sent_notice_is_not_edited(draft: Notice, alice: User, outbox: Any) -> None:
    service.send(draft, alice)
    response = call(token_for(alice), "patch", f"/meldingen/{draft.pk}", {"subject": "Changed"})
    assert is_problem(response, 409)
    draft.refresh_from_db()
    assert draft.subject != "Changed"


def test_actions_after_sending_on_a_draft_are_409_not_500(draft: Notice, alice: User) -> None:
    api = token_for(alice)
    for path, body in [
        ("/herverzending", None),
        ("/uitkomst", {"arrived": False, "note": "They said no."}),
        ("/vervolgmeldingen", None),
    ]:
        assert is_problem(call(api, "post", f"/meldingen/{draft.pk}{path}", body), 409), path


def test_edit_input_is_checked(draft: Notice, alice: User) -> None:
    api = token_for(alice)
    for body in (
        {},
        {"subject": "   "},
        {"body": " \n "},
        {"english_summary": "Dit bericht is in het Nederlands geschreven en dat mag niet."},
        {"english_summary": "A summary.", "body": "And a body."},
    ):
        assert is_problem(call(api, "patch", f"/meldingen/{draft.pk}", body), 400), body


# ------------------------------------------------------------------ the portal


def post_submission(client: Client, notice: Notice, **fields: Any) -> Any:
    return client.post(f"/api/v1/meldingen/{notice.pk}/portaalindiening", fields)


def test_a_portal_submission_with_its_confirmation(portal_notice: Notice, alice: User) -> None:
    api = token_for(alice)
    shown = call(api, "get", f"/meldingen/{portal_notice.pk}").json()
    assert shown["channel"] == "portal" and shown["state"] == "queued"
    submitted_at = "2023-11-22T09:15:00+01:00"
    response = post_submission(
        api,
        portal_notice,
        submitted_at=submitted_at,
        reference="X-4711",
        confirmation=SimpleUploadedFile("bevestiging.png", PNG, "image/png"),
    )
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["state"] == "submitted" and answer["portal_reference"] == "X-4711"
    assert answer["portal_confirmation_sha256"] == hashlib.sha256(PNG).hexdigest()
    assert answer["acknowledged_at"] == "2023-11-22T09:15:00+01:00"
    assert answer["time_to_acknowledgment_seconds"] == 0
    assert "notice_submitted" in events(portal_notice)
    # Once recorded, never again.
    assert is_problem(post_submission(api, portal_notice, submitted_at=submitted_at), 409)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("confirmation.png", ELF, "image/png"),  # an executable, named a PNG
        SimpleUploadedFile("confirmation.png", b"", "image/png"),
        SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, "image/png"),  # over the limit
    ],
    ids=["executable", "empty", "too-large"],
)
def test_a_hostile_confirmation_is_refused(
    portal_notice: Notice, alice: User, settings: Any, upload: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    response = post_submission(
        token_for(alice),
        portal_notice,
        submitted_at="2023-11-22T09:15:00+01:00",
        confirmation=upload,
    )
    assert is_problem(response, 400)
    assert response.json()["invalid_params"][0]["name"] == "confirmation"
    portal_notice.refresh_from_db()
    assert portal_notice.acknowledged_at is None and not portal_notice.portal_confirmation
    assert Delivery.objects.get(notice=portal_notice).state == DeliveryState.QUEUED


def test_a_submission_time_in_the_future_and_json_are_refused(
    portal_notice: Notice, alice: User
) -> None:
    api = token_for(alice)
    assert is_problem(post_submission(api, portal_notice, submitted_at="2999-01-01T00:00:00Z"), 400)
    as_json = call(
        api, "post", f"/meldingen/{portal_notice.pk}/portaalindiening", {"submitted_at": "x"}
    )
    assert is_problem(as_json, 415)


# ------------------------------------------------------------------ when it goes wrong


def test_an_unknown_outcome_is_settled_with_a_note(draft: Notice, alice: User, outbox: Any) -> None:
    delivery = service.send(draft, alice)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNKNOWN)
    api = token_for(alice)
    assert is_problem(call(api, "post", f"/meldingen/{draft.pk}/uitkomst", {"arrived": True}), 400)
    settled = call(
        api, "post", f"/meldingen/{draft.pk}/uitkomst", {"arrived": True, "note": "X said so."}
    )
    assert settled.status_code == 200
    assert settled.json()["state"] == "accepted"
    assert settled.json()["delivery"]["evidence"]["note"] == "X said so."
    assert "notice_outcome_settled" in events(draft)
    again = call(api, "post", f"/meldingen/{draft.pk}/uitkomst", {"arrived": True, "note": "x"})
    assert is_problem(again, 409)


def test_a_refused_notice_is_sent_again(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    smtp_server.behaviour.rcpt_reply = "550 5.1.1 No such user"
    service.send(draft, alice)
    assert run_the_worker() == ["failed"]
    api = token_for(alice)
    failed = call(api, "get", f"/meldingen/{draft.pk}").json()
    assert failed["state"] == "failed"
    assert failed["delivery"]["attempts"][0]["reply_code"] == 550
    smtp_server.behaviour.rcpt_reply = ""
    assert call(api, "post", f"/meldingen/{draft.pk}/herverzending").status_code == 202
    assert run_the_worker() == ["accepted"]
    shown = call(api, "get", f"/meldingen/{draft.pk}").json()
    assert shown["state"] == "accepted"
    assert [a["result"] for a in shown["delivery"]["attempts"]] == ["permanent", "accepted"]
    # Delivered: sending again would risk a duplicate.
    assert is_problem(call(api, "post", f"/meldingen/{draft.pk}/herverzending"), 409)


# ------------------------------------------------------------------ cost


def test_the_case_and_its_notices_cost_the_same_for_more_notices(
    draft: Notice, alice: User, outbox: Any, django_assert_max_num_queries: Any
) -> None:
    api = token_for(alice)
    reference = draft.case.reference
    service.send(draft, alice)
    run_the_worker()

    def cost(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert call(api, "get", path).status_code == 200
        return len(queries)

    paths = [f"/zaken/{reference}", f"/zaken/{reference}/meldingen"]
    call(api, "get", "/zaken")  # the token's first use of the minute writes its own rows
    before = [cost(p) for p in paths]
    notice = Notice.objects.get(pk=draft.pk)
    for n in range(3):
        follow_up = service.follow_up(notice, alice)
        service.send(follow_up, alice)
        mailarchive.import_raw(reply(notice, f"Answer number {n}."))
    run_the_worker()
    assert Notice.objects.count() == 4
    assert [cost(p) for p in paths] == before
    with django_assert_max_num_queries(25):
        call(api, "get", f"/zaken/{reference}")
    with django_assert_max_num_queries(25):
        call(api, "get", f"/zaken/{reference}/meldingen")

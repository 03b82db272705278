# SPDX-License-Identifier: EUPL-1.2
"""Late URLs: content that joins a case after its decision must never ride along unassessed.

Partner A reports U1; the assessor decides "deploy"; partner B reports [U1, U2]; the approver
approves. The notice — and the bytes the platform's mail server receives — must list U1 only;
U2 goes to a new case "related to" the first. A URL slipped into a decided case by a back door
makes approval refuse; a notice whose URLs were tampered with is refused at send and by the
worker; "already notified" means "in the approved set of a deploy decision of this election".
"""

from __future__ import annotations

import email
import re
from email import policy
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import selectors
from flagdesk.assessments import service as assessments
from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState, CaseUrl, Signal
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice, NoticeStatus
from flagdesk.notices.tests.conftest import ELIGIBLE
from flagdesk.platforms.models import Platform
from flagdesk.rules.urls import normalise_url
from tests_support.smtp import SmtpServer

U1 = "https://x.com/kiezer2023/status/1727365011111111111"
U2 = "https://x.com/kiezer2023/status/1727365022222222222"
U3 = "https://x.com/anderen/status/1727365033333333333"
N1, N2, N3 = (normalise_url(u) for u in (U1, U2, U3))
CHECKLIST = {
    "election_process_risk": "yes",
    "election_process_risk_reasoning": "About how to fill in the ballot.",
    "misleading": "yes",
    "misleading_reasoning": "Two boxes make the vote invalid.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Invalid votes.",
}


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def report(token: str, *urls: str) -> dict[str, Any]:
    body = {
        "election": "TK2023",
        "category": "misinformation",
        "platform": "x",
        "content_urls": list(urls),
        "explanation": "Tells GroenLinks/PvdA voters to colour two boxes.",
    }
    response = bearer(token).post("/api/v1/signalen", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def case_of(answer: dict[str, Any]) -> Case:
    case = Signal.objects.get(pk=answer["id"]).case
    assert case is not None
    return case


def page(client: Client, case: Case) -> str:
    response = client.get(reverse("fd-case-detail", kwargs={"reference": case.reference}))
    assert response.status_code == 200
    return str(response.content.decode())


def post_case(client: Client, name: str, case: Case, data: dict[str, Any]) -> Any:
    return client.post(reverse(name, kwargs={"reference": case.reference}), data)


def normalised(case: Case) -> set[str]:
    return set(CaseUrl.objects.filter(case=case).values_list("normalised_url", flat=True))


@pytest.fixture
def gemeente_token(gemeente: PartnerOrganisation) -> str:
    return accounts.issue_token(name="test", organisation=gemeente)[1]


@pytest.fixture
def x_channel(x_platform: Platform) -> Platform:
    x_platform.channel_kind = "email"
    x_platform.channel_address = "escalations@x.example"
    x_platform.channel_active = True
    x_platform.save()
    return x_platform


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    with SmtpServer() as server:
        settings.SMTP_URL = server.url
        settings.FROM_EMAIL = "trustedflagger@minbzk.example"
        yield server


def decided_in_the_ui(alice: User, case: Case) -> None:
    client = verified_client(alice)
    assert post_case(client, "fd-case-assess", case, CHECKLIST).status_code == 302
    response = post_case(
        client, "fd-case-decide", case, {"outcome": "deploy", "justification": "Invalid votes."}
    )
    assert response.status_code == 302


def proposed(case: Case, assessor: User, outcome: str = "deploy") -> Decision:
    assessments.save_assessment(case, ELIGIBLE, assessor)
    return assessments.propose_decision(case, outcome, "Invalid votes.", assessor)


def signal(election: Election, *urls: str, source: str = "NOS") -> intake.IntakeResult:
    return intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=list(urls),
            explanation="Two boxes.",
            received_via="email",
            source_organisation_name=source,
        )
    )


# ------------------------------------------------------------ the issue's scenario


def test_a_late_url_is_not_notified_and_opens_a_related_case(
    open_election: Election,
    nos_token: str,
    gemeente_token: str,
    alice: User,
    bob: User,
    x_channel: Platform,
    smtp_server: SmtpServer,
) -> None:
    first = case_of(report(nos_token, U1))
    decided_in_the_ui(alice, first)

    late = report(gemeente_token, U1, U2)
    assert late["intake_outcome"] == "related_case"
    related = case_of(late)
    assert related != first and related.related_to == first
    assert normalised(first) == {N1}
    assert normalised(related) == {N2}

    approver = verified_client(bob)
    assert post_case(approver, "fd-case-review", first, {"verdict": "approve"}).status_code == 302
    assert Decision.objects.get(case=first).status == DecisionStatus.APPROVED

    notice = Notice.objects.get(case=first)
    assert U1 in notice.body and U2 not in notice.body

    assessor = verified_client(alice)
    confirmation = assessor.post(
        reverse("fd-notice-draft", kwargs={"pk": notice.pk}),
        {"subject": notice.subject, "body": notice.body, "action": "send"},
    ).content.decode()
    # Sending is confirmed on a second page (platform, channel, recipient) before it goes out.
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', confirmation)
    assert digest
    response = assessor.post(
        reverse("fd-notice-send", kwargs={"pk": notice.pk}), {"digest": digest.group(1)}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FROZEN
    delivery = Delivery.objects.get(notice=notice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    [received] = smtp_server.messages
    text = email.message_from_bytes(received.data, policy=policy.default).get_body()
    assert text is not None
    content = text.get_content()
    assert U1 in content and U2 not in content and "1727365022222222222" not in content

    # Both case pages show the link, and the first shows the decision's URL set.
    first_page, related_page = page(assessor, first), page(assessor, related)
    assert related.reference in first_page and first.reference in related_page
    assert 'id="decision-urls"' in first_page


def test_the_api_and_the_timeline_show_the_related_case(
    open_election: Election, nos_token: str, gemeente_token: str, alice: User
) -> None:
    first = case_of(report(nos_token, U1))
    decided_in_the_ui(alice, first)
    related = case_of(report(gemeente_token, U1, U2))
    client = bearer(accounts.issue_token(name="test", user=alice)[1])
    for case, link in ((related, "related_to"), (first, "related_cases")):
        data = client.get(f"/api/v1/zaken/{case.reference}").json()
        other = first if case == related else related
        assert other.reference in str(data[link])
    decision = client.get(f"/api/v1/zaken/{first.reference}").json()["decisions"][0]
    assert decision["content_urls"] == [U1] and len(decision["url_set_sha256"]) == 64
    timeline = client.get(f"/api/v1/zaken/{first.reference}/tijdlijn").json()
    assert "related_case_opened" in [event["action"] for event in timeline]
    proposal = next(e for e in timeline if e["action"] == "decision_proposed")
    assert proposal["after"]["url_set_sha256"] == decision["url_set_sha256"]
    assert proposal["after"]["urls"] == [N1]


def test_a_signal_inside_the_decided_set_corroborates(
    open_election: Election, nos_token: str, gemeente_token: str, alice: User
) -> None:
    first = case_of(report(nos_token, U1))
    decided_in_the_ui(alice, first)
    again = report(gemeente_token, U1 + "?s=20")  # the same post, by rules.urls
    # Joined NOS's case; the Gemeente learns no more of a case it did not open than this.
    assert again["intake_outcome"] == "received"
    assert case_of(again) == first and normalised(first) == {N1}


@pytest.mark.parametrize("outcome", ["deploy", "no_deploy", "refer"])
def test_every_proposed_decision_freezes_the_set(
    tk2023: Election, alice: User, outcome: str
) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    proposed(first, alice, outcome)
    late = signal(tk2023, U2, U1, source="Gemeente")
    assert late.outcome == "related_case"
    assert late.case is not None and late.case.related_to == first
    assert normalised(first) == {N1}


def test_a_decided_case_stays_closed_to_new_urls(tk2023: Election, alice: User, bob: User) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    assessments.review_decision(proposed(first, alice, "no_deploy"), True, bob)
    late = signal(tk2023, U1, U2)
    assert late.outcome == "related_case" and normalised(first) == {N1}


def test_a_sent_back_decision_opens_the_case_again(
    tk2023: Election, alice: User, bob: User
) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    assessments.review_decision(proposed(first, alice), False, bob, "Check the other posts.")
    joined = signal(tk2023, U1, U2)
    assert joined.outcome == "joined_case" and normalised(first) == {N1, N2}


# ------------------------------------------------------------ back doors before approval


def _add_by_orm(case: Case, election: Election) -> None:
    CaseUrl.objects.create(
        case=case,
        election=election,
        url=U3,
        normalised_url=N3,
        url_hash=intake.url_hash(N3),
    )


def _move_from_another_case(case: Case, election: Election) -> None:
    other = signal(election, U3, source="Other").case
    assert other is not None and other != case
    CaseUrl.objects.filter(case=other).update(case=case)


def _remove_one(case: Case, election: Election) -> None:
    CaseUrl.objects.filter(case=case, normalised_url=N1).delete()


@pytest.mark.parametrize("back_door", [_add_by_orm, _move_from_another_case, _remove_one])
def test_approval_refuses_when_the_case_urls_changed(
    tk2023: Election, alice: User, bob: User, back_door: Any
) -> None:
    case = signal(tk2023, U1, U2).case
    assert case is not None
    decision = proposed(case, alice)
    back_door(case, tk2023)

    response = post_case(
        in_english(verified_client(bob)), "fd-case-review", case, {"verdict": "approve"}
    )
    assert response.status_code == 400
    assert "URLs" in response.content.decode()
    with pytest.raises(assessments.WorkflowError):
        assessments.review_decision(decision, True, bob)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_APPROVAL
    assert not Notice.objects.filter(case=case).exists()
    # Sending it back stays possible, so the assessor can decide on the current URLs.
    assessments.review_decision(decision, False, bob, "The URLs changed.")


def test_approval_refuses_a_tampered_decision_set(tk2023: Election, alice: User, bob: User) -> None:
    from flagdesk.assessments.models import DecisionUrl

    case = signal(tk2023, U1).case
    assert case is not None
    decision = proposed(case, alice)
    # Both rows changed alike: only the recorded digest still knows what was decided.
    DecisionUrl.objects.filter(decision=decision).update(
        normalised_url=N2, url=U2, url_hash=intake.url_hash(N2)
    )
    CaseUrl.objects.filter(case=case).update(
        normalised_url=N2, url=U2, url_hash=intake.url_hash(N2)
    )
    with pytest.raises(assessments.WorkflowError):
        assessments.review_decision(decision, True, bob)


# ------------------------------------------------------------ tampered notices


@pytest.fixture
def draft(tk2023: Election, alice: User, bob: User, x_channel: Platform) -> Notice:
    case = signal(tk2023, U1).case
    assert case is not None
    assessments.review_decision(proposed(case, alice), True, bob)
    related = signal(tk2023, U1, U2).case  # U2 is known content: in a related case
    assert related is not None and related != case
    return Notice.objects.get(case=case)


TAMPERED_BODIES = [
    pytest.param(lambda body: body.replace(U1, U2), id="swapped"),
    pytest.param(lambda body: body + f"\n- {U2}\n", id="added-late-url"),
    pytest.param(lambda body: body + f"\nAlso: {U3}\n", id="added-unknown-post"),
    pytest.param(
        lambda body: body + "\n- https://twitter.com/kiezer2023/status/1727365022222222222?s=20\n",
        id="added-in-another-form",
    ),
]


@pytest.mark.parametrize("tamper", TAMPERED_BODIES)
def test_send_refuses_a_notice_with_other_urls(draft: Notice, alice: User, tamper: Any) -> None:
    Notice.objects.filter(pk=draft.pk).update(body=tamper(draft.body))
    with pytest.raises(notices.NoticeError):
        notices.send(Notice.objects.get(pk=draft.pk), alice)
    assert Notice.objects.get(pk=draft.pk).status == NoticeStatus.DRAFT
    assert not Delivery.objects.filter(notice=draft).exists()


@pytest.mark.parametrize("tamper", TAMPERED_BODIES)
def test_the_ui_refuses_to_send_a_notice_with_other_urls(
    draft: Notice, alice: User, tamper: Any
) -> None:
    client = verified_client(alice)
    response = client.post(
        reverse("fd-notice-draft", kwargs={"pk": draft.pk}),
        {"subject": draft.subject, "body": tamper(draft.body), "action": "send"},
    )
    assert response.status_code == 302
    assert Notice.objects.get(pk=draft.pk).status == NoticeStatus.DRAFT
    assert not Delivery.objects.filter(notice=draft).exists()


def test_citations_and_the_policy_link_may_stay(draft: Notice, alice: User) -> None:
    body = draft.body + "\nSee https://www.kiesraad.nl/verkiezingen/stemmen for the rules.\n"
    notices.update_draft(draft, draft.subject, body, alice)
    assert notices.send(draft, alice).state == DeliveryState.QUEUED


@pytest.mark.parametrize("tamper", TAMPERED_BODIES)
def test_the_worker_refuses_tampered_frozen_bytes(
    draft: Notice, alice: User, smtp_server: SmtpServer, tamper: Any
) -> None:
    from flagdesk.notices import compose

    delivery = notices.send(draft, alice)
    notice = Notice.objects.get(pk=draft.pk)
    raw = bytes(notice.raw or b"")
    parsed = email.message_from_bytes(raw, policy=policy.default)
    parsed.set_content(tamper(notice.body), charset="utf-8", cte="quoted-printable")
    forged = parsed.as_bytes(policy=policy.SMTP)
    # A careful forger updates the stored digest as well.
    Notice.objects.filter(pk=notice.pk).update(raw=forged, raw_sha256=compose.sha256(forged))
    assert dispatch.attempt_delivery(delivery.pk) == "failed"
    assert smtp_server.messages == []
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED


def test_the_worker_refuses_bytes_that_no_longer_match_their_digest(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    delivery = notices.send(draft, alice)
    raw = bytes(Notice.objects.get(pk=draft.pk).raw or b"")
    Notice.objects.filter(pk=draft.pk).update(raw=raw.replace(b"Dear", b"Hey!"))
    assert dispatch.attempt_delivery(delivery.pk) == "failed"
    assert smtp_server.messages == []


def test_the_worker_refuses_when_the_approved_set_was_changed(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    from flagdesk.assessments.models import DecisionUrl

    delivery = notices.send(draft, alice)
    row = DecisionUrl.objects.get(decision=draft.decision)
    DecisionUrl.objects.create(
        decision=draft.decision,
        election=row.election,
        url=U2,
        normalised_url=N2,
        url_hash=intake.url_hash(N2),
    )
    assert dispatch.attempt_delivery(delivery.pk) == "failed"
    assert smtp_server.messages == []


# ------------------------------------------------------------ "already notified"


def test_already_notified_means_in_an_approved_deploy_set(
    tk2023: Election, alice: User, bob: User
) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    decision = proposed(first, alice)
    related = signal(tk2023, U1, U2).case
    assert related is not None and related.related_to == first
    assessments.review_decision(decision, True, bob)

    assert "ALREADY_NOTIFIED" in signal(tk2023, U1 + "?s=20").reasons
    assert "ALREADY_NOTIFIED" not in signal(tk2023, U2).reasons
    assert "ALREADY_NOTIFIED" not in assessments.evaluate_case(related).reasons
    assert selectors.notified_urls(tk2023) == {N1}


def test_a_url_slipped_into_a_decided_case_is_not_already_notified(
    tk2023: Election, alice: User, bob: User
) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    assessments.review_decision(proposed(first, alice), True, bob)
    CaseUrl.objects.create(
        case=first, election=tk2023, url=U3, normalised_url=N3, url_hash=intake.url_hash(N3)
    )
    assert "ALREADY_NOTIFIED" not in signal(tk2023, U3).reasons
    assert selectors.notified_urls(tk2023) == {N1}


def test_a_no_deploy_decision_notifies_nothing(tk2023: Election, alice: User, bob: User) -> None:
    first = signal(tk2023, U1).case
    assert first is not None
    assessments.review_decision(proposed(first, alice, "no_deploy"), True, bob)
    assert "ALREADY_NOTIFIED" not in signal(tk2023, U1).reasons


def test_send_refuses_content_another_case_stored_before_the_lists_were_merged(
    draft: Notice, tk2023: Election, alice: User
) -> None:
    # Another case holds a news article in the form intake gave it before issue 13 merged the
    # tracking lists (``ref`` was kept then); naming it is still naming known content.
    shared = "https://nieuws.example/artikel/stemmen?ref=nieuwsbrief&id=7"
    before_merge = "https://nieuws.example/artikel/stemmen?id=7&ref=nieuwsbrief"
    other = signal(tk2023, shared).case
    assert other is not None
    CaseUrl.objects.filter(case=other).update(
        normalised_url=before_merge, url_hash=intake.url_hash(before_merge)
    )
    Notice.objects.filter(pk=draft.pk).update(body=draft.body + f"\nAlso: {shared}\n")
    with pytest.raises(notices.NoticeError):
        notices.send(Notice.objects.get(pk=draft.pk), alice)
    assert not Delivery.objects.filter(notice=draft).exists()

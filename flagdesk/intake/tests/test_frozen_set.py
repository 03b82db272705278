# SPDX-License-Identifier: EUPL-1.2
"""Intake after a decision: corroboration, related cases, their events and their pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.assessments.models import Decision
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseUrl, SignalUrl
from flagdesk.notices.tests.conftest import ELIGIBLE
from flagdesk.rules.urls import normalise_url

U1 = "https://x.com/a/status/1001"
U2 = "https://x.com/b/status/1002"
U3 = "https://x.com/c/status/1003"


def signal(election: Election, *urls: str) -> intake.IntakeResult:
    return intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="factchecker",
            category="misinformation",
            platform_name="x",
            content_urls=list(urls),
            explanation="Two boxes.",
            received_via="email",
            source_organisation_name="Nieuwscheckers",
        )
    )


def decided(election: Election, assessor: User, *urls: str) -> tuple[Case, Decision]:
    case = signal(election, *urls).case
    assert case is not None
    assessments.save_assessment(case, ELIGIBLE, assessor)
    return case, assessments.propose_decision(case, "deploy", "Invalid votes.", assessor)


def urls_of(case: Case) -> set[str]:
    return set(CaseUrl.objects.filter(case=case).values_list("url", flat=True))


def test_a_partly_new_signal_opens_one_related_case_with_the_new_urls(
    tk2023: Election, alice: User
) -> None:
    first, _decision = decided(tk2023, alice, U1)
    result = signal(tk2023, U1, U2, U3)
    related = result.case
    assert result.outcome == "related_case" and related is not None
    assert related.related_to == first
    assert urls_of(first) == {U1} and urls_of(related) == {U2, U3}
    # The signal itself keeps every URL it named.
    assert result.signal is not None
    assert set(SignalUrl.objects.filter(signal=result.signal).values_list("url", flat=True)) == {
        U1,
        U2,
        U3,
    }


def test_a_later_signal_on_the_related_url_joins_the_related_case(
    tk2023: Election, alice: User
) -> None:
    first, _decision = decided(tk2023, alice, U1)
    related = signal(tk2023, U1, U2).case
    again = signal(tk2023, U1, U2)
    assert again.outcome == "joined_case" and again.case == related
    assert urls_of(first) == {U1}


def test_the_events_of_a_related_case(tk2023: Election, alice: User) -> None:
    first, _decision = decided(tk2023, alice, U1)
    related = signal(tk2023, U1, U2).case
    assert related is not None
    opened = AuditEvent.objects.get(action="case_opened", object_id=str(related.pk))
    assert opened.after["related_to"] == first.reference
    linked = AuditEvent.objects.get(action="related_case_opened")
    assert linked.object_id == str(first.pk)
    assert linked.after == {"related_case": related.reference, "urls": [U2]}
    recorded = AuditEvent.objects.filter(action="signal_recorded").order_by("-seq").first()
    assert recorded is not None
    assert recorded.after["outcome"] == "related_case"
    assert recorded.after["related_to"] == first.reference


def test_the_decision_records_its_set_in_the_audit_trail(
    tk2023: Election, alice: User, bob: User
) -> None:
    _case, decision = decided(tk2023, alice, U2, U1)
    proposed = AuditEvent.objects.get(action="decision_proposed")
    assert proposed.after["urls"] == sorted([normalise_url(U1), normalise_url(U2)])
    assert proposed.after["url_set_sha256"] == decision.url_set_sha256
    assessments.review_decision(decision, True, bob)
    approved = AuditEvent.objects.get(action="decision_approved")
    assert approved.after["url_set_sha256"] == decision.url_set_sha256


def test_a_decision_on_urls_the_assessor_did_not_see_is_refused(
    tk2023: Election, alice: User
) -> None:
    case = signal(tk2023, U1).case
    assert case is not None
    assessments.save_assessment(case, ELIGIBLE, alice)
    client = verified_client(alice)
    page = client.get(reverse("fd-case-detail", kwargs={"reference": case.reference}))
    seen = page.context["decision_form"].initial["url_set_sha256"]
    signal(tk2023, U1, U2)  # joins while the assessor reads: the case is still open
    response = in_english(client).post(
        reverse("fd-case-decide", kwargs={"reference": case.reference}),
        {"outcome": "deploy", "justification": "Invalid votes.", "url_set_sha256": seen},
    )
    assert response.status_code == 400
    assert "URLs changed while you decided" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_signal_page_and_both_case_pages_show_the_link(
    tk2023: Election, alice: User, carol: User
) -> None:
    first, _decision = decided(tk2023, alice, U1)
    result = signal(tk2023, U1, U2)
    assert result.signal is not None and result.case is not None
    client = in_english(verified_client(carol))
    page = client.get(reverse("fd-signal-recorded", kwargs={"pk": result.signal.pk}))
    text = page.content.decode()
    assert "related to a case with a decision" in text and first.reference in text
    first_page = client.get(reverse("fd-case-detail", kwargs={"reference": first.reference}))
    assert 'id="related-cases"' in first_page.content.decode()
    assert result.case.reference in first_page.content.decode()
    related_page = client.get(
        reverse("fd-case-detail", kwargs={"reference": result.case.reference})
    )
    assert 'id="related-to"' in related_page.content.decode()
    timeline = [e["text"] for e in first_page.context["timeline"]]
    assert any(result.case.reference in str(t) for t in timeline)


# ------------------------------------------------------------------ the upgrade


def test_the_migration_fills_sets_from_the_signals_before_the_decision(
    tk2023: Election, alice: User
) -> None:
    from django.apps import apps

    fill = __import__(
        "flagdesk.assessments.migrations.0003_fill_decision_url_sets", fromlist=["fill"]
    ).fill
    case, decision = decided(tk2023, alice, U1)
    # As before the upgrade: a later signal joined the decided case, and no set was recorded.
    late = signal(tk2023, U2)
    assert late.signal is not None and late.case is not None
    CaseUrl.objects.filter(case=late.case).update(case=case)
    late.signal.case = case
    late.signal.save()
    late.case.delete()
    decision.url_set.all().delete()
    Decision.objects.filter(pk=decision.pk).update(url_set_sha256="")
    fill(apps, None)
    decision.refresh_from_db()
    assert set(decision.url_set.values_list("url", flat=True)) == {U1}
    assert decision.url_set_origin == "signals"
    assert decision.url_set_sha256 == assessments.urlset.url_set_sha256([normalise_url(U1)])


def test_the_migration_includes_urls_it_cannot_date(tk2023: Election, alice: User) -> None:
    from django.apps import apps

    fill = __import__(
        "flagdesk.assessments.migrations.0003_fill_decision_url_sets", fromlist=["fill"]
    ).fill
    case, decision = decided(tk2023, alice, U1)
    CaseUrl.objects.create(  # by hand: no signal lists it
        case=case,
        election=tk2023,
        url=U3,
        normalised_url=normalise_url(U3),
        url_hash=intake.url_hash(normalise_url(U3)),
    )
    decision.url_set.all().delete()
    Decision.objects.filter(pk=decision.pk).update(url_set_sha256="")
    fill(apps, None)
    decision.refresh_from_db()
    assert set(decision.url_set.values_list("url", flat=True)) == {U1, U3}
    assert decision.url_set_origin == "case"


# ------------------------------------------------------------------ racing a decision


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_signal_racing_a_decision_waits_for_it(tk2023: Election, alice: User) -> None:
    import threading

    from django.db import connection, transaction

    case = signal(tk2023, U1).case
    assert case is not None
    assessments.save_assessment(case, ELIGIBLE, alice)
    locked, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def decide() -> None:
        try:
            with transaction.atomic():
                assessments.propose_decision(case, "deploy", "Invalid votes.", alice)
                locked.set()  # the decision holds the case row until it commits
                release.wait(30)
        finally:
            connection.close()

    def report() -> None:
        try:
            outcome["result"] = signal(tk2023, U1, U2)
        finally:
            connection.close()

    decider = threading.Thread(target=decide)
    decider.start()
    assert locked.wait(30)
    reporter = threading.Thread(target=report)
    reporter.start()
    _until_waiting(reporter)
    release.set()
    decider.join(30)
    reporter.join(30)
    assert outcome["result"].outcome == "related_case"
    assert urls_of(case) == {U1}


def _until_waiting(thread: Any) -> None:
    """On PostgreSQL, until the reporter waits for a row lock (SQLite: its write transaction
    cannot even begin before the decision commits)."""
    from django.conf import settings
    from django.db import connection

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    import time

    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)

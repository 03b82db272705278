# SPDX-License-Identifier: EUPL-1.2
"""The registry, suggestions and decisions, and the notice's sentence about earlier
notifications — only when a notice about the narrative really went to that platform."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.narratives import selectors, service
from flagdesk.narratives.models import LinkStatus, Narrative
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import ELIGIBLE
from flagdesk.platforms.models import Platform

TWO_BOXES = (
    "In dit bericht op X wordt gezegd dat je bij GroenLinks/PvdA twee vakjes rood moet maken, "
    "één voor een GroenLinks-kandidaat en één voor een PvdA-kandidaat."
)


def new_case(election: Election, platform: str, url: str, text: str = TWO_BOXES) -> Case:
    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="media",
            category="misinformation",
            platform_name=platform,
            content_urls=[url],
            explanation=text,
            received_via="email",
            source_organisation_name="NOS",
        )
    )
    assert result.case is not None
    return result.case


def test_the_registry_is_seeded_with_the_recurring_narratives(db: None) -> None:
    slugs = set(Narrative.objects.values_list("slug", flat=True))
    assert {"two-boxes", "colour-not-red", "writing-on-the-ballot", "wrong-date-or-hours",
            "online-voting", "id-and-proxy", "vote-counts-half"} <= slugs  # fmt: skip
    two = Narrative.objects.get(slug="two-boxes")
    assert "Kieswet" in two.rule_source and two.claim_en and two.claim_nl


def test_a_two_boxes_signal_suggests_that_narrative_first(tk2023: Election) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/11")
    links = service.suggest(case)
    assert links and links[0].narrative.slug == "two-boxes"
    assert links[0].status == LinkStatus.SUGGESTED
    assert AuditEvent.objects.filter(action="narrative_suggested").exists()
    assert selectors.confirmed(case) == []  # a suggestion is not a confirmation


def test_unrelated_signals_get_no_suggestion(tk2023: Election) -> None:
    case = new_case(
        tk2023,
        "x",
        "https://x.com/a/status/12",
        "Een partij belooft in haar verkiezingsprogramma lagere huren en meer woningen.",
    )
    assert service.suggest(case) == []


def test_only_assessors_confirm_and_it_is_audited(tk2023: Election, alice: User, bob: User) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/13")
    [link, *_] = service.suggest(case)
    with pytest.raises(PermissionDenied):
        service.decide(link, True, bob)
    service.decide(link, True, alice)
    assert [n.slug for n in selectors.confirmed(case)] == ["two-boxes"]
    assert AuditEvent.objects.filter(action="narrative_confirmed").count() == 1


def approve(case: Case, alice: User, bob: User) -> Notice:
    assessments.save_assessment(case, ELIGIBLE, alice)
    decision = assessments.propose_decision(case, "deploy", "Invalid votes.", alice)
    assessments.review_decision(decision, True, bob)
    return Notice.objects.get(case=case)


def test_the_notice_mentions_an_earlier_notification_only_when_true(
    draft: Notice, alice: User, bob: User, x_channel: Platform
) -> None:
    earlier = draft.case  # TK2023, X, the two-boxes post
    service.link_by_hand(earlier, Narrative.objects.get(slug="two-boxes"), alice)
    tk2025 = Election.objects.get(code="TK2025")

    # Not yet sent in 2023: nothing to mention.
    later = new_case(tk2025, "x", "https://x.com/b/status/21")
    service.link_by_hand(later, Narrative.objects.get(slug="two-boxes"), alice)
    assert selectors.earlier_notifications(later) == []

    dispatch.attempt_delivery(notices.send(draft, alice).pk)  # to the local outbox
    [sentence] = selectors.earlier_notifications(later)
    # The sentence goes into an English notice: the election by its English name.
    assert "House of Representatives (Tweede Kamer) election 2023" in sentence
    assert "notified your platform" in sentence
    assert sentence in approve(later, alice, bob).body
    # A Dutch notice says it in Dutch, with the election's Dutch name.
    [dutch] = selectors.earlier_notifications(later, "nl")
    assert dutch.startswith("Over deze bewering") and "eerdere verkiezingen" in dutch
    assert Election.objects.get(code="TK2023").name in dutch

    # Another platform was never told: no sentence there.
    tiktok = new_case(tk2025, "tiktok", "https://www.tiktok.com/@a/video/7300000000000000009")
    service.link_by_hand(tiktok, Narrative.objects.get(slug="two-boxes"), alice)
    assert selectors.earlier_notifications(tiktok) == []
    # A narrative suggested but not confirmed says nothing either.
    other = new_case(tk2025, "x", "https://x.com/c/status/22")
    service.suggest(other)
    assert selectors.earlier_notifications(other) == []


def test_intake_queues_the_matching_for_the_worker(tk2023: Election) -> None:
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.tasks import match_wanted_cases, suggest_narratives

    case = new_case(tk2023, "x", "https://x.com/a/status/31")
    [task] = DBTaskResult.objects.filter(task_path__endswith="match_wanted_cases")
    assert task.args_kwargs["args"] == []
    assert service.matching_backlog().cases == 1
    assert service.links_for(case) == []  # not in the partner's request
    assert match_wanted_cases.call() == 1
    assert service.links_for(case)[0].narrative.slug == "two-boxes"
    assert service.matching_backlog().cases == 0
    # A task queued by an older version (one per signal) still runs.
    assert suggest_narratives.call(case.pk) == 1


def test_the_report_says_a_narrative_was_seen_before(
    draft: Notice, alice: User, bob: User, x_channel: Platform
) -> None:
    from flagdesk.reports import service as reports

    two_boxes = Narrative.objects.get(slug="two-boxes")
    service.link_by_hand(draft.case, two_boxes, alice)  # TK2023
    tk2025 = Election.objects.get(code="TK2025")
    later = new_case(tk2025, "x", "https://x.com/d/status/41")
    service.link_by_hand(later, two_boxes, alice)
    approve(later, alice, bob)
    dispatch.attempt_delivery(notices.send(Notice.objects.get(case=later), alice).pk)
    assert selectors.seen_before(later) == [(two_boxes, [draft.case.election])]
    markdown = reports.draft(tk2025, "md").decode()
    assert "ook tijdens vorige verkiezingen waargenomen" in markdown
    assert "Tweede Kamer 22 november 2023" in markdown  # in the footnote
    assert (
        "vorige verkiezingen"
        not in reports.draft(Election.objects.get(code="TK2023"), "md").decode()
    )


def test_earlier_similar_signals_from_any_election_are_suggested(
    tk2023: Election, alice: User, bob: User
) -> None:
    from flagdesk.narratives.models import SimilarCase

    earlier = new_case(tk2023, "x", "https://x.com/e/status/51")
    unrelated = new_case(
        tk2023,
        "x",
        "https://x.com/e/status/52",
        "Een partij belooft in haar verkiezingsprogramma lagere huren en meer woningen.",
    )
    tk2025 = Election.objects.get(code="TK2025")
    later = new_case(
        tk2025,
        "x",
        "https://x.com/e/status/53",
        "Bericht op X: bij GroenLinks/PvdA moet je twee vakjes rood maken, een voor een "
        "GroenLinks-kandidaat en een voor een PvdA-kandidaat.",
    )
    [link] = service.suggest_similar(later)
    assert (link.earlier, link.status) == (earlier, LinkStatus.SUGGESTED)
    assert link.score >= 52
    assert unrelated not in [s.earlier for s in service.similar_for(later)]
    assert service.suggest_similar(earlier) == []  # only earlier cases, never later ones
    with pytest.raises(PermissionDenied):
        service.decide_similar(link, True, bob)
    service.decide_similar(link, False, alice)
    assert service.similar_for(later) == []
    assert SimilarCase.objects.get(pk=link.pk).status == LinkStatus.DISMISSED
    assert AuditEvent.objects.filter(action="similar_case_dismissed").exists()


def test_an_edited_narrative_is_scored_by_its_new_text(tk2023: Election) -> None:
    # The registry's normalised lines are cached by their text: an edit must count at once.
    case = new_case(tk2023, "x", "https://x.com/a/status/31")
    two = Narrative.objects.get(slug="two-boxes")
    before = dict(service.scores(service.case_text(case), [two]))[two]
    Narrative.objects.filter(pk=two.pk).update(
        title="Vote by text message", claim_nl="Stem per sms.", claim_en="", examples=""
    )
    edited = Narrative.objects.get(pk=two.pk)
    after = dict(service.scores(service.case_text(case), [edited]))[edited]
    assert before >= service.SUGGEST_MIN_SCORE > after


def test_matching_a_case_counts_what_the_case_page_shows(tk2023: Election) -> None:
    first = new_case(tk2023, "x", "https://x.com/a/status/32")
    later = new_case(tk2023, "x", "https://x.com/a/status/33")
    service.match_case(first)
    found = service.match_case(later)
    assert found == len(service.links_for(later)) + len(service.similar_for(later))
    assert service.similar_for(later) and service.links_for(later)

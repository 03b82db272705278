# SPDX-License-Identifier: EUPL-1.2
"""The narratives panel on the case page, its actions, and the registry pages."""

from __future__ import annotations

from django.test import Client

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.narratives import selectors, service
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink
from flagdesk.narratives.tests.test_service import new_case
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice


def case_page(client: Client, case: Case) -> str:
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    return response.content.decode()


def two_boxes() -> Narrative:
    return Narrative.objects.get(slug="two-boxes")


def test_assessors_look_for_narratives_and_confirm_one(tk2023: Election, alice: User) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/31")
    client = in_english(verified_client(alice))
    assert "Look for matching narratives" in case_page(client, case)

    response = client.post(f"/cases/{case.reference}/narratives/suggest")
    assert response.status_code == 302 and response["Location"].endswith("#narratives")
    link = NarrativeLink.objects.get(case=case, narrative__slug="two-boxes")
    page = case_page(client, case)
    assert f'id="narrative-link-{link.pk}"' in page and "match" in page

    client.post(f"/narrative-links/{link.pk}", {"verdict": "confirm"})
    assert selectors.confirmed(case) == [two_boxes()]
    page = case_page(client, case)
    # The correct rule and its source are there at once.
    assert two_boxes().rule_source in page
    assert AuditEvent.objects.filter(action="narrative_confirmed").count() == 1


def test_assessors_dismiss_a_suggestion(tk2023: Election, alice: User) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/32")
    [link, *_] = service.suggest(case)
    client = verified_client(alice)
    client.post(f"/narrative-links/{link.pk}", {"verdict": "dismiss"})
    link.refresh_from_db()
    assert link.status == LinkStatus.DISMISSED
    assert f'id="narrative-link-{link.pk}"' not in case_page(client, case)
    assert AuditEvent.objects.filter(action="narrative_dismissed").exists()


def test_assessors_link_a_narrative_by_hand(tk2023: Election, alice: User) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/33", "Iets heel anders over huren.")
    client = verified_client(alice)
    client.post(f"/cases/{case.reference}/narratives/link", {"narrative": "online-voting"})
    assert [n.slug for n in selectors.confirmed(case)] == ["online-voting"]
    # A retired narrative cannot be linked.
    service.retire(two_boxes(), alice)
    client.post(f"/cases/{case.reference}/narratives/link", {"narrative": "two-boxes"})
    assert [n.slug for n in selectors.confirmed(case)] == ["online-voting"]


def test_other_roles_see_the_panel_but_may_not_act(
    tk2023: Election, alice: User, bob: User, carol: User
) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/34")
    [link, *_] = service.suggest(case)
    for user in (bob, carol):
        client = in_english(verified_client(user))
        page = case_page(client, case)
        assert 'id="narratives"' in page
        assert "Look for matching narratives" not in page
        assert client.post(f"/narrative-links/{link.pk}", {"verdict": "confirm"}).status_code == 403
        assert client.post(f"/cases/{case.reference}/narratives/suggest").status_code == 403
        url = f"/cases/{case.reference}/narratives/link"
        assert client.post(url, {"narrative": "two-boxes"}).status_code == 403
        assert client.post("/narratives/two-boxes/retire").status_code == 403
        assert (
            client.post("/narratives/two-boxes/merge", {"target": "online-voting"}).status_code
            == 403
        )
    assert client.get(f"/narrative-links/{link.pk}").status_code == 405
    assert selectors.confirmed(case) == []


def test_the_registry_shows_where_a_narrative_was_seen_and_notified(
    draft: Notice, alice: User, carol: User
) -> None:
    notified = draft.case  # TK2023, X
    service.link_by_hand(notified, two_boxes(), alice)
    dispatch.attempt_delivery(notices.send(draft, alice).pk)  # to the local outbox
    tk2025 = Election.objects.get(code="TK2025")
    seen = new_case(tk2025, "tiktok", "https://www.tiktok.com/@a/video/7300000000000000031")
    service.link_by_hand(seen, two_boxes(), alice)

    client = in_english(verified_client(carol))
    listing = client.get("/narratives").content.decode()
    row = listing.split('id="narrative-two-boxes"')[1].split("</tr>")[0]
    assert '<td class="case-count">2</td>' in row
    assert tk2023_name(notified) in row and tk2025.name in row
    assert "TikTok" in row.split('class="notified-platforms"')[0]
    assert "TikTok" not in row.split('class="notified-platforms"')[1]
    assert notified.platform.name in row.split('class="notified-platforms"')[1]

    detail = client.get("/narratives/two-boxes").content.decode()
    assert two_boxes().claim_en in detail and two_boxes().correct_rule.splitlines()[0] in detail
    assert f'href="/cases/{notified.reference}"' in detail
    yes = detail.split(f'id="case-{notified.reference}"')[1].split("</tr>")[0]
    no = detail.split(f'id="case-{seen.reference}"')[1].split("</tr>")[0]
    assert '<td class="notified">Yes</td>' in yes
    assert '<td class="notified">No</td>' in no
    assert "Retire" not in detail  # intake officers do not manage the registry


def tk2023_name(case: Case) -> str:
    return case.election.name


def test_merge_moves_links_and_is_audited(tk2023: Election, alice: User) -> None:
    both = new_case(tk2023, "x", "https://x.com/a/status/35")
    only_source = new_case(tk2023, "x", "https://x.com/a/status/36")
    source, target = Narrative.objects.get(slug="colour-not-red"), two_boxes()
    for case in (both, only_source):
        service.link_by_hand(case, source, alice)
    service.link_by_hand(both, target, alice)

    client = in_english(verified_client(alice))
    assert "Merge into" in client.get("/narratives/colour-not-red").content.decode()
    response = client.post("/narratives/colour-not-red/merge", {"target": "two-boxes"})
    assert response["Location"] == "/narratives/two-boxes"

    source.refresh_from_db()
    assert source.merged_into == target and source.retired
    assert NarrativeLink.objects.filter(narrative=target).count() == 2
    assert NarrativeLink.objects.filter(narrative=source).count() == 1  # the duplicate stays
    event = AuditEvent.objects.get(action="narrative_merged")
    assert event.after["links_moved"] == 1 and event.after["duplicates"] == 1
    assert source not in service.active_narratives()
    # Merging into itself or a retired narrative is refused with a message.
    client.post("/narratives/two-boxes/merge", {"target": "colour-not-red"})
    assert not Narrative.objects.get(slug="two-boxes").retired


def test_retire_is_audited_and_hides_the_buttons(tk2023: Election, alice: User) -> None:
    client = in_english(verified_client(alice))
    client.post("/narratives/online-voting/retire")
    narrative = Narrative.objects.get(slug="online-voting")
    assert narrative.retired and narrative not in service.active_narratives()
    assert AuditEvent.objects.filter(action="narrative_retired").count() == 1
    detail = client.get("/narratives/online-voting").content.decode()
    assert 'id="narrative-retired"' in detail and "Merge into" not in detail


def test_the_registry_and_panel_are_dutch_by_default(tk2023: Election, alice: User) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/37")
    client = verified_client(alice)
    assert "Narratieven" in client.get("/narratives").content.decode()
    assert "Narratieven" in case_page(client, case)


def test_earlier_similar_signals_show_on_the_case_page(
    tk2023: Election, alice: User, bob: User
) -> None:
    from flagdesk.narratives.models import SimilarCase

    earlier = new_case(tk2023, "x", "https://x.com/f/status/61")
    later = new_case(
        Election.objects.get(code="TK2025"),
        "x",
        "https://x.com/f/status/62",
        "Op X staat dat je bij GroenLinks/PvdA twee vakjes rood moet maken: een voor een "
        "GroenLinks-kandidaat en een voor een PvdA-kandidaat.",
    )
    client = in_english(verified_client(alice))
    client.post(f"/cases/{later.reference}/narratives/suggest")
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.tasks import find_similar_cases

    assert DBTaskResult.objects.filter(task_path__endswith="find_similar_cases").exists()
    find_similar_cases.call(later.pk)  # what the worker does
    html = case_page(client, later)
    assert "Earlier similar signals" in html and earlier.reference in html
    [link] = SimilarCase.objects.filter(case=later)
    assert (
        in_english(verified_client(bob))
        .post(f"/similar-cases/{link.pk}", {"verdict": "confirm"})
        .status_code
        == 403
    )
    client.post(f"/similar-cases/{link.pk}", {"verdict": "confirm"})
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="similar_case_confirmed").exists()


def test_the_intake_page_hints_at_a_known_narrative(tk2023: Election, carol: User) -> None:
    from flagdesk.intake.models import Signal

    case = new_case(tk2023, "x", "https://x.com/g/status/71")
    signal = Signal.objects.get(case=case)
    html = in_english(verified_client(carol)).get(f"/signals/{signal.pk}/recorded").content.decode()
    assert "Looks like a known narrative" in html
    assert "Twee vakjes inkleuren" in html
    assert NarrativeLink.objects.filter(case=case).count() == 0  # the page only reads


def test_the_registry_links_the_published_report(tk2023: Election, alice: User, bob: User) -> None:
    from flagdesk.reports.models import FinalReport

    case = new_case(tk2023, "x", "https://x.com/h/status/81")
    service.link_by_hand(case, two_boxes(), alice)
    page = in_english(verified_client(alice)).get("/narratives/two-boxes").content.decode()
    assert "/reports/TK2023" not in page
    FinalReport.objects.create(
        election=tk2023, version=1, signed_off_by=bob, signed_off_at=case.created_at, files={}
    )
    page = in_english(verified_client(alice)).get("/narratives/two-boxes").content.decode()
    assert 'href="/reports/TK2023"' in page and "version 1" in page

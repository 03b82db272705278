# SPDX-License-Identifier: EUPL-1.2
"""The case search (intake/search.py) on the database under test: hostile input first, then
reference, URL in any form, organisation, words in signals, reasons and justifications,
ranking, and composing with the case list's filters."""

from __future__ import annotations

from typing import Any

import pytest

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service as assessments
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import search, service
from flagdesk.intake.models import Case, SearchText
from flagdesk.intake.search import fts5_query, search_cases, without_credentials
from flagdesk.intake.service import SignalInput

URL = "/cases"


def record(
    election: Election,
    organisation: PartnerOrganisation,
    url: str,
    explanation: str = "Een bericht.",
    platform: str = "x",
) -> Case:
    result = service.record_signal(
        SignalInput(
            election=election,
            source_type=organisation.source_type,
            category="misinformation",
            platform_name=platform,
            content_urls=[url],
            explanation=explanation,
            received_via="phone",
            source_organisation=organisation,
            contact_name="Jan Geheim",
            contact_email="jan@nos.invalid",
        )
    )
    assert result.case is not None
    return result.case


def found(text: str, cases: Any = None) -> list[str]:
    queryset = cases if cases is not None else Case.objects.order_by("-created_at", "-pk")
    return list(search_cases(queryset, text).values_list("reference", flat=True))


@pytest.fixture
def three(tk2023: Election, nos: PartnerOrganisation, gemeente: PartnerOrganisation) -> list[Case]:
    return [
        record(
            tk2023,
            nos,
            "https://x.com/someone/status/1111",
            "Bericht zegt dat je met potlood moet stemmen en twee vakjes mag kleuren.",
        ),
        record(
            tk2023,
            gemeente,
            "https://www.youtube.com/watch?v=abcdefghijk",
            "Video beweert dat stembureaus sluiten om 17 uur.",
            platform="youtube",
        ),
        record(
            tk2023,
            nos,
            "https://www.tiktok.com/@iemand/video/2222",
            "Oproep om de stempas te verscheuren.",
            platform="tiktok",
        ),
    ]


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"stemmen',
        'stemmen" OR "sluiten',
        "body:stemmen",
        "NEAR(stemmen sluiten)",
        "stemmen*",
        "*",
        "-stemmen",
        "^stemmen",
        "stemmen AND NOT sluiten",
        "{body}: stemmen",
        "'; DROP TABLE intake_case; --",
        "\\",
        "()",
        ":",
    ],
)
def test_query_syntax_is_never_interpreted(three: list[Case], text: str) -> None:
    # No error, and never more than the plain words would find.
    hits = found(text)
    assert len(hits) <= 1
    assert Case.objects.count() == 3


def test_fts5_query_quotes_every_word() -> None:
    assert fts5_query(["near", "body", "stem", "or"]) == '"near"* "body"* "stem"* "or"'


@pytest.mark.parametrize("text", ["%", "_", "%%", "FD-%", "__"])
def test_sql_wildcards_do_not_list_every_case(three: list[Case], text: str) -> None:
    assert found(text) == []


def test_very_long_input_is_searched_not_refused(alice: User, three: list[Case]) -> None:
    # The request line stops at 4 KB (core.middleware, gunicorn); the search cuts any text.
    assert len(found("stemmen " * 100_000)) == 1
    response = verified_client(alice).get(URL, {"q": "stemmen " * 450})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["page"].paginator.count <= 1


def test_a_url_with_credentials_finds_its_case_without_echoing_them(three: list[Case]) -> None:
    hits = found("https://admin:hunter2@x.com/someone/status/1111")
    assert hits == [three[0].reference]
    assert without_credentials("https://admin:hunter2@x.com/a") == "https://x.com/a"
    assert without_credentials("stemmen @iemand") == "stemmen @iemand"


def test_contact_details_are_not_searchable(three: list[Case]) -> None:
    assert found("Geheim") == []
    assert found("jan@nos.invalid") == []
    assert not SearchText.objects.filter(body__contains="Geheim").exists()


# --- what it finds ------------------------------------------------------------------------


def test_a_pasted_url_longer_than_a_reference_is_no_error(alice: User, three: list[Case]) -> None:
    url = "https://mobile.twitter.com/SomeOne/status/1111?s=20&t=abc&utm_source=share"
    response = verified_client(alice).get(URL, {"q": url})
    assert not response.context["form"].errors
    assert [c.reference for c in response.context["page"].object_list] == [three[0].reference]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("https://twitter.com/SOMEONE/status/1111?utm_campaign=x", 0),
        ("x.com/i/status/1111", 0),
        ("https://youtu.be/abcdefghijk?si=share", 1),
        ("https://m.youtube.com/shorts/abcdefghijk", 1),
        ("https://m.tiktok.com/@Iemand/video/2222?is_from_webapp=1", 2),
    ],
)
def test_any_form_of_a_url_finds_its_case(three: list[Case], text: str, index: int) -> None:
    assert found(text) == [three[index].reference]


def test_an_unknown_url_finds_nothing(three: list[Case]) -> None:
    assert found("https://x.com/someone/status/9999") == []


def test_reference_exact_and_partial(three: list[Case]) -> None:
    assert found(three[1].reference.lower()) == [three[1].reference]
    suffix = three[2].reference[-4:]
    assert three[2].reference in found(suffix)


def test_words_in_signals_and_organisation(three: list[Case]) -> None:
    assert found("stembureaus sluiten") == [three[1].reference]
    assert found("Gemeente Voorbeeldstad") == [three[1].reference]
    assert set(found("NOS")) == {three[0].reference, three[2].reference}
    assert found("STEMPAS") == [three[2].reference]  # case and accents do not matter


def test_words_in_assessment_reasons_and_decision_justification(
    three: list[Case], alice: User
) -> None:
    case = three[2]
    assessments.save_assessment(
        case,
        {
            "election_process_risk": True,
            "election_process_risk_reasoning": "Ontmoedigt kiezers bewust.",
            "misleading": True,
            "harms": ["invalid_vote"],
        },
        alice,
    )
    assert found("ontmoedigt") == [case.reference]
    case.refresh_from_db()
    assessments.propose_decision(case, "refer", "Doorverwijzen naar kiesraad.", alice)
    assert found("kiesraad") == [case.reference]


def test_exact_hits_come_before_text_hits(tk2023: Election, nos: PartnerOrganisation) -> None:
    mentions = record(tk2023, nos, "https://x.com/a/status/1", "Zie ook FD-2023-0002 hierover.")
    target = record(tk2023, nos, "https://x.com/a/status/2", "Iets anders.")
    assert target.reference == "FD-2023-0002"
    assert found("FD-2023-0002") == [target.reference, mentions.reference]


def test_better_text_hits_rank_first(tk2023: Election, nos: PartnerOrganisation) -> None:
    once = record(tk2023, nos, "https://x.com/a/status/1", "Stembiljet. Verder niets van belang.")
    often = record(tk2023, nos, "https://x.com/a/status/2", "Stembiljet stembiljet stembiljet.")
    assert found("stembiljet") == [often.reference, once.reference]


def test_it_composes_with_the_other_filters(
    alice: User, three: list[Case], tk2023: Election
) -> None:
    client = verified_client(alice)
    both = client.get(URL, {"q": "NOS"}).context["page"].paginator.count
    tiktok = client.get(URL, {"q": "NOS", "platform": "tiktok"}).context["page"]
    assert both == 2
    assert [c.reference for c in tiktok.object_list] == [three[2].reference]
    nothing = client.get(URL, {"q": "NOS", "election": "EP2024"}).context["page"]
    assert nothing.paginator.count == 0
    assert found("NOS", Case.objects.filter(platform__slug="x")) == [three[0].reference]


def test_the_search_field_has_a_label_and_a_shortcut(alice: User, db: Any) -> None:
    html = verified_client(alice).get(URL).content.decode()
    assert 'data-shortcut="/"' in html
    assert '<label for="id_q">Zoeken</label>' in html


def test_a_broad_search_ranks_the_newest_matches_after_the_filters(
    monkeypatch: pytest.MonkeyPatch, tk2023: Election, nos: PartnerOrganisation
) -> None:
    # A word in thousands of texts: only the newest RANK_CANDIDATES matching texts are ranked
    # (three here), so an old, better hit is left out and the newest come back best first.
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    old_best = record(tk2023, nos, "https://x.com/a/status/1", "Stembiljet stembiljet stembiljet.")
    old_youtube = record(
        tk2023, nos, "https://youtu.be/aaaaaaaaaaa", "Stembiljet op video.", platform="youtube"
    )
    once = record(tk2023, nos, "https://x.com/a/status/2", "Stembiljet. Verder niets van belang.")
    record(tk2023, nos, "https://x.com/a/status/3", "Iets anders.")
    often = record(tk2023, nos, "https://x.com/a/status/4", "Stembiljet stembiljet stembiljet.")
    also = record(tk2023, nos, "https://x.com/a/status/5", "Stembiljet. Ook niets van belang.")
    hits = found("stembiljet")
    assert hits[0] == often.reference
    assert set(hits) == {often.reference, once.reference, also.reference}
    assert old_best.reference not in hits
    # The list's filters apply before the cut: the old YouTube case is among its newest.
    youtube = Case.objects.filter(platform=old_youtube.platform)
    assert found("stembiljet", youtube) == [old_youtube.reference]
    # Exact hits still come first, whatever the cut.
    assert found(old_best.reference)[0] == old_best.reference

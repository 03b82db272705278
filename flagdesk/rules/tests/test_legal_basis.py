# SPDX-License-Identifier: EUPL-1.2
"""The legal basis of a notice: the rule per case, and the paragraph per basis, designation
and language."""

from __future__ import annotations

import datetime as dt

import pytest

from flagdesk.rules.legal_basis import (
    CONTENT_TYPES,
    NOT_DESIGNATED,
    PROVISIONS,
    Basis,
    BasisReason,
    Designation,
    LegalBasis,
    cleaned,
    date_text,
    notice_paragraph,
    problems,
)

ILLEGAL = LegalBasis(
    Basis.ILLEGAL_CONTENT, provisions=("sr_127",), content_type="civic_discourse_or_elections"
)
ESCALATION = LegalBasis(Basis.TERMS_ESCALATION)
ACM = Designation(True, "Autoriteit Consument & Markt (ACM)", dt.date(2025, 5, 19))


@pytest.mark.parametrize(
    ("basis", "deploys", "reasons"),
    [
        (ILLEGAL, True, ()),
        (ESCALATION, True, ()),
        (LegalBasis(""), False, ()),
        (LegalBasis(""), True, (BasisReason.BASIS_REQUIRED,)),
        (LegalBasis("because"), True, (BasisReason.BASIS_REQUIRED,)),
        (ESCALATION, False, (BasisReason.BASIS_WITHOUT_DEPLOY,)),
        (LegalBasis("", provisions=("sr_127",)), False, (BasisReason.BASIS_WITHOUT_DEPLOY,)),
        (
            LegalBasis(Basis.ILLEGAL_CONTENT, content_type="scams_and_fraud"),
            True,
            (BasisReason.PROVISION_REQUIRED,),
        ),
        (
            LegalBasis(
                Basis.ILLEGAL_CONTENT, other_provision="   ", content_type="scams_and_fraud"
            ),
            True,
            (BasisReason.PROVISION_REQUIRED,),
        ),
        (
            LegalBasis(
                Basis.ILLEGAL_CONTENT,
                other_provision="artikel Z 4 Kieswet",
                content_type="civic_discourse_or_elections",
            ),
            True,
            (),
        ),
        (
            LegalBasis(
                Basis.ILLEGAL_CONTENT, provisions=("sr_999",), content_type="scams_and_fraud"
            ),
            True,
            (BasisReason.UNKNOWN_PROVISION,),
        ),
        (
            LegalBasis(
                Basis.ILLEGAL_CONTENT, other_provision="x" * 501, content_type="scams_and_fraud"
            ),
            True,
            (BasisReason.OTHER_PROVISION_TOO_LONG,),
        ),
        (
            LegalBasis(Basis.ILLEGAL_CONTENT, provisions=("sr_127",)),
            True,
            (BasisReason.CONTENT_TYPE_REQUIRED,),
        ),
        (
            LegalBasis(Basis.ILLEGAL_CONTENT, provisions=("sr_127",), content_type="rude"),
            True,
            (BasisReason.UNKNOWN_CONTENT_TYPE,),
        ),
        (
            LegalBasis(Basis.ILLEGAL_CONTENT),
            True,
            (BasisReason.PROVISION_REQUIRED, BasisReason.CONTENT_TYPE_REQUIRED),
        ),
        (
            LegalBasis(Basis.TERMS_ESCALATION, provisions=("sr_127",)),
            True,
            (BasisReason.ESCALATION_NAMES_PROVISION,),
        ),
        (
            LegalBasis(Basis.TERMS_ESCALATION, content_type="scams_and_fraud"),
            True,
            (BasisReason.ESCALATION_NAMES_PROVISION,),
        ),
    ],
)
def test_the_rule(basis: LegalBasis, deploys: bool, reasons: tuple[BasisReason, ...]) -> None:
    assert problems(basis, deploys=deploys) == reasons


def test_cleaning_keeps_the_lists_order_once_and_tidies_the_text() -> None:
    basis = LegalBasis(
        Basis.ILLEGAL_CONTENT,
        provisions=("sr_285", "sr_127", "sr_285"),
        other_provision="  artikel Z 4\n Kieswet ",
        content_type="cyber_violence",
    )
    assert cleaned(basis) == LegalBasis(
        Basis.ILLEGAL_CONTENT,
        provisions=("sr_127", "sr_285"),
        other_provision="artikel Z 4 Kieswet",
        content_type="cyber_violence",
    )


def test_the_lists_cite_the_criminal_code_and_the_transparency_database() -> None:
    assert PROVISIONS["sr_127"].citation_nl == "artikel 127 Wetboek van Strafrecht"
    assert PROVISIONS["sr_127"].citation_en.startswith("Article 127 of the Dutch Criminal Code")
    assert {"sr_125", "sr_126", "sr_127", "sr_138ab"} <= set(PROVISIONS)
    for content_type in CONTENT_TYPES.values():
        assert content_type.dsa_category.startswith("STATEMENT_CATEGORY_")


def test_dates_carry_the_year_in_both_languages() -> None:
    assert date_text(dt.date(2025, 5, 19), "en") == "19 May 2025"
    assert date_text(dt.date(2025, 5, 19), "nl") == "19 mei 2025"


def _paragraph(basis: LegalBasis, designation: Designation, language: str) -> str:
    return notice_paragraph(
        basis,
        designation,
        platform_name="X",
        programme="Urgent Escalation Channel",
        language=language,
    )


def test_illegal_content_designated_in_english() -> None:
    text = _paragraph(ILLEGAL, ACM, "en")
    assert text.startswith("This is a notice of illegal content under Article 16 of the Digital")
    assert "Article 127 of the Dutch Criminal Code (Wetboek van Strafrecht)" in text
    assert "a deceptive act by which a vote becomes invalid" in text
    assert "negative effects on civic discourse or elections" in text
    assert (
        "trusted flagger designated under Article 22 of the Digital Services Act by "
        "Autoriteit Consument & Markt (ACM) on 19 May 2025"
    ) in text
    assert "terms" not in text


def test_illegal_content_not_designated_makes_no_article_22_claim() -> None:
    for language in ("en", "nl"):
        text = _paragraph(ILLEGAL, NOT_DESIGNATED, language)
        assert "16" in text
        assert "rticle 22" not in text and "rtikel 22" not in text and "ACM" not in text
        assert "trusted flagger" not in text and "betrouwbare flagger" not in text


def test_an_incomplete_designation_is_not_claimed() -> None:
    incomplete = Designation(True, "", dt.date(2025, 5, 19))
    assert "Article 22" not in _paragraph(ILLEGAL, incomplete, "en")
    assert "Article 22" not in _paragraph(ILLEGAL, Designation(True, "ACM", None), "en")


def test_illegal_content_designated_in_dutch() -> None:
    text = _paragraph(ILLEGAL, ACM, "nl")
    assert text.startswith("Dit is een melding van illegale inhoud op grond van artikel 16")
    assert "artikel 127 Wetboek van Strafrecht (een bedrieglijke handeling" in text
    assert "negatieve effecten op het maatschappelijk debat of verkiezingen" in text
    assert "aangewezen op grond van artikel 22" in text
    assert "Autoriteit Consument & Markt (ACM) op 19 mei 2025" in text


def test_the_free_text_provision_is_cited_as_written() -> None:
    basis = LegalBasis(
        Basis.ILLEGAL_CONTENT,
        provisions=("sr_138ab",),
        other_provision="artikel 231b Wetboek van Strafrecht",
        content_type="scams_and_fraud",
    )
    text = _paragraph(basis, NOT_DESIGNATED, "en")
    assert "Article 138ab of the Dutch Criminal Code" in text
    assert "; artikel 231b Wetboek van Strafrecht." in text


@pytest.mark.parametrize("designation", [NOT_DESIGNATED, ACM])
def test_an_escalation_says_it_is_not_a_notice_of_illegal_content(
    designation: Designation,
) -> None:
    english = _paragraph(ESCALATION, designation, "en")
    assert (
        "check this content against your terms of service through your Urgent Escalation Channel"
        in english
    )
    assert "it is not a notice of illegal content under Article 16" in english
    assert "Article 22" not in english  # a designation says nothing about an escalation
    dutch = _paragraph(ESCALATION, designation, "nl")
    assert "via uw Urgent Escalation Channel te toetsen aan uw gebruikersvoorwaarden" in dutch
    assert "geen melding van illegale inhoud op grond van artikel 16" in dutch


def test_an_escalation_without_a_programme_names_the_partner_channel() -> None:
    text = notice_paragraph(ESCALATION, NOT_DESIGNATED, platform_name="TikTok", programme="")
    assert "through TikTok's channel for trusted partners" in text


def test_no_basis_no_paragraph() -> None:
    assert _paragraph(LegalBasis(""), ACM, "en") == ""

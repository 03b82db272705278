# SPDX-License-Identifier: EUPL-1.2
"""The notice text and its bytes: DSA Art. 16(2) elements, headers, no header injection."""

from __future__ import annotations

import dataclasses
import email
from email import policy

import pytest

from flagdesk.notices import compose

# The text comes from the template store: an administrator's version in the database first.
pytestmark = pytest.mark.django_db

FACTS = compose.NoticeFacts(
    reference="FD-2023-0001",
    platform_name="X",
    platform_slug="x",
    policy_name="X's civic integrity policy",
    policy_url="https://help.x.com/en/rules-and-policies/election-integrity-policy",
    election_name="Tweede Kamerverkiezing 2023",
    election_day="22 November 2023",
    urls=["https://x.com/kiezer2023/status/1727365011111111111"],
    what_is_false="It tells voters to colour two boxes; that makes the vote invalid.",
    why_it_matters="Voting is today.",
    harms=["invalid_vote"],
    signal_explanation="Call to colour two boxes.",
    organisation="Ministry of the Interior and Kingdom Relations",
    sender_name="Alice Assessor",
    sender_email="alice@minbzk.example",
)


def test_subject_names_the_policy_and_the_case() -> None:
    assert compose.subject_for(FACTS) == (
        "Urgent notification of possible violation of X's civic integrity policy"
        " – Dutch election [FD-2023-0001]"
    )


@pytest.mark.parametrize(
    ("platform", "policy", "label"),
    [
        ("X", "X's civic integrity policy", "X's civic integrity policy"),
        ("Meta", "Community Standards", "Meta's Community Standards"),
        (
            "Google (YouTube)",
            "Elections misinformation policies",
            "Google (YouTube)'s Elections misinformation policies",
        ),
        ("TikTok", "", "TikTok's policies"),
    ],
)
def test_policy_label(platform: str, policy: str, label: str) -> None:
    assert compose.policy_label(platform, policy) == label


def test_body_carries_the_dsa_elements() -> None:
    body = compose.body_for(FACTS)
    assert "https://x.com/kiezer2023/status/1727365011111111111" in body  # exact URL
    assert "colour two boxes" in body  # substantiated explanation
    assert "it may lead voters to cast an invalid vote" in body  # the harm
    assert "Alice Assessor" in body and "alice@minbzk.example" in body  # who sends
    assert "Ministry of the Interior and Kingdom Relations" in body
    assert "good faith" in body  # Art. 16(2)(d)
    assert "review this content and related content" in body
    assert "X's civic integrity policy" in body and FACTS.policy_url in body
    assert "acknowledge receipt" in body and "FD-2023-0001" in body
    assert "\n\n\n" not in body


def test_earlier_notifications_appear_only_when_given() -> None:
    assert "previous elections" not in compose.body_for(FACTS)
    line = "We notified your platform about this narrative during the previous elections."
    facts = compose.NoticeFacts(**{**FACTS.__dict__, "earlier_notifications": [line]})
    assert line in compose.body_for(facts)


def test_a_platform_template_wins_over_the_generic_one(tmp_path, settings) -> None:
    folder = tmp_path / "notices" / "mail"
    folder.mkdir(parents=True)
    (folder / "notice.misinformation.x.en.txt").write_text("Special X text for {{ f.reference }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert compose.body_for(FACTS) == "Special X text for FD-2023-0001\n"


def envelope(**changes: str) -> compose.Envelope:
    values = {
        "from_email": "trustedflagger@minbzk.example",
        "from_name": "Alice Assessor (BZK)",
        "to": "escalations@x.example",
        "subject": compose.subject_for(FACTS),
        "body": compose.body_for(FACTS),
        "message_id": "<123.flagdesk@minbzk.example>",
    }
    values.update(changes)
    return compose.Envelope(**values)


def test_the_message_asks_for_a_read_receipt_and_keeps_its_id() -> None:
    raw = compose.build_message(envelope())
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Message-ID"] == "<123.flagdesk@minbzk.example>"
    assert parsed["Disposition-Notification-To"] == "trustedflagger@minbzk.example"
    assert parsed["Subject"] == compose.subject_for(FACTS)
    assert parsed["In-Reply-To"] is None
    assert "colour two boxes" in parsed.get_content()


def test_follow_ups_carry_the_thread() -> None:
    raw = compose.build_message(
        envelope(in_reply_to="<1@x.example>", references="<0@m.example> <1@x.example>")
    )
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["In-Reply-To"] == "<1@x.example>"
    assert parsed["References"] == "<0@m.example> <1@x.example>"


@pytest.mark.parametrize(
    "field", ["subject", "to", "from_name", "message_id", "in_reply_to", "references"]
)
def test_no_header_injection(field: str) -> None:
    evil = "Hello\r\nBcc: victim@example.org"
    with pytest.raises(ValueError, match=r"line|CR or LF"):
        compose.build_message(envelope(**{field: evil}))


def test_message_ids_are_unique_and_use_our_domain() -> None:
    ids = {compose.new_message_id("tf@minbzk.example") for _ in range(100)}
    assert len(ids) == 100
    assert all(i.endswith(".flagdesk@minbzk.example>") for i in ids)
    # 128 random bits from the secrets module: a forged reply can't guess a notice's id.
    randomness = [i.split(".")[1] for i in ids]
    assert all(len(part) == 32 and int(part, 16) >= 0 for part in randomness)


HACKED = compose.NoticeFacts(
    **{
        **FACTS.__dict__,
        "kind": "hacked_channel",
        "urls": ["https://x.com/gemeentevoorbeeld"],
        "what_is_false": "",
        "harms": [],
        "own_contact_attempts": 3,
        "kind_facts": {
            "account_name": "@gemeentevoorbeeld",
            "account_id": "1234567890",
            "incident": "The account was taken over; the intruder changed the password.",
            "incident_since": "2 March 2027, 18:00",
            "intruder_posts": "Posts saying the polling stations close at 17:00.",
            "co_government_contact": "Communications, Gemeente Voorbeeld, comms@voorbeeld.example",
        },
    }
)
BLOCKED = compose.NoticeFacts(
    **{
        **FACTS.__dict__,
        "kind": "blocked_ad",
        "kind_facts": {
            "ad_reference": "https://www.facebook.com/ads/library/?id=1234567890123456",
            "platform_decision": "Rejected as a political ad without a disclaimer.",
            "why_election_information": "It tells residents where and when to vote.",
            "urgency": "Election day is in three days.",
        },
    }
)
COMMON_EN = ["good faith", "Alice Assessor", "alice@minbzk.example", "FD-2023-0001"]
COMMON_NL = ["te goeder trouw", "Alice Assessor", "alice@minbzk.example", "FD-2023-0001"]


def test_hacked_channel_asks_to_secure_and_restore_in_english() -> None:
    body = compose.body_for(HACKED, "en")
    assert all(part in body for part in COMMON_EN)
    assert "secure the account" in body and "restore it" in body
    assert "remove what the intruder posted" in body
    assert "@gemeentevoorbeeld" in body and "1234567890" in body  # the account and its ID
    assert "2 March 2027, 18:00" in body and "3 times" in body  # since when; own attempts
    assert "comms@voorbeeld.example" in body  # a contact at the co-government
    assert "false or misleading" not in body.lower() and "civic integrity" not in body
    assert "https://x.com/gemeentevoorbeeld" in body  # the exact URL


def test_hacked_channel_in_dutch() -> None:
    body = compose.body_for(HACKED, "nl")
    assert all(part in body for part in COMMON_NL)
    assert "beveiligen" in body and "weer onder beheer" in body
    assert "onjuist" not in body and "misleidend" not in body


def test_blocked_ad_questions_the_decision() -> None:
    body = compose.body_for(BLOCKED, "en")
    assert all(part in body for part in COMMON_EN)
    assert "https://www.facebook.com/ads/library/?id=1234567890123456" in body
    assert "Rejected as a political ad" in body and "not a political advert" in body
    assert "Why it is urgent" in body and "false or misleading" not in body
    nl = compose.body_for(BLOCKED, "nl")
    assert "geen politieke advertentie" in nl and "Waarom het dringend is" in nl


def test_facts_left_out_of_an_english_notice_leave_no_empty_headings() -> None:
    """With an English summary, Dutch facts are left out: their headings go with them."""
    blocked = dataclasses.replace(
        BLOCKED, kind_facts={"ad_reference": "1234567890123456", "why_election_information": "x"}
    )
    body = compose.body_for(blocked, "en")
    assert "Your decision that we ask you to review" not in body
    assert "Why it is urgent" not in body and "not a political advert" in body
    hacked = dataclasses.replace(HACKED, kind_facts={**HACKED.kind_facts, "incident_since": ""})
    assert "Since:" not in compose.body_for(hacked, "en")


def test_misinformation_gives_the_claim_and_the_correct_rule() -> None:
    rule = compose.NarrativeRule(
        claim="You may colour two boxes.",
        correct_rule="You colour exactly one box.",
        source="Kieswet, art. N 7",
        source_url="https://www.kiesraad.nl/",
    )
    facts = compose.NoticeFacts(
        **{**FACTS.__dict__, "narratives": [rule], "kind_facts": {"claim": "Colour two boxes."}}
    )
    body = compose.body_for(facts, "en")
    assert "What the content claims:\nColour two boxes." in body
    assert "Why it is false or misleading:" in body
    assert "Kieswet, art. N 7 (https://www.kiesraad.nl/): You colour exactly one box." in body
    nl = compose.body_for(facts, "nl")
    assert "Waarom dit onjuist of misleidend is:" in nl and "De juiste regel" in nl
    assert all(part in nl for part in COMMON_NL)
    # Without the assessor's own wording, the registry's claim is the claim.
    registry = compose.NoticeFacts(**{**facts.__dict__, "kind_facts": {}})
    assert "What the content claims:\nYou may colour two boxes." in compose.body_for(registry)


def test_other_kind_has_a_generic_notice() -> None:
    facts = compose.NoticeFacts(**{**FACTS.__dict__, "kind": "other"})
    body = compose.body_for(facts, "en")
    assert "What this is about:" in body and all(part in body for part in COMMON_EN)
    assert "false or misleading" not in body


@pytest.mark.parametrize("kind", compose.KINDS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_portal_variant_has_no_mail_wording(kind: str, language: str) -> None:
    facts = compose.NoticeFacts(**{**HACKED.__dict__, "kind": kind, "channel_kind": "portal"})
    body = compose.body_for(facts, language)
    assert "e-mail to" not in body and "replying" not in body and "antwoorden" not in body
    assert "FD-2023-0001" in body  # still asks to confirm receipt with our reference
    mail = compose.body_for(compose.NoticeFacts(**{**facts.__dict__, "channel_kind": "email"}))
    assert "replying to this e-mail" in mail


@pytest.mark.parametrize("kind", compose.KINDS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_legal_basis_paragraph_follows_the_opening(kind: str, language: str, settings) -> None:
    facts = compose.NoticeFacts(**{**HACKED.__dict__, "kind": kind})
    names = compose.template_names(facts, language)
    context = {"f": facts, "k": facts.kind_facts, "legal_basis_paragraph": "LEGAL BASIS."}
    paragraphs = compose.render_first(names, context).split("\n\n")
    assert paragraphs[2] == "LEGAL BASIS."  # greeting, opening, then the legal basis


@pytest.mark.parametrize(
    ("kind", "language", "start"),
    [
        ("misinformation", "en", "Urgent notification of possible violation of X's"),
        ("hacked_channel", "en", "Urgent: hacked official government account – please secure"),
        ("blocked_ad", "en", "Urgent: government election information advert blocked"),
        ("hacked_channel", "nl", "Urgent: gehackt officieel overheidsaccount"),
        ("other", "nl", "Urgente melding"),
    ],
)
def test_subject_per_kind(kind: str, language: str, start: str) -> None:
    facts = compose.NoticeFacts(**{**FACTS.__dict__, "kind": kind})
    subject = compose.subject_for(facts, language)
    assert subject.startswith(start) and subject.endswith("[FD-2023-0001]")

# SPDX-License-Identifier: EUPL-1.2
"""The notice text and its bytes: DSA Art. 16(2) elements, headers, no header injection."""

from __future__ import annotations

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
    (folder / "notice.x.en.txt").write_text("Special X text for {{ f.reference }}")
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

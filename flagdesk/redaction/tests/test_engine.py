# SPDX-License-Identifier: EUPL-1.2
"""The engine's API: findings, apply, allow/deny, the profile, and the seed's appendix."""

from __future__ import annotations

import itertools
from pathlib import Path

from flagdesk.redaction.engine import (
    Finding,
    OrganisationProfile,
    apply,
    detect,
    engine,
    redact,
)
from flagdesk.redaction.grounds import BY_CODE, DEFAULT_GROUND, GROUNDS, label
from tests_support.redaction_metrics import ministry_profile

SEED_APPENDIX = (
    Path(__file__).resolve().parents[3] / "redaction-corpus" / "seed_appendix.txt"
).read_text(encoding="utf-8")
TEXT = "Dear Anna,\n\nCall me on 06-12345678.\n\nKind regards,\nJan de Vries\n"


def test_findings_are_sorted_and_do_not_overlap() -> None:
    findings = detect(SEED_APPENDIX, profile=ministry_profile())
    assert findings == sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert all(SEED_APPENDIX[f.start : f.end] == f.text for f in findings)


def test_a_finding_carries_category_ground_and_recogniser() -> None:
    (phone,) = [f for f in detect(TEXT) if f.category == "phone"]
    assert phone == Finding(
        start=phone.start,
        end=phone.end,
        text="06-12345678",
        category="phone",
        ground="5.1.2e",
        recogniser="phone_mobile",
        default_accept=True,
    )


def test_apply_replaces_each_span_by_its_ground() -> None:
    assert apply(TEXT, detect(TEXT)) == (
        "Dear [5.1.2e],\n\nCall me on [5.1.2e].\n\nKind regards,\n[5.1.2e]\n"
    )
    assert "<phone>" in apply(TEXT, detect(TEXT), label="<{category}>")


def test_redact_leaves_what_is_not_accepted_by_default() -> None:
    text = "Gemeente Zuidhaven\nStadhuisplein 1 | 4811 AB Zuidhaven\nT 06-12345678"
    assert redact(text) == "Gemeente Zuidhaven\nStadhuisplein 1 | 4811 AB Zuidhaven\nT [5.1.2e]"


def test_allow_and_deny_lists() -> None:
    text = "Gesproken met Jan de Vries over Operatie Stembus."
    assert "Jan de Vries" not in redact(text, deny=["operatie stembus"]).replace("[5.1.2e]", "")
    assert redact(text, deny=["operatie stembus"]).endswith("over [5.1.2e].")
    assert redact(text, allow=["Jan de Vries"]) == text


def test_the_profile_keeps_the_organisations_address_domain_and_handles() -> None:
    profile = OrganisationProfile(
        name="Gemeente Zuidhaven",
        domains=("zuidhaven.nl",),
        address_lines=("Havenstraat 5", "4811 AB Zuidhaven"),
        public_handles=("@zuidhaven_info",),
    )
    text = "Havenstraat 5, 4811 AB Zuidhaven. Volg @zuidhaven_info. Mail p.smit@zuidhaven.nl"
    assert redact(text, profile=profile) == (
        "Havenstraat 5, 4811 AB Zuidhaven. Volg @zuidhaven_info. Mail [5.1.2e]@zuidhaven.nl"
    )
    assert "Havenstraat 5" not in redact(text)


def test_language_choice_selects_greetings() -> None:
    text = "Beste Zorblax,\n"
    assert redact(text, lang="nl") == "Beste [5.1.2e],\n"
    assert redact(text, lang="auto") == "Beste [5.1.2e],\n"
    assert redact(text, lang="en") == text


def test_the_engine_loads_once_per_process() -> None:
    assert engine() is engine()


def test_the_grounds_are_data() -> None:
    assert DEFAULT_GROUND == "5.1.2e"
    assert label("5.1.2e") == "5.1.2 e Persoonlijke levenssfeer"
    assert BY_CODE["5.1.1e"].absolute and not BY_CODE["5.1.2e"].absolute
    assert len(GROUNDS) == 16 and len({g.code for g in GROUNDS}) == 16


# --------------------------------------------------------------------- the seed's appendix

PERSONAL_IN_SEED = [
    "Emily Carter",
    "Emily",
    "ecarter",
    "Sanne de Vries",
    "Sanne",
    "sanne.devries",
    "Liam O'Connor",
    "loconnor",
    "Priya Raman",
    "praman",
    "kees_stemt",
    "06-41235871",
]
KEPT_IN_SEED = [
    "Ministry of the Interior and Kingdom Relations",
    "Turfmarkt 147",
    "2511 DP Den Haag",
    "Postbus 20011",
    "X's civic integrity policy",
    "GroenLinks/PvdA",
    "Democracy and Governance Division",
    "verkiezingen@minbzk.nl",
    "@twitter.com",
    "@minbzk.nl",
    "Trust & Safety",
    "Dear people at X",
    "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    "Directie Democratie en Bestuur",
    "Parliamentary Elections",
    "woensdag 22 november 2023 14:45:59",
]


def test_the_seed_appendix_loses_every_name_and_personal_mail_part() -> None:
    redacted = redact(SEED_APPENDIX, profile=ministry_profile())
    for personal in PERSONAL_IN_SEED:
        assert personal not in redacted, personal
    for kept in KEPT_IN_SEED:
        assert kept in redacted, kept
    assert "[5.1.2e]@minbzk.nl" in redacted and "[5.1.2e]@twitter.com" in redacted

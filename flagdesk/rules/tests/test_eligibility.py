# SPDX-License-Identifier: EUPL-1.2
"""Table-driven tests of the eligibility engine: every reason, alone and together."""

from __future__ import annotations

from typing import Any

import pytest

from flagdesk.rules.eligibility import (
    CRITERIA,
    AssessmentAnswers,
    History,
    PlatformFacts,
    SignalFacts,
    evaluate,
    intake_reasons,
)
from flagdesk.rules.reasons import REASON_TEXT_EN, REASON_TEXT_NL, Reason

X = PlatformFacts(
    key="x",
    name="X",
    has_channel=True,
    citizen_report_url="https://help.x.com/en/rules-and-policies/x-report-violation",
)
INACTIVE = PlatformFacts(
    key="snapchat",
    name="Snapchat",
    has_channel=False,
    citizen_report_url="https://help.snapchat.com/report",
)
POST = "https://x.com/someone/status/1727000000000000000"

MISINFO_OK = {"election_process_risk": True, "misleading": True, "harms": ("invalid_vote",)}
HACKED_OK = {"election_process_risk": True, "own_contact_attempts": 2, "own_means_exhausted": True}
AD_OK = {"election_process_risk": True, "own_contact_attempts": 2}


def signal(
    source: str = "media",
    category: str = "misinformation",
    platform: PlatformFacts | None = X,
    urls: tuple[str, ...] = (POST,),
    platform_name: str = "x",
) -> SignalFacts:
    return SignalFacts(
        source_type=source,
        category=category,
        platform_name=platform_name,
        platform=platform,
        content_urls=urls,
    )


def run(sig: SignalFacts, answers: dict[str, Any], notified: tuple[str, ...] = ()) -> list[str]:
    result = evaluate(sig, AssessmentAnswers(**answers), History(notified_urls=notified))
    assert result.eligible == (not result.reasons)
    return [str(r) for r in result.reasons]


R = Reason
CASES = [
    # (id, signal kwargs, answers, notified, expected reasons)
    ("seed-case-eligible", {}, MISINFO_OK, (), []),
    ("factchecker", {"source": "factchecker"}, MISINFO_OK, (), []),
    ("government-monitoring", {"source": "government_monitoring"}, MISINFO_OK, (), []),
    ("co-government-misinfo", {"source": "co_government"}, MISINFO_OK, (), []),
    ("citizen", {"source": "citizen"}, MISINFO_OK, (), [R.SOURCE_NOT_ACCEPTED]),
    ("anonymous", {"source": "anonymous"}, MISINFO_OK, (), [R.SOURCE_NOT_ACCEPTED]),
    ("own-monitoring", {"source": "own_monitoring"}, MISINFO_OK, (), [R.SOURCE_NOT_ACCEPTED]),
    ("unknown-source", {"source": "influencer"}, MISINFO_OK, (), [R.SOURCE_NOT_ACCEPTED]),
    ("inactive-channel", {"platform": INACTIVE}, MISINFO_OK, (), [R.NO_CHANNEL]),
    (
        "unknown-platform",
        {"platform": None, "platform_name": "mastodon"},
        MISINFO_OK,
        (),
        [R.NO_CHANNEL],
    ),
    ("already-notified", {}, MISINFO_OK, (POST,), [R.ALREADY_NOTIFIED]),
    (
        "already-notified-other-form",
        {},
        MISINFO_OK,
        ("https://twitter.com/SOMEONE/status/1727000000000000000?s=20&t=abc",),
        [R.ALREADY_NOTIFIED],
    ),
    ("notified-other-post", {}, MISINFO_OK, ("https://x.com/someone/status/1",), []),
    (
        "notified-one-of-two-urls",
        {"urls": ("https://example.com/a", POST)},
        MISINFO_OK,
        ("https://x.com/i/web/status/1727000000000000000",),
        [R.ALREADY_NOTIFIED],
    ),
    (
        "source-and-channel",
        {"source": "anonymous", "platform": INACTIVE},
        MISINFO_OK,
        (),
        [R.NO_CHANNEL, R.SOURCE_NOT_ACCEPTED],
    ),
    (
        "all-three-intake",
        {"source": "citizen", "platform": INACTIVE},
        MISINFO_OK,
        (POST,),
        [R.ALREADY_NOTIFIED, R.NO_CHANNEL, R.SOURCE_NOT_ACCEPTED],
    ),
    (
        "channel-and-notified",
        {"platform": INACTIVE},
        MISINFO_OK,
        (POST,),
        [R.ALREADY_NOTIFIED, R.NO_CHANNEL],
    ),
    # Stage stopping: intake suppresses scope and criteria.
    (
        "intake-suppresses-scope",
        {"source": "citizen", "category": "other"},
        {},
        (),
        [R.SOURCE_NOT_ACCEPTED],
    ),
    (
        "intake-suppresses-criteria",
        {"platform": INACTIVE},
        {"election_process_risk": True, "misleading": False, "harms": ()},
        (),
        [R.NO_CHANNEL],
    ),
    ("intake-suppresses-incomplete", {"source": "anonymous"}, {}, (), [R.SOURCE_NOT_ACCEPTED]),
    # Scope.
    (
        "other-category",
        {"category": "other"},
        {"election_process_risk": True},
        (),
        [R.OUT_OF_SCOPE],
    ),
    ("other-category-unanswered", {"category": "other"}, {}, (), [R.OUT_OF_SCOPE]),
    ("no-process-risk", {}, {"election_process_risk": False}, (), [R.OUT_OF_SCOPE]),
    (
        "scope-suppresses-criteria",
        {},
        {"election_process_risk": False, "misleading": False, "harms": ()},
        (),
        [R.OUT_OF_SCOPE],
    ),
    (
        "scope-suppresses-co-gov",
        {"category": "hacked_channel"},
        {"election_process_risk": False, "own_contact_attempts": 0, "own_means_exhausted": False},
        (),
        [R.OUT_OF_SCOPE],
    ),
    (
        "scope-before-incomplete",
        {"category": "blocked_ad"},
        {"election_process_risk": False},
        (),
        [R.OUT_OF_SCOPE],
    ),
    # Misinformation criteria.
    ("misinfo-nothing-answered", {}, {}, (), [R.ASSESSMENT_INCOMPLETE]),
    (
        "misinfo-risk-missing",
        {},
        {"misleading": True, "harms": ("invalid_vote",)},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    (
        "misinfo-misleading-missing",
        {},
        {"election_process_risk": True, "harms": ()},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    (
        "misinfo-harms-missing",
        {},
        {"election_process_risk": True, "misleading": False},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    ("not-misleading", {}, {**MISINFO_OK, "misleading": False}, (), [R.NOT_MISLEADING]),
    ("no-harm", {}, {**MISINFO_OK, "harms": ()}, (), [R.NO_ELECTORAL_HARM]),
    (
        "not-misleading-no-harm",
        {},
        {**MISINFO_OK, "misleading": False, "harms": ()},
        (),
        [R.NO_ELECTORAL_HARM, R.NOT_MISLEADING],
    ),
    (
        "misinfo-ignores-own-attempts",
        {},
        {**MISINFO_OK, "own_contact_attempts": 0, "own_means_exhausted": False},
        (),
        [],
    ),
    ("misinfo-media-not-co-government", {"source": "media"}, MISINFO_OK, (), []),
    # Hacked channel.
    ("hacked-ok", {"source": "co_government", "category": "hacked_channel"}, HACKED_OK, (), []),
    ("hacked-not-co-gov", {"category": "hacked_channel"}, HACKED_OK, (), [R.NOT_CO_GOVERNMENT]),
    (
        "hacked-all-three",
        {"category": "hacked_channel"},
        {"election_process_risk": True, "own_contact_attempts": 1, "own_means_exhausted": False},
        (),
        [R.INSUFFICIENT_OWN_ATTEMPTS, R.NOT_CO_GOVERNMENT, R.OWN_MEANS_NOT_EXHAUSTED],
    ),
    (
        "hacked-incomplete-means",
        {"category": "hacked_channel"},
        {"election_process_risk": True, "own_contact_attempts": 0},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    (
        "hacked-incomplete-attempts",
        {"source": "co_government", "category": "hacked_channel"},
        {"election_process_risk": True, "own_means_exhausted": True},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    (
        "hacked-incomplete-risk",
        {"source": "co_government", "category": "hacked_channel"},
        {"own_contact_attempts": 3, "own_means_exhausted": True},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
    (
        "hacked-ignores-misleading",
        {"source": "co_government", "category": "hacked_channel"},
        {**HACKED_OK, "misleading": False, "harms": ()},
        (),
        [],
    ),
    # Blocked ad.
    ("ad-ok", {"source": "co_government", "category": "blocked_ad"}, AD_OK, (), []),
    (
        "ad-not-co-gov",
        {"source": "factchecker", "category": "blocked_ad"},
        AD_OK,
        (),
        [R.NOT_CO_GOVERNMENT],
    ),
    (
        "ad-one-attempt",
        {"source": "co_government", "category": "blocked_ad"},
        {**AD_OK, "own_contact_attempts": 1},
        (),
        [R.INSUFFICIENT_OWN_ATTEMPTS],
    ),
    (
        "ad-both",
        {"category": "blocked_ad"},
        {**AD_OK, "own_contact_attempts": 0},
        (),
        [R.INSUFFICIENT_OWN_ATTEMPTS, R.NOT_CO_GOVERNMENT],
    ),
    (
        "ad-own-means-do-not-apply",
        {"source": "co_government", "category": "blocked_ad"},
        {**AD_OK, "own_means_exhausted": False},
        (),
        [],
    ),
    (
        "ad-own-means-none-fine",
        {"source": "co_government", "category": "blocked_ad"},
        {**AD_OK, "own_means_exhausted": None},
        (),
        [],
    ),
    (
        "ad-incomplete",
        {"category": "blocked_ad"},
        {"election_process_risk": True},
        (),
        [R.ASSESSMENT_INCOMPLETE],
    ),
]


@pytest.mark.parametrize(
    ("sig", "answers", "notified", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_gives_the_expected_reasons(
    sig: dict[str, Any], answers: dict[str, Any], notified: tuple[str, ...], expected: list[str]
) -> None:
    assert run(signal(**sig), answers, notified) == sorted(str(r) for r in expected)


@pytest.mark.parametrize(
    "harms",
    [
        ("invalid_vote",),
        ("wrong_candidate",),
        ("deprived_of_vote",),
        ("invalid_vote", "wrong_candidate"),
        ("wrong_candidate", "deprived_of_vote"),
        ("invalid_vote", "wrong_candidate", "deprived_of_vote"),
    ],
    ids=lambda h: "+".join(h),
)
def test_any_named_harm_counts(harms: tuple[str, ...]) -> None:
    assert run(signal(), {**MISINFO_OK, "harms": harms}) == []


@pytest.mark.parametrize(
    ("harms", "expected"),
    [
        ((), ["NO_ELECTORAL_HARM"]),
        (["invalid_vote"], []),
        (("made_up",), ["NO_ELECTORAL_HARM"]),
    ],
    ids=["empty", "list", "unknown-only"],
)
def test_harms_must_name_a_known_effect(harms: Any, expected: list[str]) -> None:
    assert run(signal(), {**MISINFO_OK, "harms": harms}) == expected


@pytest.mark.parametrize("category", ["hacked_channel", "blocked_ad"])
@pytest.mark.parametrize(
    ("attempts", "enough"), [(0, False), (1, False), (2, True), (3, True)], ids=["0", "1", "2", "3"]
)
def test_co_government_needs_two_own_attempts(category: str, attempts: int, enough: bool) -> None:
    answers = {**HACKED_OK, "own_contact_attempts": attempts}
    reasons = run(signal(source="co_government", category=category), answers)
    assert reasons == ([] if enough else ["INSUFFICIENT_OWN_ATTEMPTS"])


@pytest.mark.parametrize(
    ("own_means", "expected"),
    [
        (None, ["ASSESSMENT_INCOMPLETE"]),
        (False, ["OWN_MEANS_NOT_EXHAUSTED"]),
        (True, []),
    ],
    ids=["none", "false", "true"],
)
def test_hacked_channel_needs_own_means_exhausted(
    own_means: bool | None, expected: list[str]
) -> None:
    answers = {**HACKED_OK, "own_means_exhausted": own_means}
    assert run(signal(source="co_government", category="hacked_channel"), answers) == expected


@pytest.mark.parametrize(
    ("sig", "answers"),
    [
        (
            {"category": "hacked_channel"},
            {"election_process_risk": True, "own_contact_attempts": 0},
        ),
        (
            {"category": "hacked_channel"},
            {"election_process_risk": True, "own_means_exhausted": False},
        ),
        ({"category": "blocked_ad"}, {"election_process_risk": True, "own_means_exhausted": False}),
        ({"category": "misinformation"}, {"election_process_risk": True, "misleading": False}),
        ({"category": "misinformation"}, {"election_process_risk": True, "harms": ()}),
    ],
    ids=[
        "hacked-no-means",
        "hacked-no-attempts",
        "ad-no-attempts",
        "misinfo-no-harms",
        "misinfo-no-misleading",
    ],
)
def test_incomplete_is_reported_alone(sig: dict[str, Any], answers: dict[str, Any]) -> None:
    # The given answers would fail criteria (media source, 0 attempts, not misleading, no
    # harm), but a required answer is missing: only ASSESSMENT_INCOMPLETE is reported.
    assert run(signal(**sig), answers) == ["ASSESSMENT_INCOMPLETE"]


def test_reasons_are_sorted() -> None:
    result = evaluate(
        signal(source="citizen", platform=INACTIVE),
        AssessmentAnswers(),
        History(notified_urls=(POST,)),
    )
    codes = [str(r) for r in result.reasons]
    assert codes == sorted(codes)
    assert len(codes) == 3


def test_citizen_gets_a_dutch_referral_to_the_platform() -> None:
    result = evaluate(signal(source="citizen"), AssessmentAnswers(**MISINFO_OK))
    assert result.referral is not None
    assert result.referral.platform == "x"
    assert result.referral.url == X.citizen_report_url
    assert "Meld het dan zelf bij X" in result.referral.text
    assert X.citizen_report_url in result.referral.text
    assert result.as_dict()["referral"] == {
        "platform": "x",
        "url": X.citizen_report_url,
        "text": result.referral.text,
    }


def test_citizen_on_unknown_platform_gets_a_referral_without_url() -> None:
    result = evaluate(
        signal(source="citizen", platform=None, platform_name="Mastodon"), AssessmentAnswers()
    )
    assert [str(r) for r in result.reasons] == ["NO_CHANNEL", "SOURCE_NOT_ACCEPTED"]
    assert result.referral is not None
    assert result.referral.platform == "Mastodon"
    assert result.referral.url is None
    assert "Meld het dan zelf bij Mastodon" in result.referral.text


@pytest.mark.parametrize("source", ["anonymous", "own_monitoring", "media", "co_government"])
def test_only_citizens_get_a_referral(source: str) -> None:
    for sig in (
        signal(source=source),
        signal(source=source, platform=INACTIVE),
        signal(source=source, category="other"),
    ):
        assert evaluate(sig, AssessmentAnswers()).referral is None


def test_eligible_result_has_no_referral_and_no_reasons() -> None:
    result = evaluate(signal(), AssessmentAnswers(**MISINFO_OK), None)
    assert result.as_dict() == {"eligible": True, "reasons": [], "referral": None}


def test_intake_reasons_alone_ignore_the_assessment() -> None:
    assert intake_reasons(signal()) == ()
    assert intake_reasons(signal(source="citizen", platform=INACTIVE)) == (
        Reason.NO_CHANNEL,
        Reason.SOURCE_NOT_ACCEPTED,
    )


def test_invalid_notified_url_does_not_crash() -> None:
    assert run(signal(), MISINFO_OK, ("not a url",)) == []


def test_every_reason_has_texts_and_a_stage() -> None:
    staged = {r for _, reasons in CRITERIA for r in reasons}
    assert staged == set(Reason)
    assert set(REASON_TEXT_NL) == set(Reason) == set(REASON_TEXT_EN)

# SPDX-License-Identifier: EUPL-1.2
"""The eligibility engine: when may the trusted-flagger status be deployed?

Pure functions over plain data, no database. They encode the method in the ministry's
report on the 22 November 2023 election ("Werkwijze"): signals only from media,
fact-checkers, government bodies with a legal basis for monitoring and co-governments;
only risks to the organisation, execution or integrity of the election process; for
misinformation one of three effects on the vote; for co-government accounts and ads,
only after the co-government's own repeated attempts.

The web UI, the API and ``flagdesk eligibility`` all call :func:`evaluate`; the report
to parliament describes the criteria from :data:`CRITERIA`, so text and behaviour
cannot drift apart. Bump :data:`RULES_VERSION` whenever a rule changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flagdesk.rules.reasons import Reason
from flagdesk.rules.urls import InvalidUrl, content_host, normalise_url, platform_of_host

RULES_VERSION = "2023.11-1"

ACCEPTED_SOURCES = frozenset({"media", "factchecker", "government_monitoring", "co_government"})
# Intake reasons that keep a signal out of any case: it is stored as refused, for the record.
REFUSED_AT_INTAKE = frozenset({Reason.NO_CHANNEL, Reason.URL_OTHER_PLATFORM})
CATEGORIES = ("misinformation", "hacked_channel", "blocked_ad", "other")
HARMS = ("invalid_vote", "wrong_candidate", "deprived_of_vote")
MIN_OWN_CONTACT_ATTEMPTS = 2


# Which answers each category needs before the criteria can be applied.
REQUIRED_ANSWERS: dict[str, tuple[str, ...]] = {
    "misinformation": ("election_process_risk", "misleading", "harms"),
    "hacked_channel": ("election_process_risk", "own_contact_attempts", "own_means_exhausted"),
    "blocked_ad": ("election_process_risk", "own_contact_attempts"),
    "other": ("election_process_risk",),
}

REFERRAL_TEXT_NL = (
    "Wij zijn geen meldpunt voor individuele berichten. Ziet u een bericht dat u "
    "onjuist of misleidend vindt? Meld het dan zelf bij {platform} via het meldkanaal van het "
    "platform{url_part}. Het platform beoordeelt meldingen van gebruikers."
)


@dataclass(frozen=True)
class PlatformFacts:
    """What the rules need to know of a platform, resolved from the registry by the caller."""

    key: str
    name: str
    has_channel: bool
    citizen_report_url: str | None = None


@dataclass(frozen=True)
class SignalFacts:
    source_type: str
    category: str
    platform_name: str
    platform: PlatformFacts | None
    content_urls: Sequence[str] = ()
    source_organisation: str | None = None
    # Every platform's content hosts (host -> platform key), for URL_OTHER_PLATFORM; empty:
    # the check is not made (the caller did not look the registry up).
    platform_hosts: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class AssessmentAnswers:
    election_process_risk: bool | None = None
    misleading: bool | None = None
    harms: Sequence[str] | None = None
    own_contact_attempts: int | None = None
    own_means_exhausted: bool | None = None

    def answer(self, name: str) -> object:
        return getattr(self, name)


@dataclass(frozen=True)
class History:
    notified_urls: Iterable[str] = ()


@dataclass(frozen=True)
class Referral:
    platform: str
    url: str | None
    text: str

    def as_dict(self) -> dict[str, str | None]:
        return {"platform": self.platform, "url": self.url, "text": self.text}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    referral: Referral | None = None
    rules_version: str = RULES_VERSION

    def as_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "reasons": [str(r) for r in self.reasons],
            "referral": self.referral.as_dict() if self.referral else None,
        }


def evaluate(
    signal: SignalFacts, assessment: AssessmentAnswers, history: History | None = None
) -> Eligibility:
    """Apply the rules in three stages; stop after the first stage that found a reason."""
    history = history or History()
    for stage in (_intake_reasons, _scope_reasons, _criteria_reasons):
        reasons = stage(signal, assessment, history)
        if reasons:
            return Eligibility(False, tuple(sorted(reasons)), referral_for(signal))
    return Eligibility(True, (), None)


def intake_reasons(signal: SignalFacts, history: History | None = None) -> tuple[Reason, ...]:
    """Stage 1 alone: what the intake gate says before anyone assesses the signal."""
    return tuple(sorted(_intake_reasons(signal, AssessmentAnswers(), history or History())))


def _intake_reasons(signal: SignalFacts, _: AssessmentAnswers, history: History) -> set[Reason]:
    reasons: set[Reason] = set()
    if signal.source_type not in ACCEPTED_SOURCES:
        reasons.add(Reason.SOURCE_NOT_ACCEPTED)
    if signal.platform is None or not signal.platform.has_channel:
        reasons.add(Reason.NO_CHANNEL)
    if urls_of_other_platforms(signal):
        reasons.add(Reason.URL_OTHER_PLATFORM)
    if _already_notified(signal.content_urls, history.notified_urls):
        reasons.add(Reason.ALREADY_NOTIFIED)
    return reasons


def urls_of_other_platforms(signal: SignalFacts) -> list[str]:
    """The content URLs whose host belongs to a platform other than the one named.

    A case is one platform's: its notice goes to that platform's channel, so an x.com post
    named as TikTok's must not open a TikTok case. Refused rather than moved to the URL's
    platform, because the signaller chose the platform (and the category, the explanation)
    for all its URLs at once; they correct it and send again. A host no platform claims (a
    news site, a platform not in the registry) is no mismatch. An unknown named platform is
    NO_CHANNEL's, not this rule's.
    """
    if signal.platform is None or not signal.platform_hosts:
        return []
    other = []
    for url in signal.content_urls:
        try:
            host = content_host(normalise_url(url))
        except InvalidUrl:
            continue  # not a URL at all is the intake form's error, not a platform's
        owner = platform_of_host(host, signal.platform_hosts)
        if owner is not None and owner != signal.platform.key:
            other.append(url)
    return other


def _scope_reasons(signal: SignalFacts, answers: AssessmentAnswers, _: History) -> set[Reason]:
    if signal.category == "other" or answers.election_process_risk is False:
        return {Reason.OUT_OF_SCOPE}
    return set()


def _criteria_reasons(signal: SignalFacts, answers: AssessmentAnswers, _: History) -> set[Reason]:
    if any(answers.answer(name) is None for name in REQUIRED_ANSWERS[signal.category]):
        return {Reason.ASSESSMENT_INCOMPLETE}
    if signal.category == "misinformation":
        return _misinformation(answers)
    return _co_government_help(signal, answers, needs_own_means=signal.category == "hacked_channel")


def _misinformation(answers: AssessmentAnswers) -> set[Reason]:
    reasons: set[Reason] = set()
    if answers.misleading is False:
        reasons.add(Reason.NOT_MISLEADING)
    # Only the three named effects count; an unknown value is no effect on the vote.
    if not any(harm in HARMS for harm in answers.harms or ()):
        reasons.add(Reason.NO_ELECTORAL_HARM)
    return reasons


def _co_government_help(
    signal: SignalFacts, answers: AssessmentAnswers, needs_own_means: bool
) -> set[Reason]:
    reasons: set[Reason] = set()
    if signal.source_type != "co_government":
        reasons.add(Reason.NOT_CO_GOVERNMENT)
    if (answers.own_contact_attempts or 0) < MIN_OWN_CONTACT_ATTEMPTS:
        reasons.add(Reason.INSUFFICIENT_OWN_ATTEMPTS)
    if needs_own_means and answers.own_means_exhausted is not True:
        reasons.add(Reason.OWN_MEANS_NOT_EXHAUSTED)
    return reasons


def _already_notified(urls: Iterable[str], notified: Iterable[str]) -> bool:
    known = {_normalised_or_raw(u) for u in notified}
    return any(_normalised_or_raw(u) in known for u in urls)


def _normalised_or_raw(url: str) -> str:
    try:
        return normalise_url(url)
    except InvalidUrl:
        return url.strip()


def referral_for(signal: SignalFacts) -> Referral | None:
    """Citizens are told to use the platform's own reporting route; nothing else is kept."""
    if signal.source_type != "citizen":
        return None
    name = signal.platform.name if signal.platform else signal.platform_name
    url = signal.platform.citizen_report_url if signal.platform else None
    url_part = f" ({url})" if url else ""
    return Referral(
        platform=signal.platform.key if signal.platform else signal.platform_name,
        url=url,
        text=REFERRAL_TEXT_NL.format(platform=name, url_part=url_part),
    )


# The criteria as the report to parliament states them, in the order the engine applies them.
CRITERIA: tuple[tuple[str, tuple[Reason, ...]], ...] = (
    (
        "intake",
        (
            Reason.SOURCE_NOT_ACCEPTED,
            Reason.NO_CHANNEL,
            Reason.URL_OTHER_PLATFORM,
            Reason.ALREADY_NOTIFIED,
        ),
    ),
    ("scope", (Reason.OUT_OF_SCOPE,)),
    (
        "criteria",
        (
            Reason.ASSESSMENT_INCOMPLETE,
            Reason.NOT_MISLEADING,
            Reason.NO_ELECTORAL_HARM,
            Reason.NOT_CO_GOVERNMENT,
            Reason.INSUFFICIENT_OWN_ATTEMPTS,
            Reason.OWN_MEANS_NOT_EXHAUSTED,
        ),
    ),
)

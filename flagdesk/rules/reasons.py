# SPDX-License-Identifier: EUPL-1.2
"""The named reason codes of the eligibility engine and what each means, in Dutch and English.

A code is part of the API's JSON contract and of the audit trail: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    SOURCE_NOT_ACCEPTED = "SOURCE_NOT_ACCEPTED"
    NO_CHANNEL = "NO_CHANNEL"
    URL_OTHER_PLATFORM = "URL_OTHER_PLATFORM"
    ALREADY_NOTIFIED = "ALREADY_NOTIFIED"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    ASSESSMENT_INCOMPLETE = "ASSESSMENT_INCOMPLETE"
    NOT_MISLEADING = "NOT_MISLEADING"
    NO_ELECTORAL_HARM = "NO_ELECTORAL_HARM"
    NOT_CO_GOVERNMENT = "NOT_CO_GOVERNMENT"
    INSUFFICIENT_OWN_ATTEMPTS = "INSUFFICIENT_OWN_ATTEMPTS"
    OWN_MEANS_NOT_EXHAUSTED = "OWN_MEANS_NOT_EXHAUSTED"


# What each reason means, in Dutch (the UI and the report use these texts).
REASON_TEXT_NL: dict[Reason, str] = {
    Reason.SOURCE_NOT_ACCEPTED: "De bron is geen media, onafhankelijke factchecker, overheidsinstantie "
    "met grondslag voor monitoring of medeoverheid.",
    Reason.NO_CHANNEL: "Er is bij dit platform geen actief trusted-flagger- of escalatiekanaal.",
    Reason.URL_OTHER_PLATFORM: "Een URL staat op een ander platform dan het genoemde; meld elk "
    "platform apart.",
    Reason.ALREADY_NOTIFIED: "Dit bericht is in deze verkiezing al bij het platform gemeld.",
    Reason.OUT_OF_SCOPE: "Geen risico voor de organisatie, uitvoering of integriteit van het "
    "verkiezingsproces (bijvoorbeeld verkiezingsbeloften of uitspraken van kandidaten).",
    Reason.ASSESSMENT_INCOMPLETE: "De beoordeling is nog niet compleet.",
    Reason.NOT_MISLEADING: "De informatie is niet onjuist of misleidend.",
    Reason.NO_ELECTORAL_HARM: "De informatie zet niet aan tot handelingen waardoor een stem van "
    "onwaarde wordt, een ander wordt aangewezen of kiezers hun stem wordt ontnomen.",
    Reason.NOT_CO_GOVERNMENT: "Alleen een medeoverheid kan om inzet vragen voor een eigen kanaal "
    "of advertentie.",
    Reason.INSUFFICIENT_OWN_ATTEMPTS: "De medeoverheid heeft niet herhaaldelijk (minstens twee keer) "
    "zelf contact gezocht met het platform.",
    Reason.OWN_MEANS_NOT_EXHAUSTED: "De medeoverheid heeft nog niet alle eigen middelen ingezet om "
    "het account weer onder eigen beheer te krijgen.",
}
REASON_TEXT_EN: dict[Reason, str] = {
    Reason.SOURCE_NOT_ACCEPTED: "The source is not media, an independent fact-checker, a government "
    "body with a legal basis for monitoring, or a co-government.",
    Reason.NO_CHANNEL: "The platform has no active trusted-flagger or escalation channel.",
    Reason.URL_OTHER_PLATFORM: "A URL is on another platform than the one named; report each "
    "platform separately.",
    Reason.ALREADY_NOTIFIED: "This content was already notified to the platform in this election.",
    Reason.OUT_OF_SCOPE: "No risk to the organisation, execution or integrity of the election "
    "process (e.g. campaign promises or candidates' claims).",
    Reason.ASSESSMENT_INCOMPLETE: "The assessment is not complete yet.",
    Reason.NOT_MISLEADING: "The information is not false or misleading.",
    Reason.NO_ELECTORAL_HARM: "The information does not lead to an invalid vote, a vote for "
    "someone else, or voters deprived of their vote.",
    Reason.NOT_CO_GOVERNMENT: "Only a co-government can ask for help with its own channel or ad.",
    Reason.INSUFFICIENT_OWN_ATTEMPTS: "The co-government did not try to contact the platform "
    "repeatedly (at least twice) itself.",
    Reason.OWN_MEANS_NOT_EXHAUSTED: "The co-government has not used all its own means to regain "
    "control of the account.",
}

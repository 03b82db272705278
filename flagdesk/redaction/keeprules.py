# SPDX-License-Identifier: EUPL-1.2
"""Keep-rules: what looks like personal data but is an organisation's, and must stay.

Pure, no Django (``flagdesk/settings.py`` reads its defaults from here). Three kinds:

- **Role mailboxes.** A local part made only of role words ("elections", "webredactie",
  "trustedpartner-support", "nl-elections-2025", "woo-verzoeken") is a function, not a
  person: kept at any domain but a private mail provider's or a person's own domain. One
  part that looks like a person (a listed first name or surname, an initial) makes it
  personal again: ``jan.jansen@gemeente.nl`` is redacted, ``info@gemeente.nl`` is not.
- **Official accounts.** A handle that is a platform's own ("@TikTokPolicy", "@XSafety") or a
  government body's ("@GemeenteZuidhaven", "@MinBZK", "@politie_utrecht"), or one listed in
  ``FLAGDESK_PUBLIC_HANDLES``.
- **Registered offices.** The five platforms' registered (and Dutch) office addresses: public
  company data, protected like the organisation's own address lines.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that, alone or joined ("govpartners", "webredactie"), make a local part a role. The
# engine adds lookups_words.GENERIC_MAILBOX_WORDS and FLAGDESK_REDACTION_ROLE_WORDS.
ROLE_WORDS = _words(
    """
    web redactie webredactie formulier formulieren contactformulier woo wob verzoeken verzoek
    klachten klacht bezwaar bezwaren servicepunt loket frontoffice front backoffice balie
    kcc klantcontact klantcontactcentrum callcenter receptie facilitair bestuurssecretariaat
    college raad raadsgriffie griffier burgemeester kabinet directie dsa coordinatie
    coördinatie coordinator verkiezings stembureau stembureaus kiezers emea apac benelux dach
    nordics europe eu nl be de uk us global intl international tf trustedpartner partnerships
    partnership programme program programs gtf yt fb ig tt integrity elections-emea eng
    escalate escalation escalations priority prio flagging flags flag flaggers reporting
    reports law enforcement compliance regulatory regulator regulators dsc ops safety
    moderation review reviews appeals appeal governmental authorities authority public sector
    ngo ngos civil society outreach team teams desk gov govt government officials official
    elections election verkiezing verkiezingen data protection dpo fg privacy noreply reply
    notifications notification alerts alert mailbox inbox office publieks voorlichting
    publieksvoorlichting leden taskforce task force woordvoerder woordvoerders persvoorlichter
    persvoorlichting spokesperson newsdesk redacties bureau secretariaat commissie
    """
)

# The five platforms' registered offices in the EU, their Dutch offices and their head
# offices, as their own terms of service and imprints give them (and issue 14's list). The
# lines are protected one by one, so any order and punctuation between them stays intact.
OFFICE_ADDRESS_LINES = (
    # Meta Platforms Ireland Ltd.
    "Meta Platforms Ireland Limited",
    "Meta Platforms Ireland Ltd.",
    "Meta Platforms Ireland Ltd",
    "Facebook Ireland Limited",
    "Facebook Ireland Ltd.",
    "Merrion Road",  # (no line holds a comma: the setting is a comma-separated list)
    "4 Grand Canal Square",
    "Grand Canal Harbour",
    "D04 X2K5",
    "1 Meta Way",
    "1 Hacker Way",
    "Menlo Park",
    # Google Ireland Ltd. (YouTube)
    "Google Ireland Limited",
    "Google Ireland Ltd.",
    "Google Ireland Ltd",
    "Gordon House",
    "Barrow Street",
    "D04 E5W5",
    "Google Netherlands B.V.",
    "Claude Debussylaan 34",
    "1082 MD Amsterdam",
    "Google LLC",
    "1600 Amphitheatre Parkway",
    "Mountain View",
    # X: Twitter International Unlimited Company
    "Twitter International Unlimited Company",
    "Twitter International Company",
    "X Internet Unlimited Company",
    "One Cumberland Place",
    "Fenian Street",
    "D02 AX07",
    "1355 Market Street",
    # TikTok Technology Ltd.
    "TikTok Technology Limited",
    "TikTok Technology Ltd.",
    "TikTok Technology Ltd",
    "10 Earlsfort Terrace",
    "Earlsfort Terrace",
    "D02 T380",
    "The Sorting Office",
    "Ropemaker Place",
    "D02 HD23",
    # Snap B.V. (the EU representative of Snap Inc.)
    "Snap B.V.",
    "Keizersgracht 165",
    "1016 DP Amsterdam",
    "Snap Inc.",
    "3000 31st Street",
    "Santa Monica",
    # The Irish postal districts those offices are in.
    "Dublin 2",
    "Dublin 4",
)

# ----------------------------------------------------------------------- role mailboxes

_PARTS = re.compile(r"[._+\-]+")


@functools.lru_cache(maxsize=4096)
def _joined(part: str, vocabulary: frozenset[str]) -> bool:
    """Is ``part`` one role word, or role words written together ("govpartners")?"""
    if part in vocabulary or part.isdigit():
        return True
    # The longest role word first; pieces of at least two letters.
    for cut in range(len(part) - 2, 1, -1):
        if part[:cut] in vocabulary and _joined(part[cut:], vocabulary):
            return True
    return False


def _trailing_digits(part: str) -> str:
    return part.rstrip("0123456789") or part


def role_mailbox(
    local: str,
    vocabulary: frozenset[str],
    is_person_word: Callable[[str], bool],
) -> bool:
    """A local part that names a function, not a person (see the module's docstring)."""
    parts = [_trailing_digits(p) for p in _PARTS.split(local.lower()) if p]
    if not parts:
        return False
    for part in parts:
        if part in vocabulary or part.isdigit():
            continue
        if len(part) == 1 or is_person_word(part) or not _joined(part, vocabulary):
            return False
    return True


# ----------------------------------------------------------------------- official accounts

PLATFORM_BRANDS = (
    "twitter",
    "tiktok",
    "meta",
    "facebook",
    "instagram",
    "youtube",
    "google",
    "snapchat",
    "snap",
    "whatsapp",
    "threads",
    "linkedin",
    "x",
)
# What follows or precedes a platform's name in its own accounts' handles.
BRAND_ROLE_WORDS = _words(
    """
    safety support policy policies publicpolicy newsroom news insider creators creator nl eu
    uk us gov government elections election comms press official help business ads
    developers dev global emea benelux transparency integrity trust security affairs team
    community communities europe nederland netherlands care for and the
    """
)
# Handles of government bodies: named by the body ("gemeente…", "politie…", "minbzk").
GOVERNMENT_HANDLE = re.compile(
    r"gemeente|provincie|politie|ministerie|overheid|kiesraad|waterschap|veiligheidsregio|"
    r"rijks|brandweer|belastingdienst|defensie|ggd|^min[a-z]{2,6}$|^cityof|council|"
    r"^gov|gov$|govt|government|europeancommission|europarl"
)


def _brand_role(rest: str) -> bool:
    return not rest or _joined(rest, BRAND_ROLE_WORDS)


def official_handle(handle: str, listed: Iterable[str] = ()) -> bool:
    """A platform's or a government body's own account, or one listed in the settings."""
    lowered = handle.lower().lstrip("@")
    if lowered in listed or GOVERNMENT_HANDLE.search(lowered):
        return True
    compact = re.sub(r"[._\-]", "", lowered)
    for brand in PLATFORM_BRANDS:
        if compact.startswith(brand) and _brand_role(compact[len(brand) :]):
            return True
        prefix = compact[: -len(brand)]
        if compact.endswith(brand) and prefix and _joined(prefix, BRAND_ROLE_WORDS):
            return True
    return False

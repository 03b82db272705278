# SPDX-License-Identifier: EUPL-1.2
"""Pattern recognisers: e-mail, phone, handles, BSN, IBAN, birth dates, plates, addresses.

Each recogniser is a pure function ``(text, context) -> Iterable[Candidate]``. Candidates may
overlap; the engine resolves overlaps and removes what the organisation profile protects.
Checksums (BSN 11-proof, IBAN mod-97) decide instead of a bare digit pattern, so reference
numbers and dates are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flagdesk.redaction import keeprules
from flagdesk.redaction import lookups_words as words
from flagdesk.redaction.lookups import Lookups


class Candidate(NamedTuple):  # a tuple: thousands are made per megabyte, and tuples are cheap
    start: int
    end: int
    category: str
    recogniser: str
    default_accept: bool = True
    ground: str = "5.1.2e"


@dataclass(frozen=True, slots=True)
class Context:
    """What the recognisers need to know besides the text."""

    lookups: Lookups
    own_domains: frozenset[str]
    public_handles: frozenset[str]  # lower case, without "@"
    role_words: frozenset[str] = keeprules.ROLE_WORDS | words.GENERIC_MAILBOX_WORDS


# --------------------------------------------------------------------------- e-mail

EMAIL_RE = re.compile(
    r"(?<![\w.%+'-])([A-Za-z0-9][A-Za-z0-9._%+'-]{0,63})@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})\b"
)
_LOCAL_PARTS = re.compile(r"[._+\-]+|\d+")


def _domain_in(domain: str, domains: frozenset[str]) -> bool:
    parts = domain.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def is_generic_mailbox(local: str) -> bool:
    """info@, verkiezingen@, no-reply@, trustandsafety@, team.verkiezingen2023@ …"""
    lowered = local.lower()
    if lowered in words.GENERIC_MAILBOX_WORDS:
        return True
    parts = [p for p in _LOCAL_PARTS.split(lowered) if p]
    return bool(parts) and all(p in words.GENERIC_MAILBOX_WORDS for p in parts)


_INTERFIX_PREFIX = re.compile(r"^(?:vander|vanden|vande|van|der|den|de|ter|ten|te|op|in)(?=.{3})")


def _personal_domain(local: str, domain: str, lookups: Lookups) -> bool:
    """A domain of one's own (jan@devries.nl, info@familiebakker.nl): it names the person."""
    label = domain.split(".")[-2]
    if label.startswith(("familie", "fam")):
        return True
    parts = [p for p in _LOCAL_PARTS.split(local.lower()) if len(p) >= 3]
    if any(p in label for p in parts):
        return True
    # A first name at a surname: the domain is the family's, not an organisation's.
    surname = _INTERFIX_PREFIX.sub("", label).capitalize()
    return local.capitalize() in lookups.first_names and surname in lookups.surnames


def _person_word(part: str, lookups: Lookups) -> bool:
    """A local part's piece that names a person: a listed first name or surname, or an
    initial glued to a surname ("jsmith")."""
    if part in words.GENERIC_MAILBOX_WORDS or len(part) < 2:
        return False
    name = part.capitalize()
    if name in lookups.first_names or name in lookups.surnames:
        return True
    return len(part) >= 5 and part[1:].capitalize() in lookups.surnames


def emails(text: str, context: Context) -> Iterator[Candidate]:
    lookups = context.lookups
    for match in EMAIL_RE.finditer(text):
        local, domain = match.group(1), match.group(2).lower()
        # A family's own domain (info@familiebakker.nl) names the family, whatever the mailbox.
        private = _domain_in(domain, words.PRIVATE_MAIL_DOMAINS) or domain.startswith("familie")
        if not private and (
            is_generic_mailbox(local)
            or keeprules.role_mailbox(local, context.role_words, lambda p: _person_word(p, lookups))
        ):
            continue  # a role mailbox (keeprules): a function, not a person
        organisational = _domain_in(domain, context.own_domains) or _domain_in(
            domain, words.ORGANISATION_MAIL_DOMAINS
        )
        if private or (not organisational and _personal_domain(local, domain, lookups)):
            yield Candidate(match.start(), match.end(), "email", "email_private")
        else:
            yield Candidate(match.start(1), match.end(1), "email", "email_local_part")


# --------------------------------------------------------------------------- phone

# Between digit groups: nothing, a blank, or a hyphen or dot with blanks around it ("06 - 1734").
_SEP = r"(?:[ ]?[\-.–][ ]?|[ ])?"  # (an en dash too: word processors make one of " - ")
_AREA = r"\(\d{1,4}\)"  # an area code in brackets: "(415)", "(020)"
# Area code and exchange start with 2–9 (NANP), so "2025-118-0442" and the like never match.
_NANP = r"(?:\([2-9]\d{2}\)[ ]?[2-9]\d{2}[\-. ]\d{4}|(?:1-)?[2-9]\d{2}-[2-9]\d{2}-\d{4}|[2-9]\d{2}\.[2-9]\d{2}\.\d{4})"
PHONE_RE = re.compile(
    r"(?<![\w/=.+\-])(?:"
    # Dutch: +31 / 0031 / 0, optional (0), then nine digits in any grouping.
    r"(?:(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?|\(0\d{1,3}\)[ \-]?|0)(?:\d" + _SEP + r"){6,10}\d"
    # International: +CC, an optional (0) or bracketed area code, then groups of digits.
    r"|(?:\+|00)[1-9]\d{0,2}[ \-]?(?:\(0\)[ \-]?|" + _AREA + r"[ \-]?)?\d{1,4}"
    r"(?:" + _SEP + r"\d{2,4}){1,4}"
    # North American without +1, only in its own shapes: "(415) 555-0142", "1-415-555-0142".
    r"|" + _NANP + r")(?![\w/])"
)
_NORTH_AMERICAN = re.compile(_NANP)


def _phone_digits(raw: str) -> str:
    cleaned = raw.replace("(0)", "")
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return digits


def phone_kind(raw: str) -> str | None:
    """ "mobile", "landline", "service", "international" or None (not a phone number)."""
    if _NORTH_AMERICAN.fullmatch(raw):
        return "international"
    digits = _phone_digits(raw)
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("+"):
        return "international" if 8 <= len(digits) - 1 <= 15 else None
    if not digits.startswith("0"):
        return None
    if digits.startswith(("0800", "0900", "0906", "0909")) and len(digits) in (8, 11):
        return "service"
    if len(digits) != 10:
        return None
    if digits.startswith("06"):
        return "mobile"
    if digits.startswith(("085", "088", "097")):
        return "service"
    return "landline"


def phones(text: str, context: Context) -> Iterator[Candidate]:
    for match in PHONE_RE.finditer(text):
        raw = match.group(0).rstrip(" -.")
        kind = phone_kind(raw)
        if kind is None:
            continue
        # 088 and 0800 numbers are companies' and governments' lines: a reviewer decides.
        accept = kind != "service"
        yield Candidate(match.start(), match.start() + len(raw), "phone", f"phone_{kind}", accept)


# --------------------------------------------------------------------------- handles

HANDLE_RE = re.compile(
    r"(?<![\w@/.\]\[])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.[A-Za-z]{2,}\b)"
)

_PLATFORM_HOSTS = (
    r"(?:x|twitter|instagram|tiktok|facebook|fb|threads|youtube|linkedin|snapchat|"
    r"mastodon\.social|bsky|t|pinterest|twitch|vk|rumble|truthsocial|gab|reddit)"
)
# Found from the ".com/" on (a literal the regex engine scans for fast), then checked backwards.
URL_TAIL_RE = re.compile(
    r"\.(?:com|net|app|me|social)/(?:(?:in|c|user|people|add|profile|u|r)/)?"
    r"(@?)([A-Za-z0-9_][A-Za-z0-9_.\-]{0,49})"
)
URL_HOST_RE = re.compile(
    r"(?i)(?:^|[^\w-])(?:(?:www|mobile|m|vm|nl-nl|nl)\.)?" + _PLATFORM_HOSTS + r"$"
)


def _public(handle: str, context: Context) -> bool:
    """An organisation's official account (keeprules.official_handle) or a listed one."""
    lowered = handle.lower().lstrip("@")
    return lowered in words.PUBLIC_HANDLES or keeprules.official_handle(
        lowered, context.public_handles
    )


# Account ids in URL paths that carry no "@": facebook.com/profile.php?id=…, a YouTube
# channel id (always "UC" and 22 more characters).
URL_ID_RE = re.compile(
    r"(?i)(?:facebook|fb)\.com/profile\.php\?id=(\d{5,20})"
    r"|youtube\.com/channel/(UC[A-Za-z0-9_\-]{20,24})(?![\w\-])"
)
# A name that ends like a domain is a mail domain or a website, not an account: "@minbzk.nl".
_DOMAIN_END = re.compile(r"\.(?:nl|com|org|net|eu|be|de|fr|uk|io|gov|info|app|me)$", re.IGNORECASE)
# X and Twitter names have no dots: a dot ends the name there.
_NO_DOT_HOSTS = re.compile(r"(?i)(?:^|[^\w-])(?:x|twitter)\.com/$")


def handles(text: str, context: Context) -> Iterator[Candidate]:
    for match in HANDLE_RE.finditer(text):
        if not _public(match.group(1), context):
            yield Candidate(match.start(), match.end(), "handle", "handle")
    yield from _url_handles(text, context)
    if "profile.php" not in text and "/channel/" not in text:
        return  # the common case: one substring test each instead of a regex scan
    for match in URL_ID_RE.finditer(text):
        group = 1 if match.group(1) else 2
        yield Candidate(match.start(group), match.end(group), "handle", "account_id_in_url")


def _url_handles(text: str, context: Context) -> Iterator[Candidate]:
    for match in URL_TAIL_RE.finditer(text):
        if not URL_HOST_RE.search(text, max(0, match.start() - 24), match.start()):
            continue
        name = match.group(2).rstrip(".")
        if _NO_DOT_HOSTS.search(text, max(0, match.start() - 24), match.start() + 5):
            name = name.split(".")[0]
        if name.lower() in words.RESERVED_URL_SEGMENTS or _public(name, context):
            continue
        # A numeric id (facebook.com/123…) or a domain (twitter.com/@minbzk.nl) is no name.
        if name.isdigit() or _DOMAIN_END.search(name):
            continue
        start = match.start(1) if match.group(1) else match.start(2)
        yield Candidate(start, match.start(2) + len(name), "handle", "handle_in_url")


# --------------------------------------------------------------------------- BSN, IBAN

BSN_RE = re.compile(r"(?<![\w.\-/])(\d{4}\.?\d{2}\.?\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\w\-/]|\.\d)")


def bsn_valid(number: str) -> bool:
    """The 11-proof: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 (and not all zeros)."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=False)) - digits[8]
    return total % 11 == 0


def bsns(text: str, context: Context) -> Iterator[Candidate]:
    for match in BSN_RE.finditer(text):
        if bsn_valid(match.group(1)):
            # A national identification number: an absolute ground of its own (5.1.1e).
            yield Candidate(match.start(), match.end(), "bsn", "bsn_11_proof", ground="5.1.1e")


IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "IE": 22, "LU": 20, "ES": 24}


def iban_valid(compact: str) -> bool:
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def ibans(text: str, context: Context) -> Iterator[Candidate]:
    for match in IBAN_RE.finditer(text):
        raw = match.group(0)
        # The pattern may run on into the next word; try the longest valid prefix.
        positions = [i for i, c in enumerate(raw) if c != " "]
        for length in range(len(positions), 14, -1):
            compact = "".join(raw[i] for i in positions[:length])
            end = positions[length - 1] + 1
            if (end == len(raw) or raw[end] == " ") and iban_valid(compact):
                yield Candidate(match.start(), match.start() + end, "iban", "iban_mod97")
                break


# --------------------------------------------------------------------------- birth dates

_MONTHS = (
    r"(?:jan(?:uari|uary)?|feb(?:ruari|ruary)?|maa(?:rt)?|mar(?:ch)?|apr(?:il)?|mei|may|"
    r"jun[ei]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th|e)?\s+" + _MONTHS + r"\s+\d{4}"
    r"|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|(?<=in )\d{4})"
)
BIRTH_DATE_RE = re.compile(
    r"(?i)\b(?:geboren|geb\.|geboortedatum|born|date of birth|birth date|birthdate|d\.o\.b\.?|"
    r"dob)\s*[:\-]?\s*(?:(?:op|on|te|at|in)\s+(?:[A-Z][\w'’-]+\s+){0,3})?(?:(?:op|on|in)\s+)?"
    r"(" + _DATE + r")"
)


_BIRTH_CUES = ("geb", "born", "birth", "dob", "d.o.b")


def birth_dates(text: str, context: Context) -> Iterator[Candidate]:
    lowered = text.lower()
    if not any(cue in lowered for cue in _BIRTH_CUES):
        return
    for match in BIRTH_DATE_RE.finditer(text):
        yield Candidate(match.start(1), match.end(1), "birth_date", "birth_date_cue")


# --------------------------------------------------------------------------- licence plates

_L, _D = "[A-Z]", r"\d"
_SIDECODES = (
    (_L * 2, _D * 2, _D * 2),
    (_D * 2, _D * 2, _L * 2),
    (_D * 2, _L * 2, _D * 2),
    (_L * 2, _D * 2, _L * 2),
    (_L * 2, _L * 2, _D * 2),
    (_D * 2, _L * 2, _L * 2),
    (_D * 2, _L * 3, _D),
    (_D, _L * 3, _D * 2),
    (_L * 2, _D * 3, _L),
    (_L, _D * 3, _L * 2),
    (_L * 3, _D * 2, _L),
    (_L, _D * 2, _L * 3),
    (_D, _L * 2, _D * 3),
    (_D * 3, _L * 2, _D),
)
SIDECODE_RE = re.compile("|".join("-".join(code) for code in _SIDECODES))
PLATE_RE = re.compile(r"\b[A-Z\d]{1,3}-[A-Z\d]{2,3}-[A-Z\d]{1,3}\b")


def plates(text: str, context: Context) -> Iterator[Candidate]:
    for match in PLATE_RE.finditer(text):
        if not SIDECODE_RE.fullmatch(match.group()):
            continue
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if before in ("-", "/") or after in ("-", "/"):
            continue
        yield Candidate(match.start(), match.end(), "licence_plate", "licence_plate_sidecode")


# --------------------------------------------------------------------------- addresses

_STREET_SUFFIX = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|hof|markt|steeg|dreef|park|"
    r"plantsoen|baan|wal|haven|erf|veld|hoek|dam|poort|ring|boulevard|allee|oord|vaart|akker|"
    r"weide|horst|brink|gaarde|donk|wetering|tuin|hout|straatweg|promenade|passage|hoven|kamp|"
    r"meent|schans|plaats|zijde|burcht|rade|acker|stede|steede|kwartier|lei|hage|berg|wijk)"
)
HOUSE_NUMBER_RE = re.compile(
    r"(?<=[\wÀ-ÿ.'’][ \t])"
    r"(\d{1,5}(?:[ \t]?[a-zA-Z](?![\w])|[ \t]?-[ \t]?\d{1,4}(?!\d)|[ \t]?(?:bis|hs|huis))?)(?![\w,]?\d)"
)
_STREET_TOKENS = re.compile(r"[A-Za-zÀ-ÿ'’.][\wÀ-ÿ'’.-]*")
ENGLISH_STREET_RE = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?[ \t]+(?:[A-Z][a-z]+[ \t]){1,3}"
    r"(?:Street|St\.|Road|Rd\.?|Avenue|Ave\.?|Lane|Drive|Close|Way|Place|Square|Court|"
    r"Crescent|Terrace|Gardens|Grove|Row|Mews|Hill|Boulevard)\b"
)
POSTCODE_RE = re.compile(r"(?<![\w-])[1-9]\d{3}[ \t]?(?!SA|SD|SS)[A-Z]{2}(?![\w-])")
UK_POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}\b")
_CITY_TOKEN = re.compile(r"[ \t,]*((?:'s-|'t )?[A-ZÀ-Þ][\wÀ-ÿ'’-]*)")
_STREET_SUFFIX_RE = re.compile(_STREET_SUFFIX + r"$", re.IGNORECASE)
_PRIVATE_CUES = re.compile(
    r"(?i)\b(?:woont|woonachtig|woonadres|huisadres|thuisadres|privéadres|priveadres|home address|"
    r"lives at|living at|resides|residential|my address|mijn adres|address of the|adres van)\b"
)


_DATE_AFTER = re.compile(r"(?i)[ \t]+" + _MONTHS + r"(?![a-z])")


def _street_start(tokens: list[str], lookups: Lookups) -> int | None:
    """Index of the first token of the longest known or street-like name at the end."""
    for start in range(len(tokens)):
        name = " ".join(tokens[start:])
        first = tokens[start]
        if not first[:1].isupper() and first.lower() not in ("van", "de", "'t"):
            continue
        if name in lookups.streets and len(name) >= 3 and name.lower() not in words.NOT_NAME_WORDS:
            return start
        if start == len(tokens) - 1 and _STREET_SUFFIX_RE.search(first) and len(first) > 4:
            return start
    return None


def _street_before(text: str, number_start: int, lookups: Lookups) -> int | None:
    """Where the street name before a house number starts (None if there is none)."""
    line_start = text.rfind("\n", max(0, number_start - 80), number_start) + 1
    before = text[max(line_start, number_start - 80) : number_start]
    spans = list(_STREET_TOKENS.finditer(before))[-5:]
    # A street name ends in a capitalised word right before the number ("Kerkstraat 12").
    if not spans or not spans[-1].group()[:1].isupper() or before[spans[-1].end() :].strip():
        return None
    tokens = [spans[-1]]
    for span in reversed(spans[:-1]):  # the run of words separated by blanks only
        if before[span.end() : tokens[0].start()].strip():
            break
        tokens.insert(0, span)
    first = _street_start([t.group() for t in tokens], lookups)
    if first is None:
        return None
    return number_start - len(before) + tokens[first].start()


def _city_end(text: str, position: int, lookups: Lookups) -> int:
    """Where a place name after a postcode ends (the postcode's end if none follows)."""
    end, names, cursor = position, [], position
    for _ in range(4):
        match = _CITY_TOKEN.match(text, cursor)
        if match is None or "\n" in text[cursor : match.start(1)]:
            break
        names.append(match.group(1))
        cursor = match.end()
        candidate = " ".join(names)
        if candidate in lookups.places or candidate.title() in lookups.places:
            end = cursor
        # lowercase joining words inside a place name: "Alphen aan den Rijn", "Bergen op Zoom"
        joiner = re.match(r"[ \t]+(aan den|aan de|aan|op|in|bij|den)(?=[ \t])", text[cursor:])
        if joiner:
            names.append(joiner.group(1))
            cursor += joiner.end()
    if end == position:
        single = _CITY_TOKEN.match(text, position)
        if single and "\n" not in text[position : single.start(1)]:
            word = single.group(1)
            if word.lower() not in words.NOT_NAME_WORDS or word in ("Den",):
                end = single.end()
    return end


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


_ON_ADDRESS_LINE = re.compile(
    r"(?i)\b(?:postbus|bezoekadres|postadres|visiting address|p\.?o\.? box)\b"
)


def organisation_address(text: str, start: int, end: int) -> bool:
    """An address in an organisation's block: "Postbus" beside it, or a line just above (or
    the line itself) that starts with an organisation word ("Gemeente Zuidhaven")."""
    line_start, line_end = _line_bounds(text, start, end)
    if _PRIVATE_CUES.search(text, max(0, line_start - 200), line_end):
        return False
    if _ON_ADDRESS_LINE.search(text, line_start, line_end):
        return True
    above = line_start
    for _ in range(3):
        above = text.rfind("\n", 0, max(0, above - 1)) + 1
    for line in text[above:line_end].splitlines():
        first = line.strip(" \t>|").split(" ", 1)[0].lower()
        if first in words.ORGANISATION_ADDRESS_CUES and len(line) <= 80:
            return True
    # A company's legal form on the address's own line or just above: a registered office
    # ("Meta Platforms Ireland Limited, 4 Grand Canal Square"), not where a person lives.
    return _COMPANY_FORM.search(text, above, line_end) is not None


_COMPANY_FORM = re.compile(
    r"\b(?:Ltd|Limited|Unlimited Company|Inc|LLC|GmbH|plc|B\.V|N\.V|S\.A|S\.à r\.l)(?:\b|\.)"
)


def addresses(text: str, context: Context) -> Iterator[Candidate]:
    lookups = context.lookups
    for match in HOUSE_NUMBER_RE.finditer(text):
        street = _street_before(text, match.start(), lookups)
        if street is not None and not _DATE_AFTER.match(text, match.end()):
            yield _address(text, street, match.end(), "address_street")
    for match in ENGLISH_STREET_RE.finditer(text):
        yield _address(text, match.start(), match.end(), "address_street_en")
    for match in POSTCODE_RE.finditer(text):
        end = _city_end(text, match.end(), lookups)
        yield _address(text, match.start(), end, "address_postcode")
    for match in UK_POSTCODE_RE.finditer(text):
        yield _address(text, match.start(), match.end(), "address_postcode_uk")


def _address(text: str, start: int, end: int, recogniser: str) -> Candidate:
    accept = not organisation_address(text, start, end)
    return Candidate(start, end, "address", recogniser, accept)


PATTERN_RECOGNISERS = (emails, phones, handles, bsns, ibans, birth_dates, plates, addresses)

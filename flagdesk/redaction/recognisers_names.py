# SPDX-License-Identifier: EUPL-1.2
"""Person names in Dutch and English text.

Three kinds of evidence, from strong to weak:

1. *Structure*: a known first name or initials, optional tussenvoegsel, then a surname
   ("Jan de Vries", "J.P. van den Berg", "Emily Carter"), or a title before a surname
   ("mevrouw Jansen", "Mr. O'Brien"). First names and surnames come from deduce's lists.
2. *Position*: where only a name can stand — after a greeting ("Dear Anna,"), under a closing
   ("Kind regards,\\n\\nAnna"), in a From/Van/Aan header, before an address in angle brackets
   ("Anna Smith <a.smith@x.com>"). There any capitalised words that are not organisation or
   ordinary words count, so names missing from the lists are found too.
3. *Repetition*: once a full name is known, its first name and surname alone are names
   everywhere in the document ("Thanks Anna").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flagdesk.redaction import lookups_words as words
from flagdesk.redaction.lookups import Lookups
from flagdesk.redaction.recognisers import EMAIL_RE, Candidate

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽƠƯ"
# Vietnamese letters with two diacritics (U+1E00–U+1EFF) count as lower case: a name starts
# with a plain capital far more often ("Nguyễn", "Phạm").
_LO = "a-zß-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżžơư\u1e00-\u1eff"
_CAP = rf"(?:[{_UP}][{_LO}]?['’])?[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?(?:-(?:[{_LO}]+-)*[{_UP}][{_LO}]+)*"
_INIT = rf"[{_UP}][a-z]{{0,2}}\.(?:[ ]?[{_UP}][a-z]{{0,2}}\.)*"
_TITLE = (
    r"(?i:de heer|dhr|mevr|mevrouw|meneer|mijnheer|mw|mr|mrs|ms|miss|dr|drs|ir|ing|prof|sir)\.?"
)
_INITIALS = frozenset(
    [
        "A",
        "B",
        "C",
        "Ch",
        "Chr",
        "D",
        "E",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Ph",
        "Q",
        "R",
        "S",
        "T",
        "Th",
        "U",
        "V",
        "W",
        "X",
        "Y",
        "Z",
    ]
)
_NON_BLANK = re.compile(r"\S+")
CAPWORD_RE = re.compile(rf"(?<![\w@/.'’-]){_CAP}(?![\w@'’-])")
_SPLIT_NAMES = re.compile(r"\s+(?:and|en|&|\+)\s+|\s*/\s*")
_LOOSE_TOKEN = re.compile(rf"^(?:{_CAP}|{_INIT}|[{_UP}]|[a-z']{{1,4}})[.,]?$")


@dataclass(frozen=True, slots=True)
class NameContext:
    lookups: Lookups
    blocked: frozenset[str]  # lower-cased words that are never a name here
    greetings: tuple[str, ...]
    closings: tuple[str, ...]


@functools.cache
def _interfix_pattern(interfixes: frozenset[str]) -> str:
    ordered = sorted(interfixes, key=len, reverse=True)
    return "|".join(re.escape(i).replace(r"\ ", "[ \t]+") for i in ordered)


@functools.cache
def chain_re(interfixes: frozenset[str]) -> re.Pattern[str]:
    """Runs of name-like tokens on one line: the places where structural names can be."""
    inter = _interfix_pattern(interfixes)
    unit = rf"(?:{_INIT}|{_CAP})"
    opening = (
        r"(?:De|Van|Den|Ter|Ten|Te|Von|Du|La|Le|Da|Di|Dos|Op|In)(?:[ \t]+(?:der|den|de|het|'t))?"
    )
    return re.compile(
        rf"(?=[{_UP}dmhsipDMHSIP])(?<![\w@/.'’-])(?:{_TITLE}[ \t]+)?(?:{opening}[ \t]+)?{unit}"
        rf"(?:[ \t]+(?:(?:{inter})[ \t]+)?{unit})*(?![\w@'’-])"
    )


# ----------------------------------------------------------------------- tokens


class Token(NamedTuple):  # a tuple: many are made per text, and tuples are cheap
    start: int
    end: int
    word: str
    kind: str  # title, interfix, init, first, cap


def _tokens(text: str, start: int, end: int, context: NameContext) -> list[Token]:
    raw = [(m.start(), m.end(), m.group()) for m in _NON_BLANK.finditer(text, start, end)]
    tokens: list[Token] = []
    starts = _phrase_starts(context.lookups.interfixes)
    i = 0
    while i < len(raw):
        # Only words that can open a title or tussenvoegsel are tried as phrases.
        widths = (3, 2, 1) if raw[i][2].lower() in starts else ()
        for width in widths:
            if i + width > len(raw):
                continue
            phrase = " ".join(r[2] for r in raw[i : i + width])
            kind = _phrase_kind(phrase, width, context)
            if kind:
                tokens.append(Token(raw[i][0], raw[i + width - 1][1], phrase, kind))
                i += width
                break
        else:
            tokens.append(Token(*raw[i], _word_kind(raw[i][2], context)))
            i += 1
    return tokens


@functools.cache
def _phrase_starts(interfixes: frozenset[str]) -> frozenset[str]:
    titles = {t + "." for t in words.TITLES} | set(words.TITLES) | {"de"}
    return frozenset({i.split()[0] for i in interfixes} | titles)


def _phrase_kind(phrase: str, width: int, context: NameContext) -> str | None:
    lowered = phrase.lower()
    if lowered.rstrip(".") in words.TITLES or lowered.rstrip(".") == "de heer":
        return "title"
    if lowered in context.lookups.interfixes and (
        width > 1
        or phrase[0].islower()
        or phrase in ("De", "Van", "Den", "Ter", "Ten", "Le", "La", "Du", "Von")
    ):
        return "interfix"
    return None


def _word_kind(word: str, context: NameContext) -> str:
    if word.endswith(".") and all(p in _INITIALS for p in word.replace(" ", "").split(".") if p):
        return "init"
    if word in context.lookups.first_names and word.lower() not in context.blocked:
        return "first"
    return "cap"


def _surname_ok(token: Token, context: NameContext) -> bool:
    word = token.word
    if token.kind not in ("cap", "first") or len(word) < 2 or word.endswith("."):
        return False
    lowered = word.lower()
    lookups = context.lookups
    if lowered in context.blocked or word in words.ORGANISATION_NAMES:
        return False
    if word in lookups.surnames:
        return True
    return lowered not in lookups.common_words and word not in lookups.places


def _given_ok(token: Token, next_token: Token | None, context: NameContext) -> bool:
    if token.word in words.AMBIGUOUS_FIRST_NAMES:
        return next_token is not None and next_token.word in context.lookups.surnames
    return True


# ----------------------------------------------------------------------- structure


def _parse_chain(tokens: list[Token], context: NameContext) -> Iterator[tuple[int, int]]:
    """Token index ranges [i, j) that are names, by structure."""
    i, n = 0, len(tokens)
    while i < n:
        found = _parse_at(tokens, i, context)
        if found is None:
            i += 1
            continue
        yield found
        i = found[1]


def _parse_at(tokens: list[Token], i: int, context: NameContext) -> tuple[int, int] | None:
    n = len(tokens)
    title = tokens[i].kind == "title"
    j = i + 1 if title else i
    given_start = j
    while j < n and tokens[j].kind in ("init", "first"):
        j += 1
    givens = tokens[given_start:j]
    k = j + 1 if j < n and tokens[j].kind == "interfix" else j
    has_interfix = k > j
    if k < n and _surname_ok(tokens[k], context):
        start = given_start if givens or not has_interfix else j
        if givens and any(t.kind == "first" for t in givens):
            firsts = [t for t in givens if t.kind == "first"]
            if has_interfix or _given_ok(firsts[-1], tokens[k], context):
                return start, k + 1
        elif givens or title:  # initials only ("J. Smith"), or "mevrouw Jansen"
            return start, k + 1
        elif _capitalised_surname(tokens, j, k, has_interfix, context):  # "De Vries"
            return j, k + 1
        elif not has_interfix and _unlisted_given(tokens, j, context):  # "Jiayi Zhang"
            return j, j + 2
        return None
    # Two first names, the second also a surname: "Mark Thomas".
    last_is_surname = len(givens) >= 2 and givens[-1].word in context.lookups.surnames
    if (
        last_is_surname
        and givens[0].kind == "first"
        and givens[-1].word.lower() not in context.blocked
    ):
        return given_start, j
    return None


def _unlisted_given(tokens: list[Token], i: int, context: NameContext) -> bool:
    """tokens[i] a capitalised word that is no ordinary word, tokens[i + 1] a listed surname."""
    if i + 1 >= len(tokens) or tokens[i].kind != "cap":
        return False
    word, following = tokens[i].word, tokens[i + 1]
    lookups = context.lookups
    return (
        following.word in lookups.surnames
        and _surname_ok(following, context)
        and len(word) >= 3
        and not word.isupper()
        and word.lower() not in context.blocked
        and word.lower() not in lookups.common_words
        and word not in lookups.places
        and word not in lookups.streets
        and word not in words.ORGANISATION_NAMES
    )


def _capitalised_surname(
    tokens: list[Token], j: int, k: int, has_interfix: bool, context: NameContext
) -> bool:
    return (
        has_interfix
        and tokens[j].word[0].isupper()
        and tokens[k].word in context.lookups.surnames
        and not _is_place(tokens, j, k, context)
    )


def _is_place(tokens: list[Token], i: int, j: int, context: NameContext) -> bool:
    phrase = " ".join(t.word for t in tokens[i : j + 1])
    return phrase in context.lookups.places or phrase in ("Den Haag", "Den Helder", "Den Bosch")


def structural_names(text: str, context: NameContext) -> Iterator[Candidate]:
    for chain in chain_re(context.lookups.interfixes).finditer(text):
        if " " not in chain.group() and "\t" not in chain.group():
            continue  # one word is never a name by structure alone
        tokens = _tokens(text, chain.start(), chain.end(), context)
        for i, j in _parse_chain(tokens, context):
            yield Candidate(tokens[i].start, tokens[j - 1].end, "name", "name_structure")


# ----------------------------------------------------------------------- position


def loose_name(text: str, start: int, end: int, context: NameContext) -> tuple[int, int] | None:
    """The span of a name filling text[start:end] (titles left out), or None if it is not one."""
    segment = text[start:end]
    if not segment.strip() or re.search(r"[\d@:&/()<>\[\]|]", segment):
        return None
    tokens = _tokens(text, start, end, context)
    if not 1 <= len(tokens) <= 6:
        return None
    while tokens and tokens[0].kind == "title":
        tokens = tokens[1:]
    has_name = False
    for token in tokens:
        word = token.word.rstrip(",.") if token.kind != "init" else token.word
        if token.kind in ("init", "interfix"):
            continue
        if not _LOOSE_TOKEN.match(word) or not word[:1].isupper():
            return None
        if word.lower() in context.blocked or word in words.ORGANISATION_NAMES:
            return None
        if word.isupper() and len(word) > 1 and word not in context.lookups.surnames:
            return None
        has_name = True
    if not has_name:
        return None
    last = tokens[-1]
    stop = last.end - (len(last.word) - len(last.word.rstrip(",.")) if last.kind != "init" else 0)
    return tokens[0].start, stop


def _names_in(
    text: str, start: int, end: int, context: NameContext, recogniser: str
) -> Iterator[Candidate]:
    """Names in a segment that may list several: "Anna and Peter", "Jansen, P."."""
    position = start
    for separator in [*_SPLIT_NAMES.finditer(text, start, end), None]:
        part_end = end if separator is None else separator.start()
        span = loose_name(text, position, part_end, context)
        if span:
            yield Candidate(span[0], span[1], "name", recogniser)
        if separator is not None:
            position = separator.end()


@functools.cache
def _greeting_re(greetings: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(g).replace(r"\ ", r"[ \t]+") for g in greetings)
    return re.compile(
        rf"(?<![\w])(?i:{alternatives})[ \t]+([^\n,!:;?]{{1,80}}?)[ \t]*(?=[,!:;\n]|$)"
    )


def greeting_names(text: str, context: NameContext) -> Iterator[Candidate]:
    for match in _greeting_re(context.greetings).finditer(text):
        yield from _names_in(text, match.start(1), match.end(1), context, "name_greeting")


@functools.cache
def _closing_re(closings: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(c).replace(r"\ ", r"[ \t]+") for c in closings)
    return re.compile(
        rf"(?im)^[ \t>]*(?:(?:{alternatives})[ \t]*[,.!]?|--)[ \t]*"
        r"(?:,[ \t]*([^\n]+?)[ \t]*$|\r?\n(?:[ \t>]*\r?\n){0,2}[ \t>]*([^\n]+?)[ \t]*$)"
    )


def closing_names(text: str, context: NameContext) -> Iterator[Candidate]:
    for match in _closing_re(context.closings).finditer(text):
        group = 1 if match.group(1) is not None else 2
        yield from _names_in(text, match.start(group), match.end(group), context, "name_signature")


HEADER_RE = re.compile(
    r"(?im)^[ \t>*]*(?:from|to|cc|bcc|reply-to|sender|recipient|van|aan|afzender|"
    r"geadresseerde|ontvanger|name|naam|contactpersoon|contact person|contact|melder|reporter|"
    r"behandeld door|handled by|signed|ondertekend|aanwezig|afwezig|present|absent|attendees|"
    r"deelnemers|participants|beller|caller|notulist|notulen|minutes|voorzitter|chair|"
    r"afgemeld|apologies)[ \t]*\**:[ \t]*\**([^\n]*)$"
)
# Addresses, links and asides in brackets ("(voorzitter)", "(via 070 …)") are no part of a name.
_ADDRESS_PARTS = re.compile(r"\[[^\]\n]*\]\([^)\n]*\)|<[^>\n]*>|\([^)\n]*\)|\S+@\S+|\"|\(|\)")


def header_names(text: str, context: NameContext) -> Iterator[Candidate]:
    for match in HEADER_RE.finditer(text):
        start, end = match.span(1)
        # Blank out addresses and links, keeping positions, then split into entries.
        value = _ADDRESS_PARTS.sub(lambda m: " " * len(m.group()), text[start:end])
        for entry in re.finditer(r"[^;,]+", value):
            part = entry.group()
            stripped = part.strip(" '")
            if not stripped:
                continue
            offset = start + entry.start() + part.index(stripped)
            span = loose_name(text, offset, offset + len(stripped), context)
            if span:
                yield Candidate(span[0], span[1], "name", "name_header")


def display_names(text: str, context: NameContext) -> Iterator[Candidate]:
    """The words right before an address: "… 14:43 Anna de Wit <anna@…> wrote:"."""
    for match in EMAIL_RE.finditer(text):
        before = text[max(0, match.start() - 120) : match.start()]
        opener = re.search(r"[ \t]*[<(\[][ \t]*\[?[ \t]*$|[ \t]*\"[ \t]*<[ \t]*$", before)
        if opener is None:
            continue
        end = match.start() - len(before) + opener.start()
        yield from _trailing_name(text, end, context)


def _trailing_name(text: str, end: int, context: NameContext) -> Iterator[Candidate]:
    line_start = text.rfind("\n", 0, end) + 1
    quoted = re.search(r"\"([^\"\n]{1,80})\"[ \t]*$", text[line_start:end])
    if quoted:
        yield from _names_in(
            text, line_start + quoted.start(1), line_start + quoted.end(1), context, "name_display"
        )
        return
    tokens = _tokens(text, line_start, end, context)
    first = len(tokens)
    while first > 0 and _loose_token_ok(tokens[first - 1], context):
        first -= 1
    while first < len(tokens) and tokens[first].kind == "interfix":
        first += 1
    if first > 0 and _organisation_word(tokens[first - 1].word):
        return  # "Webredactie Gemeente Noordveen <…>", "EU Elections Taskforce <…>"
    if first < len(tokens):
        span = loose_name(text, tokens[first].start, tokens[-1].end, context)
        if span:
            yield Candidate(span[0], span[1], "name", "name_display")


# Capitalised words that stop a run of name words but belong to a greeting or a header.
_ADDRESSING = frozenset(
    w for phrase in (*words.GREETINGS_EN, *words.GREETINGS_NL) for w in phrase.split()
) | frozenset(w for phrase in (*words.CLOSINGS_EN, *words.CLOSINGS_NL) for w in phrase.split())


def _organisation_word(word: str) -> bool:
    """A capitalised word of an organisation's name ("Gemeente", "Elections", "Team") — not a
    greeting's or a closing's ("Thanks", "Regards")."""
    if word.endswith(":"):
        return False  # a header's label: "Van:", "From:"
    lowered = word.rstrip(",.").lower()
    return word[:1].isupper() and (
        lowered in words.ORGANISATION_ADDRESS_CUES
        or (lowered in words.NOT_NAME_WORDS and lowered not in _ADDRESSING)
    )


def _loose_token_ok(token: Token, context: NameContext) -> bool:
    if token.kind in ("init", "interfix"):
        return True
    word = token.word
    return bool(
        _LOOSE_TOKEN.match(word)
        and word[:1].isupper()
        and word.lower() not in context.blocked
        and word not in words.ORGANISATION_NAMES
    )


# ----------------------------------------------------------------------- repetition


def known_name_words(text: str, names: Iterable[Candidate], context: NameContext) -> set[str]:
    """First names and surnames of the names found, to look for alone."""
    known: set[str] = set()
    seen: set[str] = set()
    for name in names:
        if text[name.start : name.end] in seen:  # the same name again: same words
            continue
        seen.add(text[name.start : name.end])
        for token in _tokens(text, name.start, name.end, context):
            word = token.word.rstrip(",.")
            if (
                token.kind in ("init", "interfix", "title")
                or len(word) < 2
                or not word[0].isupper()
            ):
                continue
            if word.lower() in context.blocked or word in words.ORGANISATION_NAMES:
                continue
            known.add(word)
    return known


_LOCAL_WORDS = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def local_part_names(text: str, addresses: Iterable[Candidate], context: NameContext) -> set[str]:
    """Name words of personal mail addresses' local parts: "oksana.kovalenko" gives "Oksana"
    and "Kovalenko" (only local parts of two or more words: "kovalenko@" alone may be a role)."""
    known: set[str] = set()
    for address in addresses:
        local = text[address.start : address.end].split("@", 1)[0]
        parts = _LOCAL_WORDS.findall(local)
        if len(re.split(r"[._\-]+", local)) < 2:
            continue
        for part in parts:
            word = part.capitalize()
            if word.lower() not in context.blocked and word not in words.ORGANISATION_NAMES:
                known.add(word)
    return known


_INTERFIX_BEFORE = re.compile(
    r"(?i)(?:\b(?:van der|van den|van de|van 't|van|de|den|der|ter|ten|te|in 't|op de|'t)[ \t]+)$"
)


CapitalWord = tuple[int, int, str]


def capital_words(text: str) -> list[CapitalWord]:
    """Every capitalised word, once per text: two rules below look at them all."""
    return [(m.start(), m.end(), m.group()) for m in CAPWORD_RE.finditer(text)]


def repeated_names(text: str, known: set[str], capitals: list[CapitalWord]) -> Iterator[Candidate]:
    if not known:
        return
    for start, end, word in capitals:
        if word not in known:
            continue
        before = _INTERFIX_BEFORE.search(text, max(0, start - 12), start)
        if before and before.group()[0].isupper():
            start = before.start()
        yield Candidate(start, end, "name", "name_known")


def lone_first_names(capitals: list[CapitalWord], context: NameContext) -> Iterator[Candidate]:
    """A listed first name standing alone ("Pieter heeft de melder …"): in Dutch and English
    only names and organisations are capitalised mid-sentence, and organisations and ordinary
    words are screened out; first names that are also words ("Mark", "Rose") are left alone."""
    lookups = context.lookups
    for start, end, word in capitals:
        if (
            word in lookups.first_names
            and word not in words.AMBIGUOUS_FIRST_NAMES
            and word.lower() not in context.blocked
            and word.lower() not in lookups.common_words
            and word not in lookups.places
            and word not in words.ORGANISATION_NAMES
        ):
            yield Candidate(start, end, "name", "name_first_alone")


# Words after which a capitalised run is a person: forms of address, roles that are people,
# "namens" (on behalf of).
_CUES = tuple(
    """
    collega colleague burgemeester wethouder woordvoerder woordvoerster inwoner inwoonster
    bewoner bewoonster melder beller namens contactpersoon spokesperson mayor alderman resident
    caller journalist journaliste verslaggever mevrouw meneer mijnheer heer dhr. mevr. mw. mr.
    mrs. ms. dr. drs. ir. prof. behalf
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_AFTER_CUE = re.compile(
    rf"[,:]?[ \t]+({_CAP}(?:[ \t]+(?:(?:van der|van den|van de|van|de|der|den|el|al|ben|bin|"
    rf"ter|ten)[ \t]+)?{_CAP}){{0,3}})"
)


def _cue_ends(lowered: str) -> Iterator[int]:
    """Positions right after a cue word: a few substring searches, no scan per word."""
    for cue in _CUES:
        position = lowered.find(cue)
        while position != -1:
            after = position + len(cue)
            if (position == 0 or not lowered[position - 1].isalnum()) and (
                cue.endswith(".") or not lowered[after : after + 1].isalnum()
            ):
                yield after
            position = lowered.find(cue, after)


def cue_names(text: str, context: NameContext) -> Iterator[Candidate]:
    """Capitalised words right after a form of address or a role that is a person
    ("collega Sanne Bakker", "namens Hamid Benali", "dhr. Nguyen"); the run still has to pass
    loose_name, and an organisation word ends it ("collega Gemeente …" is no name)."""
    for after in _cue_ends(text.lower()):
        run = _AFTER_CUE.match(text, after)
        if run is None:
            continue
        tokens = _tokens(text, run.start(1), run.end(1), context)
        while tokens and not _loose_token_ok(tokens[-1], context):
            tokens.pop()
        if tokens:
            span = loose_name(text, tokens[0].start, tokens[-1].end, context)
            if span:
                yield Candidate(span[0], span[1], "name", "name_cue")


CONTEXT_RULES = (greeting_names, closing_names, header_names, display_names, cue_names)

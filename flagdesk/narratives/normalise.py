# SPDX-License-Identifier: EUPL-1.2
"""Text normalisation for narrative matching, Dutch and English.

Pure functions only. The output is a `NormalisedText`: all word tokens (for the "too short"
rule), the content tokens that matching works on (stop words dropped, spelling variants and
close typos folded onto one canonical word) and the URLs as stable tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from flagdesk.rules.urls import InvalidUrl, normalise_url

URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
NON_WORD = re.compile(r"[^a-z0-9]+")
URL_TOKEN_PREFIX = "url"  # noqa: S105 - a token prefix, not a password

# Canonical word -> spelling variants, inflections and the other language's word. Folding
# both languages onto one word lets a mixed Dutch/English signal match too.
VARIANTS: dict[str, tuple[str, ...]] = {
    "vakje": (
        "vakjes",
        "hokje",
        "hokjes",
        "vak",
        "vakken",
        "box",
        "boxes",
        "hokjes",
        "rondje",
        "rondjes",
        "bolletje",
        "bolletjes",
        "square",
        "squares",
        "circle",
        "circles",
    ),
    "stembiljet": (
        "stembiljetten",
        "stembriefje",
        "stembriefjes",
        "stembrief",
        "biljet",
        "biljetten",
        "ballot",
        "ballots",
        "stemformulier",
        "stembiljetje",
    ),
    "rood": ("rode", "rooie", "red"),
    "blauw": ("blauwe", "blue"),
    "groen": ("groene", "green"),
    "zwart": ("zwarte", "black"),
    "kleur": (
        "kleuren",
        "kleurt",
        "inkleuren",
        "inkleurt",
        "ingekleurd",
        "gekleurd",
        "colour",
        "color",
        "colours",
        "colors",
        "coloured",
        "colored",
        "colouring",
        "coloring",
        "kleurde",
    ),
    "potlood": ("potloden", "pen", "pennen", "pencil", "pencils", "balpen", "biro", "stift"),
    "stem": ("stemmen", "stemt", "gestemd", "vote", "votes", "voting", "voted", "stemde"),
    "online": ("internet", "digitaal", "digitale", "digitally", "digital", "onlinestemmen"),
    "app": ("apps", "applicatie", "application", "smartphone", "telefoon", "phone"),
    "volmacht": ("volmachten", "machtiging", "machtigingen", "proxy", "proxies", "gemachtigde"),
    "identiteitsbewijs": (
        "identiteitskaart",
        "idkaart",
        "paspoort",
        "rijbewijs",
        "passport",
        "identification",
        "identity",
        "licence",
        "license",
    ),
    "verlopen": ("verloopt", "expired", "expires", "verlopene"),
    "jaar": ("jaren", "year", "years"),
    "naam": ("namen", "name", "names"),
    "blanco": ("blank",),
    "ongeldig": ("ongeldige", "invalid", "void", "afgekeurd", "spoiled"),
    "telt": ("tellen", "geteld", "count", "counts", "counted", "meetellen", "meetelt"),
    "half": ("halve", "helft", "halves", "halfway"),
    "datum": ("date", "dag", "day"),
    "uur": ("uren", "hour", "hours", "tijd", "tijden", "time", "times", "openingstijden"),
    "stembureau": ("stembureaus", "stemlokaal", "stemlokalen", "polling", "station", "stations"),
    "verkiezing": ("verkiezingen", "election", "elections"),
    "schrijf": (
        "schrijven",
        "schrijft",
        "opschrijven",
        "write",
        "writing",
        "written",
        "zet",
        "zetten",
    ),
    "2": ("twee", "two", "tweede", "second", "both", "beide"),
    "1": ("one", "single", "enkel"),
    "3": ("drie", "three", "derde", "third"),
    "5": ("vijf", "five"),
}
CANONICAL: dict[str, str] = {
    variant: canonical for canonical, variants in VARIANTS.items() for variant in variants
} | {canonical: canonical for canonical in VARIANTS}
# Only longer words are typo-corrected: short ones are too close to each other.
TYPO_VOCABULARY = tuple(word for word in CANONICAL if len(word) >= 6)
TYPO_MIN_SCORE = 88.0

STOP_WORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "in",
        "op",
        "te",
        "van",
        "voor",
        "met",
        "aan",
        "is",
        "zijn",
        "je",
        "jij",
        "u",
        "uw",
        "we",
        "wij",
        "ze",
        "zij",
        "dat",
        "die",
        "dit",
        "deze",
        "er",
        "als",
        "bij",
        "om",
        "niet",
        "wel",
        "ook",
        "maar",
        "dan",
        "nog",
        "naar",
        "zo",
        "al",
        "wordt",
        "worden",
        "kan",
        "kunt",
        "moet",
        "mag",
        "hebt",
        "heeft",
        "heb",
        "was",
        "waren",
        "wat",
        "wie",
        "waar",
        "hoe",
        "ik",
        "mij",
        "me",
        "ons",
        "onze",
        "jullie",
        "hun",
        "hen",
        "geen",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "is",
        "are",
        "be",
        "your",
        "you",
        "we",
        "they",
        "it",
        "this",
        "that",
        "as",
        "by",
        "from",
        "not",
        "but",
        "so",
        "if",
        "do",
        "does",
        "can",
        "must",
        "may",
        "will",
        "was",
        "were",
        "have",
        "has",
        "i",
        "me",
        "my",
        "our",
        "their",
        "them",
        "just",
        "also",
        "there",
        "here",
        "what",
        "who",
        "how",
        "no",
    ]
)


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The parts of a text that matching uses."""

    words: tuple[str, ...]
    content: tuple[str, ...]
    urls: tuple[str, ...]

    @property
    def text(self) -> str:
        """The content tokens as one string, for the fuzzy re-score."""
        return " ".join(self.content)


def url_token(raw_url: str) -> str:
    """A URL as one word: its normal form (``rules.urls``, which drops tracking parameters), so
    shares of one post compare equal; a link that is no content URL keeps its host and path."""
    candidate = raw_url.rstrip(".,;:!?)]}")
    try:
        stable = normalise_url(candidate).removeprefix("https://")
    except InvalidUrl:
        stable = candidate.split("://", 1)[-1]
    return URL_TOKEN_PREFIX + NON_WORD.sub("", stable.lower())


def strip_accents(text: str) -> str:
    """ "één" -> "een", "reünie" -> "reunie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def canonical_word(word: str) -> str:
    """Fold a word onto its canonical form; long words with a close typo are folded too."""
    if word in CANONICAL:
        return CANONICAL[word]
    if len(word) < 6 or word.isdigit():
        return word
    best = process.extractOne(word, TYPO_VOCABULARY, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE)
    return CANONICAL[best[0]] if best else word


def normalise(text: str) -> NormalisedText:
    """Split `text` into words, content tokens and URL tokens."""
    urls = tuple(dict.fromkeys(url_token(match) for match in URL_PATTERN.findall(text)))
    without_urls = URL_PATTERN.sub(" ", text)
    # "één" is the number one; without its accents it would be the article "een".
    lowered = without_urls.lower().replace("één", " 1 ")
    words = tuple(NON_WORD.sub(" ", strip_accents(lowered)).split())
    content = tuple(canonical_word(word) for word in words if word not in STOP_WORDS) + urls
    return NormalisedText(words=words, content=content, urls=urls)

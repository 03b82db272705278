# SPDX-License-Identifier: EUPL-1.2
"""Is this text Dutch? A stop-word count, good enough to keep Dutch out of an English notice.

Pure: no Django. Only words that are common in Dutch and rare in English count ("in", "is",
"was" and "over" are both, so they don't); a text needs a few words before it is judged.
"""

from __future__ import annotations

import re

# Kept as text, one glance per list; split into sets below.
_DUTCH_WORDS = """
    de het een en van die dat niet op te zijn voor met ook aan er maar om bij nog uit wordt
    worden werd naar als dan zich heeft hebben kan kunnen moet moeten zal zou wel geen
    deze dit wat wie waar hoe wij we ze zij hij jij je u ons onze hun haar mijn uw
    door tot na tegen zonder omdat want dus toch al meer veel hier daar nu niets iets
    alle eigen sinds tussen onder boven geweest waren staat staan gaat gaan komt komen
    berichten bericht gemeente gehackt stemmen stem kiezers verkiezing verkiezingen
"""
_ENGLISH_WORDS = """
    the a an and of that not on to be for with also at there but or by from yet which who
    what where how we they he she you it its our their his her my your this these those
    has have had can could must shall would will should been being are were does did do
    because so than then into about after before since account posted hacked voters vote
"""
DUTCH_STOP_WORDS = frozenset(_DUTCH_WORDS.split())
ENGLISH_STOP_WORDS = frozenset(_ENGLISH_WORDS.split())
WORD = re.compile(r"[a-zà-ÿ']+")
URL = re.compile(r"\S+://\S+|www\.\S+")

MIN_WORDS = 6
MIN_DUTCH_WORDS = 3  # a citation ("… van het stembiljet") in an English sentence is not Dutch
MIN_DUTCH_SHARE = 0.15


def dutch_share(text: str) -> tuple[float, float, int]:
    """``(share of Dutch stop words, share of English ones, number of words)``."""
    # A link's path may hold Dutch words ("/stemmen/geldig-stemmen"); it is not prose.
    words = WORD.findall(URL.sub(" ", text.lower()))
    if not words:
        return 0.0, 0.0, 0
    dutch = sum(1 for w in words if w in DUTCH_STOP_WORDS)
    english = sum(1 for w in words if w in ENGLISH_STOP_WORDS)
    return dutch / len(words), english / len(words), len(words)


def looks_dutch(text: str) -> bool:
    """True for a Dutch sentence or paragraph; False for English, a URL, a name, a number."""
    dutch, english, count = dutch_share(text)
    enough = count >= MIN_WORDS and round(dutch * count) >= MIN_DUTCH_WORDS
    return enough and dutch >= MIN_DUTCH_SHARE and dutch > english


def dutch_paragraphs(text: str) -> list[str]:
    """The Dutch in ``text``, per paragraph (blank-line separated): a Dutch paragraph without
    its English heading lines ("What happened:"), or the Dutch lines of an English one."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if looks_dutch(paragraph):
            found.append(_dutch_part(paragraph))
            continue
        lines = [line.strip() for line in paragraph.splitlines() if looks_dutch(line)]
        if lines:
            found.append("\n".join(lines))
    return found


def _dutch_part(paragraph: str) -> str:
    lines = paragraph.splitlines()
    while len(lines) > 1 and not looks_dutch(lines[0]) and looks_dutch("\n".join(lines[1:])):
        lines = lines[1:]
    return "\n".join(lines)

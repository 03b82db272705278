# SPDX-License-Identifier: EUPL-1.2
"""Tests for the pure narrative matching engine (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagdesk.narratives.matching import DEFAULT_MIN_SCORE, MatchIndex
from flagdesk.narratives.normalise import normalise, url_token

# The recurring narratives of domain.md §3, each with its false claim in Dutch and English.
NARRATIVES = {
    "two-boxes": "Kleur twee vakjes rood op het stembiljet, dan telt je stem voor allebei de "
    "partijen. Colour two boxes red on the ballot so your vote counts for both parties.",
    "colour": "Je mag met elke kleur pen of potlood stemmen, blauw of groen is ook geldig. "
    "You can vote with any colour pen or pencil, blue or green is valid too.",
    "writing": "Schrijf je naam of het woord blanco op het stembiljet om te laten zien dat je "
    "gestemd hebt. Write your name or blanco on the ballot paper to prove you voted.",
    "date-hours": "De verkiezingen zijn verplaatst naar donderdag, de stembureaus zijn open tot "
    "18.00 uur. The election has moved to Thursday and polling stations close at 6 pm.",
    "online": "Dit jaar kun je online stemmen via de app van de overheid met DigiD. This year "
    "you can vote online through the government app with DigiD.",
    "id-proxy": "Met een identiteitsbewijs dat langer dan 5 jaar verlopen is mag je stemmen en je "
    "mag 5 volmachten meenemen. An ID expired more than 5 years is accepted and you may carry 5 "
    "proxy votes.",
    "half-vote": "Als je op een kleine partij stemt telt je stem maar half mee. If you vote for a "
    "small party your vote only counts half.",
}

UNRELATED = {
    "programme-1": "Het verkiezingsprogramma van de partij wil meer geld voor zorg en onderwijs "
    "en een lagere inkomstenbelasting voor middeninkomens.",
    "programme-2": "The party manifesto promises affordable housing, more nurses and a higher "
    "minimum wage over the next four years.",
    "poll-1": "Volgens de nieuwste peiling van Ipsos I&O staat de grootste partij op 31 zetels, "
    "gevolgd door de coalitiepartner met 24 zetels.",
    "poll-2": "A new poll puts the opposition ahead by three seats with a week to go before "
    "election day in the Netherlands.",
    "debate": "Het lijsttrekkersdebat op televisie ging vooral over migratie, stikstof en de "
    "woningmarkt; de kijkcijfers waren hoog.",
}

PARAPHRASES = [
    ("two-boxes", "Als je 2 hokjes inkleurt op je stembriefje telt je stem dubbel!"),
    ("two-boxes", "Tip: gewoon beide vakjes rood maken, dan stem je op twee partijen tegelijk"),
    ("two-boxes", "Pro tip: fill in 2 boxes in red and your vote counts for both parties"),
    ("colour", "Een blauwe pen is prima hoor, de kleur op het stembiljet maakt niet uit"),
    ("colour", "Don't worry, a black or blue pencil works fine, any colour is valid on the ballot"),
    ("writing", "Zet je naam op het stembiljet, anders telt je stem niet"),
    ("writing", "Write blanco on your ballot if you don't like any party, it still counts"),
    (
        "date-hours",
        "Let op: de stembureaus sluiten dit jaar al om 18 uur, de verkiezing is donderdag",
    ),
    (
        "date-hours",
        "Heads up, polling stations close at 6 pm and the election was moved to Thursday",
    ),
    ("online", "Je kunt nu gewoon online stemmen met de app en je DigiD"),
    ("online", "No need to queue, just vote online with the app and DigiD this year"),
    ("id-proxy", "Je paspoort mag meer dan 5 jaar verlopen zijn en je kunt 5 volmachten meenemen"),
    ("id-proxy", "Your passport can be expired for over 5 years and you can bring 5 proxies"),
    ("half-vote", "Stem niet op een kleine partij, want dan telt je stem maar voor de helft"),
    ("half-vote", "Voting for a small party? Your vote only counts half, so don't bother"),
]


def normalise_text(text: str) -> str:
    """The normalised content of ``text`` as one string."""
    return normalise(text).text


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    match_index = MatchIndex(min_df_cap=50)
    match_index.add_many([*NARRATIVES.items(), *UNRELATED.items()])
    return match_index


@pytest.mark.parametrize(("narrative", "text"), PARAPHRASES)
def test_paraphrase_ranks_its_narrative_first(index: MatchIndex, narrative: str, text: str) -> None:
    matches = index.query(text)
    assert matches, f"no match for {text!r}"
    assert matches[0].key == narrative
    assert matches[0].score >= DEFAULT_MIN_SCORE


@pytest.mark.parametrize("key", sorted(UNRELATED))
def test_unrelated_election_text_matches_no_narrative(index: MatchIndex, key: str) -> None:
    matches = index.query(UNRELATED[key] + " Nog een zin erbij voor de variatie.")
    assert [match.key for match in matches if match.key in NARRATIVES] == []


@pytest.mark.parametrize(
    "text",
    [
        "Partij X wil de AOW-leeftijd verlagen en de huren bevriezen tot 2030.",
        "The latest poll shows a tight race between the two largest parties.",
        "Debat gemist? Kijk het terug op NPO Start, vanavond om acht uur.",
    ],
)
def test_unseen_unrelated_texts_match_no_narrative(index: MatchIndex, text: str) -> None:
    assert [match.key for match in index.query(text) if match.key in NARRATIVES] == []


@pytest.mark.parametrize("text", ["", "2 vakjes!", "stem rood", "two boxes lol", "verkiezingen"])
def test_very_short_texts_match_nothing(index: MatchIndex, text: str) -> None:
    assert index.query(text) == []


def test_short_texts_are_not_indexed() -> None:
    match_index = MatchIndex()
    assert match_index.add("short", "2 vakjes rood") is False
    assert "short" not in match_index
    assert len(match_index) == 0


def test_generic_word_alone_matches_nothing(index: MatchIndex) -> None:
    assert index.query("verkiezingen") == []
    assert index.query("Verkiezingen verkiezingen verkiezingen verkiezingen!") == []


def test_generic_shingles_do_not_link_everything() -> None:
    """300 different texts that all say "verkiezingen 2025": that phrase links none of them."""
    match_index = MatchIndex(min_df_cap=20, max_df_ratio=0.05)
    topics = ["zorg", "wonen", "klimaat", "onderwijs", "defensie", "landbouw", "pensioen"]
    match_index.add_many(
        (f"generic-{i}", f"Verkiezingen 2025 nieuws bericht {i}: {topics[i % 7]} {i * 7919}")
        for i in range(300)
    )
    assert match_index.query("Verkiezingen 2025 nieuws bericht vandaag") == []


def test_fan_out_is_capped_by_limit() -> None:
    match_index = MatchIndex(min_df_cap=100)  # 60 copies of one narrative are not "generic" here
    base = NARRATIVES["two-boxes"]
    match_index.add_many((f"copy-{i}", f"{base} Gezien op dag {i}.") for i in range(60))
    matches = match_index.query(PARAPHRASES[0][1], limit=5)
    assert len(matches) == 5
    assert len(match_index.query(PARAPHRASES[0][1])) == 10


def test_spelling_variants_and_typos_still_match(index: MatchIndex) -> None:
    for text in [
        "Kleur 2 hokjes rooie in op je stembiljetten, dan tellen ze allebei",
        "Kleur twee vakjse rood op het stembiljjet dan telt je stem voor allebij de partijen",
        "colour 2 boxs red on the balot so your vote counts for both partys",
    ]:
        matches = index.query(text)
        assert matches, text
        assert matches[0].key == "two-boxes", text


def test_spelling_variants_normalise_alike() -> None:
    assert normalise_text("vakjes hokje hokjes") == "vakje vakje vakje"
    assert normalise_text("stembiljetten stembriefje") == "stembiljet stembiljet"
    assert normalise_text("rode rood") == "rood rood"
    assert normalise_text("inkleuren") == normalise_text("kleur in")
    assert normalise_text("two boxes") == normalise_text("2 boxes")
    assert normalise_text("Één STEMBILJET, café") == "1 stembiljet cafe"


def test_url_token_drops_tracking_and_keeps_the_post() -> None:
    a = url_token("https://www.x.com/jan/status/123?s=20&utm_source=wa&fbclid=abc")
    b = url_token("http://x.com/jan/status/123/")
    c = url_token("https://x.com/jan/status/124")
    assert a == b
    assert a != c
    assert normalise("Zie https://www.x.com/jan/status/123?s=20.").urls == (a,)


def test_url_only_text_matches_entry_with_the_same_url(index: MatchIndex) -> None:
    match_index = MatchIndex()
    match_index.add_many([*NARRATIVES.items()])
    match_index.add(
        "signal-1",
        "Deze post zegt dat je twee vakjes rood mag maken https://x.com/jan/status/123?s=20",
    )
    matches = match_index.query("https://www.x.com/jan/status/123?utm_source=share")
    assert [match.key for match in matches] == ["signal-1"]
    assert match_index.query("https://www.x.com/piet/status/999") == []


def test_remove_forgets_the_entry() -> None:
    match_index = MatchIndex()
    match_index.add_many(NARRATIVES.items())
    match_index.remove("half-vote")
    match_index.remove("never-added")
    assert "half-vote" not in match_index
    assert all(m.key != "half-vote" for m in match_index.query(PARAPHRASES[-1][1]))


def test_adding_a_key_again_replaces_its_text() -> None:
    match_index = MatchIndex()
    match_index.add("n", NARRATIVES["online"])
    match_index.add("n", NARRATIVES["half-vote"])
    assert len(match_index) == 1
    assert match_index.query(PARAPHRASES[-1][1])[0].key == "n"
    assert match_index.query(PARAPHRASES[9][1]) == []


def test_results_are_deterministic_and_survive_save_and_load(
    index: MatchIndex, tmp_path: Path
) -> None:
    path = tmp_path / "index.pickle"
    index.save(path)
    loaded = MatchIndex.load(path)
    for _, text in PARAPHRASES:
        assert loaded.query(text) == index.query(text)
    rebuilt = MatchIndex(min_df_cap=50)
    rebuilt.add_many([*NARRATIVES.items(), *UNRELATED.items()])
    assert [rebuilt.query(text) for _, text in PARAPHRASES] == [
        index.query(text) for _, text in PARAPHRASES
    ]

# SPDX-License-Identifier: EUPL-1.2
"""Benchmark of the narrative matching engine (issue 5): build, memory, latency, recall.

    .venv/bin/python benchmarks/narratives.py [--size 1000000] [--queries 1000]
        [--recall-size 10000] [--recall-queries 200] [--seed 5] [--save PATH]

Signals are synthetic and deterministic: the seven recurring narratives of domain.md §3 as
Dutch and English templates with slot variations, typos, hashtags and share URLs (30 %), and
noise: random election and everyday sentences (70 %). Queries are fresh paraphrases and fresh
noise from another seed. Recall: on a sub-index of the first `--recall-size` signals, every
entry a brute-force rapidfuzz scan (same scorer, all entries) finds at or above the
threshold counts; recall@10 = found by the index / min(10, found by brute force).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process

from flagdesk.narratives.matching import (
    DEFAULT_MIN_SCORE,
    SCORE_WEIGHTS,
    MatchIndex,
)

TEMPLATES = {
    "two-boxes": [
        "{tip} kleur {two} {box} {red} op je {ballot}, dan telt je stem voor {both} partijen",
        "{tip} als je {two} {box} inkleurt op het {ballot} stem je op {both} tegelijk",
        "{tip} colour {two_en} {box_en} red on your ballot and your vote counts for {both_en}",
    ],
    "colour": [
        "{tip} je mag met een {colour} {pen} stemmen, de kleur op het {ballot} maakt niet uit",
        "{tip} een {colour} {pen} is ook geldig in het stemhokje, rood hoeft niet",
        "{tip} you can use a {colour_en} {pen_en} in the voting booth, any colour is valid",
    ],
    "writing": [
        "{tip} schrijf je naam op het {ballot}, anders telt je stem niet",
        "{tip} zet blanco op je {ballot} als je op niemand wilt stemmen, dat telt ook",
        "{tip} write your name or blanco on the ballot paper so they know you voted",
    ],
    "date-hours": [
        "{tip} de verkiezing is verplaatst naar {day}, stembureaus sluiten om {hour} uur",
        "{tip} stembureaus zijn dit jaar maar open tot {hour} uur, stemmen kan ook op {day}",
        "{tip} the election has moved to {day_en} and polling stations close at {hour} pm",
    ],
    "online": [
        "{tip} dit jaar kun je online stemmen via de {app} met je DigiD",
        "{tip} stemmen kan nu ook via internet, download de {app} en stem thuis",
        "{tip} you can vote online this year with the {app} and your DigiD",
    ],
    "id-proxy": [
        "{tip} je {idcard} mag meer dan {years} jaar verlopen zijn en je mag {n} volmachten meenemen",
        "{tip} met een {idcard} dat {years} jaar verlopen is mag je gewoon stemmen",
        "{tip} an ID expired more than {years} years is fine and you may carry {n} proxy votes",
    ],
    "half-vote": [
        "{tip} als je op een kleine partij stemt telt je stem maar half mee",
        "{tip} stem niet op {party}, want dan telt je stem maar voor de helft",
        "{tip} if you vote for {party} your vote only counts half",
    ],
}
SLOTS = {
    "tip": [
        "",
        "LET OP:",
        "Tip!",
        "Wist je dat",
        "Heads up:",
        "Pro tip:",
        "Breaking:",
        "Echt waar,",
    ],
    "two": ["twee", "2", "beide"],
    "two_en": ["two", "2", "both"],
    "box": ["vakjes", "hokjes", "rondjes", "vakjes"],
    "box_en": ["boxes", "squares", "circles"],
    "red": ["rood", "rood", "met rood potlood"],
    "ballot": ["stembiljet", "stembriefje", "stembiljet", "kieslijst"],
    "both": ["allebei de", "beide", "twee"],
    "both_en": ["both parties", "two parties", "both of them"],
    "colour": ["blauwe", "groene", "zwarte", "paarse"],
    "colour_en": ["blue", "green", "black", "purple"],
    "pen": ["pen", "potlood", "stift", "balpen"],
    "pen_en": ["pen", "pencil", "marker", "biro"],
    "day": ["donderdag", "vrijdag", "zaterdag", "30 oktober", "de dag erna"],
    "day_en": ["Thursday", "Friday", "Saturday", "the next day"],
    "hour": ["18", "19", "17", "6", "7"],
    "app": ["app van de overheid", "Kiesraad app", "stemapp", "government app", "MijnStem app"],
    "idcard": ["paspoort", "ID-kaart", "rijbewijs", "identiteitsbewijs"],
    "years": ["10", "7", "vijf", "5", "15"],
    "n": ["5", "drie", "3", "tien", "10"],
    "party": [
        "een kleine partij",
        "een nieuwe partij",
        "een partij zonder zetels",
        "a small party",
    ],
}
NOISE_WORDS = [
    "partij",
    "kabinet",
    "minister",
    "debat",
    "peiling",
    "zetels",
    "coalitie",
    "oppositie",
    "zorg",
    "wonen",
    "klimaat",
    "stikstof",
    "migratie",
    "onderwijs",
    "belasting",
    "pensioen",
    "koopkracht",
    "energie",
    "defensie",
    "landbouw",
    "gemeente",
    "provincie",
    "waterschap",
    "campagne",
    "lijsttrekker",
    "programma",
    "kandidaat",
    "kiezer",
    "uitslag",
    "formatie",
    "Kamer",
    "motie",
    "vanavond",
    "morgen",
    "gisteren",
    "week",
    "goed",
    "slecht",
    "nieuw",
    "groot",
    "klein",
    "snel",
    "echt",
    "altijd",
    "nooit",
    "misschien",
    "party",
    "cabinet",
    "minister",
    "debate",
    "poll",
    "seats",
    "coalition",
    "housing",
    "climate",
    "tax",
    "pension",
    "energy",
    "campaign",
    "leader",
    "manifesto",
    "candidate",
    "voters",
    "result",
    "tonight",
    "tomorrow",
    "great",
    "bad",
    "new",
    "big",
    "small",
    "weer",
    "voetbal",
    "koffie",
    "trein",
    "file",
    "vakantie",
    "school",
    "werk",
    "familie",
    "hond",
    "kat",
    "film",
    "muziek",
    "boek",
    "eten",
]
HASHTAGS = ["#TK2025", "#verkiezingen", "#GR2026", "#stemmen", "#EP2024", "#debat", ""]
HOSTS = ["x.com", "www.facebook.com", "www.tiktok.com", "t.me", "www.instagram.com"]


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters in one longer word, as people do."""
    words = text.split()
    long_words = [i for i, word in enumerate(words) if len(word) > 5]
    if not long_words:
        return text
    i = rng.choice(long_words)
    j = rng.randrange(1, len(words[i]) - 2)
    word = words[i]
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def share_url(rng: random.Random) -> str:
    host = rng.choice(HOSTS)
    return (
        f"https://{host}/user{rng.randrange(5000)}/status/{rng.randrange(10**9)}?utm_source=share"
    )


def narrative_signal(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES[rng.choice(list(TEMPLATES))])
    text = template.format(**{slot: rng.choice(values) for slot, values in SLOTS.items()})
    if rng.random() < 0.3:
        text = typo(text, rng)
    if rng.random() < 0.5:
        text += " " + " ".join(rng.choices(NOISE_WORDS, k=rng.randrange(1, 6)))
    if rng.random() < 0.3:
        text += " " + share_url(rng)
    return f"{text} {rng.choice(HASHTAGS)}".strip()


def noise_signal(rng: random.Random) -> str:
    sentences = [
        " ".join(rng.choices(NOISE_WORDS, k=rng.randrange(6, 16)))
        for _ in range(rng.randrange(1, 3))
    ]
    text = ". ".join(sentences)
    if rng.random() < 0.2:
        text += " " + share_url(rng)
    return f"{text} {rng.choice(HASHTAGS)}".strip()


def signals(count: int, seed: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for i in range(count):
        text = narrative_signal(rng) if rng.random() < 0.3 else noise_signal(rng)
        yield f"signal-{i}", text


def query_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1_000_003)
    return [narrative_signal(rng) if i % 2 == 0 else noise_signal(rng) for i in range(count)]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_latency(index: MatchIndex, queries: list[str]) -> tuple[list[float], int]:
    latencies_ms = []
    with_matches = 0
    for text in queries:
        start = time.perf_counter_ns()
        matches = index.query(text)
        latencies_ms.append((time.perf_counter_ns() - start) / 1e6)
        with_matches += bool(matches)
    return latencies_ms, with_matches


def brute_force_scores(queries: list[str], index: MatchIndex) -> list[dict[str, float]]:
    """Every entry's score for every query: the same blend, computed over all entries."""
    texts = index.scoring_texts()
    keys = list(texts)
    choices = [texts[key] for key in keys]
    query_strings = [index.scoring_text(query) for query in queries]
    scorers = (fuzz.token_set_ratio, fuzz.partial_ratio, fuzz.token_sort_ratio)
    blended = sum(
        weight * process.cdist(query_strings, choices, scorer=scorer, workers=-1)
        for weight, scorer in zip(SCORE_WEIGHTS, scorers, strict=True)
    )
    return [
        {
            keys[j]: float(row[j])
            for j in range(len(keys))
            if row[j] >= DEFAULT_MIN_SCORE and choices[j] and query_strings[i]
        }
        for i, row in enumerate(blended)
    ]


def measure_recall(items_count: int, query_count: int, seed: int) -> tuple[float, float, int]:
    """recall@10 and the share of queries whose best score the index also finds."""
    index = MatchIndex()
    index.add_many(signals(items_count, seed))
    queries = [text for text in query_texts(query_count * 2, seed + 7) if text][:query_count]
    truth = brute_force_scores(queries, index)
    found = possible = top_agree = with_truth = 0
    for query, expected in zip(queries, truth, strict=True):
        if index.scoring_text(query) == "" or not expected:
            continue
        got = index.query(query, limit=10)
        possible += min(10, len(expected))
        found += sum(1 for match in got if match.key in expected)
        with_truth += 1
        best = max(expected.values())
        top_agree += bool(got) and abs(got[0].score - round(best, 1)) < 0.11
    recall = found / possible if possible else 1.0
    return recall, top_agree / with_truth if with_truth else 1.0, with_truth


def machine() -> str:
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return f"{platform.machine()}, {os.cpu_count()} cores, {total_kib / 2**20:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--recall-size", type=int, default=10_000)
    parser.add_argument("--recall-queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--save", type=Path, help="also time save() and load() to this file")
    args = parser.parse_args()

    rss_before = current_rss_mib()
    index = MatchIndex()
    start = time.perf_counter()
    indexed = index.add_many(signals(args.size, args.seed))
    build_s = time.perf_counter() - start
    gc.collect()
    rss_after = current_rss_mib()
    print(f"built {indexed:,} of {args.size:,} in {build_s:.1f} s", file=sys.stderr)

    queries = query_texts(args.queries, args.seed)
    measure_latency(index, queries[:50])  # warm caches
    latencies, with_matches = measure_latency(index, queries)
    p = quantiles(latencies, n=100, method="inclusive")

    save_row = ""
    if args.save:
        start = time.perf_counter()
        index.save(args.save)
        save_s = time.perf_counter() - start
        start = time.perf_counter()
        MatchIndex.load(args.save)
        load_s = time.perf_counter() - start
        size_mib = args.save.stat().st_size / 2**20
        save_row = f"| save / load | {save_s:.1f} s / {load_s:.1f} s ({size_mib:,.0f} MiB) |\n"
    del index
    gc.collect()

    recall, top_agree, recall_queries = measure_recall(
        args.recall_size, args.recall_queries, args.seed
    )
    print(
        f"## Narrative matching, {args.size:,} signals\n\n"
        f"- machine: {machine()}\n"
        f"- command: `.venv/bin/python {' '.join(sys.argv)}`\n"
        f"- date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n\n"
        "| measure | value |\n|---|---|\n"
        f"| signals indexed (short ones skipped) | {indexed:,} of {args.size:,} |\n"
        f"| index build | {build_s:.1f} s ({args.size / build_s:,.0f} signals/s) |\n"
        f"| memory: RSS growth of the index / peak RSS | {rss_after - rss_before:,.0f} MiB / {peak_rss_mib():,.0f} MiB |\n"
        f"| query latency p50 / p95 / p99 ({args.queries:,} queries) | {p[49]:.2f} / {p[94]:.2f} / {p[98]:.2f} ms |\n"
        f"| queries with ≥ 1 match (min score {DEFAULT_MIN_SCORE:g}) | {with_matches / len(queries):.0%} |\n"
        f"{save_row}"
        f"| recall@10 vs brute force ({args.recall_size:,} entries, {recall_queries} queries with a brute-force match) | {recall:.3f} |\n"
        f"| best score found by the index = brute-force best | {top_agree:.3f} |"
    )


if __name__ == "__main__":
    main()

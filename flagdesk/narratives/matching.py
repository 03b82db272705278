# SPDX-License-Identifier: EUPL-1.2
"""Pure matching engine: which known narratives and earlier signals does a new text repeat?

Two stages, so a query stays fast on a million entries:

1. **Candidates** from MinHash LSH (datasketch) over character 4-grams of the normalised content
   words. Shingles inside words (not across them) make the sets insensitive to word order and
   tolerant of typos, which is what paraphrases and re-posts change. Entries that share a URL
   token are candidates too.
2. **Re-score** of at most `max_candidates` candidates with rapidfuzz (token set / partial /
   token sort blend) on the content words.

Fan-out is capped three ways, so one generic word cannot link everything (MISP's correlation
blow-up): shingles, words and URLs whose document frequency is above the cap don't take part,
an LSH bucket contributes at most `max_bucket` entries, and a query returns at most `limit`.
Keys are mapped to integer ids internally: sets of ints iterate in a fixed order, so results do
not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from flagdesk.narratives.normalise import URL_TOKEN_PREFIX, NormalisedText, normalise

MIN_CHARACTERS = 20
MIN_WORDS = 4
MIN_DISTINCT_CONTENT = 2
DEFAULT_MIN_SCORE = 52.0
URL_MATCH_SCORE = 90.0
SCORE_WEIGHTS = (0.45, 0.35, 0.20)  # token_set_ratio, partial_ratio, token_sort_ratio
MINHASH_SCHEME = "affine32"


@dataclass(frozen=True, slots=True)
class Match:
    """A key in the index that the query text probably repeats, scored 0–100."""

    key: str
    score: float


def is_too_short(text: NormalisedText) -> bool:
    """Very short texts ("verkiezingen!") say too little to link them to anything."""
    if text.urls:
        return False
    too_few_words = len(text.words) < MIN_WORDS or len(" ".join(text.words)) < MIN_CHARACTERS
    return too_few_words or len(set(text.content)) < MIN_DISTINCT_CONTENT


def word_shingles(words: Iterable[str], size: int) -> set[str]:
    """Character n-grams inside each padded word; a word shorter than n is one shingle."""
    shingles: set[str] = set()
    for word in words:
        if word.startswith(URL_TOKEN_PREFIX):
            continue  # URLs are matched exactly, through the URL index
        padded = f" {word} "
        if len(padded) <= size:
            shingles.add(padded)
        else:
            shingles.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return shingles


def similarity(query: str, entry: str) -> float:
    """Paraphrase-tolerant similarity of two content strings, 0–100."""
    set_weight, partial_weight, sort_weight = SCORE_WEIGHTS
    return (
        set_weight * fuzz.token_set_ratio(query, entry)
        + partial_weight * fuzz.partial_ratio(query, entry)
        + sort_weight * fuzz.token_sort_ratio(query, entry)
    )


class MatchIndex:
    """An in-memory index of texts by key; see the module docstring for how it matches."""

    def __init__(
        self,
        *,
        num_perm: int = 48,
        bands: int = 24,
        rows: int = 2,
        shingle_size: int = 4,
        max_df_ratio: float = 0.05,
        min_df_cap: int = 50,
        max_bucket: int = 300,
        max_candidates: int = 200,
        seed: int = 1,
    ) -> None:
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.max_df_ratio = max_df_ratio
        self.min_df_cap = min_df_cap
        self.max_bucket = max_bucket
        self.max_candidates = max_candidates
        self._permutations = MinHash(num_perm=num_perm, seed=seed).permutations
        self._seed = seed
        self._lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
        self._ids: dict[str, int] = {}
        self._keys: dict[int, str] = {}
        self._content: dict[int, tuple[str, ...]] = {}
        self._next_id = 0
        self._shingle_df: Counter[str] = Counter()
        self._word_df: Counter[str] = Counter()
        self._by_url: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._content)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    # -- document frequency -------------------------------------------------------------

    def df_cap(self) -> float:
        """Above this many entries a shingle, word or URL is generic and links nothing."""
        return max(self.min_df_cap, self.max_df_ratio * len(self))

    def _informative_shingles(self, words: Iterable[str]) -> set[str]:
        cap = self.df_cap()
        shingles = word_shingles(words, self.shingle_size)
        return {shingle for shingle in shingles if self._shingle_df[shingle] <= cap}

    def _informative_text(self, content: tuple[str, ...]) -> str:
        # URL tokens are left out: two posts on one host look alike to a fuzzy scorer but are
        # different posts. A URL counts through exact equality (URL_MATCH_SCORE) instead.
        cap = self.df_cap()
        return " ".join(
            word
            for word in content
            if self._word_df[word] <= cap and not word.startswith(URL_TOKEN_PREFIX)
        )

    def _count(self, content: tuple[str, ...], step: int) -> None:
        for shingle in word_shingles(content, self.shingle_size):
            self._shingle_df[shingle] += step
        for word in set(content):
            self._word_df[word] += step

    # -- adding and removing ------------------------------------------------------------

    def _minhash(self, shingles: set[str]) -> MinHash:
        minhash = MinHash(
            num_perm=self.num_perm,
            seed=self._seed,
            permutations=self._permutations,
            scheme=MINHASH_SCHEME,
        )
        minhash.update_batch(sorted(shingle.encode() for shingle in shingles))
        return minhash

    def add(self, key: str, text: str) -> bool:
        """Index `text` under `key` (replacing an earlier text); False if it is too short."""
        return self.add_many([(key, text)]) == 1

    def add_many(self, items: Iterable[tuple[str, str]]) -> int:
        """Index many texts; document frequencies are counted before any is indexed.

        Counting first means the generic shingles of a bulk load are known before the first
        signature is made. Returns how many texts were indexed (short ones are not).
        """
        accepted: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for key, text in items:
            if key in self._ids:
                self.remove(key)
                accepted.pop(key, None)
            normalised = normalise(text)
            if is_too_short(normalised):
                continue
            accepted[key] = (normalised.content, normalised.urls)
            self._count(normalised.content, +1)
            self._register(key, normalised.content)
        for key, (content, urls) in accepted.items():
            self._insert(self._ids[key], content, urls)
        return len(accepted)

    def _register(self, key: str, content: tuple[str, ...]) -> None:
        entry_id = self._next_id
        self._next_id += 1
        self._ids[key] = entry_id
        self._keys[entry_id] = key
        self._content[entry_id] = content

    def _insert(self, entry_id: int, content: tuple[str, ...], urls: tuple[str, ...]) -> None:
        for url in urls:
            self._by_url.setdefault(url, set()).add(entry_id)
        shingles = self._informative_shingles(content)
        if shingles:
            self._lsh.insert(entry_id, self._minhash(shingles), check_duplication=False)

    def remove(self, key: str) -> None:
        """Forget `key`; unknown keys are ignored."""
        entry_id = self._ids.pop(key, None)
        if entry_id is None:
            return
        del self._keys[entry_id]
        content = self._content.pop(entry_id)
        self._count(content, -1)
        for word in content:
            if word.startswith(URL_TOKEN_PREFIX) and word in self._by_url:
                self._by_url[word].discard(entry_id)
                if not self._by_url[word]:
                    del self._by_url[word]
        if entry_id in self._lsh:
            self._lsh.remove(entry_id)

    # -- querying -----------------------------------------------------------------------

    def query(
        self, text: str, *, limit: int = 10, min_score: float = DEFAULT_MIN_SCORE
    ) -> list[Match]:
        """The at most `limit` best entries that `text` repeats, best first."""
        normalised = normalise(text)
        if is_too_short(normalised) or limit < 1:
            return []
        candidates = self._candidates(normalised)
        shared_urls = {entry_id for url in normalised.urls for entry_id in self._url_hits(url)}
        query_text = self._informative_text(normalised.content)
        matches = []
        for entry_id in candidates:
            entry_text = self._informative_text(self._content[entry_id])
            score = similarity(query_text, entry_text) if query_text and entry_text else 0.0
            if entry_id in shared_urls:
                score = max(score, URL_MATCH_SCORE)
            if score >= min_score:
                matches.append(Match(self._keys[entry_id], round(score, 1)))
        matches.sort(key=lambda match: (-match.score, match.key))
        return matches[:limit]

    def _url_hits(self, url: str) -> set[int]:
        hits = self._by_url.get(url, set())
        return hits if len(hits) <= self.df_cap() else set()

    def _candidates(self, normalised: NormalisedText) -> list[int]:
        """Entries sharing the most LSH bands (or a URL) with the query, at most max_candidates."""
        votes: Counter[int] = Counter()
        for url in normalised.urls:
            votes.update(dict.fromkeys(self._url_hits(url), len(self._lsh.hashtables)))
        shingles = self._informative_shingles(normalised.content)
        if shingles:
            hashvalues = self._minhash(shingles).hashvalues
            for (start, end), table in zip(self._lsh.hashranges, self._lsh.hashtables, strict=True):
                bucket = table.get(self._lsh._H(hashvalues[start:end]))
                votes.update(itertools.islice(bucket, self.max_bucket))
        best = heapq.nlargest(
            self.max_candidates, votes.items(), key=lambda item: (item[1], -item[0])
        )
        return [entry_id for entry_id, _ in best]

    def scoring_text(self, text: str) -> str:
        """The string `query` re-scores for `text` (for brute-force checks)."""
        return self._informative_text(normalise(text).content)

    def scoring_texts(self) -> dict[str, str]:
        """Each key's re-scored string, as `query` sees it now (for brute-force checks)."""
        return {
            self._keys[entry_id]: self._informative_text(content)
            for entry_id, content in self._content.items()
        }

    # -- persistence --------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to `path` (pickle), so a large index is built once."""
        with Path(path).open("wb") as file:
            pickle.dump(self, file, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> MatchIndex:
        """Read an index written by `save`. Only load files this application wrote."""
        with Path(path).open("rb") as file:
            index = pickle.load(file)  # noqa: S301 - our own file, never user uploads
        if not isinstance(index, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        return index

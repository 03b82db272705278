# SPDX-License-Identifier: EUPL-1.2
"""One search over cases: by reference, by any form of a content URL, and by words in the
signals (organisation, platform, explanation) and in the assessment's and decisions' reasons.

Exact hits (the reference, or a URL that normalises to one a case holds) come first, then the
full-text hits by rank, then (when nothing matched exactly) cases whose reference contains
the text. The words are
matched by the database's own full-text index (migration ``intake/0006_search_text``):
PostgreSQL with the ``dutch`` configuration (stemming: "verkiezingen" finds "verkiezing"),
SQLite with FTS5 (whole words or their beginnings, accents ignored).

The user's text never reaches a query language: URLs are normalised by ``rules.urls`` (never
fetched), words are cut out of the text with a regular expression and handed to PostgreSQL's
``plainto_tsquery`` or quoted one by one for FTS5, so quotes, ``NEAR``, ``*``, ``-`` and column
filters are plain words or nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL

from flagdesk.intake.models import Case, CaseUrl
from flagdesk.intake.service import url_hash
from flagdesk.rules.urls import MAX_URL_LENGTH, InvalidUrl, url_forms

# The longest text looked at: a content URL is at most this long.
MAX_QUERY_LENGTH = MAX_URL_LENGTH
MAX_WORDS = 12
MAX_TEXT_LENGTH = 300
# The best this many full-text hits are ranked; a search that finds more is too broad to
# read through and is narrowed with the list's filters (which apply before the cut).
MAX_TEXT_HITS = 500
# Ranking costs most of a broad search's time (a word in one signal in ten: thousands of
# texts; a word every signal holds: all of them), so only the newest this many matching texts
# (after the list's filters) are ranked: on PostgreSQL those of the newest cases, on SQLite
# the newest texts, the order FTS5 reads its index in. Twice MAX_TEXT_HITS: at 100,000
# signals PostgreSQL finds the newest 1,000 in 6 ms and the newest 2,000 in 15 ms.
RANK_CANDIDATES = 1000
# A piece of a reference ("2023-00", "0042"): digits, letters and dashes, at most 20.
REFERENCE_LENGTH = 20
PARTIAL_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9-]{1,20}$")
# A word of at least this many letters also finds longer words it begins (SQLite has no
# Dutch stemmer: "verkiezing" then finds "verkiezingen").
PREFIX_MIN_LENGTH = 4
WORD = re.compile(r"\w+", re.UNICODE)


def search_cases(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """``cases`` narrowed to those ``text`` finds, best first; composes with any filter
    already on ``cases`` (and with more after). An empty text leaves ``cases`` as it is."""
    query = text.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return cases
    exact_ids = _exact_hits(cases, query)
    ranked_ids = [] if _looks_like_url(query) else _text_hits(cases, query)
    found = Q(pk__in=exact_ids) | Q(pk__in=ranked_ids)
    if not exact_ids and PARTIAL_REFERENCE.match(query):
        found |= Q(reference__icontains=query)  # Django escapes % and _ in icontains
    if not exact_ids and not ranked_ids:
        return cases.filter(found)  # partial references only, in the list's own order
    return (
        cases.filter(found)
        .annotate(search_order=_order_of(exact_ids, ranked_ids))
        .order_by("search_order", "-created_at", "-pk")
    )


def _order_of(exact_ids: list[int], ranked_ids: list[int]) -> RawSQL:
    """0 for exact hits, then the text rank's place, then the rest. One SQL ``CASE`` over
    integer ids that came from the database (on PostgreSQL an array lookup): Django's
    ``Case(When(...))`` with hundreds of branches cost more time to compile than the
    database took to run it."""
    column = f'"{Case._meta.db_table}"."id"'
    if connection.vendor == "postgresql":
        # PostgreSQL steps through a CASE's branches one by one for every row (500 hits x
        # 500 branches: 4 ms of the page); array_position scans the array in C.
        sql = (
            f"CASE WHEN {column} = ANY(%s::bigint[]) THEN 0"
            f" ELSE coalesce(array_position(%s::bigint[], {column}::bigint), %s) END"
        )
        return RawSQL(  # noqa: S611 (only our table name; the ids are parameters)
            sql, [exact_ids, ranked_ids, len(ranked_ids) + 1], output_field=IntegerField()
        )
    places = dict.fromkeys(exact_ids, 0)
    for place, pk in enumerate(ranked_ids, start=1):
        places.setdefault(pk, place)
    branches = " ".join("WHEN %s THEN %s" for _ in places)
    params: list[int] = [n for pair in places.items() for n in pair]
    sql = f"CASE {column} {branches} ELSE %s END"
    # Only our table name and placeholders are in the SQL; the ids are parameters.
    return RawSQL(sql, [*params, len(ranked_ids) + 1], output_field=IntegerField())  # noqa: S611


def without_credentials(text: str) -> str:
    """``text`` with the ``user:password@`` of a URL in it taken out (for the audit log and
    the normaliser, which refuses URLs with credentials)."""
    stripped = text.strip()
    if "@" not in stripped or any(ch.isspace() for ch in stripped):
        return text
    candidate = stripped if "://" in stripped else "https://" + stripped.removeprefix("//")
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return text
    if "@" not in parts.netloc:
        return text
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def url_hashes(query: str) -> list[str]:
    """The hashes ``CaseUrl`` keeps for every stored form of this URL; none if not a URL."""
    if any(ch.isspace() for ch in query):
        return []
    try:
        forms = url_forms(without_credentials(query))
    except InvalidUrl:
        return []
    return [url_hash(form) for form in forms]


def words_of(query: str) -> list[str]:
    return [word.lower() for word in WORD.findall(query)][:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 query of plain words, all required: each a quoted string (no operator, column
    filter or syntax error can come through), the longer ones also as a prefix."""
    return " ".join(
        f'"{word}"*' if len(word) >= PREFIX_MIN_LENGTH else f'"{word}"'
        for word in words
        if '"' not in word
    )


def _cut_at_word(text: str, length: int) -> str:
    # A word cut in half would be a different word, required like the rest.
    return text if len(text) <= length else text[: length + 1].rsplit(None, 1)[0]


def _looks_like_url(query: str) -> bool:
    return "/" in query and not any(ch.isspace() for ch in query)


def _exact_hits(cases: QuerySet[Case], query: str) -> list[int]:
    conditions = []
    if len(query) <= REFERENCE_LENGTH:
        # References are stored in capitals: an exact match uses the unique index.
        conditions.append(Q(reference=query.upper()))
    hashes = url_hashes(query)
    if hashes:
        conditions.append(Q(pk__in=CaseUrl.objects.filter(url_hash__in=hashes).values("case_id")))
    found: list[int] = []
    for condition in conditions:  # one query each: an OR of the two would scan the cases
        found += cases.filter(condition).order_by().values_list("pk", flat=True)[:MAX_TEXT_HITS]
    return found


def _text_hits(cases: QuerySet[Case], query: str) -> list[int]:
    """Ids of the cases (among ``cases``) whose texts hold every word, best rank first
    among the newest :data:`RANK_CANDIDATES` matching texts."""
    words = words_of(query)
    if not words:
        return []
    try:
        inner, inner_params = cases.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return []
    if connection.vendor == "postgresql":
        # The inner query is Django's own SQL of ``cases`` with its parameters kept apart.
        # The text itself, cut, not our words: PostgreSQL's parser reads "FD-2023-0002" in the
        # query the way it read it in the text. plainto_tsquery knows no operators.
        text = _cut_at_word(query, MAX_TEXT_LENGTH)
        sql = (
            "SELECT h.case_id, max(ts_rank(h.search_vector, q.query)) AS r FROM"  # noqa: S608
            " (SELECT s.case_id, s.search_vector FROM intake_searchtext s"
            "  WHERE s.search_vector @@ plainto_tsquery('dutch'::regconfig, %s)"
            f"  AND s.case_id IN ({inner}) ORDER BY s.case_id DESC LIMIT %s) AS h,"
            " plainto_tsquery('dutch'::regconfig, %s) AS q(query)"
            " GROUP BY h.case_id ORDER BY r DESC, h.case_id DESC LIMIT %s"
        )
        params = [text, *inner_params, RANK_CANDIDATES, text, MAX_TEXT_HITS]
    else:
        match = fts5_query(words)
        if not match:
            return []
        # bm25 is lower for better hits; FTS5 allows it only in the matching query itself,
        # not inside an aggregate, hence the materialised inner select. FTS5 reads the
        # matches newest first (rowid DESC) and bm25 is computed for the rows that pass the
        # filter only, so the LIMIT stops both after RANK_CANDIDATES: a word in every signal
        # ranked all 100,000 (100 ms). CROSS JOIN keeps FTS5 the outer loop: driven by a
        # rowid from the other table, FTS5 runs the whole match once per row (seconds).
        sql = (
            "WITH h AS MATERIALIZED"  # noqa: S608
            " (SELECT s.case_id AS case_id, bm25(intake_searchtext_fts) AS r"
            "  FROM intake_searchtext_fts CROSS JOIN intake_searchtext s"
            "  ON s.id = intake_searchtext_fts.rowid"
            f"  WHERE intake_searchtext_fts MATCH %s AND s.case_id IN ({inner})"
            "  ORDER BY intake_searchtext_fts.rowid DESC LIMIT %s)"
            " SELECT case_id, min(r) AS r FROM h"
            " GROUP BY case_id ORDER BY r ASC, case_id DESC LIMIT %s"
        )
        params = [match, *inner_params, RANK_CANDIDATES, MAX_TEXT_HITS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]

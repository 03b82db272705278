# SPDX-License-Identifier: EUPL-1.2
"""The partner rate limit: requests per API token in fixed windows, counted in the database.

Fixed windows (as "600/min" reads: at most 600 in each calendar minute) rather than DRF's
sliding log, because the count is one row that every web process increments with one
statement; a sliding log would have to keep and share every request's time. A client can
therefore send up to twice the rate across the boundary of two windows, which the nginx
limit per address (deploy/nginx) smooths.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from flagdesk.accounts.models import RateWindow

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


def parse_rate(text: str) -> Rate:
    """``"600/min"`` → ``Rate(600, 60)``; the unit is read from its first letter, as DRF does."""
    number, _, unit = text.partition("/")
    if not number.strip().isdigit() or not unit or unit[0] not in UNITS:
        raise ValueError(f"not a rate: {text!r} (e.g. 600/min)")
    return Rate(int(number), UNITS[unit[0]])


def count_request(key: str, rate: Rate, now: float | None = None) -> Verdict:
    """Count one request of ``key`` in the current window and say whether it is allowed."""
    now = time.time() if now is None else now
    period = int(now // rate.seconds)
    count = _increment(key, period)
    if count == 1:
        # The first request of a window clears the key's earlier windows: the table holds
        # about one row per token, with no cleaning job.
        RateWindow.objects.filter(key=key, period__lt=period).delete()
    retry_after = max(1, int((period + 1) * rate.seconds - now + 0.999))
    return Verdict(count <= rate.requests, count, retry_after)


def _increment(key: str, period: int) -> int:
    if connection.features.can_return_columns_from_insert:
        return _upsert(key, period)
    return _increment_with_orm(key, period)


def _upsert(key: str, period: int) -> int:
    """One statement, atomic on both databases: insert the window's row or count it up."""
    quote = connection.ops.quote_name
    table = quote(RateWindow._meta.db_table)
    key_col, period_col, count_col = quote("key"), quote("period"), quote("count")
    # Identifiers only (quoted, from the model); the values go in as parameters.
    sql = (
        f"INSERT INTO {table} ({key_col}, {period_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}, {period_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, period])
        row = cursor.fetchone()
    return int(row[0])


def _increment_with_orm(key: str, period: int) -> int:
    """For SQLite before 3.35 (no RETURNING): count up, or create, in one transaction."""
    with transaction.atomic():
        rows = RateWindow.objects.filter(key=key, period=period)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, period=period, count=1)
            except IntegrityError:  # another process created it just now
                rows.update(count=F("count") + 1)
        return int(rows.values_list("count", flat=True).get())

# SPDX-License-Identifier: EUPL-1.2
"""The partner rate limit: requests per API token in fixed windows, shared through the database.

The window's quota lives in one database row per token and window, which every web process
counts into, so the limit holds however many gunicorn workers run. Counting every request
there would add a write to every API call (16 % of intake's throughput on SQLite, measured),
so a process takes a **lease** of several requests at once (one ``INSERT … ON CONFLICT …
RETURNING``) and hands them out from memory:

- never more than the rate in a window, whatever the number of processes: the row counts
  every lease, and a lease is granted only from what is left;
- a process can hold leased requests it does not use while another is refused: at most
  ``lease − 1`` per process and window, 11 of 600 a minute per worker by default;
- a process that found the window spent remembers it until the window ends, so a refused
  client does not cost a write per request.

Fixed windows (as "600/min" reads: at most 600 in each calendar minute) rather than DRF's
sliding log: a client can send up to twice the rate across the boundary of two windows,
which the nginx limit per address (deploy/nginx) smooths.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from flagdesk.accounts.models import RateWindow
from flagdesk.core.rates import Rate, parse_rate

__all__ = ["Limiter", "Rate", "Verdict", "limiter", "parse_rate"]

# This process found the window's quota used up: no more leases until the window ends.
SPENT = -1


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


@dataclass
class Limiter:
    """One process's leases. The web process has one (:data:`limiter`); tests make several
    to play several processes."""

    # (key, window) → requests leased and not yet handed out, or SPENT.
    leases: dict[tuple[str, int], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count_request(self, key: str, rate: Rate, now: float | None = None) -> Verdict:
        """Count one request of ``key`` in the current window; say whether it is allowed."""
        now = time.time() if now is None else now
        period = int(now // rate.seconds)
        retry_after = max(1, int((period + 1) * rate.seconds - now + 0.999))
        with self.lock:
            left = self.leases.get((key, period), 0)
            if left == 0:
                left = self._lease(key, period, rate) or SPENT
            allowed = left > 0
            self.leases[(key, period)] = left - 1 if allowed else SPENT
        return Verdict(allowed, retry_after)

    def _lease(self, key: str, period: int, rate: Rate) -> int:
        # Only the current window matters from here on, for this key.
        for stale in [k for k in self.leases if k[0] == key and k[1] != period]:
            del self.leases[stale]
        counted = _add(key, period, rate.lease)
        if counted == rate.lease:
            # The window's first lease clears the key's earlier windows: the table holds
            # about one row per token, with no cleaning job.
            RateWindow.objects.filter(key=key, period__lt=period).delete()
        # What this lease may use: its size, less what it counted beyond the rate.
        return max(0, min(rate.lease, rate.requests - (counted - rate.lease)))


limiter = Limiter()


def _add(key: str, period: int, amount: int) -> int:
    """Add ``amount`` to the window's count and return the new count."""
    if connection.features.can_return_columns_from_insert:
        return _upsert(key, period, amount)
    return _add_with_orm(key, period, amount)


def _upsert(key: str, period: int, amount: int) -> int:
    """One statement, atomic on both databases: insert the window's row or count it up."""
    quote = connection.ops.quote_name
    table = quote(RateWindow._meta.db_table)
    key_col, period_col, count_col = quote("key"), quote("period"), quote("count")
    # Identifiers only (quoted, from the model); the values go in as parameters.
    sql = (
        f"INSERT INTO {table} ({key_col}, {period_col}, {count_col}) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({key_col}, {period_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + %s RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, period, amount, amount])
        row = cursor.fetchone()
    return int(row[0])


def _add_with_orm(key: str, period: int, amount: int) -> int:
    """For SQLite before 3.35 (no RETURNING): count up, or create, in one transaction."""
    with transaction.atomic():
        rows = RateWindow.objects.filter(key=key, period=period)
        if not rows.update(count=F("count") + amount):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, period=period, count=amount)
            except IntegrityError:  # another process created it just now
                rows.update(count=F("count") + amount)
        return int(rows.values_list("count", flat=True).get())

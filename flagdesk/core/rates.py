# SPDX-License-Identifier: EUPL-1.2
"""A rate such as ``600/min``: read once, by the settings (to refuse a bad one at start-up)
and by the partner rate limit (accounts/ratelimit.py). No Django models here, so that
settings.py can use it."""

from __future__ import annotations

from dataclasses import dataclass

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# The rate limit leases a fiftieth of the rate at a time, between 1 and 100 requests.
LEASE_SHARE = 50
LONGEST_LEASE = 100


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @property
    def lease(self) -> int:
        return max(1, min(LONGEST_LEASE, self.requests // LEASE_SHARE))


def parse_rate(text: str) -> Rate:
    """``"600/min"`` → ``Rate(600, 60)``; the unit is read from its first letter, as DRF does."""
    number, _, unit = text.partition("/")
    if not number.strip().isdigit() or not unit or unit[0] not in UNITS:
        raise ValueError(f"not a rate: {text!r} (e.g. 600/min)")
    return Rate(int(number), UNITS[unit[0]])

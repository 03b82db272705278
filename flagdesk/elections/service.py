# SPDX-License-Identifier: EUPL-1.2
"""Public API of the elections app.

The election table is small reference data that changes a few times a year, yet every API
signal asks for the current election. So each process keeps the list for a short while
(:data:`CACHE_SECONDS`): a change saved in this process clears it at once, other processes
see it after at most that long, and an election code that is not in the list is always
looked up in the database, so a newly added election is never refused.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from flagdesk.audit import service as audit
from flagdesk.elections.models import Election

# When several elections share a day (PS, WS and the Caribbean councils in March), the one
# most signals are about comes first.
PRIORITY = ["TK", "EP", "GR", "PS", "WS", "EK", "CN"]

CACHE_SECONDS = 30.0

_cache: dict[str, Any] = {"elections": None, "until": 0.0}


def current_election(day: dt.date | None = None) -> Election | None:
    """The election whose attention window holds ``day``, else the next one, else the latest."""
    return pick_current(_elections(), day or timezone.localdate())


def pick_current(elections: Sequence[Election], day: dt.date) -> Election | None:
    """:func:`current_election` over a given list (pure: no database)."""
    active = [e for e in elections if e.attention_start <= day <= e.attention_end]
    upcoming = [e for e in elections if e.election_day >= day]
    for candidates in (active, upcoming):
        if candidates:
            first_day = min(e.election_day for e in candidates)
            same_day = [e for e in candidates if e.election_day == first_day]
            return min(same_day, key=lambda e: (PRIORITY.index(e.type), e.code))
    # The model's ordering: latest election day first.
    return min(elections, key=lambda e: (-e.election_day.toordinal(), e.code), default=None)


def picker_label(election: Election) -> str:
    """How a picker names an election: name, kind and date, since several share one day."""
    return _("%(name)s · %(kind)s · %(day)s") % {
        "name": election.name,
        "kind": election.get_type_display(),
        "day": date_format(election.election_day, "DATE_FORMAT"),
    }


def default_explained(chosen: Election | None, day: dt.date | None = None) -> str:
    """Why ``chosen`` (the default) was preselected when other elections share its day."""
    if chosen is None:
        return ""
    others = [
        e for e in _elections() if e.election_day == chosen.election_day and e.pk != chosen.pk
    ]
    if not others:
        return ""
    why = (
        _("its attention window is open now")
        if chosen.in_attention_window(day)
        else _("it is the next election")
    )
    return _(
        "%(count)d elections are held on %(day)s. “%(chosen)s” is preselected because %(why)s "
        "and it comes first in the order %(order)s; choose %(others)s "
        "if the signal concerns that election."
    ) % {
        "count": len(others) + 1,
        "day": date_format(chosen.election_day, "DATE_FORMAT"),
        "chosen": chosen.name,
        "why": why,
        "others": _(" or ").join(f"“{e.name}”" for e in others),
        "order": ", ".join(PRIORITY),
    }


def get_election(code: str) -> Election | None:
    wanted = code.lower()
    for election in _elections():
        if election.code.lower() == wanted:
            return election
    return Election.objects.filter(code__iexact=code).first()


class WindowError(ValueError):
    pass


def set_attention_window(
    election: Election, start: dt.date, end: dt.date, *, actor: Any = None
) -> Election:
    """Move an election's attention window (audited): partners file signals only inside it.

    The window must hold election day, as the database's check constraint also demands.
    """
    if not start <= election.election_day <= end:
        raise WindowError(
            f"the window {start}..{end} must hold election day {election.election_day}"
        )
    before = {"attention_start": election.attention_start, "attention_end": election.attention_end}
    election.attention_start, election.attention_end = start, end
    with transaction.atomic():
        election.save(update_fields=["attention_start", "attention_end"])
        audit.log_changes(
            "election_window_changed",
            election,
            actor=actor,
            before={k: str(v) for k, v in before.items()},
            after={"attention_start": str(start), "attention_end": str(end)},
        )
    return election


def set_english_name(election: Election, name: str, *, actor: Any = None) -> Election:
    """The election's name in English notices (audited); empty: derived from its type."""
    name = " ".join(name.split())
    if len(name) > 200:
        raise WindowError("an English name has at most 200 characters")
    before = election.name_en
    election.name_en = name
    with transaction.atomic():
        election.save(update_fields=["name_en"])
        audit.log_changes(
            "election_english_name_changed",
            election,
            actor=actor,
            before={"name_en": before},
            after={"name_en": name},
        )
    return election


def all_elections() -> list[Election]:
    return list(Election.objects.all())


def _elections() -> list[Election]:
    cached = _cache["elections"]
    if cached is not None and time.monotonic() < _cache["until"]:
        return list(cached)
    elections = list(Election.objects.all())
    # Never keep what an open transaction may still roll back.
    if not connection.in_atomic_block:
        _cache.update(elections=elections, until=time.monotonic() + CACHE_SECONDS)
    return elections


def forget_cached_elections(**_kwargs: Any) -> None:
    _cache.update(elections=None, until=0.0)


post_save.connect(forget_cached_elections, sender=Election, dispatch_uid="elections-cache-save")
post_delete.connect(forget_cached_elections, sender=Election, dispatch_uid="elections-cache-del")

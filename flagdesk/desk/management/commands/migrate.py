# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk migrate``: Django's migrate, refused while workers report.

A worker of the old release that meets the new schema fails in ways nobody sees (issue 18:
a NOT NULL column left a notice stuck). The upgrade (docs/deployment.md) stops the workers,
migrates with the new release, then starts them on the new code; this check makes the
order hard to get wrong. ``--force`` is for the operator who knows the workers are gone
(e.g. a host that died without recording its stop) or that the migration is harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DatabaseError, connections
from django.utils import timezone

from flagdesk.core.models import WorkerHeartbeat


class Command(DjangoMigrate):
    help = (
        "Update the database schema (Django's migrate). Refused while `flagdesk worker` "
        "processes report: stop them first, or pass --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Migrate even though workers report (they may meet a schema they don't know).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        changes_nothing = options.get("plan") or options.get("check_unapplied")
        if not options.get("force") and not changes_nothing:
            live = live_workers(options["database"])
            if live:
                raise CommandError(refusal(live))
        super().handle(*args, **options)


def live_workers(alias: str) -> list[WorkerHeartbeat]:
    """Workers that reported within FLAGDESK_WORKER_STALE_SECONDS and did not stop; none on
    a database that has no heartbeat table yet (a first install)."""
    connection = connections[alias]
    if WorkerHeartbeat._meta.db_table not in connection.introspection.table_names():
        return []
    limit = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    try:
        return list(
            WorkerHeartbeat.objects.using(alias)
            .filter(stopped_at__isnull=True, last_seen__gte=limit)
            .only("hostname", "pid", "last_seen")
            .order_by("hostname", "pid")
        )
    except DatabaseError as exc:  # a heartbeat table of another release: say so, don't guess
        raise CommandError(
            f"could not tell whether workers run ({type(exc).__name__}); stop them and "
            "run `flagdesk migrate --force`"
        ) from exc


def refusal(live: list[WorkerHeartbeat]) -> str:
    lines = [
        f"  {beat.hostname} pid {beat.pid}, last seen "
        f"{beat.last_seen.isoformat(timespec='seconds')}"
        for beat in live
    ]
    return "\n".join(
        [
            f"{len(live)} worker(s) still report; a worker of the running release must not meet "
            "the new schema:",
            *lines,
            "Stop them first (systemctl stop 'flagdesk-worker@*'), then migrate; "
            "or pass --force if they are gone.",
        ]
    )

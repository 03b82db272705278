# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk notifications purge``: delete old staff notifications now (the worker does it
nightly); ``--dry-run`` only counts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from flagdesk.notifications import service

CLI_ACTOR = "flagdesk notifications"


class Command(BaseCommand):
    help = (
        "Staff notifications: `purge` deletes read ones older than "
        "FLAGDESK_NOTIFICATIONS_KEEP_DAYS and unread ones older than "
        "FLAGDESK_NOTIFICATIONS_KEEP_UNREAD_DAYS, and prints how many."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Delete old notifications now (audited).")
        purge.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args: Any, action: str, dry_run: bool = False, **options: Any) -> None:
        purge = service.purge_old(dry_run=dry_run, actor=CLI_ACTOR)
        verb = "would delete" if purge.dry_run else "deleted"
        self.stdout.write(
            f"{verb} {purge.total} notifications: {purge.read} read (older than "
            f"{_days(settings.NOTIFICATIONS_KEEP_DAYS)}), {purge.unread} unread (older than "
            f"{_days(settings.NOTIFICATIONS_KEEP_UNREAD_DAYS)})"
        )


def _days(days: int) -> str:
    return f"{days} days" if days > 0 else "never: kept forever"

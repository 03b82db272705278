# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk notices``: the operator's view of notices nothing will send, and the way to
queue them again after the cause is fixed (the case page offers the same to assessors)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.notices import service, template_cli
from flagdesk.notices.models import Notice


class Command(BaseCommand):
    help = (
        "Work with notices: `stuck` lists the notices waiting to be sent that nothing will "
        "send; `requeue ID` queues a stuck notice again (audited; sent once); `template "
        "list|show|export|import|activate|use-file` manages the notice templates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("stuck", help="List stuck notices: id, case, platform, why (exit 1 if any).")
        requeue = sub.add_parser("requeue", help="Queue a stuck notice again by its id.")
        requeue.add_argument("notice_id", type=int, help="The notice's id (from `stuck`).")
        template_cli.add_arguments(sub.add_parser("template", help="The notice templates."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "template":
            template_cli.handle(options, self.stdout)
        elif options["action"] == "stuck":
            self._list_stuck()
        else:
            self._requeue(options["notice_id"])

    def _list_stuck(self) -> None:
        stuck = service.stuck_notices()
        for item in stuck:
            notice = item.notice
            self.stdout.write(
                f"{notice.pk}\t{notice.case.reference}\t{notice.platform.name}\t{item.reason}"
            )
        if stuck:
            raise CommandError(f"{len(stuck)} stuck notice(s)", returncode=1)
        self.stdout.write("no stuck notices")

    def _requeue(self, notice_id: int) -> None:
        notice = Notice.objects.filter(pk=notice_id).first()
        if notice is None:
            raise CommandError(f"no notice {notice_id}")
        try:
            service.requeue_stuck(notice, None)
        except service.NoticeError as exc:
            raise CommandError(f"notice {notice_id}: {exc}") from exc
        self.stdout.write(f"notice {notice_id} queued again")

# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk election``: the election calendar and its attention windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from flagdesk.elections import service

# Shown as the actor in the audit log: no user is logged in on the command line.
CLI_ACTOR = "cli"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "The election calendar: `list` shows each election with its attention window (partners "
        "file signals only inside one); `window` moves an election's window (audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List the elections, their days and attention windows.")
        window = sub.add_parser("window", help="Set an election's attention window (audited).")
        window.add_argument("code", help="The election's code, e.g. PS2027.")
        window.add_argument("start", type=_date, help="First day of the window (YYYY-MM-DD).")
        window.add_argument("end", type=_date, help="Last day of the window (YYYY-MM-DD).")
        english = sub.add_parser(
            "english-name", help="Set the election's name in English notices (audited)."
        )
        english.add_argument("code", help="The election's code, e.g. PS2027.")
        english.add_argument("name", help="The English name; empty: derived from the type.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        election = service.get_election(options["code"])
        if election is None:
            raise CommandError(f"no election {options['code']!r} (see `flagdesk election list`)")
        if options["action"] == "english-name":
            try:
                service.set_english_name(election, options["name"], actor=CLI_ACTOR)
            except service.WindowError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{election.code}: {election.english_name}")
            return
        try:
            service.set_attention_window(
                election, options["start"], options["end"], actor=CLI_ACTOR
            )
        except service.WindowError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{election.code}: attention window {election.attention_start} .. "
            f"{election.attention_end}"
        )

    def _list(self) -> None:
        today = timezone.localdate()
        for election in sorted(service.all_elections(), key=lambda e: (e.election_day, e.code)):
            open_now = "  open now" if election.in_attention_window(today) else ""
            self.stdout.write(
                f"{election.code:<8} {election.election_day}  window "
                f"{election.attention_start} .. {election.attention_end}{open_now}"
            )

# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk redact``: print a text with its personal data replaced by the Woo ground."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from flagdesk.redaction.engine import OrganisationProfile, redact

MAX_INPUT_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Print the text from FILE (or standard input) with each personal-data finding that is "
        "redacted by default replaced by its Woo ground, e.g. [5.1.2e]. Exit 2 on unreadable input."
    )
    # A filter in a pipeline: no system checks (their warnings would go to stderr) and no
    # database; only the organisation's settings are read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="Text file; - for stdin.")
        parser.add_argument("--lang", choices=["auto", "nl", "en"], default="auto")
        parser.add_argument(
            "--allow", action="append", default=[], metavar="TERM", help="Never redact TERM."
        )
        parser.add_argument(
            "--deny", action="append", default=[], metavar="TERM", help="Always redact TERM."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = _read(options["file"])
        except (OSError, ValueError) as exc:
            message = str(exc).replace("\n", " ")
            sys.stderr.write(f"flagdesk redact: unreadable input: {message}\n")
            sys.exit(2)
        output = redact(
            text,
            lang=options["lang"],
            allow=options["allow"],
            deny=options["deny"],
            profile=organisation_profile(),
        )
        self.stdout.write(output, ending="")


def organisation_profile() -> OrganisationProfile:
    """The organisation's own name, domains, address and handles, from the settings."""
    return OrganisationProfile(
        name=settings.ORGANISATION_NAME,
        domains=tuple(settings.ORGANISATION_DOMAINS),
        address_lines=tuple(settings.ORGANISATION_ADDRESS),
        public_handles=tuple(settings.PUBLIC_HANDLES),
        allow=tuple(settings.REDACTION_ALLOW),
        deny=tuple(settings.REDACTION_DENY),
        keep_addresses=tuple(settings.REDACTION_KEEP_ADDRESSES),
        role_words=tuple(settings.REDACTION_ROLE_WORDS),
    )


def _read(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        with open(name, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise ValueError("input is larger than 10 MB")
    return data.decode("utf-8")

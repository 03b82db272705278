# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk platform``: show the platforms and set a platform's channel and settings."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.platforms.forms import change_platform
from flagdesk.platforms.models import ChannelKind, Platform

# Shown as the actor in the audit log: no user is logged in on the command line.
CLI_ACTOR = "cli"

# Option → platform field, for the options that set one field as given.
TEXT_OPTIONS = {
    "name": "name",
    "address": "channel_address",
    "language": "channel_language",
    "policy_name": "policy_name",
    "policy_url": "policy_url",
    "citizen_report_url": "citizen_report_url",
    "hosts": "hosts",
    "mail_domains": "mail_domains",
    "aliases": "aliases",
}
SLA_OPTIONS = ("sla_decision_minutes", "sla_approval_minutes", "sla_ack_minutes")


def minutes(value: str) -> int | None:
    """A number of minutes, or "default" for the deployment's default (FLAGDESK_SLA_*)."""
    if value.strip().lower() == "default":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a whole number of minutes, or default") from exc


class Command(BaseCommand):
    help = (
        "Platforms: `list` shows each platform's channel, `set CODE …` changes a platform's "
        "channel, address, policy, domains and service levels, with the same checks as the "
        "administrator's platform page, audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List the platforms with their channel and address.")
        change = sub.add_parser("set", help="Change a platform's settings (only those given).")
        change.add_argument("code", metavar="CODE", help="The platform's key, e.g. x or meta.")
        change.add_argument("--name", help="The platform's name.")
        change.add_argument(
            "--channel",
            choices=[str(kind) for kind in ChannelKind],
            help="The channel kind: email or portal.",
        )
        change.add_argument(
            "--address",
            metavar="ADDRESS",
            help="The channel's address: an e-mail address, or the https:// URL of a portal.",
        )
        change.add_argument(
            "--portal-url",
            metavar="URL",
            help="The web portal's https:// URL: the same as --channel portal --address URL.",
        )
        change.add_argument("--language", help="The language of its notices: en or nl.")
        active = change.add_mutually_exclusive_group()
        active.add_argument(
            "--active",
            dest="channel_active",
            action="store_true",
            default=None,
            help="The channel can be used now.",
        )
        active.add_argument(
            "--inactive",
            dest="channel_active",
            action="store_false",
            help="The channel cannot be used now (no notices go out).",
        )
        change.add_argument("--policy-name", metavar="TEXT", help="The election policy's name.")
        change.add_argument("--policy-url", metavar="URL", help="The election policy's URL.")
        change.add_argument(
            "--citizen-report-url", metavar="URL", help="Where citizens report to the platform."
        )
        change.add_argument(
            "--hosts", metavar="HOST,…", help="Host names of its content, e.g. x.com,twitter.com."
        )
        change.add_argument(
            "--mail-domains",
            metavar="DOMAIN,…",
            help="Domains its mail comes from, e.g. x.com,twitter.com (no wildcards).",
        )
        change.add_argument(
            "--aliases", metavar="ALIAS,…", help="Other names signallers use (replaces them)."
        )
        for option in SLA_OPTIONS:
            change.add_argument(
                "--" + option.replace("_", "-"),
                type=minutes,
                metavar="MINUTES",
                default=argparse.SUPPRESS,
                help="This platform's service level in minutes; default: the deployment's.",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
        else:
            self._set(options)

    def _list(self) -> None:
        for platform in Platform.objects.order_by("slug"):
            state = "active" if platform.channel_active else "inactive"
            self.stdout.write(
                f"{platform.slug:<10} {platform.channel_kind:<7} {state:<9} "
                f"{platform.channel_address or '-'}"
            )

    def _set(self, options: dict[str, Any]) -> None:
        platform = Platform.objects.filter(slug=options["code"].lower()).first()
        if platform is None:
            raise CommandError(f"no platform with key {options['code']!r}")
        changes = changes_from(options)
        if not changes:
            raise CommandError("nothing to change: give at least one option (see --help)")
        try:
            change_platform(platform, changes, CLI_ACTOR)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
            ) from exc
        self.stdout.write(f"Platform {platform.slug} saved: {', '.join(sorted(changes))}.")


def changes_from(options: dict[str, Any]) -> dict[str, Any]:
    changes = {
        field: options[option]
        for option, field in TEXT_OPTIONS.items()
        if options.get(option) is not None
    }
    if options.get("channel"):
        changes["channel_kind"] = options["channel"]
    if options.get("portal_url") is not None:
        if "channel_address" in changes or changes.get("channel_kind", "portal") != "portal":
            raise CommandError("--portal-url sets the channel: leave out --address and --channel")
        changes |= {"channel_kind": ChannelKind.PORTAL, "channel_address": options["portal_url"]}
    if options.get("channel_active") is not None:
        changes["channel_active"] = options["channel_active"]
    changes |= {option: options[option] for option in SLA_OPTIONS if option in options}
    return changes

# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk token``: issue, list and revoke API tokens from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.accounts import service
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User

# Shown as the actor in the audit log: no user is logged in on the command line.
CLI_ACTOR = "cli"


class Command(BaseCommand):
    help = (
        "Manage API tokens: `create` issues one (the raw token is printed once), `list` "
        "shows all tokens, `revoke` withdraws one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print it (only this once).")
        owner = create.add_mutually_exclusive_group(required=True)
        owner.add_argument(
            "--partner", metavar="NAME", help="Name of the partner organisation the token is for."
        )
        owner.add_argument(
            "--user", metavar="USERNAME", help="Username of the staff member the token is for."
        )
        create.add_argument(
            "--name",
            required=True,
            metavar="LABEL",
            help="What the token is for, to recognise it later.",
        )
        sub.add_parser("list", help="List all tokens with owner, use and status.")
        revoke = sub.add_parser("revoke", help="Revoke the active token with this prefix.")
        revoke.add_argument(
            "prefix", metavar="PREFIX", help="The token's first characters, as shown by `list`."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options["partner"], options["user"], options["name"])
        elif options["action"] == "list":
            self._list()
        else:
            self._revoke(options["prefix"])

    def _create(self, partner: str | None, username: str | None, name: str) -> None:
        if partner is not None:
            org = PartnerOrganisation.objects.filter(name__iexact=partner).first()
            if org is None:
                raise CommandError(f"no partner organisation named {partner!r}")
            token, raw = service.issue_token(name=name, organisation=org, actor=CLI_ACTOR)
        else:
            user = User.objects.filter(username=username).first()
            if user is None or not user.is_staff_member:
                raise CommandError(f"no active staff member with username {username!r}")
            token, raw = service.issue_token(name=name, user=user, actor=CLI_ACTOR)
        self.stdout.write(f"Token {token.prefix}… issued. Copy it now, it is not shown again:")
        self.stdout.write(raw)

    def _list(self) -> None:
        tokens = ApiToken.objects.select_related("user", "organisation").order_by("created_at")
        for token in tokens:
            owner = token.organisation.name if token.organisation else token.user.get_username()
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            status = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.prefix:<12} {token.name:<24} {owner:<28} "
                f"{token.created_at:%Y-%m-%d} used:{used:<16} {status}"
            )

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.rstrip("…").strip()
        matches = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if not matches:
            raise CommandError(f"no active token with prefix {prefix!r}")
        if len(matches) > 1:
            raise CommandError(
                f"{len(matches)} active tokens share prefix {prefix!r}; "
                "revoke them in the web interface"
            )
        service.revoke_token(matches[0], actor=CLI_ACTOR)
        self.stdout.write(f"Token {prefix}… ({matches[0].name}) revoked.")

# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk partner``: add, list and deactivate partner organisations."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from flagdesk.accounts import service
from flagdesk.accounts.constants import PARTNER_SOURCE_TYPES
from flagdesk.accounts.forms import IssueTokenForm, NewPartnerForm, PartnerForm
from flagdesk.accounts.models import PartnerOrganisation

# Shown as the actor in the audit log: no user is logged in on the command line.
CLI_ACTOR = "cli"
TYPES = [str(t.value) for t in PARTNER_SOURCE_TYPES]


class Command(BaseCommand):
    help = (
        "Manage partner organisations: `add` creates one (and issues its first API token "
        "with --token-name, printed once), `list` shows them, `deactivate` stops one and "
        "with it all its tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a partner organisation.")
        add.add_argument("name", metavar="NAME", help="The organisation's name (unique).")
        add.add_argument(
            "--type",
            required=True,
            choices=TYPES,
            dest="source_type",
            help=f"Kind of source ({', '.join(TYPES)}).",
        )
        add.add_argument(
            "--legal-basis",
            default="",
            metavar="TEXT",
            help="Law and article that allow a government body to monitor (required with "
            "--type government_monitoring).",
        )
        add.add_argument("--email", default="", help="Contact e-mail address (optional).")
        add.add_argument(
            "--token-name",
            metavar="LABEL",
            help="Also issue an API token with this name and print it (only this once).",
        )
        sub.add_parser("list", help="List partner organisations with type, state and tokens.")
        deactivate = sub.add_parser(
            "deactivate", help="Deactivate an organisation: its tokens stop working at once."
        )
        deactivate.add_argument("organisation", metavar="NAME|ID", help="Its name or id.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self._add(options)
        elif options["action"] == "list":
            self._list()
        else:
            self._deactivate(options["organisation"])

    def _add(self, options: dict[str, Any]) -> None:
        # The web UI's form: a unique name, a legal basis for a monitoring government body.
        form = NewPartnerForm(
            {
                "name": options["name"],
                "source_type": options["source_type"],
                "legal_basis": options["legal_basis"],
                "contact_email": options["email"],
            }
        )
        token_form = IssueTokenForm({"token-name": options["token_name"]})
        if not form.is_valid():
            raise CommandError(_errors(form))
        if options["token_name"] is not None and not token_form.is_valid():
            raise CommandError(_errors(token_form))
        data = form.partner_data()
        org = service.create_partner(
            data["name"],
            data["source_type"],
            contact_email=data["contact_email"],
            legal_basis=data["legal_basis"],
            actor=CLI_ACTOR,
        )
        self.stdout.write(f"Partner organisation {org.name} added (id {org.pk}).")
        if options["token_name"] is not None:
            token, raw = service.issue_token(
                name=token_form.cleaned_data["name"], organisation=org, actor=CLI_ACTOR
            )
            self.stdout.write(f"Token {token.prefix}… issued. Copy it now, it is not shown again:")
            self.stdout.write(raw)

    def _list(self) -> None:
        organisations = PartnerOrganisation.objects.annotate(
            tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True))
        ).order_by("name")
        for org in organisations:
            state = "active" if org.active else "inactive"
            self.stdout.write(
                f"{org.pk:<5} {org.name:<32} {org.source_type:<22} {state:<9} tokens:{org.tokens}"
            )

    def _deactivate(self, name_or_id: str) -> None:
        org = find(name_or_id)
        if not org.active:
            self.stdout.write(f"{org.name} was already inactive.")
            return
        values = {field: getattr(org, field) for field in PartnerForm.Meta.fields}
        form = PartnerForm(values | {"active": False}, instance=org)
        if not form.is_valid():
            raise CommandError(_errors(form))
        service.update_partner(org, form.partner_data(), CLI_ACTOR)
        self.stdout.write(f"{org.name} deactivated: its API tokens no longer work.")


def find(name_or_id: str) -> PartnerOrganisation:
    """The organisation by name (any case) or, for digits only, by id."""
    org = PartnerOrganisation.objects.filter(name__iexact=name_or_id).first()
    if org is None and name_or_id.isascii() and name_or_id.isdigit():
        org = PartnerOrganisation.objects.filter(pk=int(name_or_id)).first()
    if org is None:
        raise CommandError(f"no partner organisation named or numbered {name_or_id!r}")
    return org


def _errors(form: Any) -> str:
    return "; ".join(
        f"{'' if field == '__all__' else field + ': '}{' '.join(str(m) for m in messages)}"
        for field, messages in form.errors.items()
    )

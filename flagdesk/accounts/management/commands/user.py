# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk user``: add staff members, set their roles, list them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.accounts import lockout, service
from flagdesk.accounts.constants import STAFF_ROLES
from flagdesk.accounts.models import User

CLI_ACTOR = "cli"
ROLE_CHOICES = [str(role) for role in STAFF_ROLES]


class Command(BaseCommand):
    help = (
        "Manage staff accounts: `add` creates one and prints a one-time password, "
        "`roles` sets a user's roles, `list` shows all staff, `unlock` lifts a login lockout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a staff member; prints a one-time password.")
        add.add_argument("username", help="Login name of the new staff member.")
        self._role_argument(add)
        add.add_argument("--email", default="", help="E-mail address (optional).")
        add.add_argument(
            "--display-name",
            default="",
            metavar='"FULL NAME"',
            help="The person's full name, as notices are signed (default: the login name).",
        )
        roles = sub.add_parser("roles", help="Replace a staff member's roles.")
        roles.add_argument("username", help="Login name of the staff member.")
        self._role_argument(roles)
        sub.add_parser("list", help="List staff members with their roles.")
        unlock = sub.add_parser(
            "unlock", help="Lift a login lockout (too many wrong passwords or codes), audited."
        )
        unlock.add_argument("username", help="Login name of the locked-out user.")

    @staticmethod
    def _role_argument(parser: CommandParser) -> None:
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=ROLE_CHOICES,
            dest="roles",
            help=f"A role to give; repeat for several ({', '.join(ROLE_CHOICES)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self._add(
                options["username"], options["roles"], options["email"], options["display_name"]
            )
        elif options["action"] == "roles":
            self._roles(options["username"], options["roles"])
        elif options["action"] == "unlock":
            forgotten = lockout.unlock(options["username"], actor=CLI_ACTOR)
            self.stdout.write(
                f"Lockout of {options['username']} lifted ({forgotten} failed attempts forgotten)."
                if forgotten
                else f"{options['username']} was not locked out."
            )
        else:
            self._list()

    def _add(self, username: str, roles: list[str], email: str, display_name: str) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"username {username!r} is already taken")
        if len(" ".join(display_name.split())) > service.DISPLAY_NAME_MAX:
            raise CommandError(f"--display-name: at most {service.DISPLAY_NAME_MAX} characters")
        user, password = service.create_staff_user(
            username, roles, email=email, display_name=display_name, actor=CLI_ACTOR
        )
        signs = f" ({user.get_full_name()})" if user.get_full_name() else ""
        self.stdout.write(
            f"User {user.get_username()}{signs} created with roles "
            f"{', '.join(user.roles)}. One-time password (change at first "
            "login, shown only now):"
        )
        self.stdout.write(password)

    def _roles(self, username: str, roles: list[str]) -> None:
        user = User.objects.filter(username=username, organisation__isnull=True).first()
        if user is None:
            raise CommandError(f"no staff member with username {username!r}")
        service.set_roles(user, roles, actor=CLI_ACTOR)
        self.stdout.write(f"User {username} now has roles {', '.join(user.roles)}.")

    def _list(self) -> None:
        # Partner service accounts are managed through their organisation, not here.
        for user in User.objects.filter(organisation__isnull=True).order_by("username"):
            state = "active" if user.is_active else "inactive"
            self.stdout.write(
                f"{user.get_username():<20} {state:<9} "
                f"{', '.join(user.roles) or '-':<40} {user.email}"
            )

# SPDX-License-Identifier: EUPL-1.2
"""Demo data: partners, staff accounts and a few cases, among them the seed's 22 Nov 2023 case."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service as assessments
from flagdesk.audit import service as audit
from flagdesk.elections import service as elections
from flagdesk.intake import service as intake

AMS = ZoneInfo("Europe/Amsterdam")

PARTNERS = [
    ("NOS", "media", ""),
    ("Nieuwscheckers", "factchecker", ""),
    ("Gemeente Voorbeeldstad", "co_government", ""),
    ("Kiesraad", "government_monitoring", "Kieswet art. A 2"),
]
STAFF = [
    ("demo-admin", [Role.ADMIN, Role.INTAKE]),
    ("demo-intake", [Role.INTAKE]),
    ("demo-assessor", [Role.ASSESSOR]),
    ("demo-approver", [Role.APPROVER]),
]
SEED_POST = "https://twitter.com/voorbeeld_account/status/1727305000000000000?s=20&t=demo"


class Command(BaseCommand):
    help = (
        "Load demo data (partners, cases incl. the seed's 22 Nov 2023 case) and give the demo "
        "staff accounts fresh one-time passwords, which are printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-passwords",
            action="store_true",
            help="Create the accounts but don't reset or print passwords.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The audit trail is written as always; only its console echo is quieted here, so
        # the passwords at the end are not lost in it.
        logging.getLogger("flagdesk.audit").setLevel(logging.WARNING)
        with transaction.atomic():
            users, lines = self._staff(reset=not options["no_passwords"])
            if not PartnerOrganisation.objects.filter(name="NOS").exists():
                partners = {
                    name: accounts.create_partner(name, kind, legal_basis=basis)
                    for name, kind, basis in PARTNERS
                }
                self._cases(partners, users)
                self.stdout.write("Demo data loaded.")
            else:
                self.stdout.write("Demo data already present.")
        if lines:
            self.stdout.write(
                "\nDemo accounts (one-time passwords: choose your own at first login, "
                "then set up an authenticator app):"
            )
            self.stdout.write("\n".join(lines))

    def _staff(self, reset: bool) -> tuple[dict[str, User], list[str]]:
        users: dict[str, User] = {}
        lines = []
        for username, roles in STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user, password = accounts.create_staff_user(username, roles)
            elif reset:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.must_change_password = True
                user.save()
                audit.log("password_reset", user, actor="flagdesk demo")
            else:
                password = ""
            users[username] = user
            if reset:
                lines.append(f"  {username:<15} {password:<20} {', '.join(map(str, roles))}")
        return users, lines

    def _cases(self, partners: dict[str, PartnerOrganisation], users: dict[str, User]) -> None:
        tk2023 = elections.get_election("TK2023")
        assert tk2023 is not None
        seed = intake.record_signal(
            intake.SignalInput(
                election=tk2023,
                source_type="media",
                category="misinformation",
                platform_name="x",
                content_urls=[SEED_POST],
                received_via="phone",
                source_organisation=partners["NOS"],
                contact_name="Redactie NOS",
                explanation="Bericht op X roept kiezers op bij de lijst GroenLinks/PvdA twee vakjes "
                "rood te maken: één voor een GroenLinks- en één voor een PvdA-kandidaat. "
                "Twee vakjes maakt de stem ongeldig.",
                received_at=dt.datetime(2023, 11, 22, 14, 20, tzinfo=AMS),
            ),
            actor=users["demo-intake"],
        )
        assert seed.case is not None
        assessments.save_assessment(
            seed.case,
            {
                "election_process_risk": True,
                "election_process_risk_reasoning": "Gaat over hoe je stemt op de verkiesdag zelf.",
                "misleading": True,
                "misleading_reasoning": "Wie twee vakjes inkleurt brengt een ongeldige stem uit; "
                "mogelijk als grap bedoeld.",
                "harms": ["invalid_vote"],
                "harms_reasoning": "Leidt tot een ongeldige stem.",
            },
            users["demo-assessor"],
        )
        decision = assessments.propose_decision(
            seed.case,
            "deploy",
            "Onjuiste informatie over het stemmen die tot ongeldige stemmen "
            "leidt; narratief eerder gezien. Melden via het Urgent Escalation Channel.",
            users["demo-assessor"],
        )
        assessments.review_decision(decision, True, users["demo-approver"], "Akkoord.")

        current = elections.current_election() or tk2023
        intake.record_signal(
            intake.SignalInput(
                election=current,
                source_type="factchecker",
                category="misinformation",
                platform_name="tiktok",
                content_urls=["https://www.tiktok.com/@voorbeeld/video/7300000000000000001"],
                received_via="email",
                source_organisation=partners["Nieuwscheckers"],
                contact_name="Factcheckredactie",
                explanation="Video beweert dat je dit jaar via een app kunt stemmen.",
            ),
            actor=users["demo-intake"],
        )
        intake.record_signal(
            intake.SignalInput(
                election=current,
                source_type="co_government",
                category="hacked_channel",
                platform_name="facebook",
                content_urls=["https://www.facebook.com/gemeentevoorbeeldstad"],
                received_via="phone",
                source_organisation=partners["Gemeente Voorbeeldstad"],
                contact_name="Afdeling communicatie",
                explanation="Facebookpagina van de gemeente is gehackt; er staan onjuiste "
                "openingstijden van stembureaus op.",
                own_contact_attempts=3,
                own_contact_result="Geen reactie van Meta.",
            ),
            actor=users["demo-intake"],
        )
        intake.record_signal(
            intake.SignalInput(
                election=current,
                source_type="citizen",
                category="misinformation",
                platform_name="instagram",
                content_urls=[],
                received_via="phone",
                explanation="",
            ),
            actor=users["demo-intake"],
        )

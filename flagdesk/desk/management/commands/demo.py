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
# Invented people: the notice is signed with the assessor's name, as in the seed, so the
# report's redaction has real-looking names to withhold.
NAMES = {
    "demo-admin": ("Dirk", "Smit", "d.smit@minbzk.example"),
    "demo-intake": ("Iris", "Jansen", "i.jansen@minbzk.example"),
    "demo-assessor": ("Anna", "de Vries", "anna.devries@minbzk.example"),
    "demo-approver": ("Bram", "Bakker", "b.bakker@minbzk.example"),
}
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
        # the passwords at the end are not lost in it. Put back afterwards: the command may
        # run inside a longer-lived process (tests, a shell).
        audit_logger = logging.getLogger("flagdesk.audit")
        level = audit_logger.level
        audit_logger.setLevel(logging.WARNING)
        try:
            self._load(options)
        finally:
            audit_logger.setLevel(level)

    def _load(self, options: dict[str, Any]) -> None:
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
                first, last, email = NAMES[username]
                user, password = accounts.create_staff_user(username, roles, email=email)
                User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
                user.refresh_from_db()
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
        seed_case = self._seed_case(tk2023, partners, users)
        self._seed_notice(seed_case, users["demo-assessor"])
        backdate_seed(seed_case)
        self._current_cases(tk2023, partners, users)

    def _seed_case(
        self, tk2023: Any, partners: dict[str, PartnerOrganisation], users: dict[str, User]
    ) -> Any:
        """The 2023 seed case as it happened on election day, 22 November 2023: every event
        is logged with its own time of that day (audit.occurred_at), not with today's."""
        with audit.occurred_at(seed_time(14, 20)):
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
                    received_at=seed_time(14, 20),
                    good_faith=True,
                ),
                actor=users["demo-intake"],
            )
        assert seed.case is not None
        with audit.occurred_at(seed_time(14, 28)):
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
        with audit.occurred_at(seed_time(14, 31)):
            decision = assessments.propose_decision(
                seed.case,
                "deploy",
                "Onjuiste informatie over het stemmen die tot ongeldige stemmen "
                "leidt; narratief eerder gezien. Melden via het Urgent Escalation Channel.",
                users["demo-assessor"],
            )
        with audit.occurred_at(seed_time(14, 38)):
            assessments.review_decision(decision, True, users["demo-approver"], "Akkoord.")
        return seed.case

    def _current_cases(
        self, tk2023: Any, partners: dict[str, PartnerOrganisation], users: dict[str, User]
    ) -> None:
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
        self._co_government_cases(current, partners, users)
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

    def _co_government_cases(
        self, current: Any, partners: dict[str, PartnerOrganisation], users: dict[str, User]
    ) -> None:
        """A hacked municipal page and a blocked municipal advert, assessed with the facts
        their notices need (the account, what happened; the advert, the platform's decision)."""
        hacked = intake.record_signal(
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
        assert hacked.case is not None
        assessments.save_assessment(
            hacked.case,
            {
                "election_process_risk": True,
                "election_process_risk_reasoning": "The municipality informs voters through "
                "this page; it now shows wrong polling station hours.",
                "own_contact_attempts": 3,
                "own_means_exhausted": True,
                "kind_facts": {
                    "account_name": "Gemeente Voorbeeldstad (facebook.com/gemeentevoorbeeldstad)",
                    "account_id": "100064512345678",
                    "incident": "The page was taken over; the intruder changed the password "
                    "and the recovery e-mail address, and posts wrong polling station hours.",
                    "incident_since": "the evening before election day, about 18:00",
                    "intruder_posts": "Posts claiming the polling stations close at 17:00.",
                    "co_government_contact": "Communications department, Gemeente "
                    "Voorbeeldstad, communicatie@voorbeeldstad.example, +31 20 000 0000",
                },
            },
            users["demo-assessor"],
        )
        blocked = intake.record_signal(
            intake.SignalInput(
                election=current,
                source_type="co_government",
                category="blocked_ad",
                platform_name="facebook",
                content_urls=["https://www.facebook.com/ads/library/?id=1234567890123456"],
                received_via="email",
                source_organisation=partners["Gemeente Voorbeeldstad"],
                contact_name="Afdeling communicatie",
                explanation="Advertentie over waar en wanneer je kunt stemmen is door Meta "
                "geblokkeerd als politieke advertentie.",
                own_contact_attempts=2,
                own_contact_result="Bezwaar via het advertentieaccount; geen reactie.",
            ),
            actor=users["demo-intake"],
        )
        assert blocked.case is not None
        assessments.save_assessment(
            blocked.case,
            {
                "election_process_risk": True,
                "own_contact_attempts": 2,
                "own_means_exhausted": True,
                "kind_facts": {
                    "ad_reference": "https://www.facebook.com/ads/library/?id=1234567890123456",
                    "platform_decision": "The advert was rejected as an ad about social "
                    "issues, elections or politics without a disclaimer.",
                    "why_election_information": "The municipality tells its residents where "
                    "and when they can vote; it names no party or candidate.",
                    "urgency": "Election day is close; the advert only helps before it.",
                },
            },
            users["demo-assessor"],
        )

    def _seed_notice(self, case: Any, assessor: User) -> None:
        """The seed's notice as it happened: sent 14:43, acknowledged by X at 14:45:59.

        It goes to the local outbox only (never to a real server, whatever the settings say);
        its times are set back to 22 November 2023 so the case reads like the report.
        """
        from django.test.utils import override_settings

        from flagdesk.mailarchive import service as mailarchive
        from flagdesk.notices import dispatch
        from flagdesk.notices import service as notices
        from flagdesk.notices.models import Attempt, Delivery, Notice

        notice = Notice.objects.filter(case=case).first()
        if notice is None:
            return
        text = SEED_NOTICE_TEXT.format(
            url=SEED_POST, name=assessor.get_full_name(), email=assessor.email
        )
        with audit.occurred_at(seed_time(14, 41)):
            notices.update_draft(notice, notice.subject, text, assessor)
        with audit.occurred_at(seed_time(14, 42, 20)):
            delivery = notices.send(notice, assessor)
        with (
            override_settings(SMTP_URL=None, ARCHIVE_BCC=""),
            audit.occurred_at(seed_time(14, 43)),
        ):
            dispatch.attempt_delivery(delivery.pk)
        sent = seed_time(14, 43)
        Notice.objects.filter(pk=notice.pk).update(frozen_at=sent - dt.timedelta(seconds=40))
        Delivery.objects.filter(pk=delivery.pk).update(accepted_at=sent)
        Attempt.objects.filter(delivery=delivery).update(
            started_at=sent - dt.timedelta(seconds=2), finished_at=sent
        )
        notice.refresh_from_db()
        with audit.occurred_at(ACK_ARCHIVED):
            mailarchive.import_raw(seed_acknowledgment(notice), mailbox="demo")


def seed_time(hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A moment of election day 2023 (22 November), when the seed case happened."""
    return dt.datetime(2023, 11, 22, hour, minute, second, tzinfo=AMS)


# The worker would have read X's acknowledgment (sent 14:45:59) from the mailbox soon after.
ACK_ARCHIVED = seed_time(14, 46, 30)


def backdate_seed(case: Any) -> None:
    """The seed case's own timestamps (set by the database as "now" when it was written) to
    the day it happened, so the case page, its timeline and its notice agree: opened 22
    November 2023, not today. The audit events already carry those times (occurred_at)."""
    from flagdesk.assessments.models import Assessment, Decision
    from flagdesk.intake.models import Case, Signal
    from flagdesk.mailarchive.models import MailMessage
    from flagdesk.notices.models import Delivery, Notice

    Case.objects.filter(pk=case.pk).update(
        created_at=seed_time(14, 20), updated_at=seed_time(14, 43)
    )
    Signal.objects.filter(case=case).update(created_at=seed_time(14, 20))
    Assessment.objects.filter(case=case).update(updated_at=seed_time(14, 28))
    Decision.objects.filter(case=case).update(
        decided_at=seed_time(14, 31), reviewed_at=seed_time(14, 38)
    )
    Notice.objects.filter(case=case).update(created_at=seed_time(14, 38))
    Delivery.objects.filter(notice__case=case).update(updated_at=seed_time(14, 43))
    MailMessage.objects.filter(case=case).update(archived_at=ACK_ARCHIVED)


SEED_NOTICE_TEXT = """Dear people at X,

The Dutch ministry of the Interior would like to point you to a specific message being spread on X.

It concerns a message that states that people who want to vote for the GroenLinks/PvdA party in the Parliamentary Elections today, should check two boxes on the ballot: one for a GroenLinks candidate and one for a PvdA candidate. GroenLinks/PvdA is a combined list. Checking two boxes would lead to a vote being invalid. The message might be meant as a joke, but since every vote matters, it is important nobody actually falls for this.

This narrative of crossing two boxes instead of one is one we have notified your platform about during previous elections as well. These misleading claims about the voting process might lead to invalid votes.

Can you look at this message and related messages and check whether they are a violation of X's civic integrity policy? See {url}

Please acknowledge receipt of this notification by replying to this e-mail.

We submit this notice in good faith: to the best of our knowledge the information in it is accurate and complete.

Kind regards,

{name}
Democracy and Governance Division
Ministry of the Interior and Kingdom Relations
Turfmarkt 147 | 2511 DP Den Haag | Postbus 20011 2500 EA Den Haag
E {email}
"""


def seed_acknowledgment(notice: Any) -> bytes:
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    message = EmailMessage()
    message["From"] = "X Trust & Safety <escalations@x.example>"
    message["To"] = notice.sender_email
    message["Subject"] = f"Re: {notice.subject}"
    message["Date"] = format_datetime(dt.datetime(2023, 11, 22, 14, 45, 59, tzinfo=AMS))
    message["Message-ID"] = make_msgid(domain="x.example")
    message["In-Reply-To"] = notice.message_id
    message["References"] = notice.message_id
    message.set_content(
        f"Dear {notice.sender_name.split()[0]},\n\nThanks a lot, our Trust & Safety teams will look into it.\n\n"
        "Kind regards,\n\nX Trust & Safety\n"
    )
    return message.as_bytes()

# SPDX-License-Identifier: EUPL-1.2
"""A realistic closed election for records tests: the demo's cases (decision, notice sent,
acknowledgment archived as raw mail), a signal with contact details and a PNG attachment, a
confirmed narrative and a signed-off final report."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from flagdesk.accounts.models import User
from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.narratives import service as narratives
from flagdesk.narratives.models import Narrative
from flagdesk.redaction import service as redaction
from flagdesk.redaction.models import Status
from flagdesk.reports import service as reports

CONTACT = ("Piet Melder", "piet.melder@voorbeeldstad.example", "0612345678")
# A real (1×1) PNG, so the attachment passes the upload check by its bytes.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def closed_election_with_everything() -> Election:
    call_command("demo", "--no-passwords", stdout=io.StringIO())
    election = elections.get_election("TK2023")
    assert election is not None
    assessor = User.objects.get(username="demo-assessor")
    approver = User.objects.get(username="demo-approver")
    intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="co_government",
            category="misinformation",
            platform_name="x",
            content_urls=["https://x.com/voorbeeld/status/1727300000000000042"],
            received_via="email",
            source_organisation_name="Gemeente Voorbeeldstad",
            contact_name=CONTACT[0],
            contact_email=CONTACT[1],
            contact_phone=CONTACT[2],
            explanation="Bericht beweert dat je ook met een kopie van je paspoort kunt stemmen.",
            attachments=[SimpleUploadedFile("schermafdruk.png", PNG, "image/png")],
        ),
        actor=User.objects.get(username="demo-intake"),
    )
    seed = Case.objects.get(reference="FD-2023-0001")
    narrative = Narrative.objects.order_by("pk").first()
    assert narrative is not None
    narratives.link_by_hand(seed, narrative, assessor)
    reports.build(election)  # registers the report's texts with the engine's proposals
    for document in redaction.documents_for_election(election):
        redaction.mark_checked(document, assessor)  # a person looked at it
        redaction.accept_all_proposed(document, assessor)
        for open_one in document.redactions.filter(status=Status.PROPOSED):
            redaction.decide(open_one, False, assessor)
    reports.sign_off(election, approver, "Eerste versie.")
    return election

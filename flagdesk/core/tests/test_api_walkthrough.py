# SPDX-License-Identifier: EUPL-1.2
"""docs/api.md's "The seed case, step by step", run literally: every block marked
``api-walkthrough``, in order, in one bash, against a real gunicorn, a real ``flagdesk
worker`` sending through SMTP (aiosmtpd) and reading the team mailbox (Dovecot), with the
``flagdesk`` command for the operator's steps. No browser, no test client: what an
integrator would type. The test plays X: when its escalation address receives the notice,
X's acknowledgment (threaded to it) lands in the team mailbox."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.utils import timezone

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.notices.models import Notice
from flagdesk.reports.models import FinalReport
from tests_support.dovecot import DEFAULT_USER, DovecotServer
from tests_support.servers import HOST, free_port, gunicorn
from tests_support.smtp import Received, SmtpServer
from tests_support.worker import start_worker, worker_env

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "api.md"
TEAM = "trustedflagger@minbzk.example"
X_ESCALATIONS = "escalations@x.example"  # the guide's address for X's priority channel

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]


def walkthrough() -> list[str]:
    return re.findall(r"^```sh api-walkthrough\n(.*?)^```$", GUIDE.read_text(), flags=re.M | re.S)


def acknowledgment_of(notice: bytes) -> bytes:
    """X's answer to the notice it received: threaded to it, from its own domain."""
    received = email.message_from_bytes(notice, policy=email.policy.default)
    answer = EmailMessage()
    answer["From"] = f"X Trust & Safety <{X_ESCALATIONS}>"
    answer["To"] = TEAM
    answer["Subject"] = f"Re: {received['Subject']}"
    answer["Date"] = format_datetime(timezone.now())
    answer["Message-ID"] = make_msgid(domain="x.example")
    answer["In-Reply-To"] = received["Message-ID"]
    answer["References"] = received["Message-ID"]
    answer.set_content("Thank you, we received your report and are reviewing it.")
    return answer.as_bytes()


def test_the_walkthrough_has_every_step() -> None:
    script = "\n".join(walkthrough())
    for step in (
        "flagdesk partner add",
        "flagdesk platform set",
        "flagdesk token create",
        "--display-name",
        "/signalen",
        "/beoordeling",
        "/besluiten",
        "/goedkeuring",
        "/meldingen",
        "/verzending",
        "/voorbereiding",
        "/voorstellen/bulk",
        "/ondertekening",
        "sha256sum --check",
    ):
        assert step in script, step


def test_the_seed_case_over_the_api_and_the_cli_alone(
    tmp_path: Path, dovecot: DovecotServer
) -> None:
    def platform_answers(received: Received) -> None:
        if X_ESCALATIONS in received.rcpt_tos:
            dovecot.append(DEFAULT_USER, acknowledgment_of(received.data))

    script = "set -euo pipefail\n" + "\n".join(walkthrough())
    port = free_port()
    with SmtpServer() as smtp:
        smtp.handler.on_message = platform_answers
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=smtp.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_IMAP_URL=dovecot.url(),
            FLAGDESK_SECRET_KEY="walkthrough-only-" + "x" * 40,
        )
        worker = start_worker(env)
        try:
            args = ["flagdesk.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", "2"]
            with gunicorn(args, env, tmp_path / "gunicorn.log", port):
                shell = {
                    **env,
                    "API": f"http://{HOST}:{port}/api/v1",
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
                }
                result = subprocess.run(  # the guide's own blocks
                    ["/bin/bash", "-c", script],
                    env=shell,
                    cwd=tmp_path,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=False,
                )
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    print(result.stdout)  # what the guide shows a reader, for a look with -s
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")[-3000:]
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}\n{log}"
    assert "report.pdf: OK" in result.stdout
    # What the blocks did is in the database, done by the people the operator created.
    notice = Notice.objects.get(case__signals__source_organisation__name="NOS")
    assert notice.acknowledged_at is not None
    assert "Anna de Vries" in notice.body  # signed with the display name, not "anna"
    assert notice.decision.reviewed_by == User.objects.get(username="ben")
    assert PartnerOrganisation.objects.get(name="NOS").api_tokens.filter(revoked_at=None).exists()
    final = FinalReport.objects.get(election=notice.case.election)
    assert final.signed_off_by.username == "ben"

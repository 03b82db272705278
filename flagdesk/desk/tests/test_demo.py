# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from flagdesk.audit import service as audit
from flagdesk.intake.models import Case, RefusalCount

pytestmark = pytest.mark.django_db


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_loads_the_seed_case_decided_and_approved_by_someone_else() -> None:
    output = _demo()
    case = Case.objects.get(reference="FD-2023-0001")
    assert case.state == "decided"
    decision = case.decisions.get()
    assert decision.outcome == "deploy"
    assert decision.reviewed_by != decision.decided_by
    assert RefusalCount.objects.get().count == 1
    assert "demo-admin" in output.splitlines()[-4]
    assert audit.verify() == []


def test_the_seed_case_shows_xs_acknowledgment_as_strongly_linked(
    settings: Any, tmp_path: Any
) -> None:
    from flagdesk.mailarchive.models import Kind, MailMessage

    settings.DATA_DIR = tmp_path
    _demo()
    [ack] = MailMessage.objects.filter(case__reference="FD-2023-0001")
    assert (ack.kind, ack.link_strength, ack.confirmation) == (
        Kind.ACKNOWLEDGMENT,
        "strong",
        "not_needed",
    )
    assert (ack.sender_kind, ack.sender_platform) == ("platform", "x")
    assert ack.notice is not None and ack.notice.acknowledged_at is not None


def test_it_can_run_again_and_gives_fresh_passwords(django_user_model: Any) -> None:
    first = _demo()
    second = _demo()
    assert Case.objects.count() == 4  # the seed, a video, a hacked page, a blocked advert
    assert "already present" in second
    password = second.splitlines()[-1].split()[1]
    assert password not in first
    assert django_user_model.objects.get(username="demo-approver").check_password(password)


def test_it_leaves_passwords_alone_when_asked() -> None:
    _demo()
    assert "demo-admin" not in _demo("--no-passwords")

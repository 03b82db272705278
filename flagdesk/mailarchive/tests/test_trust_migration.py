# SPDX-License-Identifier: EUPL-1.2
"""Mail archived before the sender check: what the data migration makes of it."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from flagdesk.mailarchive.models import MailMessage

migration = importlib.import_module("flagdesk.mailarchive.migrations.0004_trust_of_existing_mail")


def _old(n: int, method: str, sender: str, **extra: Any) -> MailMessage:
    return MailMessage.objects.create(
        sha256=f"{n:064d}",
        size=1,
        raw_path="",
        from_address=sender,
        archived_at="2023-11-22T14:45:59+01:00",
        kind="acknowledgment",
        match_method=method,
        **extra,
    )


def test_old_mail_is_marked_by_how_it_was_linked(db: Any, settings: Any) -> None:
    settings.FROM_EMAIL = "trustedflagger@minbzk.example"
    threaded = _old(1, "thread", "escalations@x.com")
    by_reference = _old(2, "case_reference", "random@attacker.example")
    by_hand = _old(3, "manual", "someone@nos.nl")
    unmatched = _old(4, "unmatched", "MAILER-DAEMON@mta.example")
    copy = _old(5, "own_message_id", "trustedflagger@minbzk.example")
    migration.assess(apps, None)
    found = {
        m.pk: (m.link_strength, m.confirmation, m.sender_kind, m.sender_platform)
        for m in MailMessage.objects.all()
    }
    assert found == {
        threaded.pk: ("strong", "not_needed", "platform", "x"),
        by_reference.pk: ("weak", "pending", "other", ""),
        by_hand.pk: ("weak", "confirmed", "other", ""),
        unmatched.pk: ("none", "not_needed", "mail_system", ""),
        copy.pk: ("strong", "not_needed", "own", ""),
    }
    reference = MailMessage.objects.get(pk=by_reference.pk)
    assert reference.trust_reasons == [
        "imported_before_trust_check",
        "case_reference_in_subject",
        "not_authenticated",
    ]
    assert reference.auth_result == "none"

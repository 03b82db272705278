# SPDX-License-Identifier: EUPL-1.2
"""record_signal(): the intake gate, cases per URL per election, referrals and audit rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import selectors
from flagdesk.assessments import service as assessments
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseUrl, IntakeOutcome, RefusalCount, Signal
from flagdesk.platforms.models import Platform

SEED_POST = "https://x.com/kiezer2023/status/1727365011111111111"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def signal_input(
    election: Election, urls: list[str] | None = None, **changes: Any
) -> intake.SignalInput:
    data: dict[str, Any] = {
        "election": election,
        "source_type": "media",
        "category": "misinformation",
        "platform_name": "x",
        "content_urls": urls or [SEED_POST],
        "explanation": "Oproep om twee vakjes rood te maken: stem ongeldig.",
        "received_via": "phone",
        "source_organisation_name": "NOS",
        "contact_name": "Redactie",
        "contact_email": "redactie@nos.example",
    }
    data.update(changes)
    return intake.SignalInput(**data)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def other_election(db: Any) -> Election:
    return Election.objects.get(code="EP2024")


def test_it_opens_a_new_case(tk2023: Election, carol: User, nos: PartnerOrganisation) -> None:
    result = intake.record_signal(signal_input(tk2023, source_organisation=nos), actor=carol)
    assert result.outcome == IntakeOutcome.NEW_CASE
    assert result.reasons == ()
    assert result.case is not None and result.signal is not None
    assert result.case.reference == "FD-2023-0001"
    assert result.case.platform.slug == "x"
    assert result.signal.case == result.case
    assert result.signal.source_organisation_name == "NOS"
    assert list(result.case.urls.values_list("normalised_url", flat=True)) == [
        "https://x.com/i/status/1727365011111111111"
    ]
    [recorded] = events("signal_recorded")
    assert recorded.actor == carol
    assert recorded.after is not None
    assert recorded.after["urls"] == [SEED_POST]
    assert recorded.after["platform"] == "x"
    assert recorded.after["source_type"] == "media"
    [opened] = events("case_opened")
    assert opened.after == {
        "reference": "FD-2023-0001",
        "category": "misinformation",
        "platform": "x",
        "election": "TK2023",
    }
    assert recorded.after["case"] == "FD-2023-0001"
    assert recorded.after["outcome"] == "new_case"
    assert recorded.after["reasons"] == []
    assert opened.seq < recorded.seq


def test_an_alias_resolves_to_the_platform(tk2023: Election, carol: User) -> None:
    result = intake.record_signal(signal_input(tk2023, platform_name="Twitter"), actor=carol)
    assert result.case is not None
    assert result.case.platform.slug == "x"


def test_a_duplicate_in_another_form_joins_the_case(tk2023: Election, carol: User) -> None:
    first = intake.record_signal(signal_input(tk2023), actor=carol)
    second = intake.record_signal(
        signal_input(
            tk2023,
            ["https://twitter.com/KIEZER2023/status/1727365011111111111?s=20&t=abc"],
            source_type="factchecker",
            source_organisation_name="Nieuwscheckers",
        ),
        actor=carol,
    )
    assert second.outcome == IntakeOutcome.JOINED_CASE
    assert second.case == first.case
    assert Case.objects.count() == 1
    assert CaseUrl.objects.count() == 1
    assert Signal.objects.filter(case=first.case).count() == 2
    joined = events("signal_recorded")[-1]
    assert joined.after["case"] == "FD-2023-0001"
    assert joined.after["outcome"] == "joined_case"
    assert len(events("case_opened")) == 1


def test_a_new_url_of_a_joining_signal_is_added_to_the_case(tk2023: Election, carol: User) -> None:
    first = intake.record_signal(signal_input(tk2023), actor=carol)
    extra = "https://x.com/someone/status/42"
    second = intake.record_signal(signal_input(tk2023, [SEED_POST, extra]), actor=carol)
    assert second.case == first.case
    assert first.case is not None
    assert first.case.urls.count() == 2


def test_a_signal_whose_urls_two_cases_hold_joins_the_oldest(tk2023: Election, carol: User) -> None:
    older_url, newer_url = "https://x.com/a/status/1", "https://x.com/b/status/2"
    newer = intake.record_signal(signal_input(tk2023, [newer_url]), actor=carol)
    older = intake.record_signal(signal_input(tk2023, [older_url]), actor=carol)
    assert newer.case is not None and older.case is not None
    # The case opened second is the older one by date: the join follows dates, not ids.
    Case.objects.filter(pk=older.case.pk).update(
        created_at=newer.case.created_at.replace(year=2022)
    )
    both = intake.record_signal(signal_input(tk2023, [newer_url, older_url]), actor=carol)
    assert both.outcome == IntakeOutcome.JOINED_CASE
    assert both.case == older.case
    assert CaseUrl.objects.get(normalised_url__endswith="/status/2").case == newer.case


def test_same_url_in_another_election_opens_a_new_case(
    tk2023: Election, other_election: Election, carol: User
) -> None:
    first = intake.record_signal(signal_input(tk2023), actor=carol)
    second = intake.record_signal(signal_input(other_election), actor=carol)
    assert second.outcome == IntakeOutcome.NEW_CASE
    assert second.case != first.case
    assert second.case is not None
    assert second.case.reference == "FD-2024-0001"


def test_references_are_sequential_per_year(tk2023: Election, carol: User) -> None:
    refs = [
        intake.record_signal(
            signal_input(tk2023, [f"https://x.com/a/status/{i}"]), actor=carol
        ).case.reference  # type: ignore[union-attr]
        for i in range(1, 4)
    ]
    assert refs == ["FD-2023-0001", "FD-2023-0002", "FD-2023-0003"]
    ps2023 = Election.objects.get(code="PS2023")
    other = intake.record_signal(signal_input(ps2023, ["https://x.com/a/status/9"]), actor=carol)
    assert other.case is not None
    assert other.case.reference == "FD-2023-0004"


def test_a_citizen_is_referred_and_nothing_is_stored(tk2023: Election, carol: User) -> None:
    result = intake.record_signal(
        signal_input(
            tk2023,
            source_type="citizen",
            source_organisation_name="",
            contact_name="Jan",
            contact_email="jan@example.nl",
        ),
        actor=carol,
    )
    assert result.outcome == "not_stored"
    assert not result.stored
    assert result.reasons == ("SOURCE_NOT_ACCEPTED",)
    assert result.referral is not None
    assert result.referral.platform == "x"
    assert result.referral.url == Platform.objects.get(slug="x").citizen_report_url
    assert "Meld het dan zelf" in result.referral.text
    assert Signal.objects.count() == 0
    assert Case.objects.count() == 0
    counter = RefusalCount.objects.get()
    assert (counter.count, counter.referred, counter.platform_key, counter.source_type) == (
        1,
        True,
        "x",
        "citizen",
    )
    intake.record_signal(signal_input(tk2023, source_type="citizen"), actor=carol)
    counter.refresh_from_db()
    assert counter.count == 2
    audit_rows = events("citizen_referred")
    assert len(audit_rows) == 2
    assert audit_rows[0].after == {"platform": "x", "source_type": "citizen"}
    # Nothing about the person reaches the log.
    assert "jan" not in str([e.after for e in AuditEvent.objects.all()]).lower()


def test_a_citizen_on_an_unknown_platform_is_counted_and_referred(
    tk2023: Election, carol: User
) -> None:
    result = intake.record_signal(
        signal_input(tk2023, source_type="citizen", platform_name="Mastodon"), actor=carol
    )
    assert result.referral is not None
    assert result.referral.url is None
    assert RefusalCount.objects.get().platform_key == "mastodon"


def test_an_anonymous_source_is_counted_without_referral(tk2023: Election, carol: User) -> None:
    result = intake.record_signal(signal_input(tk2023, source_type="anonymous"), actor=carol)
    assert result.referral is None
    assert not result.stored
    assert RefusalCount.objects.get().referred is False
    assert len(events("source_refused")) == 1


def test_no_channel_is_stored_as_refused(tk2023: Election, carol: User) -> None:
    Platform.objects.filter(slug="snapchat").update(channel_active=False)
    result = intake.record_signal(
        signal_input(tk2023, ["https://snapchat.com/add/gemeente"], platform_name="snapchat"),
        actor=carol,
    )
    assert result.outcome == IntakeOutcome.REFUSED
    assert result.reasons == ("NO_CHANNEL",)
    assert result.case is None
    assert result.signal is not None
    assert result.signal.intake_outcome == IntakeOutcome.REFUSED
    assert result.signal.intake_reasons == ["NO_CHANNEL"]
    assert Case.objects.count() == 0
    [refused] = events("signal_recorded")
    assert refused.after["outcome"] == "refused"
    assert refused.after["reasons"] == ["NO_CHANNEL"]
    assert refused.after["case"] is None


def test_unknown_platform_is_stored_as_refused(tk2023: Election, carol: User) -> None:
    result = intake.record_signal(signal_input(tk2023, platform_name="myspace"), actor=carol)
    assert result.outcome == IntakeOutcome.REFUSED
    assert result.signal is not None
    assert result.signal.platform is None
    assert result.signal.platform_name == "myspace"


def test_already_notified_after_an_approved_deploy(
    tk2023: Election, carol: User, alice: User, bob: User
) -> None:
    first = intake.record_signal(signal_input(tk2023), actor=carol)
    assert first.case is not None
    assessments.save_assessment(
        first.case,
        {"election_process_risk": True, "misleading": True, "harms": ["invalid_vote"]},
        alice,
    )
    decision = assessments.propose_decision(first.case, "deploy", "Stem ongeldig.", alice)
    assessments.review_decision(decision, True, bob)
    later = intake.record_signal(
        signal_input(tk2023, ["https://twitter.com/kiezer2023/status/1727365011111111111/photo/1"]),
        actor=carol,
    )
    assert "ALREADY_NOTIFIED" in later.reasons
    assert later.case == first.case
    assert later.signal is not None
    assert later.signal.intake_reasons == ["ALREADY_NOTIFIED"]
    assert selectors.notified_urls(tk2023) == {"https://x.com/i/status/1727365011111111111"}
    assert selectors.notified_urls(Election.objects.get(code="EP2024")) == set()


def test_a_bad_url_is_refused_before_anything_is_stored(tk2023: Election, carol: User) -> None:
    with pytest.raises(ValidationError):
        intake.record_signal(signal_input(tk2023, ["javascript:alert(1)"]), actor=carol)
    assert Signal.objects.count() == 0
    assert not AuditEvent.objects.filter(action="signal_recorded").exists()


def test_too_many_urls_are_refused(tk2023: Election, carol: User) -> None:
    urls = [f"https://x.com/a/status/{i}" for i in range(intake.MAX_URLS_PER_SIGNAL + 1)]
    with pytest.raises(ValidationError):
        intake.record_signal(signal_input(tk2023, urls), actor=carol)


@pytest.fixture
def storage(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def test_an_attachment_is_checked_by_its_bytes_and_stored(
    tk2023: Election, carol: User, storage: Path
) -> None:
    upload = SimpleUploadedFile("screenshot.txt", PNG, content_type="text/plain")
    result = intake.record_signal(signal_input(tk2023, attachments=[upload]), actor=carol)
    assert result.signal is not None
    [attachment] = result.signal.attachments.all()
    assert attachment.content_type == "image/png"
    assert attachment.size == len(PNG)
    assert len(attachment.sha256) == 64
    [recorded] = events("signal_recorded")
    assert recorded.after is not None
    assert recorded.after["attachments"] == [attachment.sha256]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("screenshot.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("evil.pdf", b"\x7fELF\x02\x01\x01\x00\x00"),
        ("empty.png", b""),
    ],
    ids=["exe-named-png", "elf-named-pdf", "empty"],
)
def test_a_bad_attachment_is_refused(
    tk2023: Election, carol: User, storage: Path, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    with pytest.raises(ValidationError):
        intake.record_signal(signal_input(tk2023, attachments=[upload]), actor=carol)
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_only_intake_roles_and_partners_may_record(
    tk2023: Election, persona: str, request: pytest.FixtureRequest
) -> None:
    from django.core.exceptions import PermissionDenied

    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        intake.record_signal(signal_input(tk2023), actor=user)
    assert not Signal.objects.exists()


def test_an_assessor_may_record(tk2023: Election, alice: User) -> None:
    assert intake.record_signal(signal_input(tk2023), actor=alice).case is not None

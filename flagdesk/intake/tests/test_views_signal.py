# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Attachment, Case, Signal
from flagdesk.platforms.models import Platform

URL = "/signals/new"
POST_URL = "https://x.com/someone/status/1727300000000000001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def form_data(nos: PartnerOrganisation, election: Election, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "election": election.pk,
        "received_via": "phone",
        "received_at": "2023-11-22T09:30",
        "source_organisation": nos.pk,
        "contact_name": "Redactie",
        "contact_email": "r@nos.example",
        "category": "misinformation",
        "platform": "x",
        "content_urls": POST_URL,
        "explanation": "Tells GroenLinks/PvdA voters to colour two boxes: an invalid vote.",
        "own_contact_attempts": "0",
        "good_faith": "on",
    }
    data.update(extra)
    return data


def test_the_form_is_shown_with_labels_and_defaults(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_content_urls">' in html
    assert "<legend>" in html and 'type="file"' in html and "multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert "style=" not in html and "<script>" not in html


def test_it_opens_a_new_case(carol: User, nos: PartnerOrganisation, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, form_data(nos, tk2023))
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fd-signal-recorded", kwargs={"pk": signal.pk})
    assert signal.case is not None and signal.intake_outcome == "new_case"
    assert signal.source_type == "media" and signal.recorded_by == carol
    page = verified_client(carol).get(response["Location"])
    assert signal.case.reference in page.content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"signal_recorded", "case_opened"} <= actions


def test_the_result_links_to_the_case(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    client = verified_client(carol)
    page = client.get(client.post(URL, form_data(nos, tk2023))["Location"])
    case = Case.objects.get()
    assert f'href="/cases/{case.reference}"' in page.content.decode()


def test_a_second_signal_joins_the_case(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    client = verified_client(carol)
    client.post(URL, form_data(nos, tk2023))
    response = client.post(
        URL, form_data(nos, tk2023, content_urls=POST_URL + "?s=20"), follow=True
    )
    assert Case.objects.count() == 1 and Signal.objects.count() == 2
    assert Signal.objects.filter(intake_outcome="joined_case").exists()
    assert response.context["outcome"] == "joined_case"
    assert Case.objects.get().reference in response.content.decode()


def test_a_free_text_source_is_accepted(
    carol: User, tk2023: Election, nos: PartnerOrganisation
) -> None:
    data = form_data(
        nos,
        tk2023,
        source_organisation="",
        source_organisation_name="Factcheck NL",
        source_type="factchecker",
    )
    verified_client(carol).post(URL, data)
    signal = Signal.objects.get()
    assert signal.source_organisation is None
    assert (signal.source_organisation_name, signal.source_type) == ("Factcheck NL", "factchecker")


def test_it_shows_refusal_reasons_in_dutch(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    Platform.objects.filter(slug="x").update(channel_active=False)
    client = verified_client(carol)
    page = client.post(URL, form_data(nos, tk2023), follow=True)
    assert Signal.objects.get().intake_outcome == "refused"
    assert Case.objects.count() == 0
    assert "geen actief trusted-flagger" in page.content.decode()


def test_it_shows_refusal_reasons_in_english(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    Platform.objects.filter(slug="x").update(channel_active=False)
    client = verified_client(carol)
    client.cookies["django_language"] = "en"
    page = client.post(URL, form_data(nos, tk2023), follow=True)
    assert "no active trusted-flagger or escalation channel" in page.content.decode()


def test_an_unknown_platform_is_refused(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    data = form_data(
        nos,
        tk2023,
        platform="",
        platform_other="Mastodon",
        content_urls="https://mastodon.example/@a/1",
    )
    verified_client(carol).post(URL, data)
    assert Signal.objects.get().intake_outcome == "refused"


def test_a_bad_url_is_shown_on_the_field(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    data = form_data(nos, tk2023, content_urls=f"{POST_URL}\nnot a url")
    response = verified_client(carol).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["content_urls"]
    assert 'id="id_content_urls_error"' in html
    assert 'aria-describedby="id_content_urls_error id_content_urls_helptext"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_content_urls"' in html  # the error summary links to the field
    assert Signal.objects.count() == 0


def test_missing_fields_are_reported(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, {"election": tk2023.pk})
    errors = response.context["form"].errors
    assert response.status_code == 400
    for name in (
        "received_via",
        "received_at",
        "category",
        "content_urls",
        "explanation",
        "platform",
        "source_organisation_name",
        "source_type",
    ):
        assert name in errors, name
    assert 'aria-describedby="id_category_error"' in response.content.decode()
    assert Signal.objects.count() == 0


def test_it_stores_attachments(carol: User, nos: PartnerOrganisation, tk2023: Election) -> None:
    files = [
        SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
        SimpleUploadedFile("note.txt", b"archived text", content_type="text/plain"),
    ]
    verified_client(carol).post(URL, form_data(nos, tk2023, attachments=files))
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "image/png",
        "text/plain",
    ]


def test_it_rejects_an_unsupported_attachment(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32)
    response = verified_client(carol).post(URL, form_data(nos, tk2023, attachments=[upload]))
    assert response.status_code == 400
    assert "run.exe" in str(response.context["form"].errors["attachments"])
    assert Signal.objects.count() == 0


def test_it_rejects_an_oversize_attachment(
    carol: User, nos: PartnerOrganisation, tk2023: Election, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048)
    response = verified_client(carol).post(URL, form_data(nos, tk2023, attachments=[upload]))
    assert response.status_code == 400
    assert "big.png" in str(response.context["form"].errors["attachments"])
    assert Signal.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.INTAKE, 200),
        (Role.ASSESSOR, 200),
        (Role.APPROVER, 403),
        (Role.ADMIN, 403),
    ],
)
def test_access_by_role(db: Any, role: Role, status: int) -> None:
    user = make_user("someone", role)
    assert verified_client(user).get(URL).status_code == status


def test_a_partner_user_is_refused(nos: PartnerOrganisation, tk2023: Election) -> None:
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    client = verified_client(partner)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(nos, tk2023)).status_code == 403
    assert Signal.objects.count() == 0


def test_an_approver_cannot_post(bob: User, nos: PartnerOrganisation, tk2023: Election) -> None:
    assert verified_client(bob).post(URL, form_data(nos, tk2023)).status_code == 403
    assert Signal.objects.count() == 0


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_the_result_page_needs_view_rights(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    location = verified_client(carol).post(URL, form_data(nos, tk2023))["Location"]
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    assert verified_client(partner).get(location).status_code == 403
    assert Client().get(location).status_code == 302


# issue 15: the good-faith box is the signaller's word, never ticked in advance


def test_the_good_faith_box_is_not_ticked_in_advance(carol: User, tk2023: Election) -> None:
    html = verified_client(carol).get(URL).content.decode()
    box = re.search(r'<input type="checkbox" name="good_faith"[^>]*>', html)
    assert box and "checked" not in box.group(0)


def test_an_unticked_good_faith_box_is_recorded_as_not_confirmed(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    data = form_data(nos, tk2023)
    del data["good_faith"]
    verified_client(carol).post(URL, data)
    assert Signal.objects.get().good_faith is False


def test_dates_are_typed_and_shown_day_month_year(
    carol: User, nos: PartnerOrganisation, tk2023: Election
) -> None:
    client = in_english(verified_client(carol))
    html = client.get(URL).content.decode()
    field = re.search(r'<input type="text" name="received_at"[^>]*>', html)
    assert field and 'placeholder="dd-mm-yyyy hh:mm"' in field.group(0)
    assert re.search(r'value="\d\d-\d\d-\d{4} \d\d:\d\d"', field.group(0))
    client.post(URL, form_data(nos, tk2023, received_at="22-11-2023 09:30"))
    received = timezone.localtime(Signal.objects.get().received_at)
    assert (received.day, received.month, received.hour) == (22, 11, 9)

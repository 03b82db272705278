# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk partner`` and ``flagdesk user add --display-name``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from flagdesk.accounts import service
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.notices.service import sender_of


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_partner_add_with_a_token_prints_it_once_and_it_works(db: object) -> None:
    output = run("partner", "add", "Nieuwscheckers", "--type", "factchecker", "--token-name", "cms")
    raw = output.strip().splitlines()[-1]
    org = PartnerOrganisation.objects.get(name="Nieuwscheckers")
    assert org.source_type == "factchecker" and org.active
    found = service.user_for_token(raw)
    assert found is not None and found[0].organisation == org
    assert raw not in run("partner", "list") + run("token", "list")
    events = AuditEvent.objects.filter(actor_label="cli")
    assert {"partner_created", "api_token_issued"} <= set(events.values_list("action", flat=True))


def test_partner_add_without_a_token_issues_none(db: object) -> None:
    output = run("partner", "add", "NOS", "--type", "media")
    assert "fd_" not in output
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["AIVD", "--type", "government_monitoring"], "legal_basis"),
        (["NOS", "--type", "media"], "name"),  # taken, in any case
        (["Nieuw", "--type", "media", "--email", "not-an-address"], "contact_email"),
        (["Nieuw", "--type", "media", "--token-name", ""], "name"),
    ],
)
def test_partner_add_checks_like_the_form(
    nos: PartnerOrganisation, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("partner", "add", *args)
    assert PartnerOrganisation.objects.count() == 1
    assert not ApiToken.objects.exists()


def test_partner_add_refuses_a_type_that_is_no_partner(db: object) -> None:
    with pytest.raises(CommandError):
        run("partner", "add", "Burger", "--type", "citizen")


def test_a_government_body_with_its_legal_basis(db: object) -> None:
    run(
        "partner",
        "add",
        "Rijksinspectie",
        "--type",
        "government_monitoring",
        "--legal-basis",
        "Wet X, art. 5",
    )
    assert PartnerOrganisation.objects.get().legal_basis == "Wet X, art. 5"


def test_partner_list_shows_state_and_tokens(
    nos: PartnerOrganisation, gemeente: PartnerOrganisation, nos_token: str
) -> None:
    lines = run("partner", "list").splitlines()
    assert lines[0].split()[1:] == [
        "Gemeente",
        "Voorbeeldstad",
        "co_government",
        "active",
        "tokens:0",
    ]
    assert lines[1].split()[1:] == ["NOS", "media", "active", "tokens:1"]


@pytest.mark.parametrize("how", ["name", "id"])
def test_partner_deactivate_stops_its_tokens_at_once(
    nos: PartnerOrganisation, nos_token: str, how: str
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    assert client.get("/api/v1/signalen").status_code == 200
    run("partner", "deactivate", "nos" if how == "name" else str(nos.pk))
    nos.refresh_from_db()
    assert not nos.active
    assert client.get("/api/v1/signalen").status_code == 401
    event = AuditEvent.objects.get(action="partner_updated")
    assert event.actor_label == "cli" and event.after == {"active": False}
    assert "already inactive" in run("partner", "deactivate", "NOS")
    assert AuditEvent.objects.filter(action="partner_updated").count() == 1


def test_partner_deactivate_an_unknown_one(nos: PartnerOrganisation) -> None:
    for name in ("RTL", "999", "0"):
        with pytest.raises(CommandError, match="no partner organisation"):
            run("partner", "deactivate", name)


def test_user_add_with_a_display_name_signs_notices_with_it(db: object) -> None:
    output = run(
        "user",
        "add",
        "jdevries",
        "--role",
        "assessor",
        "--email",
        "j@example.nl",
        "--display-name",
        "  Jan  de Vries ",
    )
    assert "jdevries (Jan de Vries)" in output
    user = User.objects.get(username="jdevries")
    assert user.get_full_name() == "Jan de Vries"
    assert sender_of(user) == ("Jan de Vries", "j@example.nl")
    event = AuditEvent.objects.get(action="user_created")
    assert event.after["display_name"] == "Jan de Vries"


def test_user_add_without_a_display_name_signs_with_the_login(db: object) -> None:
    run("user", "add", "piet", "--role", "assessor")
    assert sender_of(User.objects.get(username="piet"))[0] == "piet"


def test_user_add_refuses_an_overlong_display_name(db: object) -> None:
    with pytest.raises(CommandError, match="display-name"):
        run("user", "add", "long", "--role", "assessor", "--display-name", "x" * 151)
    assert not User.objects.filter(username="long").exists()

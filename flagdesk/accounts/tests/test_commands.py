# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from flagdesk.accounts import service
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User, hash_token
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import make_user


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_token_create_for_a_partner_prints_a_working_token(nos: PartnerOrganisation) -> None:
    output = run("token", "create", "--partner", "nos", "--name", "newsroom")
    raw = output.strip().splitlines()[-1]
    found = service.user_for_token(raw)
    assert found is not None
    user, token = found
    assert user.organisation == nos
    assert token.name == "newsroom"
    assert token.token_hash == hash_token(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    event = AuditEvent.objects.get(action="api_token_issued")
    assert event.actor_label == "cli"
    assert raw not in str(event.after)


def test_token_create_for_a_staff_member(dave: User) -> None:
    raw = run("token", "create", "--user", "dave", "--name", "scripts").strip().splitlines()[-1]
    found = service.user_for_token(raw)
    assert found is not None
    assert found[0] == dave
    assert found[1].organisation is None


def test_token_create_refuses_unknown_owners(nos: PartnerOrganisation) -> None:
    with pytest.raises(CommandError):
        run("token", "create", "--partner", "BBC", "--name", "x")
    with pytest.raises(CommandError):
        run("token", "create", "--user", "nobody", "--name", "x")
    # The partner's service account is no staff member.
    service.issue_token(name="t", organisation=nos)
    with pytest.raises(CommandError):
        run("token", "create", "--user", f"partner-{nos.pk}", "--name", "x")


def test_token_list_shows_prefixes_not_tokens(nos: PartnerOrganisation, nos_token: str) -> None:
    output = run("token", "list")
    assert nos_token[:10] in output
    assert nos_token not in output
    assert "NOS" in output
    assert "active" in output


def test_token_revoke(nos: PartnerOrganisation, nos_token: str) -> None:
    output = run("token", "revoke", nos_token[:10])
    assert "revoked" in output
    assert service.user_for_token(nos_token) is None
    assert AuditEvent.objects.filter(action="api_token_revoked", actor_label="cli").exists()
    with pytest.raises(CommandError):
        run("token", "revoke", nos_token[:10])


def test_user_add_prints_a_one_time_password(db: None) -> None:
    output = run(
        "user",
        "add",
        "frank",
        "--role",
        "assessor",
        "--role",
        "approver",
        "--email",
        "frank@example.org",
    )
    password = output.strip().splitlines()[-1]
    frank = User.objects.get(username="frank")
    assert frank.check_password(password)
    assert frank.must_change_password
    assert frank.roles == ["approver", "assessor"]
    assert frank.email == "frank@example.org"
    assert AuditEvent.objects.filter(action="user_created", actor_label="cli").exists()


def test_user_add_refuses_a_taken_name_and_unknown_roles(dave: User) -> None:
    with pytest.raises(CommandError):
        run("user", "add", "dave", "--role", "assessor")
    with pytest.raises(CommandError):
        run("user", "add", "eve", "--role", "partner")
    assert not User.objects.filter(username="eve").exists()


def test_user_roles_replaces_the_roles(db: None) -> None:
    make_user("grace")
    run("user", "roles", "grace", "--role", "intake_officer", "--role", "admin")
    grace = User.objects.get(username="grace")
    assert grace.roles == ["admin", "intake_officer"]
    assert grace.is_staff
    event = AuditEvent.objects.get(action="user_roles_changed")
    assert event.after == {"roles": ["admin", "intake_officer"]}
    with pytest.raises(CommandError):
        run("user", "roles", "nobody", "--role", "admin")


def test_user_list(dave: User, bob: User, nos_token: str) -> None:
    output = run("user", "list")
    assert "dave" in output
    assert "approver" in output
    assert "partner-" not in output


@pytest.mark.parametrize("command", ["token", "user"])
def test_every_argument_has_help(command: str) -> None:
    from django.core.management import load_command_class

    cmd = load_command_class("flagdesk.accounts", command)
    parser = cmd.create_parser("flagdesk", command)
    subparsers = next(a for a in parser._actions if a.dest == "action")
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"{command} {name} {action.dest}"

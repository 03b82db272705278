# SPDX-License-Identifier: EUPL-1.2
"""Every URL of the site, as every role, for reading and for changing, against ``access_rules``.

A role the table lets in must not be refused (no 401/403, no trip to the login page, and the
objects in the URL exist, so no 404 either). A role it keeps out is refused the way its door
refuses: the web UI sends an anonymous visitor (and a partner, whose token the UI ignores) to
the login page and answers a signed-in person without the role with 403; the API answers 401
without credentials and 403 otherwise, both as problem+json.

The objects the URLs name (a case with a deploy decision and a portal notice, a partner's
signal with an attachment, an archived message, a signed-off report, a narrative link …) are
made once for the module, inside a transaction that is rolled back at its end; each test runs
in a savepoint of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.accounts.tests.access_rules import (
    ADMIN,
    ANONYMOUS,
    APPROVER,
    ASSESSOR,
    EXCLUDED_NAMESPACES,
    INTAKE,
    OPTIONAL,
    PARTNER,
    ROLES,
    RULES,
    SIGNED_IN,
    Rule,
)
from flagdesk.assessments import service as assessments
from flagdesk.assessments.models import Decision
from flagdesk.conftest import make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.mailarchive import service as mailarchive
from flagdesk.narratives import service as narratives
from flagdesk.narratives.models import Narrative
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import ELIGIBLE, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.redaction.models import Redaction, Status
from flagdesk.reports import service as reports

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LOGIN_PAGES = ("/login?", "/account/2fa?", "/account/2fa/setup?", "/account/password?")
REPEATED = (
    "Stemmen kan dit jaar ook per sms naar 4040: stuur STEM en het nummer van uw kandidaat. "
    "Deel dit met iedereen die op 22 november niet naar het stembureau kan."
)


# ------------------------------------------------------------------------ the URLs


def _patterns(
    patterns: list[URLPattern | URLResolver], namespace: str | None = None
) -> Iterator[tuple[str | None, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield namespace, pattern


def routed() -> list[URLPattern]:
    return [
        pattern
        for namespace, pattern in _patterns(get_resolver().url_patterns)
        if namespace not in EXCLUDED_NAMESPACES
    ]


ROUTED_NAMES = {pattern.name for pattern in routed() if pattern.name}


def test_every_url_is_named() -> None:
    unnamed = [str(pattern.pattern) for pattern in routed() if not pattern.name]
    assert unnamed == [], "name these URLs and give them a rule in access_rules.py"


def test_every_url_has_a_rule() -> None:
    missing = sorted(ROUTED_NAMES - set(RULES))
    assert missing == [], f"add a rule to flagdesk/accounts/tests/access_rules.py: {missing}"


def test_every_rule_is_for_a_url() -> None:
    stale = sorted(set(RULES) - ROUTED_NAMES - OPTIONAL)
    assert stale == [], f"rules for URLs that do not exist (or add them to OPTIONAL): {stale}"
    assert set(RULES) >= OPTIONAL


def test_the_rules_name_only_known_roles() -> None:
    for name, rule in RULES.items():
        for roles in (rule.get, rule.unsafe):
            assert roles is None or roles <= set(ROLES), name
        assert rule.method in ("post", "put", "patch", "delete"), name


# ----------------------------------------------------------------------- the world


@dataclass
class World:
    data_dir: Path
    users: dict[str, User]
    token: str
    kwargs: dict[str, dict[str, Any]]


def _mail_with_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "noreply@platform.example"
    message["To"] = "flagdesk@localhost"
    message["Subject"] = "Uw melding"
    message["Message-ID"] = "<matrix-1@platform.example>"
    message.set_content("We hebben uw melding ontvangen.")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="bewijs.png")
    return message.as_bytes()


def _signal(election: Election, url: str, **fields: Any) -> intake.IntakeResult:
    values: dict[str, Any] = {
        "election": election,
        "source_type": "media",
        "category": "misinformation",
        "platform_name": "x",
        "content_urls": [url],
        "explanation": REPEATED,
        "received_via": "api",
    }
    return intake.record_signal(intake.SignalInput(**(values | fields)))


def _review_everything(election: Election, reviewer: User) -> None:
    reports.build(election)
    from flagdesk.redaction import service as redaction

    for document in redaction.documents_for_election(election):
        redaction.mark_checked(document, reviewer)  # a person looked (issue 15)
        redaction.accept_all_proposed(document, reviewer)
    for proposal in Redaction.objects.filter(status=Status.PROPOSED):
        redaction.decide(proposal, False, reviewer)


def _build(data_dir: Path) -> World:
    election = Election.objects.get(code="TK2023")
    users = {
        INTAKE: make_user("m-intake", Role.INTAKE),
        ASSESSOR: make_user("m-assessor", Role.ASSESSOR),
        APPROVER: make_user("m-approver", Role.APPROVER),
        ADMIN: make_user("m-admin", Role.ADMIN),
    }
    assessor, approver = users[ASSESSOR], users[APPROVER]
    nos = accounts.create_partner("NOS", "media")
    _, token = accounts.issue_token(name="matrix", organisation=nos)
    spare, _ = accounts.issue_token(name="to revoke", organisation=nos)

    # A deployed case whose notice went to X's portal, with the portal's confirmation.
    Platform.objects.filter(slug="x").update(
        channel_kind="portal",
        channel_address="https://help.x.example/forms/escalation",
        channel_active=True,
    )
    case = approved_case(election, assessor, approver)
    notice = Notice.objects.get(case=case)
    notices.send(notice, assessor)
    notices.record_portal_submission(
        notice,
        assessor,
        submitted_at=timezone.now() - dt.timedelta(minutes=2),
        reference="X-1",
        confirmation=SimpleUploadedFile("confirmation.png", PNG, "image/png"),
    )
    decision = Decision.objects.get(case=case)

    # The partner's own signal with a screenshot (a new case), and a later one repeating it.
    own = _signal(
        election,
        "https://x.com/kiezer/status/1727365022222222222",
        source_organisation=nos,
        source_organisation_name=nos.name,
        attachments=[SimpleUploadedFile("screenshot.png", PNG, "image/png")],
    )
    assert own.signal is not None and own.case is not None
    later = _signal(election, "https://x.com/kiezer/status/1727365033333333333")
    assert later.case is not None
    [similar, *_] = narratives.suggest_similar(later.case)
    narrative = Narrative.objects.filter(retired=False, merged_into=None).order_by("pk").first()
    assert narrative is not None
    link = narratives.link_by_hand(own.case, narrative, assessor)

    message = mailarchive.import_raw(_mail_with_attachment())
    mail_attachment = message.attachments.get()

    _review_everything(election, approver)
    final = reports.sign_off(election, approver)
    redaction = Redaction.objects.order_by("pk").first()
    assert redaction is not None

    notices.save_template_version(
        "notices/mail/notice.en.txt", "Matrix {{ f.reference }}", "matrix", users[ADMIN]
    )
    template = {"filename": "notice.en.txt"}

    tk = {"code": election.code}
    ref = {"reference": case.reference}
    kwargs: dict[str, dict[str, Any]] = {
        "fd-partner-detail": {"pk": nos.pk},
        "fd-partner-token-issue": {"pk": nos.pk},
        "fd-partner-token-revoke": {"pk": nos.pk, "token_pk": spare.pk},
        "fd-signal-recorded": {"pk": own.signal.pk},
        "fd-case-detail": ref,
        "fd-case-assess": ref,
        "fd-case-eligibility": ref,
        "fd-case-decide": ref,
        "fd-case-review": ref,
        "fd-case-owner": ref,
        "fd-case-list-export": {"fmt": "csv"},
        "fd-case-withdraw": ref,
        "fd-case-reassign": ref,
        "fd-attachment-download": {"pk": own.signal.attachments.get().pk},
        "fd-platform-edit": {"slug": "x"},
        "fd-notice-draft": {"pk": notice.pk},
        "fd-notice-send": {"pk": notice.pk},
        "fd-notice-follow-up": {"pk": notice.pk},
        "fd-notice-portal-submission": {"pk": notice.pk},
        "fd-notice-unknown": {"pk": notice.pk},
        "fd-notice-send-again": {"pk": notice.pk},
        "fd-notice-requeue": {"pk": notice.pk},
        "fd-notice-raw": {"pk": notice.pk},
        "fd-notice-confirmation": {"pk": notice.pk},
        "fd-notice-template-edit": template,
        "fd-notice-template-version": {**template, "version": 1},
        "fd-notice-template-activate": {**template, "version": 1},
        "fd-notice-template-use-file": template,
        "fd-mail-detail": {"pk": message.pk},
        "fd-mail-raw": {"pk": message.pk},
        "fd-mail-attach": {"pk": message.pk},
        "fd-mail-confirm": {"pk": message.pk},
        "fd-mail-reject": {"pk": message.pk},
        "fd-mail-attachment": {"pk": mail_attachment.pk},
        "fd-report-detail": tk,
        "fd-report-draft": {**tk, "fmt": "md"},
        "fd-report-prepare": tk,
        "fd-report-sign-off": tk,
        "fd-report-final": {**tk, "version": final.version, "fmt": "md"},
        "fd-redaction-list": tk,
        "fd-redaction-document": {"pk": redaction.document_id},
        "fd-redaction-accept-all": {"pk": redaction.document_id},
        "fd-redaction-bulk": {"pk": redaction.document_id},
        "fd-redaction-election-bulk": tk,
        "fd-redaction-add-text": {"pk": redaction.document_id},
        "fd-redaction-decide": {"pk": redaction.pk},
        "fd-narrative-detail": {"slug": narrative.slug},
        "fd-narrative-retire": {"slug": narrative.slug},
        "fd-narrative-merge": {"slug": narrative.slug},
        "fd-narrative-link-decide": {"pk": link.pk},
        "fd-similar-decide": {"pk": similar.pk},
        "fd-narrative-suggest": ref,
        "fd-narrative-link": ref,
        "fd-api-signal": {"id": str(own.signal.pk)},
        "fd-api-case": ref,
        "fd-api-assessment": ref,
        "fd-api-decisions": ref,
        "fd-api-timeline": ref,
        "fd-api-review": {"id": str(decision.pk)},
        # issue 16: archived mail
        "fd-api-message": {"id": str(message.pk)},
        "fd-api-message-original": {"id": str(message.pk)},
        "fd-api-message-link": {"id": str(message.pk)},
        "fd-api-message-confirmation": {"id": str(message.pk)},
        "fd-api-message-rejection": {"id": str(message.pk)},
        # issue 16: fixes and the case actions
        "fd-api-decision": {"id": str(decision.pk)},
        "fd-api-case-owner": ref,
        "fd-api-decision-withdrawal": {"id": str(decision.pk)},
        "fd-api-decision-reassignment": {"id": str(decision.pk)},
        # issue 16: notices
        "fd-api-case-notices": ref,
        "fd-api-notice": {"id": str(notice.pk)},
        "fd-api-notice-send": {"id": str(notice.pk)},
        "fd-api-notice-follow-ups": {"id": str(notice.pk)},
        "fd-api-notice-portal-submission": {"id": str(notice.pk)},
        "fd-api-notice-outcome": {"id": str(notice.pk)},
        "fd-api-notice-resend": {"id": str(notice.pk)},
        # issue 16: reports
        "fd-api-report": {"election": election.code},
        "fd-api-report-prepare": {"election": election.code},
        "fd-api-report-documents": {"election": election.code},
        "fd-api-report-document": {"election": election.code, "id": str(redaction.document_id)},
        "fd-api-report-document-proposals": {
            "election": election.code,
            "id": str(redaction.document_id),
        },
        "fd-api-report-proposals-bulk": {"election": election.code},
        "fd-api-report-proposal": {"election": election.code, "id": str(redaction.pk)},
        "fd-api-report-sign-off": {"election": election.code},
        "fd-api-report-versions": {"election": election.code},
        "fd-api-report-version": {"election": election.code, "version": str(final.version)},
        "fd-api-report-file": {
            "election": election.code,
            "version": str(final.version),
            "fmt": "md",
        },
        "fd-api-organisation": {"id": str(nos.pk)},
        "fd-api-organisation-tokens": {"id": str(nos.pk)},
        "fd-api-organisation-token": {"id": str(nos.pk), "token_id": str(spare.pk)},
        "fd-api-platform": {"code": "x"},
        # issue 16: narratives
        "fd-api-narrative": {"slug": narrative.slug},
        "fd-api-narrative-retirement": {"slug": narrative.slug},
        "fd-api-narrative-merge": {"slug": narrative.slug},
        "fd-api-case-narratives": ref,
        "fd-api-case-narrative-suggestions": ref,
        "fd-api-narrative-link-decision": {"id": str(link.pk)},
        "fd-api-similar-case-decision": {"id": str(similar.pk)},
    }
    return World(data_dir, users, token, kwargs)


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("matrix")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=data_dir,
            OUTBOX_DIR=data_dir / "outbox",
            STORAGES=_storages_in(data_dir),
            SMTP_URL=None,
            IMAP_URL=None,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield _build(data_dir)
        transaction.set_rollback(True)


@pytest.fixture
def here(world: World, db: Any, settings: Any) -> World:
    # The shared fixtures point the data directory at each test's own; the world's files
    # (archived mail, the signed-off report) are in the module's.
    settings.DATA_DIR = world.data_dir
    settings.OUTBOX_DIR = world.data_dir / "outbox"
    settings.STORAGES = _storages_in(world.data_dir)
    return world


def _storages_in(data_dir: Path) -> dict[str, Any]:
    default = {**django_settings.STORAGES["default"]}
    default["OPTIONS"] = {**default.get("OPTIONS", {}), "location": str(data_dir / "files")}
    return {**django_settings.STORAGES, "default": default}


# ---------------------------------------------------------------------- requesting


def client_for(role: str, world: World) -> Client:
    if role == ANONYMOUS:
        return Client()
    if role == PARTNER:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.token}")
    return verified_client(world.users[role])


def request(client: Client, method: str, url: str, rule: Rule) -> Any:
    if method == "get":
        return client.get(url)
    if rule.api:
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url, {})


def sent_to_login(response: Any) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith(LOGIN_PAGES)


def refused(response: Any) -> bool:
    return response.status_code in (401, 403) or sent_to_login(response)


def expected_refusal(rule: Rule, role: str) -> str:
    if rule.api:
        return "401" if role == ANONYMOUS else "403"
    return "login" if role in (ANONYMOUS, PARTNER) else "403"


def outcome(response: Any) -> str:
    if sent_to_login(response):
        return "login"
    return str(response.status_code)


def problem(rule: Rule, response: Any) -> str | None:
    """What is wrong with a refusal from the API (None when it is right)."""
    if not rule.api or response.status_code not in (401, 403):
        return None
    if response["Content-Type"] != "application/problem+json":
        return f"refusal is {response['Content-Type']}, not problem+json"
    if response.status_code == 401 and not response.get("WWW-Authenticate"):
        return "401 without WWW-Authenticate"
    return None


def judge(rule: Rule, role: str, method: str, response: Any) -> str | None:
    """None when the response is what the table says; otherwise what went wrong."""
    allowed = rule.get if method == "get" else rule.unsafe
    status = response.status_code
    if allowed is not None and role in allowed:
        if status == 404 and rule.configured_only:
            return None  # the same for everyone: the feature is off in tests
        if refused(response) or status in (404, 405) or status >= 500:
            return f"should get in, got {outcome(response)}"
        return None
    expected = expected_refusal(rule, role)
    got = outcome(response)
    if got == expected or (allowed is None and status == 405):
        return problem(rule, response)
    return f"should be refused with {expected}, got {got}"


@pytest.mark.parametrize("name", sorted(n for n in RULES if n in ROUTED_NAMES))
def test_each_role_gets_exactly_what_the_table_says(here: World, name: str) -> None:
    rule = RULES[name]
    url = url_of(name, here)
    wrong = []
    for role in ROLES:
        for method in ("get", rule.method):
            # A fresh client each time: a POST may log out or change the session.
            response = request(client_for(role, here), method, url, rule)
            error = judge(rule, role, method, response) or kept_in_caches(name, response)
            if error:
                wrong.append(f"{method.upper()} {url} as {role}: {error}")
    assert wrong == []


# Public and the same for everyone; every other answer may hold personal data.
CACHEABLE = {"fd-api-docs"}


def kept_in_caches(name: str, response: Any) -> str | None:
    """What is wrong when an answer (a page, a download, an API answer) may be cached."""
    if name in CACHEABLE or response.status_code != 200:
        return None
    if "no-store" not in response.get("Cache-Control", ""):
        return f"Cache-Control is {response.get('Cache-Control')!r}, not no-store"
    return None


def url_of(name: str, world: World) -> str:
    pattern = next(p for p in routed() if p.name == name)
    if pattern.pattern.converters:  # type: ignore[union-attr]
        assert name in world.kwargs, f"add the objects {name} needs to _build() in {__name__}"
    return reverse(name, kwargs=world.kwargs.get(name))


# -------------------------------------------------------------- other doors, in depth


@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_refuses_everyone_but_admins(here: World, role: str) -> None:
    client = client_for(role, here)
    for url in ["/admin/", "/admin/accounts/user/", "/admin/accounts/apitoken/"]:
        response = client.get(url)
        if role == ADMIN:
            assert response.status_code in (200, 403), url  # in, with the model rights it has
            assert not response.get("Location", "").startswith("/admin/login"), url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/?next="), url


def test_a_partner_account_with_a_session_gets_no_staff_page(here: World) -> None:
    # A partner's service account has no usable password; should one ever get a session
    # (an admin setting a password), the role still keeps it out of every staff page.
    partner = User.objects.get(username__startswith="partner-")
    client = Client()
    client.force_login(partner)
    device = TOTPDevice.objects.create(user=partner, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    wrong = []
    for name, rule in RULES.items():
        if name not in ROUTED_NAMES or rule.get is None or rule.get == SIGNED_IN:
            continue
        if PARTNER in rule.get:
            continue
        url = url_of(name, here)
        status = client.get(url).status_code
        if status != 403:
            wrong.append(f"GET {url}: {status}")
    assert wrong == []


def test_nobody_approves_their_own_decision_through_any_door(here: World) -> None:
    election = Election.objects.get(code="TK2023")
    both = make_user("m-both", Role.ASSESSOR, Role.APPROVER)
    result = _signal(election, "https://x.com/kiezer/status/1727365044444444444")
    assert result.case is not None
    assessments.save_assessment(result.case, ELIGIBLE, both)
    decision = assessments.propose_decision(result.case, "deploy", "Clear risk.", both)
    client = verified_client(both)

    page = client.post(
        reverse("fd-case-review", kwargs={"reference": result.case.reference}),
        {"verdict": "approve", "comment": ""},
    )
    api = client.post(
        reverse("fd-api-review", kwargs={"id": str(decision.pk)}),
        {"approve": True},
        content_type="application/json",
    )
    assert page.status_code == 400
    assert api.status_code == 409 and api["Content-Type"] == "application/problem+json"
    decision.refresh_from_db()
    assert decision.status == "proposed" and decision.reviewed_by is None

# SPDX-License-Identifier: EUPL-1.2
"""Shared test personas and helpers.

Personas: carol (intake officer), alice (assessor), bob (approver), dave (admin),
erin (second assessor), and the partner organisation "NOS" with an API token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.platforms.models import Platform
from tests_support.fixtures import dovecot, dovecot_tls  # noqa: F401

PASSWORD = "correct horse battery staple"


def make_user(username: str, *roles: Role) -> User:
    user, _ = accounts.create_staff_user(
        username, roles, password=PASSWORD, must_change_password=False
    )
    return user


def media_case(
    election: Election,
    url: str,
    *,
    received_at: dt.datetime | None = None,
    explanation: str = "Wrong polling station hours.",
    actor: Any = None,
) -> Case:
    """A case opened by one media signal about a post on X: the usual start of a test."""
    from flagdesk.intake import service as intake

    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=[url],
            explanation=explanation,
            received_via="email",
            source_organisation_name="NOS",
            received_at=received_at,
        ),
        actor=actor,
    )
    assert result.case is not None
    return result.case


def verified_client(user: User) -> Client:
    """A test client logged in with password and a confirmed second factor."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def in_english(client: Client) -> Client:
    """Render pages in English, for tests that assert on the English source strings."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 with a million rounds is right for production and far too slow for tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_in_tmp(settings: Any, tmp_path: Any) -> None:
    # The mail archive and the outbox write files; keep tests out of the real data directory.
    settings.DATA_DIR = tmp_path
    settings.OUTBOX_DIR = tmp_path / "outbox"
    # Uploads (attachments, portal confirmations) too: Django's storage follows STORAGES.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None},
        },
    }
    settings.SMTP_URL = None
    settings.IMAP_URL = None


@pytest.fixture(autouse=True)
def _static_files_from_the_apps(settings: Any) -> None:
    # Production serves hashed names from `collectstatic` (manifest storage), which raises for
    # a file not collected; in-process tests read the apps' files as `make run` does. The
    # gunicorn and nginx tests run collectstatic and the production storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request through the test client leaves its language active in the thread (the
    # locale middleware activates it and nothing deactivates it): every test starts in the
    # default language, as a new request does.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_case_index() -> None:
    # The narratives' per-process index of cases must not outlive a test's database.
    from flagdesk.narratives import service as narratives

    narratives._case_index = None


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Per-process state must not leak from one test into the next (ids repeat across tests):
    # the default cache, and the partner rate limit's leases (their rows roll back).
    from django.core.cache import cache

    from flagdesk.accounts import ratelimit

    cache.clear()
    ratelimit.limiter.leases.clear()


@pytest.fixture
def tk2023(db: Any) -> Election:
    return Election.objects.get(code="TK2023")


@pytest.fixture
def open_election(tk2023: Election) -> Election:
    """TK2023 with its attention window held open until today.

    A partner's signal is filed under the election whose attention window is open now (the
    API refuses any other), and the seeded elections' windows lie in the past or future.
    """
    today = timezone.localdate()
    tk2023.attention_start = min(tk2023.attention_start, today)
    tk2023.attention_end = max(tk2023.attention_end, today)
    tk2023.save(update_fields=["attention_start", "attention_end"])
    return tk2023


@pytest.fixture
def x_platform(db: Any) -> Platform:
    return Platform.objects.get(slug="x")


@pytest.fixture
def carol(db: Any) -> User:
    return make_user("carol", Role.INTAKE)


@pytest.fixture
def alice(db: Any) -> User:
    return make_user("alice", Role.ASSESSOR)


@pytest.fixture
def erin(db: Any) -> User:
    return make_user("erin", Role.ASSESSOR)


@pytest.fixture
def bob(db: Any) -> User:
    return make_user("bob", Role.APPROVER)


@pytest.fixture
def dave(db: Any) -> User:
    return make_user("dave", Role.ADMIN)


@pytest.fixture
def nos(db: Any) -> PartnerOrganisation:
    return accounts.create_partner("NOS", "media")


@pytest.fixture
def gemeente(db: Any) -> PartnerOrganisation:
    return accounts.create_partner("Gemeente Voorbeeldstad", "co_government")


@pytest.fixture
def nos_token(nos: PartnerOrganisation) -> str:
    _, raw = accounts.issue_token(name="test", organisation=nos)
    return raw


# The outside services a fixture brings; a test that uses it is marked with them, so that
# `make test-quick` (-m "not (…)") can leave it out. pyproject.toml registers the markers.
SERVICES_OF_FIXTURE: dict[str, tuple[str, ...]] = {
    "dovecot": ("dovecot",),
    "dovecot_tls": ("dovecot",),
    "private_postgres": ("postgres", "root"),
    "private_db": ("postgres", "root"),
    "full_disk": ("root",),
    "chromium": ("browser",),
    "spawn": ("processes",),
}


def services_needed(item: pytest.Item) -> set[str]:
    """The services ``item`` needs, judged by its fixtures (see ``SERVICES_OF_FIXTURE``)."""
    needed = {
        service
        for name in getattr(item, "fixturenames", ())
        for service in SERVICES_OF_FIXTURE.get(name, ())
    }
    callspec = getattr(item, "callspec", None)
    # A backup restored into "the other kind" of database is PostgreSQL when we run on SQLite.
    if callspec is not None and callspec.params.get("target_database") == "other":
        needed |= {"postgres", "root"}
    return needed


def pytest_itemcollected(item: pytest.Item) -> None:
    for service in sorted(services_needed(item)):
        item.add_marker(service)


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    return transactional or item.get_closest_marker("browser") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that end with a flush last in their process (worker processes, live
    server, browser).

    A transactional test ends by emptying the tables, the migrations' seed rows included;
    serialized rollback restores them only when the next transactional test starts. Tests
    that request ``db`` through ``getfixturevalue`` are not recognised by pytest-django's
    own ordering and could otherwise run on the emptied tables.
    """
    items.sort(key=_flushes_the_database)

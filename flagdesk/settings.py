# SPDX-License-Identifier: EUPL-1.2
"""FlagDesk settings: one file, driven by environment variables with safe defaults.

SQLite is the default so that a fresh clone runs with ``make run``; set DATABASE_URL for
PostgreSQL. Every variable is documented in docs/configuration.md (tested).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

from flagdesk.core import env
from flagdesk.core.env import (
    env_bool,
    env_date,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
    env_url,
)
from flagdesk.core.logging import FORMATS as LOG_FORMATS
from flagdesk.core.logging import logging_settings
from flagdesk.core.rates import parse_rate
from flagdesk.redaction.keeprules import OFFICE_ADDRESS_LINES  # pure: no Django, no models

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool(
    "FLAGDESK_DEBUG",
    False,
    help="Django debug mode: detailed error pages. Never on in production.",
)
# Relative to the working directory, never inside the installed package: a command run
# without an environment file must not write data or a key into site-packages.
DATA_DIR = env_path(
    "FLAGDESK_DATA_DIR",
    "var",
    help="Directory for the SQLite database, uploaded attachments, collected static files and "
    "the generated secret key. Default: var in the working directory (the units' "
    "WorkingDirectory, /var/lib/flagdesk); no spaces or '#'.",
)
if not env.DRY_RUN:
    # A command that needs no data (`flagdesk archive verify DIR`, `--help`) also runs where
    # the directory can't be made, e.g. as another user in /; the ones that need it fail there.
    with contextlib.suppress(OSError):
        DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # A key from the environment wins; otherwise one is generated once and kept in the
    # data directory (mode 600), so no secret is ever in the repository.
    key = env_secret(
        "FLAGDESK_SECRET_KEY",
        help="Django's secret key (sessions, CSRF, password reset). When unset, a random key is "
        "generated once and stored in FLAGDESK_DATA_DIR/secret_key.",
    )
    if key or env.DRY_RUN:
        return key or ""
    path = DATA_DIR / "secret_key"
    if not os.access(DATA_DIR, os.W_OK) and not path.exists():
        # Nothing is kept, so nothing signed now verifies in another process: fine for a
        # command that signs nothing, and said aloud for anything else.
        print(
            f"flagdesk: {DATA_DIR} is not writable and no FLAGDESK_SECRET_KEY_FILE is set: "
            "using a secret key for this process only",
            file=sys.stderr,
        )
        return secrets.token_urlsafe(50)
    if not path.exists():
        # Created 0600: no moment in which another account could read the key. Two
        # processes starting at once: the first one's key is the one both use.
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "FLAGDESK_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]"],
    help="Comma-separated host names this site may be served under.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "FLAGDESK_CSRF_TRUSTED_ORIGINS",
    [],
    help="Comma-separated origins (https://flagdesk.example.nl) trusted for form posts behind a proxy.",
)
HTTPS = env_bool(
    "FLAGDESK_HTTPS",
    False,
    help="Set when served over TLS: secure cookies, HSTS and redirect to https.",
    group="Security",
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int(
    "FLAGDESK_SESSION_SECONDS",
    8 * 3600,
    help="How long a login lasts, in seconds (default: one working day).",
    group="Security",
)
LIVE_POLL_MS = env_int(
    "FLAGDESK_LIVE_POLL_MS",
    1500,
    help="How often an open live page (dashboard, case list, case page, queues) asks whether "
    "it changed, in milliseconds; 0 switches live updates off.",
    group="General",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REQUIRE_2FA = env_bool(
    "FLAGDESK_REQUIRE_2FA",
    True,
    help="Staff must confirm a TOTP code after their password. Switch off only for local demos.",
    group="Security",
)

# SSO and lockout. Single sign-on (OpenID Connect, flagdesk/accounts/oidc.py) is on only when
# issuer, client id and client secret are all set; local password + TOTP always works.
OIDC_ISSUER = env_url(
    "FLAGDESK_OIDC_ISSUER",
    "",
    help="Issuer URL of the organisation's OpenID Connect provider, e.g. "
    "https://login.example.nl/realms/staff. Its endpoints are read from "
    "<issuer>/.well-known/openid-configuration unless given below. Unset: no single sign-on.",
    group="Single sign-on",
)
OIDC_CLIENT_ID = env_str(
    "FLAGDESK_OIDC_CLIENT_ID",
    "",
    help="Client id FlagDesk is registered under at the provider (redirect URI: "
    "https://<host>/oidc/callback/).",
    group="Single sign-on",
)
OIDC_CLIENT_SECRET = (
    env_secret(
        "FLAGDESK_OIDC_CLIENT_SECRET",
        help="Client secret from the provider; keep it in your secret store, never in the "
        "repository.",
        group="Single sign-on",
    )
    or ""
)
OIDC_AUTHORIZATION_ENDPOINT = env_url(
    "FLAGDESK_OIDC_AUTHORIZATION_ENDPOINT",
    "",
    help="Authorization endpoint, when the provider offers no discovery document.",
    group="Single sign-on",
)
OIDC_TOKEN_ENDPOINT = env_url(
    "FLAGDESK_OIDC_TOKEN_ENDPOINT",
    "",
    help="Token endpoint, when the provider offers no discovery document.",
    group="Single sign-on",
)
OIDC_USERINFO_ENDPOINT = env_url(
    "FLAGDESK_OIDC_USERINFO_ENDPOINT",
    "",
    help="UserInfo endpoint, when the provider offers no discovery document.",
    group="Single sign-on",
)
OIDC_JWKS_URI = env_url(
    "FLAGDESK_OIDC_JWKS_URI",
    "",
    help="URL of the provider's signing keys (JWKS), when it offers no discovery document.",
    group="Single sign-on",
)
OIDC_END_SESSION_ENDPOINT = env_url(
    "FLAGDESK_OIDC_END_SESSION_ENDPOINT",
    "",
    help="URL where logging out of FlagDesk also ends the single sign-on session at the "
    "provider (OpenID Connect RP-Initiated Logout); taken from discovery when empty. Without "
    "one, logging out ends the FlagDesk session only.",
    group="Single sign-on",
)
OIDC_SCOPES = env_str(
    "FLAGDESK_OIDC_SCOPES",
    "openid email profile",
    help="Scopes asked for; must include openid and email (accounts are linked by e-mail).",
    group="Single sign-on",
)
OIDC_SIGN_ALGO = env_str(
    "FLAGDESK_OIDC_SIGN_ALGO",
    "RS256",
    help="Signing algorithm the provider uses for ID tokens (RS256 or ES256; keys from JWKS). "
    "Tokens signed any other way are refused.",
    group="Single sign-on",
)
OIDC_PROVIDER_NAME = env_str(
    "FLAGDESK_OIDC_PROVIDER_NAME",
    "",
    help='Name on the login button ("Inloggen met <name>"); default: the issuer\'s host name.',
    group="Single sign-on",
)
OIDC_ROLES_CLAIM = env_str(
    "FLAGDESK_OIDC_ROLES_CLAIM",
    "",
    help="Optional: name of a claim holding FlagDesk role names (intake_officer, assessor, "
    "approver, admin); when set, each SSO login replaces the user's roles with those. Unset "
    "(the default): roles are only given in FlagDesk.",
    group="Single sign-on",
)
LOGIN_MAX_FAILURES = env_int(
    "FLAGDESK_LOGIN_MAX_FAILURES",
    5,
    help="Failed passwords or TOTP codes for one username from one address before that "
    "username is locked out from that address.",
    group="Security",
)
LOGIN_LOCKOUT_MINUTES = env_int(
    "FLAGDESK_LOGIN_LOCKOUT_MINUTES",
    15,
    help="Minutes a lockout lasts, counted from the last failure. "
    "`flagdesk axes_reset_username NAME` lifts it at once.",
    group="Security",
)
LOGIN_PROXY_COUNT = env_int(
    "FLAGDESK_LOGIN_PROXY_COUNT",
    0,
    help="Number of reverse proxies in front of FlagDesk that append to X-Forwarded-For; the "
    "lockout then counts the client's address they report instead of the proxy's.",
    group="Security",
)
# django-axes: lock a username + address pair; FlagDesk's own views count TOTP failures too.
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Counters are reset only when the whole login (password and second factor) succeeds, so a
# known password does not buy unlimited TOTP guesses (flagdesk/accounts/lockout.py).
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "flagdesk.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "flagdesk.accounts.lockout.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log; no second record of them
# Masked in axes' record of a failed attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "token", "csrfmiddlewaretoken"]
AXES_VERBOSE = False

ORGANISATION_NAME = env_str(
    "FLAGDESK_ORGANISATION_NAME",
    "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    help="Name of the organisation that holds the trusted-flagger status (shown in the UI, "
    "used in notices and reports).",
    group="Organisation",
)
ORGANISATION_NAME_EN = env_str(
    "FLAGDESK_ORGANISATION_NAME_EN",
    "Dutch Ministry of the Interior and Kingdom Relations",
    help="The organisation's name in English, used in notices in English (no Dutch in an "
    "English notice).",
    group="Organisation",
)
ORGANISATION_DOMAINS = env_list(
    "FLAGDESK_ORGANISATION_DOMAINS",
    ["minbzk.nl", "rijksoverheid.nl"],
    help="The organisation's own mail domains: in reports only the personal part before the @ "
    "is redacted.",
    group="Organisation",
)
ORGANISATION_ADDRESS = env_list(
    "FLAGDESK_ORGANISATION_ADDRESS",
    ["Turfmarkt 147", "2511 DP Den Haag", "Postbus 20011", "2500 EA Den Haag"],
    help="The organisation's own office address lines (comma-separated); never redacted.",
    group="Organisation",
)
PUBLIC_HANDLES = env_list(
    "FLAGDESK_PUBLIC_HANDLES",
    ["@minbzk", "@Kiesraad", "@rijksoverheid"],
    help="Public organisational social-media handles that are not personal data.",
    group="Organisation",
)
# The look: NL Design System components with an open theme (flagdesk/core/static/flagdesk/
# vendor/). An organisation brings its own design tokens and logo from a directory of its own,
# served from our origin like every static file, so the Content-Security-Policy stays 'self'.
THEME_DIR = env_str(
    "FLAGDESK_THEME_DIR",
    "",
    help="Directory with the organisation's own theme files (a CSS file with design tokens, a "
    "logo), served under /static/theme/ after `flagdesk collectstatic`. Empty: the shipped "
    "open example theme and no logo.",
    group="Theme",
)
THEME_CSS = env_str(
    "FLAGDESK_THEME_CSS",
    "",
    help="File name, inside FLAGDESK_THEME_DIR, of a CSS file with NL Design System design "
    "tokens; loaded after FlagDesk's own CSS, so its tokens win.",
    group="Theme",
)
THEME_CLASS = env_str(
    "FLAGDESK_THEME_CLASS",
    "voorbeeld-theme",
    help="CSS class under which the theme's tokens are defined (voorbeeld-theme for the "
    "shipped example theme; the class your token package uses for your own).",
    group="Theme",
)
THEME_LOGO = env_str(
    "FLAGDESK_THEME_LOGO",
    "",
    help="File name, inside FLAGDESK_THEME_DIR, of the logo shown in the page header beside "
    "FLAGDESK_ORGANISATION_NAME (SVG or PNG, about 40 px high). Empty: no logo.",
    group="Theme",
)
STATICFILES_DIRS = [("theme", THEME_DIR)] if THEME_DIR else []
for _name, _file in (("FLAGDESK_THEME_CSS", THEME_CSS), ("FLAGDESK_THEME_LOGO", THEME_LOGO)):
    # A plain file name: the directory is the one place the organisation's files come from.
    in_dir = THEME_DIR and Path(_file).name == _file and (Path(THEME_DIR) / _file).is_file()
    if _file and not in_dir:
        env.report_problem(_name, f"{_file!r} is no file in FLAGDESK_THEME_DIR")
if not re.fullmatch(r"[A-Za-z][\w-]*", THEME_CLASS):
    env.report_problem("FLAGDESK_THEME_CLASS", "a CSS class name is letters, digits, - and _")

# DSA Art. 22: only a designation by a Digital Services Coordinator lets a notice of illegal
# content claim the trusted-flagger status; a platform's voluntary programme is not one.
ART22_DESIGNATED = env_bool(
    "FLAGDESK_ART22_DESIGNATED",
    False,
    help="Whether the organisation is designated as trusted flagger under DSA Art. 22. Only "
    "then does a notice of illegal content say it is sent as a designated trusted flagger; "
    "needs FLAGDESK_ART22_COORDINATOR and FLAGDESK_ART22_DESIGNATED_ON.",
    group="Organisation",
)
ART22_COORDINATOR = env_str(
    "FLAGDESK_ART22_COORDINATOR",
    "",
    help="The Digital Services Coordinator that designated the organisation under Art. 22, "
    "as named in notices (e.g. Autoriteit Consument & Markt (ACM)). Only with "
    "FLAGDESK_ART22_DESIGNATED=true.",
    group="Organisation",
)
ART22_DESIGNATED_ON = env_date(
    "FLAGDESK_ART22_DESIGNATED_ON",
    help="The date of the Art. 22 designation, as YYYY-MM-DD. Only with "
    "FLAGDESK_ART22_DESIGNATED=true.",
    group="Organisation",
)
# Strict both ways: a designation without its coordinator and date cannot be claimed, and a
# coordinator or date without the designation means the file says two things.
if ART22_DESIGNATED and not (ART22_COORDINATOR.strip() and ART22_DESIGNATED_ON):
    env.ERRORS.append(
        "FLAGDESK_ART22_DESIGNATED: true needs FLAGDESK_ART22_COORDINATOR and "
        "FLAGDESK_ART22_DESIGNATED_ON"
    )
if not ART22_DESIGNATED and (ART22_COORDINATOR.strip() or ART22_DESIGNATED_ON):
    env.ERRORS.append(
        "FLAGDESK_ART22_COORDINATOR / FLAGDESK_ART22_DESIGNATED_ON: set only with "
        "FLAGDESK_ART22_DESIGNATED=true"
    )
REDACTION_ALLOW = env_list(
    "FLAGDESK_REDACTION_ALLOW",
    [],
    help="Comma-separated terms the redaction engine must never redact (allow-list).",
    group="Organisation",
)
REDACTION_DENY = env_list(
    "FLAGDESK_REDACTION_DENY",
    [],
    help="Comma-separated terms the redaction engine must always redact (deny-list).",
    group="Organisation",
)
REDACTION_KEEP_ADDRESSES = env_list(
    "FLAGDESK_REDACTION_KEEP_ADDRESSES",
    list(OFFICE_ADDRESS_LINES),
    help="Other organisations' office address lines the redaction engine keeps (comma-separated; "
    "default: the five platforms' registered and Dutch offices, see docs/configuration.md).",
    group="Organisation",
)
REDACTION_ROLE_WORDS = env_list(
    "FLAGDESK_REDACTION_ROLE_WORDS",
    [],
    help="Extra words that make a mailbox's local part a role, not a person (comma-separated; "
    "added to the built-in ones: elections, webredactie, trustedflagger, support, …).",
    group="Organisation",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "flagdesk.core",
    "flagdesk.audit",
    "flagdesk.accounts",
    "flagdesk.elections",
    "flagdesk.platforms",
    "flagdesk.intake",
    "flagdesk.assessments",
    "flagdesk.notices",
    "flagdesk.mailarchive",
    "flagdesk.redaction",
    "flagdesk.reports",
    "flagdesk.narratives",
    "flagdesk.records",
    "flagdesk.notifications",
    # Last: the composition app on top of all the others (docs/architecture.md).
    "flagdesk.desk",
]

MIDDLEWARE = [
    "flagdesk.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that may answer early (static files, the second-factor redirect, a
    # bad Host header), so that every response carries the headers.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "flagdesk.core.middleware.SecurityHeadersMiddleware",
    "flagdesk.core.staticfiles.StaticFilesMiddleware",
    # Inside WhiteNoise: static files keep their long cache lifetime; every other answer,
    # early ones (the second-factor redirect, a 414) included, is no-store.
    "flagdesk.core.middleware.NoStoreMiddleware",
    "flagdesk.core.middleware.ApiVersionMiddleware",
    "flagdesk.core.middleware.UriLengthMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "flagdesk.core.middleware.DutchByDefaultLocaleMiddleware",
    # A live page's poll is answered here (304 or 401, no body) when nothing changed:
    # before authentication, OTP and messages (flagdesk/core/live.py).
    "flagdesk.core.live.LiveMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "flagdesk.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "flagdesk.urls"
WSGI_APPLICATION = "flagdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "flagdesk.desk.context_processors.flagdesk",
                "flagdesk.notifications.context_processors.bell",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{DATA_DIR / 'flagdesk.sqlite3'}",
    help="Database to use. SQLite by default; for several users and workers use PostgreSQL, "
    "e.g. postgres://flagdesk@127.0.0.1:5432/flagdesk.",
    group="Database",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Keep connections: closing the last one makes SQLite checkpoint the WAL into the
    # database file, which more than doubled the cost of a write request.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE makes every transaction take the write lock at its start, so web and
        # worker processes queue on the busy timeout instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
    # A file, not memory, so that tests can run a real `flagdesk worker` process on it; one
    # per test process, so that two test runs in one checkout don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out username + address before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Inert unless FLAGDESK_OIDC_* is set; never offered a username and password.
    "flagdesk.accounts.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "fd-login"
LOGIN_REDIRECT_URL = "fd-dashboard"
LOGOUT_REDIRECT_URL = "fd-login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "flagdesk" / "locale"]
# Dates the European way in English too (25 May 2027, not 05/25/2027): flagdesk/core/formats.
FORMAT_MODULE_PATH = ["flagdesk.core.formats"]
TIME_ZONE = env_str(
    "FLAGDESK_TIME_ZONE",
    "Europe/Amsterdam",
    help="Time zone for display and for election days.",
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path(
    "FLAGDESK_STATIC_ROOT",
    str(DATA_DIR / "static"),
    help="Where `flagdesk collectstatic` writes the static files (hashed names, gzip and brotli "
    "copies) that whitenoise serves. Default: static in FLAGDESK_DATA_DIR.",
)
if not env.DRY_RUN:
    with contextlib.suppress(OSError):
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files"), "base_url": None},
    },
    # Production: `flagdesk collectstatic` writes each file under a name with its content hash
    # and gzip/brotli copies; whitenoise serves those compressed and cached for a year. With
    # FLAGDESK_DEBUG the files come straight from the apps and change as you edit them.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

MAX_UPLOAD_BYTES = (
    env_int(
        "FLAGDESK_MAX_UPLOAD_MB",
        10,
        help="Largest attachment a signaller may supply, in MB.",
        group="Security",
    )
    * 1024
    * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

JSON_MAX_DEPTH = env_int(
    "FLAGDESK_JSON_MAX_DEPTH",
    64,
    help="How deep arrays and objects may nest in a JSON request body (1-500); a deeper body "
    "is refused with 400 before it is parsed. FlagDesk's own API needs 3.",
    group="API",
)
if not 1 <= JSON_MAX_DEPTH <= 500:
    # Python's JSON parser recurses once per level: far below the interpreter's limit.
    env.ERRORS.append(f"FLAGDESK_JSON_MAX_DEPTH: must be 1-500, not {JSON_MAX_DEPTH}")

PARTNER_RATE = env_str(
    "FLAGDESK_PARTNER_RATE",
    "600/min",
    help="Rate limit per API token, counted in the database so that it holds across all web "
    "processes: requests per second, minute, hour or day (e.g. 600/min), in fixed windows.",
    group="API",
)
try:
    parse_rate(PARTNER_RATE)
except ValueError:
    env.ERRORS.append(f"FLAGDESK_PARTNER_RATE: must look like 600/min, not {PARTNER_RATE!r}")
    PARTNER_RATE = "600/min"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "flagdesk.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["flagdesk.core.api.AuthenticatedAndVerified"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser behind a size and a nesting-depth limit (flagdesk/core/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["flagdesk.core.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "flagdesk.core.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "flagdesk.core.api.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "flagdesk.core.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["flagdesk.accounts.authentication.PartnerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"partner": PARTNER_RATE},
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_VERSION = "1.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "FlagDesk API",
    "DESCRIPTION": "Signalen aanleveren en zaken volgen. Partners submit signals and read the "
    "state of their own signals; staff can do everything the web UI does.",
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "FlagDesk",
        "email": "flagdesk@example.org",
        "url": "https://github.com/flagdesk/flagdesk",
    },
    "LICENSE": {"name": "EUPL-1.2"},
    "SERVERS": [{"url": "/api/v1"}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Named where two choice sets share a field name ("kind"), so the document's enum names
    # are stable instead of hashed.
    "ENUM_NAME_OVERRIDES": {
        "MailKindEnum": "flagdesk.mailarchive.models.Kind",
        "ConfirmableMailKindEnum": "flagdesk.mailarchive.service.CONFIRMABLE_KINDS",
        # Several answers have a "state"; each set of values gets its own name.
        "CaseStateEnum": "flagdesk.intake.models.CaseState",
        "DeliveryStateEnum": "flagdesk.notices.models.DeliveryState",
        "NoticeStateEnum": "flagdesk.notices.api.NOTICE_STATES",
        "ClockStateEnum": "flagdesk.notices.api.CLOCK_STATES",
        # Choice sets whose field names other resources use for other values (reports).
        "RedactionStatusEnum": "flagdesk.redaction.models.Status",
        "RedactionDecisionEnum": "flagdesk.redaction.api.DECISION_VALUES",
        "RedactionCategoryEnum": "flagdesk.redaction.api.CATEGORY_VALUES",
        "ReportStateEnum": "flagdesk.reports.api.STATES",
        "ReportFormatEnum": "flagdesk.reports.service.FORMATS",
        # A suggestion's state (narrative links, earlier similar cases).
        "SuggestionStatusEnum": "flagdesk.narratives.api.LINK_STATES",
        # The case's own, named as before those came.
        "CategoryEnum": "flagdesk.intake.models.Category",
        # The four kinds of source a partner organisation can be (a signal may name any kind).
        "SourceTypeEnum": "flagdesk.accounts.constants.SourceType",
        "PartnerSourceTypeEnum": "flagdesk.accounts.api.SOURCE_TYPE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "flagdesk.core.schema.add_version_headers",
        "flagdesk.core.schema.add_language_and_location",
        "flagdesk.core.schema.add_links",
    ],
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notices", "mail"],
    }
}

# Mail: notices go out through SMTP, replies come in through IMAP. With no SMTP URL, notices are
# written as .eml files to the local outbox so that `make run` works without a mail server.
SMTP_URL = env_secret(
    "FLAGDESK_SMTP_URL",
    url=True,
    help="Outgoing mail server for notices: smtp://user:pass@host:port (plain: loopback or a trusted internal relay only), "
    "smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465. Unset: notices are written "
    "to the local outbox folder and not sent.",
    group="Mail",
)
FROM_EMAIL = env_str(
    "FLAGDESK_FROM_EMAIL",
    "flagdesk@localhost",
    help="Sender address of notices; the team mailbox that FLAGDESK_IMAP_URL watches for replies.",
    group="Mail",
)
ARCHIVE_BCC = env_str(
    "FLAGDESK_ARCHIVE_BCC",
    "",
    help="Optional team archive address that receives a blind copy of every notice. When it is "
    "the watched mailbox, the copy also proves delivery if the worker crashed mid-send.",
    group="Mail",
)
OUTBOX_DIR = DATA_DIR / "outbox"
IMAP_URL = env_secret(
    "FLAGDESK_IMAP_URL",
    url=True,
    help="Team mailbox the worker watches for acknowledgments and replies: "
    "imap://user:pass@host:port/INBOX (plain, loopback only), imap+starttls://... or imaps://...",
    group="Mail",
)
SMTP_TIMEOUT = env_int(
    "FLAGDESK_SMTP_TIMEOUT",
    30,
    help="Seconds to wait for the SMTP server before an attempt counts as a temporary failure.",
    group="Mail",
)
SEND_MAX_ATTEMPTS = env_int(
    "FLAGDESK_SEND_MAX_ATTEMPTS",
    8,
    help="Attempts per notice before a temporary failure becomes final (backoff doubles from 30 s).",
    group="Mail",
)
SEND_RETRY_SECONDS = env_int(
    "FLAGDESK_SEND_RETRY_SECONDS",
    30,
    help="Wait before the second attempt after a temporary failure; doubles after each attempt.",
    group="Mail",
)
ACK_REMINDER_MINUTES = env_int(
    "FLAGDESK_ACK_REMINDER_MINUTES",
    60,
    help="Minutes without an acknowledgment after which the case owner is reminded to follow up "
    "another way (the acknowledgment service level; a platform may set its own value).",
    group="Mail",
)
ACK_REMINDER_MINUTES_ELECTION_DAY = env_int(
    "FLAGDESK_ACK_REMINDER_MINUTES_ELECTION_DAY",
    15,
    help="The same reminder on the election's own day, when every minute counts.",
    group="Mail",
)
SITE_URL = env_url(
    "FLAGDESK_SITE_URL",
    "",
    help="Address of this site as staff reach it (https://flagdesk.example.nl), for the link "
    "in notification e-mails. Empty: the e-mail names the page without the site's address.",
    group="Mail",
)
SLA_DECISION_MINUTES = env_int(
    "FLAGDESK_SLA_DECISION_MINUTES",
    240,
    help="Service level: minutes from a case's first signal until a decision is proposed; "
    "after 75 % (FLAGDESK_SLA_DUE_SOON_PERCENT) the case shows as due soon, after all of it "
    "as overdue. A platform may set its own value on its edit page.",
    group="Service levels",
)
SLA_DECISION_MINUTES_ELECTION_DAY = env_int(
    "FLAGDESK_SLA_DECISION_MINUTES_ELECTION_DAY",
    30,
    help="The same on election day (and FLAGDESK_SLA_ELECTION_DAY_MARGIN_DAYS around it); the "
    "tighter of this and a platform's own value applies.",
    group="Service levels",
)
SLA_APPROVAL_MINUTES = env_int(
    "FLAGDESK_SLA_APPROVAL_MINUTES",
    60,
    help="Service level: minutes from a proposed decision until an approver approves or sends "
    "it back.",
    group="Service levels",
)
SLA_APPROVAL_MINUTES_ELECTION_DAY = env_int(
    "FLAGDESK_SLA_APPROVAL_MINUTES_ELECTION_DAY",
    15,
    help="The same on election day.",
    group="Service levels",
)
SLA_DUE_SOON_PERCENT = env_int(
    "FLAGDESK_SLA_DUE_SOON_PERCENT",
    75,
    help="Share of a threshold (in percent) after which a clock shows as due soon (amber).",
    group="Service levels",
)
SLA_ELECTION_DAY_MARGIN_DAYS = env_int(
    "FLAGDESK_SLA_ELECTION_DAY_MARGIN_DAYS",
    0,
    help="Days before and after election day on which the election-day thresholds apply too "
    "(never outside the election's attention window); 0 is election day only.",
    group="Service levels",
)
MAIL_MAX_PART_MB = env_int(
    "FLAGDESK_MAIL_MAX_PART_MB",
    25,
    help="Largest attachment of an incoming mail that is kept; larger parts are recorded by "
    "name, size and hash only.",
    group="Mail",
)
MAIL_AUTHSERV_IDS = env_list(
    "FLAGDESK_MAIL_AUTHSERV_IDS",
    [],
    help="authserv-id(s) our own receiving mail server writes in the Authentication-Results "
    "header (RFC 8601), e.g. mx.example.org. Only the topmost such header is read; without "
    "this setting no inbound mail counts as authenticated.",
    group="Mail",
)
MAIL_AUTHSERV_MAX_HOPS = env_int(
    "FLAGDESK_MAIL_AUTHSERV_MAX_HOPS",
    -1,
    help="At most this many Received headers (our own internal hops after the receiving "
    "server, e.g. 1 for an LMTP delivery) may stand above the trusted Authentication-Results "
    "header; one further down came with the mail. -1: no limit.",
    group="Mail",
)
MAIL_VERIFY_DKIM = env_bool(
    "FLAGDESK_MAIL_VERIFY_DKIM",
    False,
    help="Also verify the DKIM signatures of inbound mail in FlagDesk (DNS lookups of the "
    "signers' keys), besides reading the receiving server's Authentication-Results.",
    group="Mail",
)
WORKER_INTERVAL = float(
    env_str(
        "FLAGDESK_WORKER_INTERVAL",
        "0.2",
        help="Seconds the worker waits between looks at the task queue when it is idle.",
        group="Worker",
    )
)
WORKER_STALE_SECONDS = env_int(
    "FLAGDESK_WORKER_STALE_SECONDS",
    30,
    help="A worker that has not reported for this many seconds counts as dead; its interrupted "
    "sends are recovered by another worker.",
    group="Worker",
)
NOTICE_STUCK_AFTER = env_int(
    "FLAGDESK_NOTICE_STUCK_AFTER",
    300,
    help="A notice waiting to be sent (queued or retrying) counts as stuck when it has been due "
    "for this many seconds without being taken, or at once when no task exists for it: "
    "/health answers 503, the dashboard and the case page offer to queue it again, and the "
    "worker logs a warning once per this interval.",
    group="Worker",
)
MATCHING_BATCH = env_int(
    "FLAGDESK_MATCHING_BATCH",
    50,
    help="Cases one background matching task matches (those waiting longest first) before it "
    "enqueues the next batch; a case is matched once however many signals it got meanwhile.",
    group="Worker",
)
FAILPOINT = env_str(
    "FLAGDESK_FAILPOINT",
    "",
    help="Testing only: name of a point in the send path where the worker kills itself (SIGKILL), "
    "to prove crash safety. Never set in production.",
    group="Worker",
)

# Retention: per category, days after its reference date (see flagdesk/records/retention.py);
# 0 keeps forever. docs/configuration.md explains each default.
RETENTION_DAYS = {
    "contacts": env_int(
        "FLAGDESK_RETENTION_CONTACT_DAYS",
        180,
        help="Days after the end of the election's attention window after which a signaller's "
        "name, e-mail and phone are blanked; the signal and its case stay. 0 keeps them.",
        group="Retention",
    ),
    "refusal_counts": env_int(
        "FLAGDESK_RETENTION_REFUSAL_COUNT_DAYS",
        0,
        help="Days after which the anonymous counts of refused and referred signals are "
        "deleted. 0 (the default) keeps them: they hold no personal data.",
        group="Retention",
    ),
    "raw_mail": env_int(
        "FLAGDESK_RETENTION_RAW_MAIL_DAYS",
        730,
        help="Days after the end of the case's election's attention window (unmatched mail: "
        "after archiving) after which archived mail's original file and attachments are "
        "deleted; the message's row, kind, date and sanitised text stay. 0 keeps them.",
        group="Retention",
    ),
    "attachments": env_int(
        "FLAGDESK_RETENTION_ATTACHMENT_DAYS",
        730,
        help="Days after the end of the election's attention window after which files attached "
        "to signals and portal confirmations are deleted. 0 keeps them.",
        group="Retention",
    ),
    "audit": env_int(
        "FLAGDESK_RETENTION_AUDIT_DAYS",
        0,
        help="Days after which audit events are pruned (oldest first, leaving a verifiable "
        "anchor). 0 (the default) keeps the audit log forever.",
        group="Retention",
    ),
}
RETENTION_REQUIRE_ARCHIVE = env_bool(
    "FLAGDESK_RETENTION_REQUIRE_ARCHIVE",
    True,
    help="Keep an election's original mail, attachments and portal confirmations, whatever "
    "their age, until `flagdesk archive export` has run for it (the Archiefwet package needs "
    "them). Turn off only where the archive is kept by other means.",
    group="Retention",
)
# Staff notifications are a working aid, not the record (that is the audit log they come
# from): read ones go after a season, unread ones are kept longer in case someone was away.
NOTIFICATIONS_KEEP_DAYS = env_int(
    "FLAGDESK_NOTIFICATIONS_KEEP_DAYS",
    90,
    help="Days after which a notification that was read is deleted (nightly, from "
    "FLAGDESK_RETENTION_HOUR, and by `flagdesk notifications purge`). 0 keeps them.",
    group="Retention",
)
NOTIFICATIONS_KEEP_UNREAD_DAYS = env_int(
    "FLAGDESK_NOTIFICATIONS_KEEP_UNREAD_DAYS",
    365,
    help="Days after which a notification that was never read is deleted, as the read ones. "
    "0 keeps them.",
    group="Retention",
)
RETENTION_HOUR = env_int(
    "FLAGDESK_RETENTION_HOUR",
    3,
    help="Local hour (0-23) from which a worker starts the nightly retention run, once a day; "
    "-1 turns the nightly run off (`flagdesk retention` still works).",
    group="Retention",
)

# Audit checkpoints: the chain anchored outside the database (flagdesk/audit/checkpoints.py,
# docs/operations.md "Audit"). Without a key nothing is written and verify warns.
AUDIT_KEY_FILE = env_str(
    "FLAGDESK_AUDIT_KEY_FILE",
    "",
    help="File holding the key that signs audit checkpoints (HMAC-SHA256; one key per line, "
    "the first signs, the others still verify). Readable by the worker and the flagdesk CLI "
    "user, never in the database or its backups. Unset: <FLAGDESK_DATA_DIR>/"
    "audit-checkpoint.key, made on first use (outside the backup).",
    group="Audit",
)
AUDIT_CHECKPOINT_TARGETS = env_list(
    "FLAGDESK_AUDIT_CHECKPOINT_TARGETS",
    [],
    help="Comma-separated places each audit checkpoint goes: file:///path (append-only JSON "
    "lines, read back by `flagdesk audit verify`), syslog (local /dev/log), "
    "syslog://host:514 (UDP) or syslog+tcp://host:514. "
    "Default: file://<FLAGDESK_DATA_DIR>/audit-checkpoints.jsonl.",
    group="Audit",
)
AUDIT_ANCHOR_EVERY_COMMIT = env_bool(
    "FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT",
    True,
    help="Append a checkpoint of the newest event after every transaction that logs events "
    "(without fsync), so removing the newest events is caught at once; false: only the "
    "worker's interval and `flagdesk audit checkpoint` write them.",
    group="Audit",
)
AUDIT_CHECKPOINT_SECONDS = env_int(
    "FLAGDESK_AUDIT_CHECKPOINT_SECONDS",
    300,
    help="Seconds between the worker's audit checkpoints (one when the log has grown); "
    "events newer than the last checkpoint are not anchored yet. 0: only "
    "`flagdesk audit checkpoint` writes them.",
    group="Audit",
)

LOG_LEVEL = env_str(
    "FLAGDESK_LOG_LEVEL",
    "INFO",
    help="Log level for FlagDesk's own loggers (DEBUG, INFO, WARNING, ERROR).",
    group="Logging",
)
LOG_FORMAT = env_str(
    "FLAGDESK_LOG_FORMAT",
    "console" if DEBUG else "json",
    help="How log lines look on stderr: json (one JSON object per line, for a log shipper) "
    "or console (readable). Default: console when FLAGDESK_DEBUG is on, else json.",
    group="Logging",
)
# Every logger renders through structlog (flagdesk/core/logging.py); lines carry the
# request id (web) or the worker and task ids (worker), never personal data.
LOGGING_CONFIG = "flagdesk.core.logging.configure"
if LOG_FORMAT not in LOG_FORMATS:
    env.ERRORS.append(f"FLAGDESK_LOG_FORMAT: must be json or console, not {LOG_FORMAT!r}")
    LOG_FORMAT = "json"
LOGGING = logging_settings(LOG_FORMAT, LOG_LEVEL)

# Every setting that could not be read, all at once, naming each variable (flagdesk/core/env.py).
env.raise_errors()

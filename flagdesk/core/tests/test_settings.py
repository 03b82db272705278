# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _settings_in_fresh_process(env: dict[str, str], expr: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='flagdesk.settings'; "
        f"from django.conf import settings; print({expr})"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_") and k != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_it_keeps_debug_off_by_default(tmp_path: Path) -> None:
    assert (
        _settings_in_fresh_process({"FLAGDESK_DATA_DIR": str(tmp_path)}, "settings.DEBUG")
        == "False"
    )


def test_it_generates_a_private_secret_key_outside_the_repo(tmp_path: Path) -> None:
    key = _settings_in_fresh_process({"FLAGDESK_DATA_DIR": str(tmp_path)}, "settings.SECRET_KEY")
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == key and len(key) > 40
    assert stored.stat().st_mode & 0o077 == 0
    again = _settings_in_fresh_process({"FLAGDESK_DATA_DIR": str(tmp_path)}, "settings.SECRET_KEY")
    assert again == key


def test_it_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file-" + "x" * 40)
    key = _settings_in_fresh_process(
        {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_SECRET_KEY_FILE": str(secret)},
        "settings.SECRET_KEY",
    )
    assert key.startswith("s3cret-from-file-")


def test_it_switches_to_postgresql_with_database_url(tmp_path: Path) -> None:
    engine = _settings_in_fresh_process(
        {
            "FLAGDESK_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/flagdesk",
        },
        "settings.DATABASES['default']['ENGINE']",
    )
    assert engine == "django.db.backends.postgresql"


def test_it_hardens_cookies_when_served_over_https(tmp_path: Path) -> None:
    out = _settings_in_fresh_process(
        {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_HTTPS": "true"},
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS",
    )
    assert out == "True True 31536000"


def test_sqlite_uses_djangos_backend_with_immediate_transactions(tmp_path: Path) -> None:
    engine = _settings_in_fresh_process(
        {"FLAGDESK_DATA_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default']['OPTIONS']['transaction_mode'], "
        "settings.DATABASES['default']['OPTIONS']['timeout']",
    )
    assert engine == "django.db.backends.sqlite3 IMMEDIATE 20"


def test_it_reads_the_partner_rate_and_refuses_one_it_cannot_read(tmp_path: Path) -> None:
    rate = _settings_in_fresh_process(
        {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_PARTNER_RATE": "120/hour"},
        "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['partner']",
    )
    assert rate == "120/hour"
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _settings_in_fresh_process(
            {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_PARTNER_RATE": "lots"},
            "settings.DEBUG",
        )
    assert "FLAGDESK_PARTNER_RATE: must look like 600/min, not 'lots'" in failed.value.stderr

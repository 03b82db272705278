# SPDX-License-Identifier: EUPL-1.2
"""Configuration that means what it says: the environment file is read as systemd reads it,
and a value that could mean two things stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from flagdesk.cli import EARLY_COMMANDS
from flagdesk.core import envfile

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "env.example"
FLAGDESK = [sys.executable, "-m", "flagdesk.cli"]


def _clean_env(**values: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_") and k != "DATABASE_URL"
    }
    return {**env, **values}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FLAGDESK, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


# --- reading the file as systemd does ------------------------------------------------------


def test_an_inline_comment_is_part_of_the_value_as_in_systemd() -> None:
    parsed = envfile.parse("FLAGDESK_HTTPS=true   # secure cookies\n")
    assert parsed.values["FLAGDESK_HTTPS"] == "true   # secure cookies"
    assert any("FLAGDESK_HTTPS" in problem for problem in parsed.problems)


def test_comments_quotes_and_continuations() -> None:
    text = (
        "# a comment\n"
        "  ; another\n"
        "\n"
        'FLAGDESK_ORGANISATION_NAME="Ministerie van \\"BZK\\""\n'
        "FLAGDESK_SMTP_URL='smtps://u:p#w@mail.example.nl'\n"
        "FLAGDESK_ALLOWED_HOSTS=a.example.nl,\\\nb.example.nl\n"
        "  DATABASE_URL = postgres://flagdesk@127.0.0.1/flagdesk  \n"
    )
    parsed = envfile.parse(text)
    assert parsed.problems == []
    assert parsed.values == {
        "FLAGDESK_ORGANISATION_NAME": 'Ministerie van "BZK"',
        "FLAGDESK_SMTP_URL": "smtps://u:p#w@mail.example.nl",
        "FLAGDESK_ALLOWED_HOSTS": "a.example.nl,b.example.nl",
        "DATABASE_URL": "postgres://flagdesk@127.0.0.1/flagdesk",
    }


@pytest.mark.parametrize(
    "line",
    [
        "FLAGDESK_ORGANISATION_NAME=Ministerie van BZK",  # sh runs "van" as a command
        'FLAGDESK_ORGANISATION_NAME="never closed',
        "FLAGDESK_FROM_EMAIL='never closed",
        "not a setting",
        "2BAD=x",
    ],
)
def test_lines_sh_and_systemd_read_differently_are_refused(line: str) -> None:
    assert envfile.parse(line + "\n").problems


def test_the_example_file_reads_the_same_in_sh_and_systemd() -> None:
    parsed = envfile.parse(EXAMPLE.read_text(encoding="utf-8"))
    assert parsed.problems == []
    assert {"FLAGDESK_HTTPS", "DATABASE_URL", "FLAGDESK_DATA_DIR"} <= set(parsed.values)
    assert not any("#" in value for value in parsed.values.values())
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{EXAMPLE}"; env -0'],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
    )
    read_by_sh = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
    for name, value in parsed.values.items():
        assert read_by_sh[name] == value, name


# --- strict settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FLAGDESK_HTTPS", "true   # secure cookies, redirect to https"),
        ("FLAGDESK_HTTPS", "ja"),
        ("FLAGDESK_REQUIRE_2FA", "enabled"),
        ("FLAGDESK_DATA_DIR", "/var/lib/flagdesk   # attachments"),
        ("FLAGDESK_DATA_DIR", "/var/lib/flag desk"),
        ("FLAGDESK_DATA_DIR", "/var/lib/flagdesk#1"),
        ("FLAGDESK_SESSION_SECONDS", "8h"),
        ("DATABASE_URL", "postgres//flagdesk@127.0.0.1/flagdesk"),
        ("DATABASE_URL", "mysql://flagdesk@127.0.0.1/flagdesk"),
        ("DATABASE_URL", "postgres://flagdesk@127.0.0.1:54x2/flagdesk"),
        ("FLAGDESK_SMTP_URL", "smtp.example.nl:587"),
        ("FLAGDESK_IMAP_URL", "https://imap.example.nl"),
        ("FLAGDESK_OIDC_ISSUER", "login.example.nl/realms/staff"),
        ("FLAGDESK_LOG_FORMAT", "json   # for the shipper"),
        ("FLAGDESK_LOG_FORMAT", "xml"),
        ("FLAGDESK_JSON_MAX_DEPTH", "0"),
        ("FLAGDESK_PARTNER_RATE", "lots"),
        ("FLAGDESK_ART22_DESIGNATED_ON", "19-05-2025"),
        ("FLAGDESK_ART22_DESIGNATED_ON", "2025-02-30"),
        # A designation without coordinator and date cannot be claimed in a notice; a
        # coordinator without the designation says two things.
        ("FLAGDESK_ART22_DESIGNATED", "true"),
        ("FLAGDESK_ART22_COORDINATOR", "ACM"),
    ],
)
def test_a_value_that_could_mean_two_things_stops_start_up(
    tmp_path: Path, name: str, value: str
) -> None:
    env = _clean_env(**{"FLAGDESK_DATA_DIR": str(tmp_path / "data"), name: value})
    started = _run(["check"], env, tmp_path)
    assert started.returncode == 2, started.stdout + started.stderr
    assert name in started.stderr
    assert "Traceback" not in started.stderr
    assert "System check" not in started.stdout


@pytest.mark.parametrize("content", [None, "", "\n"])
def test_a_secret_file_missing_or_empty_names_the_variable(
    tmp_path: Path, content: str | None
) -> None:
    secret = tmp_path / "smtp_url"
    if content is not None:
        secret.write_text(content, encoding="utf-8")
    env = _clean_env(FLAGDESK_DATA_DIR=str(tmp_path), FLAGDESK_SMTP_URL_FILE=str(secret))
    started = _run(["check"], env, tmp_path)
    assert started.returncode == 2
    assert "FLAGDESK_SMTP_URL_FILE" in started.stderr and "Traceback" not in started.stderr


def test_the_data_directory_defaults_to_var_in_the_working_directory(tmp_path: Path) -> None:
    """Never inside the installed package: a command run without an environment file."""
    shown = subprocess.run(
        [sys.executable, "-c", "from flagdesk import settings; print(settings.DATA_DIR)"],
        env=_clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(shown.stdout.strip()) == tmp_path / "var"
    assert (tmp_path / "var" / "secret_key").exists()


# --- flagdesk check-config and flagdesk secret-key -----------------------------------------


def _env_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "env"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_config_reports_a_broken_file_naming_each_variable(tmp_path: Path) -> None:
    broken = _env_file(
        tmp_path,
        "FLAGDESK_HTTPS=true   # secure cookies\n"
        "FLAGDESK_REQUIRE_2FA=maybe\n"
        f"FLAGDESK_DATA_DIR={tmp_path}/data\n"
        "FLAGDESK_HTTPSS=true\n",
    )
    checked = _run(["check-config", "--env-file", str(broken)], _clean_env(), tmp_path)
    assert checked.returncode == 1
    for name in ("FLAGDESK_HTTPS:", "FLAGDESK_REQUIRE_2FA:", "FLAGDESK_HTTPSS:"):
        assert name in checked.stderr
    assert not (tmp_path / "data").exists(), "checking created the data directory"


def test_check_config_shows_what_each_setting_resolved_to_secrets_masked(tmp_path: Path) -> None:
    good = _env_file(
        tmp_path,
        'FLAGDESK_SECRET_KEY="k-3f9a0c2b7e1d4a6f8b5c9e0d1a2b3c4d5e6f7a8b9c0d1e2f"\n'
        "FLAGDESK_SMTP_URL='smtp+starttls://notices:hunter2-smtp@smtp.example.nl:587'\n"
        "DATABASE_URL='postgres://flagdesk:pw-4711@127.0.0.1:5432/flagdesk'\n"
        "FLAGDESK_HTTPS=true\n"
        'FLAGDESK_ORGANISATION_NAME="Ministerie van Binnenlandse Zaken"\n'
        f"FLAGDESK_DATA_DIR={tmp_path}/data\n",
    )
    # The calling shell's environment does not leak in: systemd starts clean.
    env = _clean_env(FLAGDESK_HTTPS="false", FLAGDESK_DEBUG="true")
    checked = _run(["check-config", "--env-file", str(good)], env, tmp_path)
    assert checked.returncode == 0, checked.stderr
    lines = {line.split()[0]: line for line in checked.stdout.splitlines() if line.strip()}
    assert "True" in lines["FLAGDESK_HTTPS"] and "(set)" in lines["FLAGDESK_HTTPS"]
    assert "False" in lines["FLAGDESK_DEBUG"] and "(default)" in lines["FLAGDESK_DEBUG"]
    assert "Ministerie van Binnenlandse Zaken" in lines["FLAGDESK_ORGANISATION_NAME"]
    assert "pw-4711" not in checked.stdout and "127.0.0.1:5432" in lines["DATABASE_URL"]
    assert "hunter2" not in checked.stdout and "k-3f9a" not in checked.stdout


def test_an_art22_designation_resolves_with_its_coordinator_and_date(tmp_path: Path) -> None:
    designated = _env_file(
        tmp_path,
        "FLAGDESK_ART22_DESIGNATED=true\n"
        'FLAGDESK_ART22_COORDINATOR="Autoriteit Consument & Markt (ACM)"\n'
        "FLAGDESK_ART22_DESIGNATED_ON=2025-05-19\n"
        f"FLAGDESK_DATA_DIR={tmp_path}/data\n",
    )
    checked = _run(["check-config", "--env-file", str(designated)], _clean_env(), tmp_path)
    assert checked.returncode == 0, checked.stderr
    lines = {line.split()[0]: line for line in checked.stdout.splitlines() if line.strip()}
    assert "2025-05-19" in lines["FLAGDESK_ART22_DESIGNATED_ON"]
    assert "Autoriteit Consument & Markt (ACM)" in lines["FLAGDESK_ART22_COORDINATOR"]


def test_secret_key_writes_a_new_key_0640_and_never_replaces_one(tmp_path: Path) -> None:
    out = tmp_path / "secret_key"
    made = _run(["secret-key", "--out", str(out)], _clean_env(), tmp_path)
    assert made.returncode == 0, made.stderr
    key = out.read_text(encoding="utf-8").strip()
    assert len(key) >= 50 and stat.S_IMODE(out.stat().st_mode) == 0o640
    again = _run(["secret-key", "--out", str(out)], _clean_env(), tmp_path)
    assert again.returncode == 1 and out.read_text(encoding="utf-8").strip() == key


@pytest.mark.parametrize("name", sorted(EARLY_COMMANDS))
def test_the_commands_without_settings_are_documented_with_help(name: str) -> None:
    """Not Django commands (they run before the settings load), so test_docs can't see them."""
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"`flagdesk {name}" in operations
    shown = _run([name, "--help"], _clean_env(), ROOT)
    assert shown.returncode == 0 and len(shown.stdout) > 100

# SPDX-License-Identifier: EUPL-1.2
"""docs/deployment.md, followed literally: every block marked ``deployment-check`` runs, in
order, as root on this machine, so that the guide can't drift from the product again.

Only ``systemctl`` is emulated (tests_support/units.py: each unit's ExecStart as its user,
with its environment files, working directory and umask), ``apt-get install`` checks that
each package is installed (scripts/system-packages.sh installs them; installing here would
upgrade the machine's other packages), and the test plays the operator
where the guide says "edit": a self-signed certificate for flagdesk.example.nl, and the
mail URLs (a Dovecot team mailbox on loopback). Everything it creates — the flagdesk user,
/etc/flagdesk, /opt/flagdesk, /var/lib/flagdesk, the database and role, nginx's site — is
removed before and after, so it can run again on a machine CI reuses. It refuses to touch a
FlagDesk it did not install.
"""

from __future__ import annotations

import json
import pwd
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests_support import units

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "deployment.md"
STATE = Path("/var/tmp/flagdesk-deployment-check")
OURS = STATE / "installed-by-the-deployment-check"
CERT_DIR = Path("/etc/ssl/flagdesk")
SITE = "flagdesk.example.nl"
CREATED = [
    "/etc/flagdesk",
    "/opt/flagdesk",
    "/var/lib/flagdesk",
    "/var/lib/flagdesk-export",
    "/var/backups/flagdesk",
    "/var/log/nginx/flagdesk",
    str(CERT_DIR),
    "/etc/nginx/conf.d/flagdesk.conf",
    "/etc/logrotate.d/flagdesk-nginx",
    "/etc/systemd/system/nginx.service.d/flagdesk-umask.conf",
    *(f"/etc/systemd/system/{unit.name}" for unit in (ROOT / "deploy" / "systemd").iterdir()),
]
DEBIAN_DEFAULT_SITE = Path("/etc/nginx/sites-enabled/default")
VENV = Path("/opt/flagdesk/.venv")

pytestmark = [
    pytest.mark.root,
    pytest.mark.nginx,
    pytest.mark.postgres,
    pytest.mark.processes,
    # It needs no test database; once per `make test` is enough (about two minutes).
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs once, in the PostgreSQL run"
    ),
]


def guide_blocks() -> list[str]:
    return re.findall(r"^```sh deployment-check\n(.*?)^```$", GUIDE.read_text(), flags=re.M | re.S)


def _sh(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        env={**units.BASE_ENV, "HOME": "/root", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _psql(sql: str) -> str:
    return subprocess.run(
        ["sudo", "-u", "postgres", "psql", "-Atc", sql],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _installed_by_someone_else() -> list[str]:
    if OURS.exists():
        return []
    found = [path for path in ("/etc/flagdesk", "/opt/flagdesk") if Path(path).exists()]
    with_user = _user_exists()
    has_db = _psql("SELECT 1 FROM pg_database WHERE datname = 'flagdesk'") == "1"
    return (
        found + (["user flagdesk"] if with_user else []) + (["database flagdesk"] if has_db else [])
    )


def _user_exists() -> bool:
    try:
        pwd.getpwnam("flagdesk")
    except KeyError:
        return False
    return True


def _clean_up() -> None:
    """Everything the guide's steps made, gone; safe to run when some or none of it exists."""
    if STATE.exists():
        units.stop_all(STATE)
    for path in map(Path, CREATED):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    _psql("DROP DATABASE IF EXISTS flagdesk WITH (FORCE)")
    _psql("DROP ROLE IF EXISTS flagdesk")
    if _user_exists():
        subprocess.run(["deluser", "--system", "flagdesk"], check=True, capture_output=True)
    subprocess.run(["delgroup", "--system", "flagdesk"], check=False, capture_output=True)
    if (STATE / "had-default-site").exists() and not DEBIAN_DEFAULT_SITE.exists():
        DEBIAN_DEFAULT_SITE.symlink_to("/etc/nginx/sites-available/default")
    shutil.rmtree(STATE, ignore_errors=True)


@pytest.fixture
def clean_machine() -> Iterator[None]:
    someone_elses = _installed_by_someone_else()
    if someone_elses:
        pytest.fail(f"a FlagDesk this check did not install is here, left alone: {someone_elses}")
    _clean_up()
    STATE.mkdir(parents=True)
    OURS.touch()
    if DEBIAN_DEFAULT_SITE.exists():
        (STATE / "had-default-site").touch()
    try:
        yield
    finally:
        _clean_up()


def _checkout(tmp_path: Path) -> Path:
    """An unpacked "release": this checkout without its virtualenv, data and caches."""
    copy = tmp_path / "flagdesk"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "__pycache__", "*.egg-info", "build", "node_modules",
            ".mypy_cache", ".ruff_cache",
        ),
    )  # fmt: skip
    return copy


def _operator_edits(dovecot: Any) -> str:
    """What the guide asks the operator to edit, done after the block that prepares it."""
    return f"""
install -d -m 755 {CERT_DIR}
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN={SITE} \\
  -addext subjectAltName=DNS:{SITE} -keyout {CERT_DIR}/privkey.pem \\
  -out {CERT_DIR}/fullchain.pem 2>/dev/null
# The self-signed certificate is its own CA, for the guide's curl through nginx.
export CURL_CA_BUNDLE={CERT_DIR}/fullchain.pem
echo 'smtp://127.0.0.1:2525' > /etc/flagdesk/smtp_url
echo '{dovecot.url()}' > /etc/flagdesk/imap_url
"""


def _script(tmp_path: Path, dovecot: Any) -> str:
    python = Path(sys.executable)
    lines = [
        "set -euxo pipefail",
        # systemd's part, emulated; everything else runs as the guide has it.
        f'systemctl() {{ PYTHONPATH={ROOT} {python} -m tests_support.units {STATE} "$@"; }}',
        # Packages: scripts/system-packages.sh installed them (`make test`); installing here
        # would upgrade the machine's other packages, so the check is that each is installed.
        'apt-get() { shift; for p in "$@"; do dpkg-query -W -f=\'${Status}\\n\' "$p" '
        "| grep -qx 'install ok installed' || { echo \"not installed: $p\" >&2; return 1; }; "
        "done; }",
    ]
    for block in guide_blocks():
        lines.append(block)
        if "/etc/flagdesk/imap_url" in block:
            lines.append(_operator_edits(dovecot))
    return "\n".join(lines)


def _health() -> dict[str, Any]:
    answer = _sh(
        f"curl -sS --resolve {SITE}:443:127.0.0.1 https://{SITE}/health",
        CURL_CA_BUNDLE=str(CERT_DIR / "fullchain.pem"),
    )
    return json.loads(answer.stdout)


def _as_flagdesk(script: str) -> subprocess.CompletedProcess[str]:
    return _sh(f"cd / && sudo -u flagdesk sh -c {json.dumps(script)}")


@pytest.mark.usefixtures("clean_machine")
def test_the_deployment_guide_works_when_followed_literally(tmp_path: Path, dovecot: Any) -> None:
    blocks = guide_blocks()
    assert len(blocks) >= 8 and "## Upgrades" in GUIDE.read_text()
    checkout = _checkout(tmp_path)
    ran = subprocess.run(
        ["bash", "-c", _script(tmp_path, dovecot)],
        cwd=checkout,
        env={
            **units.BASE_ENV,
            "HOME": "/root",
            "DEBIAN_FRONTEND": "noninteractive",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, f"{ran.stdout[-6000:]}\n{ran.stderr[-10000:]}"
    # check --deploy warned only what the guide explains.
    warned = set(re.findall(r"\(security\.(W\d+)\)", ran.stdout + ran.stderr))
    assert warned <= {"W005", "W021"}, warned

    # Web, worker and the team mailbox, through nginx.
    for _ in range(60):
        health = _health()
        boxes = health.get("mailboxes") or []
        if health.get("workers") and boxes and all(box["ok"] for box in boxes):
            break
        time.sleep(1)
    assert health["status"] == "ok" and health["database"] == "ok", health
    assert health["workers"] == 1 and [box["ok"] for box in health["mailboxes"]] == [True]

    # Nothing inside the installed package; the data where the environment file says.
    site_packages = list((VENV / "lib").glob("python3*/site-packages"))
    assert site_packages
    assert not [p for p in site_packages[0].rglob("*") if p.name in ("secret_key", "var")]
    assert (Path("/var/lib/flagdesk/static") / "staticfiles.json").exists()

    # A command that needs no database, run without the environment file anywhere.
    verify = _as_flagdesk(
        "/opt/flagdesk/.venv/bin/flagdesk archive verify /var/lib/flagdesk-export"
    )
    assert verify.returncode == 1 and "Traceback" not in verify.stderr, verify.stderr

    # nginx's logs: 0640, no query strings, no client addresses.
    _sh(f"curl -s --resolve {SITE}:443:127.0.0.1 'https://{SITE}/login?next=/cases%3Fq%3DJan'",
        CURL_CA_BUNDLE=str(CERT_DIR / "fullchain.pem"))  # fmt: skip
    for log in Path("/var/log/nginx/flagdesk").iterdir():
        assert oct(log.stat().st_mode & 0o777) == oct(0o640), log
        text = log.read_text(encoding="utf-8")
        assert "Jan" not in text and "127.0.0.1" not in text, log

    _a_broken_environment_file_stops_start_up()


def _start_expecting_failure(name: str) -> str:
    """The unit's output once it has stopped. gunicorn binds its port (and tells systemd it
    is ready) before its workers load FlagDesk; it then stops because none can boot."""
    try:
        process = units.start(name, STATE)
    except units.UnitFailedError as failed:
        return str(failed)
    assert process is not None
    assert process.wait(timeout=60) != 0
    units.stop(name, STATE)
    return units.output(name, STATE)


def _a_broken_environment_file_stops_start_up() -> None:
    env_file = Path("/etc/flagdesk/env")
    good = env_file.read_text(encoding="utf-8")
    broken = good.replace("FLAGDESK_HTTPS=true", "FLAGDESK_HTTPS=true   # secure cookies")
    broken += "FLAGDESK_REQUIRE_2FA=maybe\n"
    env_file.write_text(broken, encoding="utf-8")
    checked = _sh("sudo -u flagdesk /opt/flagdesk/.venv/bin/flagdesk check-config "
                  "--env-file /etc/flagdesk/env")  # fmt: skip
    assert checked.returncode == 1
    assert "FLAGDESK_HTTPS" in checked.stderr and "FLAGDESK_REQUIRE_2FA" in checked.stderr
    for name in ("flagdesk-web", "flagdesk-worker@1"):
        units.stop(name, STATE)
        (STATE / f"{name}.log").unlink()
        output = _start_expecting_failure(name)
        assert "FLAGDESK_HTTPS" in output and "FLAGDESK_REQUIRE_2FA" in output, output
        assert "Traceback" not in output, output
    env_file.write_text(good, encoding="utf-8")

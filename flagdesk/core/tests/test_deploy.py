# SPDX-License-Identifier: EUPL-1.2
"""The production set-up: gunicorn with several workers, and the example files in deploy/."""

from __future__ import annotations

import concurrent.futures
import configparser
import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import shlex
import ssl
import stat
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import get_commands
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts import service as accounts
from flagdesk.intake.forms import MAX_ATTACHMENTS
from tests_support import servers
from tests_support.worker import worker_env

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
DOC = ROOT / "docs" / "deployment.md"
PASSWORD = "gunicorn-test-password-1"


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The production configuration, with two workers."""
    args = ["--config", str(DEPLOY / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    with servers.gunicorn([*args, "--workers", "2"], env, log, port) as server:
        yield server


def _opener_plain() -> Any:
    return urllib.request.build_opener()


def _post_form(opener: Any, url: str, fields: dict[str, str]) -> Any:
    page = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:2000]
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
    return opener.open(url, data=data, timeout=30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.processes
def test_it_serves_under_gunicorn_with_two_workers(tmp_path: Path, settings: Any) -> None:
    # The server process checks passwords with the production hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user, _ = accounts.create_staff_user(
        "gunicorn-staff", ["assessor"], password=PASSWORD, must_change_password=False
    )
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    port = servers.free_port()
    env = worker_env(tmp_path, FLAGDESK_LOG_FORMAT="json", FLAGDESK_LOG_LEVEL="INFO")
    env.pop("WEB_CONCURRENCY", None)
    log = tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    with _gunicorn(env, port, log):
        health = _opener_plain().open(base + "/health", timeout=30)
        assert json.loads(health.read())["database"] == "ok"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = _post_form(
            opener, base + "/login", {"username": "gunicorn-staff", "password": PASSWORD}
        )
        assert urllib.parse.urlsplit(login.geturl()).path == "/account/2fa"
        code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        verified = _post_form(opener, base + "/account/2fa", {"token": f"{code:06d}"})
        assert urllib.parse.urlsplit(verified.geturl()).path == "/"
        # The session lives in the database, so whichever worker answers knows the user.
        for _ in range(6):
            page = opener.open(base + "/cases", timeout=30)
            assert page.status == 200 and urllib.parse.urlsplit(page.geturl()).path == "/cases"
            assert page.headers["X-Request-ID"]
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    booted = [line for line in lines if line["event"].startswith("Booting worker")]
    assert len(booted) == 2
    requests = [line for line in lines if line.get("logger") == "flagdesk.request"]
    assert {line["path"] for line in requests} >= {"/health", "/login", "/account/2fa", "/cases"}
    assert {line["user_id"] for line in requests if line["path"] == "/cases"} == {user.pk}
    # No access log from gunicorn: its request line would carry the query string.
    assert not [line for line in lines if line.get("logger") == "gunicorn.access"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.processes
def test_the_partner_rate_limit_holds_across_gunicorn_workers(tmp_path: Path) -> None:
    """Counted in the database: two workers together allow the rate once, not once each."""
    partner = accounts.create_partner("Rate Media", "media")
    _, token = accounts.issue_token(name="rate", organisation=partner)
    port = servers.free_port()
    env = worker_env(
        tmp_path, FLAGDESK_LOG_FORMAT="json", FLAGDESK_LOG_LEVEL="INFO", FLAGDESK_PARTNER_RATE="5/h"
    )
    env.pop("WEB_CONCURRENCY", None)
    log = tmp_path / "gunicorn.log"

    def get(_: int) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/v1/signalen", headers={"Authorization": f"Bearer {token}"})
        status = conn.getresponse().status
        conn.close()
        return status

    with _gunicorn(env, port, log):
        # Several at once, so that both workers answer some of them.
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(get, range(12)))
        statuses += [get(12), get(13)]
    assert sorted(statuses) == [200] * 5 + [429] * 9
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    api = [line for line in lines if line.get("path") == "/api/v1/signalen"]
    assert len(api) == 14
    assert len({line["pid"] for line in api}) == 2, "one worker answered every request"


def _site_for_test(
    tmp_path: Path, *, http_port: int = 80, https_port: int = 443, upstream: int = 8000
) -> Path:
    """The shipped nginx site with the test's certificate, log directory and ports."""
    conf = (DEPLOY / "nginx" / "flagdesk.conf").read_text(encoding="utf-8")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=flagdesk.example.nl", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "logs").mkdir(exist_ok=True)
    site = (
        conf.replace("/etc/ssl/flagdesk/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/flagdesk/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/log/nginx/flagdesk/", f"{tmp_path}/logs/")
        .replace("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream}")
    )
    if https_port != 443:
        site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
        site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", site)
        site = re.sub(r"listen 443 ssl http2\b", f"listen 127.0.0.1:{https_port} ssl", site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/main-error.log;\nevents {{}}\n"
        f"http {{ access_log off; {temp} uwsgi_temp_path {tmp_path}/uwsgi; "
        f"scgi_temp_path {tmp_path}/scgi; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    return tmp_path / "nginx.conf"


@contextlib.contextmanager
def _nginx(conf: Path) -> Iterator[None]:
    prefix = str(conf.parent)
    # As under systemd with deploy/nginx/umask.conf: the log files nginx creates are 0640.
    subprocess.run(
        ["/usr/sbin/nginx", "-c", str(conf), "-p", prefix],
        check=True,
        preexec_fn=lambda: os.umask(0o027),
    )
    try:
        yield
    finally:
        subprocess.run(["/usr/sbin/nginx", "-c", str(conf), "-p", prefix, "-s", "stop"])
        for _ in range(100):  # -s stop only signals; wait until the master has gone
            if not (conf.parent / "nginx.pid").exists():
                break
            time.sleep(0.05)


SITE = "flagdesk.example.nl"  # server_name in deploy/nginx/flagdesk.conf


class _TlsTo(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 naming ``server_name`` in SNI, as a browser reaching that name does
    (the catch-all server refuses the handshake for any other name)."""

    def __init__(self, port: int, server_name: str = SITE) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, timeout=30, context=context)
        self.server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.server_name
        )


def _get(
    conn: http.client.HTTPConnection, path: str, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path, headers={"Host": SITE, **headers})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _problem(answer: tuple[int, dict[str, str], bytes], status: int) -> None:
    code, headers, body = answer
    assert code == status, body[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["api-version"] == settings.API_VERSION
    assert json.loads(body)["status"] == status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.nginx
@pytest.mark.processes
def test_every_layer_answers_api_errors_as_problem_json(tmp_path: Path) -> None:
    """nginx in front of gunicorn in front of Django, each refusing what it refuses first."""
    port, http_port, https_port = servers.free_port(), servers.free_port(), servers.free_port()
    env = _web_env(tmp_path)
    conf = _site_for_test(tmp_path, http_port=http_port, https_port=https_port, upstream=port)

    def direct() -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def proxied() -> http.client.HTTPConnection:
        return _TlsTo(https_port)

    log = tmp_path / "gunicorn.log"
    with _gunicorn(env, port, log), _nginx(conf), _server_log_on_failure(log):
        for connect in (direct, proxied):
            _problem(_get(connect(), "/api/v1/nope"), 404)  # Django
            _problem(_get(connect(), "/api/v1/signalen?q=" + "a" * 4050), 401)  # reaches Django
            _problem(_get(connect(), "/api/v1/signalen?q=" + "a" * 5000), 414)  # gunicorn
            status, headers, _ = _get(connect(), "/login")
            assert status == 200 and "no-store" in headers["cache-control"]
        _problem(_get(proxied(), "/api/v1/signalen?q=" + "a" * 9000), 414)  # nginx
        _, headers, _ = _get(proxied(), "/api/v1/signalen?q=" + "a" * 9000)
        assert "max-age=31536000" in headers["strict-transport-security"]


@contextlib.contextmanager
def _server_log_on_failure(log: Path) -> Iterator[None]:
    """A failed check shows what the server logged (a 500 once seen in CI only: its
    traceback is in the log, which pytest removes with the run's temporary directory)."""
    try:
        yield
    except AssertionError as failed:
        lines = log.read_text(errors="replace").splitlines()
        errors = [line for line in lines if '"error"' in line or "Traceback" in line]
        raise AssertionError(
            f"{failed}\nserver log (errors):\n" + "\n".join(errors[-20:])
        ) from None


def _web_env(tmp_path: Path) -> dict[str, str]:
    env = worker_env(
        tmp_path, FLAGDESK_LOG_FORMAT="json", FLAGDESK_ALLOWED_HOSTS=f"{SITE},127.0.0.1"
    )
    env.pop("WEB_CONCURRENCY", None)
    return env


# Personal data a query string may carry (a search for a person's name).
SEARCHED = "Jan+de+Vries"


def _closed_without_answer(conn: http.client.HTTPConnection, host: str) -> bool:
    try:
        _get(conn, f"/cases?q={SEARCHED}", Host=host)
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return True
    return False


def _handshake_refused(port: int, server_name: str) -> bool:
    try:
        _get(_TlsTo(port, server_name), "/health", Host=server_name)
    except ssl.SSLError:
        return True
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.nginx
@pytest.mark.processes
def test_nginx_keeps_personal_data_out_of_its_logs_and_unknown_hosts_out(tmp_path: Path) -> None:
    port, http_port, https_port = servers.free_port(), servers.free_port(), servers.free_port()
    env = _web_env(tmp_path)
    conf = _site_for_test(tmp_path, http_port=http_port, https_port=https_port, upstream=port)
    plain = http.client.HTTPConnection
    with _gunicorn(env, port, tmp_path / "gunicorn.log"), _nginx(conf):
        status, _, _ = _get(_TlsTo(https_port), f"/login?next=/cases%3Fq%3D{SEARCHED}")
        assert status == 200
        status, headers, _ = _get(plain("127.0.0.1", http_port), f"/cases?q={SEARCHED}")
        assert status == 301 and headers["location"].startswith(f"https://{SITE}/cases?q=")
        # Refused rate limits are what nginx logs at error level, with the request line.
        statuses = [_get(_TlsTo(https_port), f"/login?q={SEARCHED}")[0] for _ in range(40)]
        assert 429 in statuses
        # Unknown Host names: 444 (closed, no answer) on 80, no TLS handshake on 443.
        assert _closed_without_answer(plain("127.0.0.1", http_port), "evil.example")
        assert _closed_without_answer(plain("127.0.0.1", http_port), "127.0.0.1")
        assert _handshake_refused(https_port, "evil.example")
        # Django, reached past nginx: an unknown Host is one log line, no traceback.
        status, _, _ = _get(plain("127.0.0.1", port), "/health", Host="evil.example")
        assert status == 400
    logs = sorted((tmp_path / "logs").iterdir())
    assert {path.name for path in logs} >= {"access.log", "error.log"}
    access = (tmp_path / "logs" / "access.log").read_text(encoding="utf-8")
    assert " 444 " in access and " 429 " in access and '"GET /cases HTTP/1.1" 301' in access
    for path in logs:
        text = path.read_text(encoding="utf-8")
        assert "Jan" not in text and "Vries" not in text and "?" not in text, path.name
        assert "127.0.0.1" not in text and "client:" not in text, path.name
        if path.name != "main-error.log":  # the test's own nginx.conf, not the shipped one
            assert stat.S_IMODE(path.stat().st_mode) == 0o640, path.name
    django = (tmp_path / "gunicorn.log").read_text(encoding="utf-8")
    assert "Traceback" not in django
    (disallowed,) = [line for line in django.splitlines() if "evil.example" in line]
    assert json.loads(disallowed)["logger"] == "django.security.DisallowedHost"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.nginx
@pytest.mark.processes
def test_static_files_come_hashed_compressed_and_cached_for_a_year(tmp_path: Path) -> None:
    """Through the shipped nginx config, with the production storage (collectstatic)."""
    port, http_port, https_port = servers.free_port(), servers.free_port(), servers.free_port()
    env = _web_env(tmp_path)
    conf = _site_for_test(tmp_path, http_port=http_port, https_port=https_port, upstream=port)
    with _gunicorn(env, port, tmp_path / "gunicorn.log"), _nginx(conf):
        _, _, page = _get(_TlsTo(https_port), "/login")
        links = re.findall(r"/static/flagdesk/[\w./-]+\.[0-9a-f]{12}\.(?:css|js)", page.decode())
        assert len(links) >= 3, page[:1000]
        for link in links:
            for encoding in ("gzip", "br"):
                status, headers, body = _get(
                    _TlsTo(https_port), link, **{"Accept-Encoding": encoding}
                )
                assert status == 200 and body
                assert headers["content-encoding"] == encoding
                assert headers["cache-control"] == "max-age=31536000, public, immutable"
        # The unhashed name is no file FlagDesk links to: it is not cached for a year.
        status, headers, _ = _get(_TlsTo(https_port), "/static/flagdesk/app.css")
        assert "immutable" not in headers.get("cache-control", "")


def test_nginx_logs_are_rotated_0640_and_created_0640() -> None:
    conf = (DEPLOY / "nginx" / "flagdesk.conf").read_text(encoding="utf-8")
    rotate = (DEPLOY / "nginx" / "logrotate").read_text(encoding="utf-8")
    umask = (DEPLOY / "nginx" / "umask.conf").read_text(encoding="utf-8")
    log_files = set(re.findall(r"(?:access|error)_log (/\S+)", conf))
    assert log_files == {"/var/log/nginx/flagdesk/access.log", "/var/log/nginx/flagdesk/error.log"}
    assert "/var/log/nginx/flagdesk/*.log {" in rotate and "create 0640 www-data adm" in rotate
    assert re.search(r"^UMask=0027$", umask, flags=re.M)
    # Every server block has FlagDesk's access log and the error log at crit.
    blocks = conf.split("server {")[1:]
    assert len(blocks) == 3
    for block in blocks:
        assert "access_log /var/log/nginx/flagdesk/access.log flagdesk;" in block
        assert "error_log /var/log/nginx/flagdesk/error.log crit;" in block
    assert "ssl_reject_handshake on;" in blocks[0] and "return 444;" in blocks[0]


# --- the example files --------------------------------------------------------------------


def _units() -> dict[str, configparser.ConfigParser]:
    units = {}
    for path in sorted((DEPLOY / "systemd").iterdir()):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(path)
        units[path.name] = parser
    return units


def _exec_lines() -> list[tuple[str, str]]:
    lines = []
    for name, unit in _units().items():
        if unit.has_section("Service"):
            for key, value in unit["Service"].items():
                if key.startswith("Exec"):
                    lines.append((name, value))
    return lines


def _flagdesk_commands() -> set[str]:
    # Also inside `sh -c '...'`: the word after the flagdesk executable is the command.
    return {m for _unit, line in _exec_lines() for m in re.findall(r"/flagdesk\s+(\w+)", line)}


def test_the_units_are_the_ones_the_docs_describe() -> None:
    assert set(_units()) == {
        "flagdesk-web.service",
        "flagdesk-worker@.service",
        "flagdesk-backup.service",
        "flagdesk-backup.timer",
        "flagdesk.target",
    }
    text = DOC.read_text(encoding="utf-8")
    for name in _units():
        assert f"deploy/systemd/{name}" in text
    assert "deploy/nginx/flagdesk.conf" in text and "deploy/gunicorn.conf.py" in text


def test_the_units_run_commands_that_exist() -> None:
    used = _flagdesk_commands()
    assert {"worker", "backup"} <= used
    ours = get_commands()
    text = DOC.read_text(encoding="utf-8")
    for name in used:
        assert name in ours, f"flagdesk {name} (in deploy/systemd) is no command"
        assert f"flagdesk {name}" in text, f"docs/deployment.md never mentions flagdesk {name}"


def test_the_web_unit_runs_gunicorn_with_the_config() -> None:
    words = shlex.split(_units()["flagdesk-web.service"]["Service"]["ExecStart"])
    assert words[0].endswith("/gunicorn") and "--config" in words
    assert words[words.index("--config") + 1].endswith("gunicorn.conf.py")


def test_the_backup_timer_starts_the_backup_service() -> None:
    timer = _units()["flagdesk-backup.timer"]
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"].get("Unit", "flagdesk-backup.service") == "flagdesk-backup.service"
    assert "backup" in _units()["flagdesk-backup.service"]["Service"]["ExecStart"]


@pytest.mark.nginx
def test_the_nginx_config_is_valid_and_limits_logins_and_the_api(tmp_path: Path) -> None:
    """``nginx -t`` on the shipped file (certificates and log paths swapped for the test's)."""
    conf = (DEPLOY / "nginx" / "flagdesk.conf").read_text(encoding="utf-8")
    assert re.search(
        r"location ~ \^/\(login\|account/2fa\|oidc/\) \{\s+limit_req zone=flagdesk_login", conf
    )
    assert re.search(r"location /api/ \{\s+limit_req zone=flagdesk_api", conf)
    _site_for_test(tmp_path)
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def test_nginx_takes_the_largest_signal_form() -> None:
    conf = (DEPLOY / "nginx" / "flagdesk.conf").read_text(encoding="utf-8")
    (size,) = re.findall(r"client_max_body_size\s+(\d+)m;", conf)
    largest = MAX_ATTACHMENTS * settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    assert largest <= int(size) <= largest + 20
    for needed in (
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Request-ID $request_id;",
        "Strict-Transport-Security",
        "proxy_pass http://flagdesk;",
    ):
        assert needed in conf
    # nginx's own access log must not write query strings ($request, $args, $request_uri).
    log_formats = re.findall(r"log_format[^;]+;", conf, flags=re.S)
    assert log_formats and not re.search(
        r"\$(request|args|request_uri|query_string)\b", "".join(log_formats)
    )


def test_the_readme_links_to_the_deployment_guide() -> None:
    assert "docs/deployment.md" in (ROOT / "README.md").read_text(encoding="utf-8")

# SPDX-License-Identifier: EUPL-1.2
"""A real Dovecot IMAP server for tests: loopback only, throw-away temp dir.

Dovecot runs in the foreground (``dovecot -F``) with its own config file, passwd-file users
and Maildir storage, as described in docs/stack.md. ``stop()`` and ``start()`` restart it on
the same port with the same mail, so tests can watch a client reconnect. Optionally it also
speaks TLS (implicit TLS on a second port and STARTTLS) with a self-signed certificate, for
testing those client paths.

Needs root (Dovecot drops privileges to a ``vmail`` system user, which is created if missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from imap_tools import MailBoxUnencrypted

from tests_support.servers import free_port

DOVECOT = Path("/usr/sbin/dovecot")
HOST = "127.0.0.1"
MAIL_OWNER = "vmail"
DEFAULT_USER = "intake@example.test"
DEFAULT_PASSWORD = "secret"  # noqa: S105 -- a throw-away loopback test account

STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 15.0

CONFIG_TEMPLATE = """\
protocols = imap
listen = {host}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests expect a wrong password to fail fast, not after the default 2 s penalty.
auth_failure_delay = 0
mail_fsync = never
mail_max_userip_connections = 100
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
# No anvil penalty (up to 15 s) after failed logins either; mode 0 turns it off.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {imaps_port}
  }}
}}
{ssl}
"""

SSL_ON = """\
ssl = yes
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem
"""


class DovecotUnavailableError(RuntimeError):
    """Dovecot is not installed or cannot run here; tests must fail, not skip."""


class DovecotServer:
    """One Dovecot instance in its own temp dir. Use as a context manager or call close()."""

    def __init__(
        self,
        users: Mapping[str, str] | None = None,
        *,
        tls: bool = False,
    ) -> None:
        if not DOVECOT.exists():
            raise DovecotUnavailableError(
                f"{DOVECOT} is missing: install it with "
                "`apt-get install -y --no-install-recommends dovecot-imapd` (.ci/run does this)."
            )
        self.users = dict(users or {DEFAULT_USER: DEFAULT_PASSWORD})
        self.tls = tls
        self.root = Path(tempfile.mkdtemp(prefix="flagdesk-dovecot-"))
        self.port = 0
        self.imaps_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._prepare_root()
        self.start()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start Dovecot; after a stop() it comes back on the same ports with the same mail."""
        if self.running:
            return
        first_start = self.port == 0
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if first_start:
                self.port, self.imaps_port = free_port(), free_port() if self.tls else 0
                self._write_config()
            if self._launch_and_wait(deadline):
                return
            if time.monotonic() > deadline:
                raise DovecotUnavailableError(f"Dovecot did not start:\n{self.log_tail()}")
            # Another process took the port between probing and binding: try again.
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop Dovecot and wait until its port refuses connections."""
        process, self._process = self._process, None
        if process is None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
        if not _wait_until(lambda: not _accepts_connections(self.port), SHUTDOWN_TIMEOUT):
            # A login process outlived the master; it still holds the listening socket.
            _signal_group(process.pid, signal.SIGKILL)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> DovecotServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- what tests use --------------------------------------------------------------------

    def url(
        self,
        user: str = DEFAULT_USER,
        password: str | None = None,
        folder: str = "INBOX",
        *,
        security: str = "plain",
    ) -> str:
        """A FLAGDESK_IMAP_URL for this server; ``security`` is plain, starttls or tls."""
        scheme, port = {
            "plain": ("imap", self.port),
            "starttls": ("imap+starttls", self.port),
            "tls": ("imaps", self.imaps_port),
        }[security]
        secret = self.users[user] if password is None else password
        return (
            f"{scheme}://{quote(user, safe='')}:{quote(secret, safe='')}"
            f"@{HOST}:{port}/{quote(folder, safe='')}"
        )

    @contextlib.contextmanager
    def mailbox(self, user: str = DEFAULT_USER) -> Iterator[MailBoxUnencrypted]:
        """A logged-in imap-tools client, nothing selected."""
        with MailBoxUnencrypted(HOST, self.port, timeout=30).login(
            user, self.users[user], initial_folder=None
        ) as mailbox:
            yield mailbox

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> int:
        """APPEND a message and return the UID the server gave it."""
        with self.mailbox(user) as mailbox:
            if not mailbox.folder.exists(folder):
                mailbox.folder.create(folder)
            _, data = mailbox.append(raw, folder)
        return _appended_uid(data)

    def change_uidvalidity(self, user: str = DEFAULT_USER, folder: str = "INBOX") -> None:
        """Make the folder's UIDVALIDITY change while keeping its messages.

        Stops the server, deletes the folder's UID list and indexes, and starts again: Dovecot
        then renumbers the messages from UID 1 under a new UIDVALIDITY (as after a restore from
        backup or a mail server migration). Clients are disconnected by the restart.
        """
        self.stop()
        folder_dir = self._maildir(user, folder)
        # Keep dovecot-uidvalidity*: it makes Dovecot pick a new value even within the same second.
        stale = ["dovecot-uidlist", "dovecot.index*"]
        if folder_dir == self._maildir(user, "INBOX"):
            stale.append("dovecot.list.index*")
        for pattern in stale:
            for path in folder_dir.glob(pattern):
                path.unlink()
        self.start()

    def write_maildir(
        self, messages: Iterable[bytes], user: str = DEFAULT_USER, folder: str = "INBOX"
    ) -> int:
        """Drop messages straight into the Maildir ``new/`` dir, as a local delivery agent would.

        Much faster than APPEND for filling a big mailbox (benchmarks); Dovecot indexes them
        on the next access. Returns how many were written.
        """
        folder_dir = self._maildir(user, folder)
        for sub in ("new", "cur", "tmp"):
            (folder_dir / sub).mkdir(parents=True, exist_ok=True)
        count = 0
        for count, raw in enumerate(messages, start=1):
            (folder_dir / "new" / f"{time.time_ns()}.M{count}P{os.getpid()}.flagdesk").write_bytes(
                raw
            )
        _chown_tree(self.root / "mail" / user, _mail_owner())
        return count

    @property
    def ca_file(self) -> Path:
        """The self-signed certificate to trust when ``tls=True``."""
        return self.root / "tls" / "cert.pem"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def log_tail(self, lines: int = 40) -> str:
        logs = [self.root / "stderr.log", self.root / "dovecot.log"]
        text = "\n".join(p.read_text(errors="replace") for p in logs if p.exists())
        return "\n".join(text.splitlines()[-lines:])

    # --- internals -------------------------------------------------------------------------

    def _maildir(self, user: str, folder: str) -> Path:
        base = self.root / "mail" / user / "Maildir"
        # Dovecot's Maildir++ layout: INBOX is the root, other folders are ".Name" dirs.
        return base if folder.upper() == "INBOX" else base / f".{folder.replace('/', '.')}"

    def _prepare_root(self) -> None:
        owner = _mail_owner()
        # Dovecot's unprivileged auth process reads the users file under this dir.
        self.root.chmod(0o755)
        for sub in ("run", "state"):
            (self.root / sub).mkdir()
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, owner.pw_uid, owner.pw_gid)
        users = "".join(f"{name}:{{PLAIN}}{secret}\n" for name, secret in self.users.items())
        (self.root / "users").write_text(users)
        if self.tls:
            _make_self_signed_certificate(self.root / "tls")

    def _write_config(self) -> None:
        owner = _mail_owner()
        config = CONFIG_TEMPLATE.format(
            host=HOST,
            root=self.root,
            uid=owner.pw_uid,
            gid=owner.pw_gid,
            port=self.port,
            imaps_port=self.imaps_port,
            ssl=SSL_ON.format(root=self.root) if self.tls else "ssl = no",
        )
        (self.root / "dovecot.conf").write_text(config)

    def _launch_and_wait(self, deadline: float) -> bool:
        """Launch Dovecot; True once it greets on its port, False if it exited early."""
        with (self.root / "stderr.log").open("ab") as stderr:
            process = subprocess.Popen(  # noqa: S603 -- fixed binary, our own config file
                [str(DOVECOT), "-F", "-c", str(self.root / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,  # its own process group, so stop() reaches the children
            )
        self._process = process
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._process = None
                return False
            if _greets(self.port):
                return True
            time.sleep(0.05)
        self.stop()
        raise DovecotUnavailableError(f"Dovecot did not accept connections:\n{self.log_tail()}")


# --- pure-ish helpers ------------------------------------------------------------------------


def _greets(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2) as conn:
            return conn.recv(100).startswith(b"* OK")
    except OSError:
        return False


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return True
    except OSError:
        return False


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _chown_tree(top: Path, owner: pwd.struct_passwd) -> None:
    os.chown(top, owner.pw_uid, owner.pw_gid)
    for path in top.rglob("*"):
        os.chown(path, owner.pw_uid, owner.pw_gid)


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _appended_uid(response: list[bytes | None]) -> int:
    text = b" ".join(part for part in response if part).decode()
    match = re.search(r"APPENDUID \d+ (\d+)", text)
    if match is None:
        raise RuntimeError(f"server did not report APPENDUID: {text!r}")
    return int(match.group(1))


def _mail_owner() -> pwd.struct_passwd:
    """The ``vmail`` system user that owns the mail; created once if missing (needs root)."""
    for _attempt in range(10):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(MAIL_OWNER)
        if os.geteuid() != 0:
            raise DovecotUnavailableError(
                f"the {MAIL_OWNER!r} system user is missing and only root can create it"
            )
        # Parallel test workers may race here; the loser sees "exists" or a busy lock and retries.
        subprocess.run(  # noqa: S603
            [
                "/usr/sbin/useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                MAIL_OWNER,
            ],
            check=False,
            capture_output=True,
        )
        time.sleep(0.1)
    raise DovecotUnavailableError(f"could not create the {MAIL_OWNER!r} system user")


def _make_self_signed_certificate(directory: Path) -> None:
    directory.mkdir()
    subject = ["-subj", "/CN=localhost", "-addext", f"subjectAltName=IP:{HOST},DNS:localhost"]
    files = ["-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")]
    subprocess.run(  # noqa: S603
        [
            "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )

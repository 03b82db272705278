# SPDX-License-Identifier: EUPL-1.2
"""Watch the team mailbox over IMAP and hand every new message to the archive, in UID order.

What "raw" means here: the bytes of ``BODY.PEEK[]`` exactly as the server sends them, which is
the RFC 5322 message in wire form, with CRLF line endings. A message APPENDed with CRLF line
endings comes back byte-identical. IMAP always serves CRLF, whatever the delivery agent wrote
(Dovecot stores LF on disk and converts back), and Python's imaplib turns bare LF into CRLF on
APPEND. Hash and store these bytes, never a re-serialisation by the ``email`` package.

Reading never changes the mailbox: the folder is opened read-only (EXAMINE) and bodies are
fetched with ``BODY.PEEK[]``, so the team's \\Seen flags stay as they were.

Progress is kept by a :class:`Cursor` (UIDVALIDITY, last delivered UID), saved after every
message and read again at the start of every batch, so that several watchers of one mailbox
skip what another has delivered. Delivery is at least once: a crash between ``deliver`` and
``save`` repeats one message, which the archive dedupes by content hash. A message covered
by the cursor is never delivered again. When UIDVALIDITY changes the server has renumbered the folder, so we start
again from UID 0 and let the archive dedupe.
"""

from __future__ import annotations

import contextlib
import imaplib
import io
import ipaddress
import logging
import re
import select
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxFetchError
from imap_tools.utils import check_command_status

logger = logging.getLogger(__name__)

#: Errors that mean "the connection or the server is not usable right now": reconnect later.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (OSError, imaplib.IMAP4.error, ImapToolsError)

# How often a waiting watcher looks at its stop event.
STOP_CHECK_SECONDS = 0.5
# A polite LOGOUT must not hang a shutdown when the server has gone quiet.
LOGOUT_TIMEOUT_SECONDS = 5.0

_UID_IN_FETCH = re.compile(rb"\bUID (\d+)")


class Security(StrEnum):
    PLAIN = "plain"
    STARTTLS = "starttls"
    TLS = "tls"


_SCHEMES = {
    "imap": (Security.PLAIN, 143),
    "imap+starttls": (Security.STARTTLS, 143),
    "imaps": (Security.TLS, 993),
}


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    security: Security = Security.TLS


def parse_imap_url(url: str) -> ImapConfig:
    """Read ``FLAGDESK_IMAP_URL``: ``imap[s|+starttls]://user:pass@host[:port][/folder]``.

    User, password and folder are percent-decoded. Plain ``imap://`` sends the password
    unencrypted, so it is refused for anything but a loopback address. Error messages never
    repeat the URL, because it holds the password.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise ValueError(
            f"IMAP URL scheme must be one of {', '.join(_SCHEMES)}, not {scheme or 'nothing'!r}"
        )
    security, default_port = _SCHEMES[scheme]
    host = parts.hostname
    if not host:
        raise ValueError("IMAP URL has no host")
    if not parts.username or parts.password is None:
        raise ValueError("IMAP URL needs a user and password: imaps://user:password@host/")
    if parts.query or parts.fragment:
        raise ValueError("IMAP URL must not have a query (?...) or fragment (#...)")
    if security is Security.PLAIN and not _is_loopback(host):
        raise ValueError(
            "imap:// sends the password unencrypted; use imaps:// or imap+starttls:// "
            "for anything but a test server on a loopback address"
        )
    return ImapConfig(
        host=host,
        port=parts.port or default_port,  # .port raises ValueError for a bad port
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        security=security,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Cursor(Protocol):
    """Where the watcher is: the folder's UIDVALIDITY and the last UID delivered."""

    def load(self) -> tuple[int | None, int]: ...

    def save(self, uidvalidity: int, last_uid: int) -> None: ...


#: ``deliver(raw, uidvalidity, uid)``; must be idempotent (the archive dedupes by hash).
Deliver = Callable[[bytes, int, int], None]


class DeliveryError(Exception):
    """Handing messages over failed with an error that looks like a connection error (an
    OSError such as ENOSPC from the archive's disk); not retried as a network problem."""


class ImapProtocolError(imaplib.IMAP4.error):
    """The server answered something we cannot use (treated like a connection error)."""


class MailboxWatcher:
    """Delivers new messages from one IMAP folder, once each, in UID order.

    ``run_once()`` fetches what is new and returns how many it delivered; errors propagate.
    ``run_forever(stop)`` loops: fetch, then wait in IDLE (or sleep ``poll_interval`` when the
    server lacks IDLE), reconnecting with exponential backoff after any failure.

    Each batch of ``batch_size`` messages is one UID FETCH held in memory at once: keep it
    modest when mail carries big attachments. ``use_idle=False`` forces polling for servers
    whose IDLE misbehaves.
    """

    def __init__(
        self,
        config: ImapConfig,
        cursor: Cursor,
        deliver: Deliver,
        *,
        idle_timeout: float = 300.0,
        poll_interval: float = 60.0,
        batch_size: int = 200,
        use_idle: bool = True,
        socket_timeout: float = 60.0,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        batch_scope: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
        on_state: Callable[[str | None], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.config = config
        self.cursor = cursor
        self.deliver = deliver
        # RFC 2177: re-issue IDLE well within 29 minutes; shorter also catches dead links sooner.
        self.idle_timeout = min(idle_timeout, 29 * 60)
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.use_idle = use_idle
        self.socket_timeout = socket_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        # imaplib's own default context does not verify certificates; this one does.
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.batch_scope = batch_scope
        # Told ``None`` after a good look at the mailbox, or the error when one fails: on every
        # change, and while all is well at most once a minute.
        self.on_state = on_state
        self._reported: tuple[str | None, float] | None = None
        self._mailbox: BaseMailBox | None = None
        self._server_has_idle = False

    # --- public API --------------------------------------------------------------------------

    def run_once(self) -> int:
        """Connect if needed, deliver every message newer than the cursor, return the count."""
        mailbox = self._connection()
        try:
            return self._deliver_new(mailbox)
        except BaseException:
            # We cannot tell where in the conversation we were: start the next run afresh.
            self._drop_connection()
            raise

    def run_forever(self, stop: threading.Event) -> None:
        """Keep delivering until ``stop`` is set. Never gives up on network or server errors."""
        backoff = self.backoff_initial
        while not stop.is_set():
            try:
                self.run_once()
                self._report(None)
                self._wait_for_news(stop)
                backoff = self.backoff_initial
                continue
            except CONNECTION_ERRORS as exc:
                self._report(_describe(exc))
                logger.warning(
                    "IMAP %s:%s unavailable (%s: %s); retrying in %.1f s",
                    self.config.host,
                    self.config.port,
                    type(exc).__name__,
                    exc,
                    backoff,
                )
            except Exception as exc:
                self._report(_describe(exc))
                # Not the network: most likely the archive. Nothing is lost (the cursor did not
                # move), so keep the worker alive and try again, loudly.
                logger.exception("delivering mail failed; retrying in %.1f s", backoff)
            self._drop_connection()
            stop.wait(backoff)
            backoff = min(backoff * 2, self.backoff_max)
        self.close()

    def _report(self, error: str | None) -> None:
        if self.on_state is None:
            return
        now = time.monotonic()
        if self._reported is not None:
            last_error, last_at = self._reported
            if last_error == error and (error is not None or now - last_at < 60):
                return
        self._reported = (error, now)
        self.on_state(error)

    def close(self) -> None:
        """Log out politely (bounded in time) and forget the connection."""
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is None:
            return
        try:
            mailbox.client.sock.settimeout(LOGOUT_TIMEOUT_SECONDS)
            mailbox.logout()
        except Exception:
            _shutdown(mailbox)

    # --- connecting --------------------------------------------------------------------------

    def _connection(self) -> BaseMailBox:
        if self._mailbox is not None and not _still_alive(self._mailbox):
            logger.info("IMAP connection went stale; reconnecting")
            self._drop_connection()
        if self._mailbox is None:
            self._mailbox = self._connect()
        return self._mailbox

    def _connect(self) -> BaseMailBox:
        mailbox = self._open_client()
        try:
            mailbox.login(self.config.user, self.config.password, initial_folder=None)
            self._server_has_idle = _capabilities(mailbox) >= {"IDLE"}
        except BaseException:
            _shutdown(mailbox)
            raise
        logger.info(
            "IMAP connected to %s:%s (%s) as %s",
            self.config.host,
            self.config.port,
            self.config.security,
            self.config.user,
        )
        return mailbox

    def _open_client(self) -> BaseMailBox:
        host, port, timeout = self.config.host, self.config.port, self.socket_timeout
        if self.config.security is Security.TLS:
            return MailBox(host, port, timeout=timeout, ssl_context=self.ssl_context)
        if self.config.security is Security.STARTTLS:
            return MailBoxStartTls(host, port, timeout=timeout, ssl_context=self.ssl_context)
        return MailBoxUnencrypted(host, port, timeout=timeout)

    def _drop_connection(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            _shutdown(mailbox)

    # --- fetching ----------------------------------------------------------------------------

    def _deliver_new(self, mailbox: BaseMailBox) -> int:
        uidvalidity = self._examine(mailbox)
        last_uid = self._resume_point(uidvalidity)
        delivered = 0
        for batch in _batches(_uids_after(mailbox, last_uid), self.batch_size):
            fetched = _fetch_raw(mailbox, batch)
            # One scope per batch (a database transaction for the archive): the messages and
            # the cursor commit together, once, instead of twice per message.
            try:
                with self.batch_scope():
                    # Another watcher of this mailbox may have delivered some of these while
                    # we fetched (the scope may have waited for it): skip what it covered.
                    last_uid = self._covered(uidvalidity, last_uid)
                    for uid, raw in fetched:
                        if uid <= last_uid:  # a confused server must not make us deliver twice
                            continue
                        self.deliver(raw, uidvalidity, uid)
                        self.cursor.save(uidvalidity, uid)
                        last_uid = uid
                        delivered += 1
            except CONNECTION_ERRORS as exc:
                # An OSError here is the archive's (a full disk), not the IMAP server's: say so.
                raise DeliveryError(f"delivering UIDs {batch[0]}-{batch[-1]} failed") from exc
        return delivered

    def _examine(self, mailbox: BaseMailBox) -> int:
        """Open the folder read-only (fresh each run, so UIDVALIDITY is current)."""
        mailbox.folder.set(self.config.folder, readonly=True)
        _, data = mailbox.client.response("UIDVALIDITY")
        if not data or data[0] is None:
            raise ImapProtocolError("server did not report UIDVALIDITY for the folder")
        return int(data[0])

    def _covered(self, uidvalidity: int, last_uid: int) -> int:
        saved_uidvalidity, saved_uid = self.cursor.load()
        return max(last_uid, saved_uid) if saved_uidvalidity == uidvalidity else last_uid

    def _resume_point(self, uidvalidity: int) -> int:
        saved_uidvalidity, last_uid = self.cursor.load()
        if saved_uidvalidity == uidvalidity:
            return last_uid
        if saved_uidvalidity is not None:
            logger.warning(
                "UIDVALIDITY of %s changed from %s to %s: the server renumbered the folder; "
                "re-reading all of it (the archive skips messages it already has)",
                self.config.folder,
                saved_uidvalidity,
                uidvalidity,
            )
        self.cursor.save(uidvalidity, 0)
        return 0

    # --- waiting -----------------------------------------------------------------------------

    def _wait_for_news(self, stop: threading.Event) -> None:
        mailbox = self._mailbox
        if mailbox is not None and self.use_idle and self._server_has_idle:
            self._idle(mailbox, stop)
        else:
            stop.wait(self.poll_interval)

    def _idle(self, mailbox: BaseMailBox, stop: threading.Event) -> None:
        """IDLE until the server says anything, ``idle_timeout`` passes, or ``stop`` is set."""
        if "EXISTS" in mailbox.client.untagged_responses:
            return  # mail arrived while we were fetching: fetch again before idling
        mailbox.idle.start()  # type: ignore[no-untyped-call]
        deadline = time.monotonic() + self.idle_timeout
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or _server_spoke(mailbox.client, min(remaining, STOP_CHECK_SECONDS)):
                break
        # DONE; raises if the server said BYE or the connection dropped meanwhile.
        mailbox.idle.stop()  # type: ignore[no-untyped-call]


# --- helpers (no watcher state) --------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    """The error and what caused it ("DeliveryError: … ← OSError: No space left on device")."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 3:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    return " ← ".join(parts)


def _capabilities(mailbox: BaseMailBox) -> set[str]:
    # Ask after login: servers may advertise more (IDLE among it) once authenticated.
    typ, data = mailbox.client.capability()
    if typ != "OK" or not data or not data[0]:
        return set()
    return set(data[0].decode("ascii", "replace").upper().split())


def _still_alive(mailbox: BaseMailBox) -> bool:
    try:
        typ, _ = mailbox.client.noop()
    except CONNECTION_ERRORS:
        return False
    return typ == "OK"


def _shutdown(mailbox: BaseMailBox) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        mailbox.client.shutdown()


def _uids_after(mailbox: BaseMailBox, last_uid: int) -> list[int]:
    # "n:*" always matches the newest message, even when its UID is below n: filter it out.
    found = (int(uid) for uid in mailbox.uids(f"UID {last_uid + 1}:*"))
    return sorted(uid for uid in found if uid > last_uid)


def _batches(uids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(uids), size):
        yield uids[start : start + size]


def _fetch_raw(mailbox: BaseMailBox, uids: Sequence[int]) -> list[tuple[int, bytes]]:
    """One UID FETCH for the batch, without setting \\Seen; (uid, raw bytes) in UID order.

    imap-tools' ``fetch()`` would parse every message with the ``email`` package and pair up
    response items by position; we need the untouched bytes and a UID we are sure of.
    """
    result = mailbox.client.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    check_command_status(result, MailboxFetchError)
    return _messages_in_fetch_response(result[1])


def _messages_in_fetch_response(items: Sequence[Any]) -> list[tuple[int, bytes]]:
    """imaplib gives each message as ``(b'7 (UID 42 BODY[] {123}', b'<bytes>')``, then ``b')'``.

    Unsolicited responses (``b'3 (FLAGS (\\Seen))'``) may sit in between; they carry no body.
    """
    messages = []
    for index, item in enumerate(items):
        if not isinstance(item, tuple):
            continue
        envelope, raw = item
        match = _UID_IN_FETCH.search(envelope)
        if match is None and index + 1 < len(items) and isinstance(items[index + 1], bytes):
            match = _UID_IN_FETCH.search(items[index + 1])  # some servers put UID after the body
        if match is None:
            raise ImapProtocolError("FETCH response without a UID")
        messages.append((int(match.group(1)), bytes(raw)))
    return sorted(messages)


def _server_spoke(client: imaplib.IMAP4, timeout: float) -> bool:
    """True when the server sent something (or closed the connection) within ``timeout``."""
    sock = client.sock
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    if _already_buffered(client):
        return True
    readable, _, _ = select.select([sock], [], [], timeout)
    return bool(readable)


def _already_buffered(client: imaplib.IMAP4) -> bool:
    """Bytes imaplib has read from the socket but not parsed yet are invisible to select().

    That happens when the server's first IDLE update arrives in the same packet as "+ idling".
    """
    file = client.file
    if not isinstance(file, io.BufferedReader):
        return False
    sock = client.sock
    previous_timeout = sock.gettimeout()
    sock.settimeout(0)  # peek() may read the socket once; it must not block
    try:
        return bool(file.peek(1))
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    finally:
        sock.settimeout(previous_timeout)

# SPDX-License-Identifier: EUPL-1.2
"""The IMAP watcher against a real Dovecot: order, cursor, UIDVALIDITY, IDLE, reconnects, TLS."""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from flagdesk.mailarchive.imap import (
    ImapConfig,
    MailboxWatcher,
    Security,
    parse_imap_url,
)
from tests_support.dovecot import DEFAULT_USER, DovecotServer

# Generous: only reached when something is broken, never part of a passing run's timing.
PATIENCE = 60.0


# --- test doubles that are not mocks: a cursor in memory and a collecting archive -------------


class MemoryCursor:
    def __init__(self, uidvalidity: int | None = None, last_uid: int = 0) -> None:
        self.state: tuple[int | None, int] = (uidvalidity, last_uid)
        self.saves: list[tuple[int, int]] = []

    def load(self) -> tuple[int | None, int]:
        return self.state

    def save(self, uidvalidity: int, last_uid: int) -> None:
        self.state = (uidvalidity, last_uid)
        self.saves.append(self.state)


class Archive:
    """Records deliveries; other threads can wait for a number of them."""

    def __init__(self) -> None:
        self.messages: list[tuple[bytes, int, int]] = []
        self._changed = threading.Condition()

    def __call__(self, raw: bytes, uidvalidity: int, uid: int) -> None:
        with self._changed:
            self.messages.append((raw, uidvalidity, uid))
            self._changed.notify_all()

    @property
    def uids(self) -> list[int]:
        return [uid for _, _, uid in self.messages]

    @property
    def raws(self) -> list[bytes]:
        return [raw for raw, _, _ in self.messages]

    def wait_for(self, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.messages) >= count, PATIENCE)


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self._changed:
            self.records.append(record)
            self._changed.notify_all()

    def wait_for(self, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.records) >= count, PATIENCE)


@pytest.fixture
def warnings_logged() -> Iterator[WarningCounter]:
    counter = WarningCounter()
    logger = logging.getLogger("flagdesk.mailarchive.imap")
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)


def message(n: int, body: str = "") -> bytes:
    return (
        f"From: Platform Trust & Safety <noreply-{n}@platform.example>\r\n"
        f"To: {DEFAULT_USER}\r\n"
        f"Subject: Re: notice {n}\r\n"
        f"Message-ID: <reply-{n}@platform.example>\r\n"
        "\r\n"
        f"Reply number {n}.{body}\r\n"
    ).encode()


def watcher_for(
    dovecot: DovecotServer, cursor: MemoryCursor, archive: Archive, **options: Any
) -> MailboxWatcher:
    options = {"backoff_initial": 0.05, "backoff_max": 0.5, **options}
    return MailboxWatcher(parse_imap_url(dovecot.url()), cursor, archive, **options)


@contextlib.contextmanager
def running(watcher: MailboxWatcher) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(PATIENCE)
    assert not thread.is_alive(), "run_forever did not return after the stop event"


def uidvalidity_of(dovecot: DovecotServer, folder: str = "INBOX") -> int:
    with dovecot.mailbox() as mailbox:
        return mailbox.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"]


# --- URL parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://intake%40flagdesk.example:s%3Acr%2Fet%25@mail.example.org/INBOX",
            ImapConfig(
                "mail.example.org",
                993,
                "intake@flagdesk.example",
                "s:cr/et%",
                "INBOX",
                Security.TLS,
            ),
        ),
        (
            "imap+starttls://intake:pw@mail.example.org:1143/Platform%20replies",
            ImapConfig(
                "mail.example.org", 1143, "intake", "pw", "Platform replies", Security.STARTTLS
            ),
        ),
        (
            "imap+starttls://intake:pw@mail.example.org",
            ImapConfig("mail.example.org", 143, "intake", "pw", "INBOX", Security.STARTTLS),
        ),
        (
            "imap://u:p@127.0.0.1:3143/",
            ImapConfig("127.0.0.1", 3143, "u", "p", "INBOX", Security.PLAIN),
        ),
        ("IMAP://u:p@localhost", ImapConfig("localhost", 143, "u", "p", "INBOX", Security.PLAIN)),
        (
            "imap://u:p@[::1]:3143/INBOX/Sub",
            ImapConfig("::1", 3143, "u", "p", "INBOX/Sub", Security.PLAIN),
        ),
        (
            "imaps://u:@mail.example.org",
            ImapConfig("mail.example.org", 993, "u", "", "INBOX", Security.TLS),
        ),
    ],
)
def test_it_parses_imap_urls(url: str, expected: ImapConfig) -> None:
    assert parse_imap_url(url) == expected


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("pop3://u:p@mail.example.org", "scheme"),
        ("mail.example.org", "scheme"),
        ("imaps://mail.example.org/INBOX", "user and password"),
        ("imaps://u@mail.example.org/INBOX", "user and password"),
        ("imaps://u:p@/INBOX", "no host"),
        ("imaps://u:p@mail.example.org:99999/", "out of range"),
        ("imaps://u:p@mail.example.org/INBOX?x=1", "query"),
        ("imap://u:p@mail.example.org/INBOX", "unencrypted"),
        ("imap://u:p@10.0.0.5/INBOX", "unencrypted"),
    ],
)
def test_it_rejects_bad_imap_urls_without_echoing_the_password(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as raised:
        parse_imap_url(url)
    assert ":p@" not in str(raised.value)


def test_the_config_repr_hides_the_password() -> None:
    config = parse_imap_url("imaps://intake:hunter2@mail.example.org")
    assert "hunter2" not in repr(config)


# --- run_once ----------------------------------------------------------------------------------


def test_it_delivers_appended_messages_in_uid_order_and_saves_the_cursor(
    dovecot: DovecotServer,
) -> None:
    appended = [dovecot.append(DEFAULT_USER, message(n)) for n in range(3)]
    cursor, archive = MemoryCursor(), Archive()
    watcher = watcher_for(dovecot, cursor, archive)

    assert watcher.run_once() == 3

    uidvalidity = uidvalidity_of(dovecot)
    assert archive.messages == [(message(n), uidvalidity, uid) for n, uid in enumerate(appended)]
    # Saved after every message (after first recording the folder's UIDVALIDITY).
    assert cursor.saves == [(uidvalidity, 0)] + [(uidvalidity, uid) for uid in appended]
    watcher.close()


def test_a_second_run_delivers_nothing(dovecot: DovecotServer) -> None:
    dovecot.append(DEFAULT_USER, message(1))
    cursor, archive = MemoryCursor(), Archive()
    watcher = watcher_for(dovecot, cursor, archive)
    watcher.run_once()

    assert watcher.run_once() == 0
    assert len(archive.messages) == 1
    watcher.close()


def test_it_resumes_after_the_cursor_with_a_new_connection(dovecot: DovecotServer) -> None:
    first = [dovecot.append(DEFAULT_USER, message(n)) for n in range(2)]
    cursor = MemoryCursor()
    earlier = watcher_for(dovecot, cursor, Archive())
    earlier.run_once()
    earlier.close()
    later = [dovecot.append(DEFAULT_USER, message(n)) for n in range(2, 5)]
    archive = Archive()

    watcher = watcher_for(dovecot, cursor, archive)
    assert watcher.run_once() == 3

    assert archive.uids == later
    assert archive.raws == [message(n) for n in range(2, 5)]
    assert cursor.state[1] == later[-1] > first[-1]
    watcher.close()


def test_it_fetches_in_batches_without_losing_order(dovecot: DovecotServer) -> None:
    appended = [dovecot.append(DEFAULT_USER, message(n)) for n in range(7)]
    archive = Archive()
    watcher = watcher_for(dovecot, MemoryCursor(), archive, batch_size=3)

    assert watcher.run_once() == 7
    assert archive.uids == appended
    watcher.close()


def test_it_leaves_the_mailbox_unchanged(dovecot: DovecotServer) -> None:
    dovecot.append(DEFAULT_USER, message(1))
    watcher = watcher_for(dovecot, MemoryCursor(), Archive())
    watcher.run_once()
    watcher.close()

    with dovecot.mailbox() as mailbox:
        mailbox.folder.set("INBOX", readonly=True)
        (fetched,) = mailbox.fetch(mark_seen=False)
    assert "\\Seen" not in fetched.flags


def test_it_reads_another_folder(dovecot: DovecotServer) -> None:
    dovecot.append(DEFAULT_USER, message(1))
    uid = dovecot.append(DEFAULT_USER, message(2), folder="Platform replies")
    archive = Archive()
    config = parse_imap_url(dovecot.url(folder="Platform replies"))
    watcher = MailboxWatcher(config, MemoryCursor(), archive)

    assert watcher.run_once() == 1
    assert archive.messages == [(message(2), uidvalidity_of(dovecot, "Platform replies"), uid)]
    watcher.close()


def test_a_uidvalidity_change_starts_over_from_uid_zero(dovecot: DovecotServer) -> None:
    for n in range(2):
        dovecot.append(DEFAULT_USER, message(n))
    cursor, archive = MemoryCursor(), Archive()
    watcher = watcher_for(dovecot, cursor, archive)
    watcher.run_once()
    old_uidvalidity = cursor.state[0]

    dovecot.change_uidvalidity()  # also restarts the server under the watcher's connection
    dovecot.append(DEFAULT_USER, message(2))

    assert watcher.run_once() == 3
    new_uidvalidity = uidvalidity_of(dovecot)
    assert new_uidvalidity != old_uidvalidity
    redelivered = archive.messages[2:]
    assert [(uidvalidity, uid) for _, uidvalidity, uid in redelivered] == [
        (new_uidvalidity, 1),
        (new_uidvalidity, 2),
        (new_uidvalidity, 3),
    ]
    # Dovecot renumbers the messages in an order of its own choosing.
    assert sorted(raw for raw, _, _ in redelivered) == [message(0), message(1), message(2)]
    assert cursor.state == (new_uidvalidity, 3)
    watcher.close()


# --- "raw" bytes ---------------------------------------------------------------------------------


def test_it_delivers_exactly_the_bytes_appended_with_crlf_line_endings(
    dovecot: DovecotServer,
) -> None:
    raw = (
        b"Received: from mx.platform.example\r\n"
        b"\tby mail.flagdesk.example; Tue, 7 Nov 2023 10:00:00 +0100\r\n"
        b"From: =?utf-8?q?Pla=C3=AFtform?= <noreply@platform.example>\r\n"
        b"Subject: Re: melding  \r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"Beste melder,  \r\n"
        b"\r\n"
        + "We hebben uw melding over €-fraude ontvangen. Ünïcödé.\r\n".encode()
        + b"Latin-1 byte: \xe9 and a tab\there.\r\n"
        b".\r\n"
        b"From the end, without a final line break"
    )
    uid = dovecot.append(DEFAULT_USER, raw)
    archive = Archive()
    watcher = watcher_for(dovecot, MemoryCursor(), archive)
    watcher.run_once()

    assert archive.messages == [(raw, uidvalidity_of(dovecot), uid)]
    watcher.close()


def test_bare_lf_line_endings_arrive_as_crlf(dovecot: DovecotServer) -> None:
    # IMAP transfers messages with CRLF; imaplib converts on APPEND, Dovecot on FETCH.
    raw_lf = b"From: a@platform.example\nSubject: lf\n\nline one\nline two\n"
    dovecot.append(DEFAULT_USER, raw_lf)
    archive = Archive()
    watcher = watcher_for(dovecot, MemoryCursor(), archive)
    watcher.run_once()

    assert archive.raws == [raw_lf.replace(b"\n", b"\r\n")]
    watcher.close()


# --- run_forever -------------------------------------------------------------------------------


def test_run_forever_picks_up_a_message_appended_while_idle(dovecot: DovecotServer) -> None:
    archive = Archive()
    # Long idle and poll times: within PATIENCE only an IDLE notification can deliver message 2.
    watcher = watcher_for(dovecot, MemoryCursor(), archive, idle_timeout=600, poll_interval=600)
    dovecot.append(DEFAULT_USER, message(1))

    with running(watcher):
        assert archive.wait_for(1)
        second = dovecot.append(DEFAULT_USER, message(2))
        assert archive.wait_for(2)

    assert archive.uids[-1] == second
    assert archive.raws == [message(1), message(2)]


def test_run_forever_polls_when_not_using_idle(dovecot: DovecotServer) -> None:
    archive = Archive()
    watcher = watcher_for(dovecot, MemoryCursor(), archive, use_idle=False, poll_interval=0.1)

    with running(watcher):
        dovecot.append(DEFAULT_USER, message(1))
        assert archive.wait_for(1)


def test_run_forever_reconnects_after_a_server_restart(
    dovecot: DovecotServer, warnings_logged: WarningCounter
) -> None:
    archive = Archive()
    watcher = watcher_for(dovecot, MemoryCursor(), archive)
    dovecot.append(DEFAULT_USER, message(1))

    with running(watcher):
        assert archive.wait_for(1)
        dovecot.stop()
        assert warnings_logged.wait_for(1)  # it noticed, and is retrying
        dovecot.start()
        dovecot.append(DEFAULT_USER, message(2))
        dovecot.append(DEFAULT_USER, message(3))
        assert archive.wait_for(3)

    assert archive.raws == [message(1), message(2), message(3)]
    assert archive.uids == [1, 2, 3]


def test_a_wrong_password_is_logged_and_retried_without_crashing(
    dovecot: DovecotServer, warnings_logged: WarningCounter
) -> None:
    dovecot.append(DEFAULT_USER, message(1))
    archive = Archive()
    config = parse_imap_url(dovecot.url(password="wrong-password"))
    watcher = MailboxWatcher(config, MemoryCursor(), archive, backoff_initial=0.05, backoff_max=0.2)

    with running(watcher):
        assert warnings_logged.wait_for(3)

    assert archive.messages == []
    logged = [record.getMessage() for record in warnings_logged.records]
    assert all("wrong-password" not in text for text in logged)
    assert "MailboxLoginError" in logged[0]


# --- TLS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_it_reads_over_tls(dovecot_tls: DovecotServer, security: str) -> None:
    uid = dovecot_tls.append(DEFAULT_USER, message(1))
    archive = Archive()
    config = parse_imap_url(dovecot_tls.url(security=security))
    watcher = MailboxWatcher(config, MemoryCursor(), archive, ssl_context=dovecot_tls.ssl_context())

    assert watcher.run_once() == 1
    assert archive.uids == [uid]
    watcher.close()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_it_refuses_a_certificate_it_cannot_verify(
    dovecot_tls: DovecotServer, security: str
) -> None:
    config = parse_imap_url(dovecot_tls.url(security=security))
    watcher = MailboxWatcher(config, MemoryCursor(), Archive())

    with pytest.raises(ssl.SSLCertVerificationError):
        watcher.run_once()


def test_a_failing_archive_keeps_the_cursor_and_is_retried(dovecot: DovecotServer) -> None:
    uids = [dovecot.append(DEFAULT_USER, message(n)) for n in range(3)]
    archive, cursor = Archive(), MemoryCursor()
    failures = [RuntimeError("database is locked")]

    def flaky_archive(raw: bytes, uidvalidity: int, uid: int) -> None:
        if uid == uids[1] and failures:
            raise failures.pop()
        archive(raw, uidvalidity, uid)

    watcher = watcher_for(dovecot, cursor, archive)
    watcher.deliver = flaky_archive

    with running(watcher):
        assert archive.wait_for(3)

    assert archive.uids == uids  # the failed message came again; nothing was skipped
    assert cursor.state[1] == uids[-1]

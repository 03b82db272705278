# SPDX-License-Identifier: EUPL-1.2
"""A real SMTP server for tests (aiosmtpd), standing in for a platform's mail server.

It records every message it accepted, can refuse or defer on command, and can speak
STARTTLS / implicit TLS with a self-signed certificate made by ``openssl``.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests_support.servers import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Behaviour:
    """What the server answers; tests change it between attempts."""

    rcpt_reply: str = ""  # e.g. "550 5.1.1 no such user"; empty: accept
    data_reply: str = ""  # e.g. "451 4.3.0 try again later"; empty: accept
    temporary_failures_left: int = 0  # answer DATA with 451 this many times first


@dataclass
class Handler:
    behaviour: Behaviour = field(default_factory=Behaviour)
    messages: list[Received] = field(default_factory=list)
    # Called for every accepted message, e.g. to deliver the archive copy into an IMAP box.
    on_message: Callable[[Received], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.behaviour.rcpt_reply:
            return self.behaviour.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.behaviour.temporary_failures_left > 0:
            self.behaviour.temporary_failures_left -= 1
            return "451 4.3.0 Temporary failure, try again later"
        if self.behaviour.data_reply:
            return self.behaviour.data_reply
        content = envelope.original_content or b""
        received = Received(str(envelope.mail_from), list(envelope.rcpt_tos), bytes(content))
        if self.on_message is not None:
            self.on_message(received)
        with self.arrived:
            self.messages.append(received)
            self.arrived.notify_all()
        return "250 2.0.0 Ok: queued as test"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments, our own paths
        [
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class SmtpServer:
    """``with SmtpServer() as server: ... server.url ... server.messages``."""

    def __init__(
        self,
        *,
        security: str = "plain",
        credentials: tuple[str, str] | None = None,
        cert_dir: Path | None = None,
    ) -> None:
        self.handler = Handler()
        self.security = security
        self.credentials = credentials
        self.port = free_port()
        self.cert: Path | None = None
        kwargs: dict[str, Any] = {}
        if security != "plain":
            assert cert_dir is not None, "TLS needs a directory for the certificate"
            self.cert, key = self_signed_certificate(cert_dir)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            if security == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        if credentials:
            # With implicit TLS aiosmtpd can't see the TLS layer; the socket is encrypted anyway.
            kwargs.update(authenticator=self._authenticate, auth_require_tls=security == "starttls")
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.credentials is not None
            and (data.login.decode(), data.password.decode()) == self.credentials
        )
        return AuthResult(success=ok, handled=False)

    @property
    def url(self) -> str:
        scheme = {"plain": "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[self.security]
        auth = f"{self.credentials[0]}:{self.credentials[1]}@" if self.credentials else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def behaviour(self) -> Behaviour:
        return self.handler.behaviour

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        with self.handler.arrived:
            self.handler.arrived.wait_for(lambda: len(self.handler.messages) >= count, timeout)
            return list(self.handler.messages)

    def start(self) -> SmtpServer:
        if self.security == "tls":
            # aiosmtpd's readiness probe speaks plain SMTP; with implicit TLS it can't.
            self.controller.ready_timeout = 5
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

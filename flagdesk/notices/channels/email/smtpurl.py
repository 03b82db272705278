# SPDX-License-Identifier: EUPL-1.2
"""``FLAGDESK_SMTP_URL``: smtp://, smtp+starttls:// or smtps://, with optional user:password."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # plain | starttls | tls
    username: str = ""
    password: str = ""

    def __str__(self) -> str:
        # Never print the password.
        return f"{self.security}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpConfig:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"SMTP URL must start with one of {', '.join(sorted(SCHEMES))}://")
    if not parts.hostname:
        raise ValueError("SMTP URL has no host")
    security, default_port = SCHEMES[parts.scheme]
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )

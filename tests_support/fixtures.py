# SPDX-License-Identifier: EUPL-1.2
"""pytest fixtures for real test servers. Import them into a conftest.py to use them.

Each test gets its own Dovecot (about 0.1 s to start) in its own temp dir on its own port, so
tests are independent and safe under pytest-xdist. A missing Dovecot fails the test (never a
skip): the suite must not go green on a machine that cannot run it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests_support.dovecot import DovecotServer, DovecotUnavailableError


def _serve(*, tls: bool) -> Iterator[DovecotServer]:
    try:
        server = DovecotServer(tls=tls)
    except DovecotUnavailableError as exc:
        problem = str(exc)
    else:
        with server:
            yield server
        return
    # Outside the except block, so the report shows our message and not a chained traceback.
    pytest.fail(f"Dovecot test server unavailable: {problem}", pytrace=False)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    """A running Dovecot with one user (DEFAULT_USER / DEFAULT_PASSWORD), plain IMAP only."""
    yield from _serve(tls=False)


@pytest.fixture
def dovecot_tls() -> Iterator[DovecotServer]:
    """Like ``dovecot`` but also offering STARTTLS and implicit TLS (self-signed certificate)."""
    yield from _serve(tls=True)

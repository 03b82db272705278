# SPDX-License-Identifier: EUPL-1.2
"""The notices' fixtures: a case with an approved deploy decision and its draft notice."""

from flagdesk.notices.tests.conftest import draft, outbox, smtp_server, x_channel

__all__ = ["draft", "outbox", "smtp_server", "x_channel"]

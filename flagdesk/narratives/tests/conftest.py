# SPDX-License-Identifier: EUPL-1.2
"""The notices' fixtures, for cases with sent notices."""

from flagdesk.notices.tests.conftest import draft, x_channel

__all__ = ["draft", "x_channel"]

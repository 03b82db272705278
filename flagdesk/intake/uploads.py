# SPDX-License-Identifier: EUPL-1.2
"""Attachments are checked by their bytes: the checker lives in core, shared with notices."""

from flagdesk.core.uploads import SIGNATURES, check_upload, sniff

__all__ = ["SIGNATURES", "check_upload", "sniff"]

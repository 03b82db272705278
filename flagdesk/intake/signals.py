# SPDX-License-Identifier: EUPL-1.2
"""Signals other apps listen to, so that intake need not know them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the recording transaction with ``recorded`` (the Signal row) and ``case``
# (a new or joined case), and ``opened``: True when this signal opened the case.
signal_recorded = Signal()

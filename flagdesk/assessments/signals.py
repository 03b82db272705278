# SPDX-License-Identifier: EUPL-1.2
"""Signals other apps listen to, so that assessments need not know them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the approving transaction with ``decision`` and ``actor``.
decision_approved = Signal()

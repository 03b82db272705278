# SPDX-License-Identifier: EUPL-1.2
"""Recurring narratives: a registry of known false claims and matching of new signals to them."""

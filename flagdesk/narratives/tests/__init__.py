# SPDX-License-Identifier: EUPL-1.2
"""Tests for the narratives app."""

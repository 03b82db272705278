# SPDX-License-Identifier: EUPL-1.2
"""Attacks on the record (issue 12): forged mail, late URLs, a shortened audit chain, and
the smaller holes. Each test fails on the code before the fix and passes after."""

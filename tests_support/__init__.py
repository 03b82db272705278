# SPDX-License-Identifier: EUPL-1.2
"""Test helpers that run real servers (Dovecot IMAP, SMTP) for FlagDesk's own test suite."""

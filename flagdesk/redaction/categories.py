# SPDX-License-Identifier: EUPL-1.2
"""Readable names for the kinds of personal data the engine finds, in one place.

The engine (pure, no Django) names a finding's kind with a short code (``name``, ``phone``,
``handle``); the codes are stored on each ``Redaction`` and posted by the bulk form, so they
stay as they are. Every page and count that shows a kind to a person shows ``label(code)``,
translated. A code without a label here would reach the reviewer raw:
``tests/test_categories.py`` checks every kind the engine can produce has one.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# "manual" is the one kind the engine never makes: a reviewer's own "redact this text too".
LABELS: dict[str, Promise] = {
    "deny": _("On the deny-list"),
    "email": _("E-mail address"),
    "iban": _("Bank account number (IBAN)"),
    "bsn": _("Citizen service number (BSN)"),
    "phone": _("Phone number"),
    "handle": _("Social-media account"),
    "birth_date": _("Date of birth"),
    "licence_plate": _("Licence plate"),
    "address": _("Address"),
    "name": _("Person's name"),
    "manual": _("Text marked by a reviewer"),
}


def label(code: str) -> str:
    """The kind in the reader's language; an unknown code (an old row) is shown as it is."""
    known = LABELS.get(code)
    return str(known) if known is not None else code

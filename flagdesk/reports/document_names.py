# SPDX-License-Identifier: EUPL-1.2
"""Readable names for the texts the report hands to the redaction review.

"Notice to X, 22 Nov 2023 — sender" instead of "notice.from 1": a reviewer must know which text
they are looking at. Registered with :mod:`flagdesk.redaction.hooks` in ``ReportsConfig.ready``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from flagdesk.assessments import selectors as assessments
from flagdesk.intake import selectors as cases
from flagdesk.mailarchive import selectors as mail
from flagdesk.notices import selectors as notices


def _part(kind: str) -> str:
    part = kind.split(".", 1)[1] if "." in kind else kind
    labels = {
        "from": _("sender"),
        "to": _("recipient"),
        "subject": _("subject"),
        "body": _("text"),
        "text": _("text"),
    }
    return labels.get(part, part)


def _day(value: dt.datetime | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def document_name(kind: str, object_id: int) -> str | None:
    if kind.startswith("notice."):
        notice = notices.notice_by_id(object_id)
        if notice is None:
            return None
        return _("Notice to %(platform)s, %(day)s (%(case)s) — %(part)s") % {
            "platform": notice.platform.name,
            "day": _day(notice.frozen_at or notice.created_at),
            "case": notice.case.reference,
            "part": _part(kind),
        }
    if kind == "signal.explanation":
        signal = cases.signal_by_id(object_id)
        if signal is None:
            return None
        return _("Signal from %(source)s, %(day)s (%(case)s) — explanation") % {
            "source": signal.source_organisation_name or signal.get_source_type_display(),
            "day": _day(signal.received_at),
            "case": signal.case.reference if signal.case else "—",
        }
    if kind == "assessment.misleading_reasoning":
        assessment = assessments.assessment_by_id(object_id)
        if assessment is None:
            return None
        return _("Assessment of %(case)s — why it is misleading") % {
            "case": assessment.case.reference
        }
    if kind.startswith("mail."):
        message = mail.message_by_id(object_id)
        if message is None:
            return None
        return _("Mail from %(sender)s, %(day)s, “%(subject)s” — %(part)s") % {
            "sender": message.from_name or message.from_address or "—",
            "day": _day(message.date),
            "subject": message.subject or _("(no subject)"),
            "part": _part(kind),
        }
    return None

# SPDX-License-Identifier: EUPL-1.2
"""A past election's correspondence, brought in with `flagdesk import-mail`, is in its report:
the notice sent by an earlier tool and the platform's acknowledgment of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flagdesk.elections.models import Election
from flagdesk.mailarchive.tests.mailfiles import import_mail, our_notice, write_mbox, xs_answer
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import draft, x_channel
from flagdesk.reports.content import build_report
from flagdesk.reports.redactions import TermRedactions
from flagdesk.reports.tests.text import plain_text

__all__ = ["draft", "x_channel"]


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def test_the_report_holds_the_imported_notice_and_its_acknowledgment(
    draft: Notice, tk2023: Election, tmp_path: Path
) -> None:
    path = write_mbox(tmp_path / "tk2023.mbox", [xs_answer(), our_notice(draft.case.reference)])
    assert import_mail(path)[0] == 0

    report = build_report(tk2023, redactions=TermRedactions(()))

    (appendix,) = report.appendices
    notice, answer = appendix.documents
    assert notice.title == "Melding aan X"
    assert notice.date == "maandag 20 november 2023 11:00:00"  # Amsterdam time
    body = "\n".join(plain_text(p.inlines) for p in notice.body)
    assert f"Please review the post under case {draft.case.reference}." in body
    assert answer.title == "Ontvangstbevestiging van X"
    assert answer.date == "maandag 20 november 2023 11:04:10"
    figures = {f.title: f for f in report.figures}
    ack = figures["Tijd tot ontvangstbevestiging per platform"]
    assert ack.rows == (("X", "1", "1", "4 min 10 s", "4 min 10 s"),)

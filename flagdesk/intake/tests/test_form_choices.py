# SPDX-License-Identifier: EUPL-1.2
"""The election pickers read their choices in one plain query: Django's default streams them
through a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE on every case list)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from flagdesk.elections.models import Election
from flagdesk.intake.forms import CaseFilterForm, SignalForm


def test_the_case_filter_lists_every_election_in_one_query(db: Any) -> None:
    form = CaseFilterForm()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["election"])  # as the page renders it
    assert len(captured.captured_queries) == 1
    assert not any("DECLARE" in q["sql"] for q in captured.captured_queries)
    assert all(
        f'value="{code}"' in html for code in Election.objects.values_list("code", flat=True)
    )
    choices = list(form.fields["election"].choices)  # (outside the count above)
    assert choices[0][0] == ""  # "All elections" first
    codes = {str(value) for value, _label in choices[1:]}
    assert codes == set(Election.objects.values_list("code", flat=True))


def test_the_signal_form_lists_the_elections_without_an_empty_choice(db: Any) -> None:
    form = SignalForm()
    with CaptureQueriesContext(connection) as captured:
        str(form["election"])
    sql = [q["sql"] for q in captured.captured_queries]
    assert not any("DECLARE" in q for q in sql)
    choices = list(form.fields["election"].choices)  # (outside the count above)
    assert len(choices) == Election.objects.count()
    assert all(value != "" for value, _label in choices)

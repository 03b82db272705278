# SPDX-License-Identifier: EUPL-1.2
"""The election pickers read their choices in one plain query: Django's default streams them
through a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE on every case list)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
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


def test_the_case_filter_reads_the_elections_once_to_check_and_to_list(db: Any) -> None:
    """A chosen election is checked among the rows the picker lists (one query for both)."""
    code = Election.objects.order_by("pk").values_list("code", flat=True)[1]
    form = CaseFilterForm({"election": code})
    with CaptureQueriesContext(connection) as captured:
        assert form.is_valid(), form.errors
        html = str(form["election"])
    assert len(captured.captured_queries) == 1
    assert form.cleaned_data["election"] == Election.objects.get(code=code)
    assert f'<option value="{code}" selected>' in html


def test_a_second_form_reads_the_elections_again(db: Any) -> None:
    """The rows are kept per form (each form copies its fields), never across requests: an
    election added meanwhile is listed and accepted by the next form."""
    assert CaseFilterForm({"election": "NEW2031"}).is_valid() is False
    Election.objects.create(
        code="NEW2031",
        type="tk",
        name="Nieuw",
        election_day="2031-03-15",
        attention_start="2031-01-15",
        attention_end="2031-03-22",
    )
    form = CaseFilterForm({"election": "NEW2031"})
    assert form.is_valid(), form.errors
    assert 'value="NEW2031"' in str(form["election"])


@pytest.mark.parametrize(
    ("given", "valid"),
    [("", True), ("pk", True), ("0pk", True), ("999999", False), ("abc", False), ("1.5", False)],
)
def test_the_signal_form_checks_the_election_as_django_would(
    given: str, valid: bool, db: Any
) -> None:
    """By primary key, as the database compares it ("05" is 5), anything else refused."""
    from flagdesk.intake.forms import ElectionChoiceField

    election = Election.objects.order_by("pk").first()
    assert election is not None
    value = {"pk": str(election.pk), "0pk": f"0{election.pk}"}.get(given, given)
    ours = ElectionChoiceField(queryset=Election.objects.all(), required=False)
    django = forms.ModelChoiceField(queryset=Election.objects.all(), required=False)
    outcomes = []
    for field in (ours, django):
        try:
            outcomes.append(("ok", field.clean(value)))
        except ValidationError as error:
            outcomes.append(("invalid", error.code))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0][0] == "ok") is valid
    if given == "pk":
        assert ours.clean(election) == election  # a model instance, as Django allows

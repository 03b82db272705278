# SPDX-License-Identifier: EUPL-1.2
"""PlainSelect writes what Django's select template writes, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from flagdesk.core.widgets import PlainSelect

CHOICES: list[Any] = [
    ("", "All <states>"),
    ("new", "New & open"),
    ('a"b', "Quote's"),
    (7, "A number"),
]


def both(widget: forms.Select, name: str, value: Any, attrs: dict[str, Any] | None) -> tuple:
    return PlainSelect.render(widget, name, value, attrs), forms.Select.render(  # type: ignore[arg-type]
        widget, name, value, attrs
    )


@pytest.mark.parametrize("value", [None, "", "new", 'a"b', 7, "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_state", "aria-describedby": "x_error y", "required": True, "x": False}],
)
def test_it_writes_what_the_template_writes(value: Any, attrs: dict[str, Any] | None) -> None:
    widget = PlainSelect(choices=CHOICES)
    ours, djangos = both(widget, "st<ate", value, attrs)
    assert ours == djangos


def test_option_groups_too() -> None:
    widget = PlainSelect(choices=[("", "-"), ("Group <1>", [("a", "A"), ("b", "B")])])
    ours, djangos = both(widget, "g", "b", {"id": "id_g"})
    assert ours == djangos and "<optgroup" in ours


@pytest.mark.django_db
def test_the_case_filter_renders_as_before(tk2023: Any) -> None:
    """Every select of the case list's filter, with a choice made and with an error."""
    from flagdesk.intake.forms import CaseFilterForm

    form = CaseFilterForm({"election": tk2023.code, "state": "nonsense", "owner": "me"})
    form.is_valid()
    selects = [
        name for name, field in form.fields.items() if isinstance(field.widget, forms.Select)
    ]
    assert set(selects) == {"election", "state", "platform", "category", "owner"}
    for name in selects:
        field = form[name]
        assert isinstance(field.field.widget, PlainSelect), name
        ours = str(field)
        field.field.widget.__class__ = forms.Select
        try:
            assert ours == str(form[name]), name
        finally:
            field.field.widget.__class__ = PlainSelect

# SPDX-License-Identifier: EUPL-1.2
"""The election pickers: kind and date on every choice, and a tie on one day explained."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections import service
from flagdesk.elections.models import Election

IN_THE_MARCH_2027_WINDOW = dt.date(2027, 3, 10)


def test_a_picker_label_names_kind_and_date(db: Any) -> None:
    ps = Election.objects.get(code="PS2027")
    with translation.override("en"):
        label = service.picker_label(ps)
    assert "Provinciale Staten" in label and "17 March 2027" in label


def test_elections_on_one_day_explain_the_default(db: Any) -> None:
    chosen = service.current_election(IN_THE_MARCH_2027_WINDOW)
    assert chosen is not None and chosen.code == "PS2027"
    with translation.override("en"):
        note = service.default_explained(chosen, IN_THE_MARCH_2027_WINDOW)
    assert note.startswith("3 elections are held on 17 March 2027")
    assert "attention window is open now" in note
    assert "Waterschappen" in note and "Eilandsraden" in note


def test_an_election_alone_on_its_day_needs_no_note(db: Any) -> None:
    assert service.default_explained(Election.objects.get(code="TK2023")) == ""


def test_the_dashboard_picker_shows_kind_and_date(alice: User) -> None:
    html = in_english(verified_client(alice)).get("/").content.decode()
    assert "· Waterschappen · 17 March 2027</option>" in html
    assert "· Provinciale Staten · 17 March 2027</option>" in html


def test_the_signal_form_picker_shows_kind_and_date(carol: User) -> None:
    html = in_english(verified_client(carol)).get("/signals/new").content.decode()
    assert "· Waterschappen · 17 March 2027</option>" in html

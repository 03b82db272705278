# SPDX-License-Identifier: EUPL-1.2
"""The report's content from the demo data: the seed's structure, case, figures, appendix."""

from __future__ import annotations

from typing import Any

import pytest

from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.reports import content, dutch
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Paragraph, Redacted, Report, Section
from flagdesk.reports.redactions import TermRedactions
from flagdesk.reports.tests.conftest import PERSONAL, assert_no_personal_data
from flagdesk.reports.tests.text import plain_text
from flagdesk.rules import eligibility
from flagdesk.rules import reasons as reason_codes


def _text(section: Section) -> str:
    parts = []
    for block in section.blocks:
        lines = [block.inlines] if isinstance(block, Paragraph) else list(block.items)
        parts += [plain_text(line) for line in lines]
    return "\n".join(parts + [_text(s) for s in section.subsections])


def test_it_has_the_seeds_structure(report: Report) -> None:
    assert report.title == "Rapport - Inzet Trusted Flagger Status BZK"
    assert report.subtitle == "Tweede Kamerverkiezing 22 november 2023"
    assert [s.title for s in report.sections] == [
        "Achtergrond",
        "Werkwijze",
        "Toepassing rondom de Tweede Kamerverkiezing van 22 november 2023",
    ]
    assert [s.title for s in report.sections[1].subsections] == ["Signalering", "Beoordeling"]


def test_background_names_the_platforms_with_programme_and_year(report: Report) -> None:
    background = _text(report.sections[0])
    assert "Google (YouTube), Meta, Snapchat, TikTok en X" in background
    assert "zeer terughoudend" in background
    notes = " ".join(plain_text(n.inlines) for n in report.footnotes)
    assert "X: Urgent Escalation Channel, sinds 2019" in notes


def test_method_names_the_accepted_sources_and_no_reporting_point(report: Report) -> None:
    method = _text(report.sections[1])
    for source in eligibility.ACCEPTED_SOURCES:
        assert content.SOURCE_DESCRIPTIONS[source] in method
    assert "monitort deze kanalen daarom niet" in method
    assert "geen meldpunt voor burgers" in method


def test_every_criterion_of_the_rules_is_described(report: Report) -> None:
    method = _text(report.sections[1])
    for stage, reasons in eligibility.CRITERIA:
        assert content.STAGE_INTROS[stage] in method
        for reason in reasons:
            assert reason_codes.REASON_TEXT_NL[reason] in method


def test_criteria_text_comes_from_the_rules_module(demo: Election, monkeypatch: Any) -> None:
    changed = dict(reason_codes.REASON_TEXT_NL)
    changed[reason_codes.Reason.NO_ELECTORAL_HARM] = (
        "Het bericht raakt de stembus niet (testtekst)."
    )
    monkeypatch.setattr(reason_codes, "REASON_TEXT_NL", changed)
    report = build_report(demo, redactions=TermRedactions(PERSONAL))
    assert "Het bericht raakt de stembus niet (testtekst)." in _text(report.sections[1])


def test_the_deployed_case_reads_like_the_seed(report: Report) -> None:
    application = _text(report.sections[2])
    assert "haar trusted flagger status eenmaal ingezet" in application
    assert (
        "op 22 november 2023 een signaal binnen vanuit de media over een bericht op X"
        in application
    )
    assert "GroenLinks/PvdA" in application
    assert "kan leiden tot een ongeldige stem" in application
    assert "X daarom op 22 november 2023 verzocht" in application
    assert "X's civic integrity policy" in application
    assert "Urgent Escalation Channel van X" in application
    assert "X heeft na 3 minuten de ontvangst bevestigd" in application
    assert report.deployments == 1


def test_footnotes_are_numbered_in_reading_order(report: Report) -> None:
    numbers = [n.number for n in report.footnotes]
    assert numbers == list(range(1, len(numbers) + 1))
    assert plain_text(report.footnotes[-1].inlines) == "Zie bijlage 1."


def test_the_appendix_holds_the_notice_and_xs_reply(report: Report) -> None:
    (appendix,) = report.appendices
    assert appendix.title == "Correspondentie met X (FD-2023-0001)"
    notice, reply = appendix.documents
    assert notice.title == "Melding aan X"
    assert notice.date == "woensdag 22 november 2023 14:43:00"
    assert "GroenLinks/PvdA is a combined list" in _body(notice.body)
    assert reply.title == "Ontvangstbevestiging van X"
    assert reply.date == "woensdag 22 november 2023 14:45:59"
    assert "Thanks a lot, our Trust & Safety teams will look into it." in _body(reply.body)
    assert _body(reply.body).startswith("Dear 5.1.2 e,")  # "Anna": the label clipped to its width


def _body(body: tuple[Paragraph, ...]) -> str:
    return "\n\n".join(plain_text(p.inlines) for p in body)


def test_the_inventory_lists_each_document_with_its_grounds(report: Report) -> None:
    assert [(e.number, e.judgement, e.grounds) for e in report.inventory] == [
        (1, "Gedeeltelijk openbaar", ("5.1.2e",)),
        (2, "Gedeeltelijk openbaar", ("5.1.2e",)),
    ]
    assert report.inventory[0].date == "22 november 2023"


def test_a_redaction_keeps_only_ground_and_width(report: Report) -> None:
    assert_no_personal_data(repr(report))
    signature = [
        i
        for p in report.appendices[0].documents[0].body
        for i in p.inlines
        if isinstance(i, Redacted)
    ]
    assert Redacted("5.1.2e", len("Anna de Vries")) in signature


def test_figures_count_signals_decisions_and_acknowledgment(report: Report) -> None:
    figures = {f.title: f for f in report.figures}
    signals = figures["Ontvangen signalen naar brontype en categorie"]
    assert ("Media", "1", "1") in signals.rows
    decisions = figures["Besluiten (goedgekeurd) naar uitkomst"]
    assert ("Status ingezet", "1") in decisions.rows
    per_platform = figures["Inzet van de status per platform"]
    assert per_platform.rows == (("X", "1"),) and per_platform.chart[0].value == 1
    ack = figures["Tijd tot ontvangstbevestiging per platform"]
    assert ack.rows == (("X", "1", "1", "2 min 59 s", "2 min 59 s"),)


def test_citizen_referrals_are_counts_only(demo: Election) -> None:
    current = elections.current_election()
    assert current is not None
    report = build_report(current, redactions=TermRedactions(PERSONAL))
    referrals = next(f for f in report.figures if f.title.startswith("Burgers doorverwezen"))
    assert referrals.rows == (("Meta", "1"), ("Totaal", "1"))
    refusals = next(f for f in report.figures if f.title.startswith("Bij binnenkomst"))
    assert (
        reason_codes.REASON_TEXT_NL[reason_codes.Reason.SOURCE_NOT_ACCEPTED],
        "1",
    ) in refusals.rows
    assert report.deployments == 0
    assert "status niet ingezet" in _text(report.sections[2])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (5, "5 seconden"),
        (60, "1 minuut"),
        (179, "3 minuten"),
        (3600, "60 minuten"),
        (5400, "1 uur en 30 minuten"),
    ],
)
def test_durations_read_like_a_person_says_them(seconds: float, text: str) -> None:
    assert dutch.dutch_duration(seconds) == text


def test_labels_are_clipped_to_the_width_but_keep_the_code() -> None:
    assert Redacted("5.1.2e", 2).clipped_label == "5.1.2 e"
    assert Redacted("5.1.2e", 100).clipped_label == "5.1.2 e Persoonlijke levenssfeer"
    assert content.short_name("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties") == "BZK"

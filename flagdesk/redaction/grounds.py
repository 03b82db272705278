# SPDX-License-Identifier: EUPL-1.2
"""The Woo grounds for withholding information (Wet open overheid art. 5.1, 5.2), as data.

Codes are written as ministries write them in their production reports (``5.1.2e``); labels
follow the black boxes of published documents ("5.1.2 e Persoonlijke levenssfeer").
Absolute grounds (5.1.1) always withhold; relative ones (5.1.2, 5.1.5, 5.2) are weighed
against the public interest in disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ground:
    code: str
    label: str
    description: str
    absolute: bool


DEFAULT_GROUND = "5.1.2e"

GROUNDS: tuple[Ground, ...] = (
    Ground("5.1.1a", "5.1.1 a Eenheid van de Kroon", "Eenheid van de Kroon", True),
    Ground("5.1.1b", "5.1.1 b Veiligheid van de Staat", "Veiligheid van de Staat", True),
    Ground(
        "5.1.1c",
        "5.1.1 c Vertrouwelijke bedrijfsgegevens",
        "Vertrouwelijk aan de overheid verstrekte bedrijfs- en fabricagegegevens",
        True,
    ),
    Ground(
        "5.1.1d",
        "5.1.1 d Bijzondere persoonsgegevens",
        "Bijzondere persoonsgegevens (AVG art. 9), tenzij verstrekking kennelijk geen inbreuk op de"
        " persoonlijke levenssfeer maakt",
        True,
    ),
    Ground(
        "5.1.1e",
        "5.1.1 e Identificatienummers",
        "(Nationale) identificatienummers zoals het burgerservicenummer",
        True,
    ),
    Ground("5.1.2a", "5.1.2 a Internationale betrekkingen", "Internationale betrekkingen", False),
    Ground(
        "5.1.2b",
        "5.1.2 b Economische belangen van de Staat",
        "Economische of financiële belangen van de Staat en andere overheden",
        False,
    ),
    Ground(
        "5.1.2c",
        "5.1.2 c Opsporing en vervolging",
        "Opsporing en vervolging van strafbare feiten",
        False,
    ),
    Ground(
        "5.1.2d",
        "5.1.2 d Inspectie, controle en toezicht",
        "Inspectie, controle en toezicht",
        False,
    ),
    Ground(
        "5.1.2e",
        "5.1.2 e Persoonlijke levenssfeer",
        "Eerbiediging van de persoonlijke levenssfeer",
        False,
    ),
    Ground(
        "5.1.2f",
        "5.1.2 f Concurrentiegevoelige bedrijfsgegevens",
        "Concurrentiegevoelige bedrijfs- en fabricagegegevens",
        False,
    ),
    Ground("5.1.2g", "5.1.2 g Bescherming van het milieu", "Bescherming van het milieu", False),
    Ground(
        "5.1.2h",
        "5.1.2 h Beveiliging van personen en bedrijven",
        "Beveiliging van personen en bedrijven en het voorkomen van sabotage",
        False,
    ),
    Ground(
        "5.1.2i",
        "5.1.2 i Goed functioneren van de Staat",
        "Het goed functioneren van de Staat en andere overheden",
        False,
    ),
    Ground(
        "5.1.5",
        "5.1.5 Onevenredige benadeling",
        "Voorkomen van onevenredige benadeling",
        False,
    ),
    Ground(
        "5.2",
        "5.2 Persoonlijke beleidsopvattingen",
        "Persoonlijke beleidsopvattingen in documenten voor intern beraad",
        False,
    ),
)

BY_CODE: dict[str, Ground] = {ground.code: ground for ground in GROUNDS}


def ground(code: str) -> Ground:
    """The ground for a code; KeyError for an unknown one."""
    return BY_CODE[code]


def label(code: str) -> str:
    """The label shown on a redaction box, e.g. "5.1.2 e Persoonlijke levenssfeer"."""
    return BY_CODE[code].label

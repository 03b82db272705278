# SPDX-License-Identifier: EUPL-1.2
"""MDTO metadata (Metagegevens Duurzaam Toegankelijke Overheidsinformatie, Nationaal Archief):
one XML document per Informatieobject and per Bestand, and a check of their structure.

Element names, order and cardinality follow MDTO-XML 1.0.1 (namespace
``https://www.nationaalarchief.nl/mdto``). The schema itself is not shipped with FlagDesk (it
carries no licence statement we could rely on), so :func:`validate` checks the structure
from the table below, which lists what the schema prescribes for the elements we write;
``xmllint --schema MDTO-XML1.0.1.xsd`` checks the same files against the schema itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

NS = "https://www.nationaalarchief.nl/mdto"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"
N = 10**9  # unbounded


@dataclass(frozen=True)
class Verwijzing:
    naam: str
    kenmerk: str = ""
    bron: str = ""


@dataclass(frozen=True)
class Begrip:
    label: str
    lijst: str
    code: str = ""


@dataclass(frozen=True)
class Event:
    type: Begrip
    tijd: str
    actor: str = ""
    resultaat: str = ""


@dataclass
class Informatieobject:
    kenmerk: str
    bron: str
    naam: str
    aggregatieniveau: Begrip
    waardering: Begrip
    archiefvormer: Verwijzing
    beperking: Begrip
    beperking_beschrijving: str = ""
    omschrijving: str = ""
    dekking: tuple[Begrip, dt.date, dt.date] | None = None
    taal: str = ""
    events: list[Event] = field(default_factory=list)
    bewaartermijn: tuple[Begrip, dt.date] | None = None
    is_onderdeel_van: Verwijzing | None = None
    bevat_onderdeel: list[Verwijzing] = field(default_factory=list)
    heeft_representatie: list[Verwijzing] = field(default_factory=list)

    def ref(self) -> Verwijzing:
        return Verwijzing(self.naam, self.kenmerk, self.bron)


@dataclass(frozen=True)
class Bestand:
    kenmerk: str
    bron: str
    naam: str
    omvang: int
    formaat: Begrip
    sha256: str
    checksum_datum: dt.datetime
    is_representatie_van: Verwijzing

    def ref(self) -> Verwijzing:
        return Verwijzing(self.naam, self.kenmerk, self.bron)


SHA256 = Begrip("SHA-256", "Begrippenlijst ChecksumAlgoritme MDTO")


# ------------------------------------------------------------------------- writing


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = text
    return child


def _identificatie(parent: etree._Element, name: str, kenmerk: str, bron: str) -> None:
    group = _el(parent, name)
    _el(group, "identificatieKenmerk", kenmerk)
    _el(group, "identificatieBron", bron)


def _verwijzing(parent: etree._Element, name: str, ref: Verwijzing) -> None:
    group = _el(parent, name)
    _el(group, "verwijzingNaam", ref.naam)
    if ref.kenmerk:
        _identificatie(group, "verwijzingIdentificatie", ref.kenmerk, ref.bron)


def _begrip(parent: etree._Element, name: str, begrip: Begrip) -> None:
    group = _el(parent, name)
    _el(group, "begripLabel", begrip.label)
    if begrip.code:
        _el(group, "begripCode", begrip.code)
    _verwijzing(group, "begripBegrippenlijst", Verwijzing(begrip.lijst))


def _root() -> etree._Element:
    root = etree.Element(f"{{{NS}}}MDTO", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    return root


def _bytes(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def informatieobject_xml(io: Informatieobject) -> bytes:
    root = _root()
    obj = _el(root, "informatieobject")
    _identificatie(obj, "identificatie", io.kenmerk, io.bron)
    _el(obj, "naam", io.naam)
    _begrip(obj, "aggregatieniveau", io.aggregatieniveau)
    if io.omschrijving:
        _el(obj, "omschrijving", io.omschrijving)
    if io.dekking is not None:
        kind, start, end = io.dekking
        group = _el(obj, "dekkingInTijd")
        _begrip(group, "dekkingInTijdType", kind)
        _el(group, "dekkingInTijdBegindatum", start.isoformat())
        _el(group, "dekkingInTijdEinddatum", end.isoformat())
    if io.taal:
        _el(obj, "taal", io.taal)
    for event in io.events:
        group = _el(obj, "event")
        _begrip(group, "eventType", event.type)
        _el(group, "eventTijd", event.tijd)
        if event.actor:
            _verwijzing(group, "eventVerantwoordelijkeActor", Verwijzing(event.actor))
        if event.resultaat:
            _el(group, "eventResultaat", event.resultaat)
    _begrip(obj, "waardering", io.waardering)
    if io.bewaartermijn is not None:
        trigger, start = io.bewaartermijn
        group = _el(obj, "bewaartermijn")
        _begrip(group, "termijnTriggerStartLooptijd", trigger)
        _el(group, "termijnStartdatumLooptijd", start.isoformat())
    if io.is_onderdeel_van is not None:
        _verwijzing(obj, "isOnderdeelVan", io.is_onderdeel_van)
    for part in io.bevat_onderdeel:
        _verwijzing(obj, "bevatOnderdeel", part)
    for representation in io.heeft_representatie:
        _verwijzing(obj, "heeftRepresentatie", representation)
    _verwijzing(obj, "archiefvormer", io.archiefvormer)
    group = _el(obj, "beperkingGebruik")
    _begrip(group, "beperkingGebruikType", io.beperking)
    if io.beperking_beschrijving:
        _el(group, "beperkingGebruikNadereBeschrijving", io.beperking_beschrijving)
    return _bytes(root)


def bestand_xml(bestand: Bestand) -> bytes:
    root = _root()
    obj = _el(root, "bestand")
    _identificatie(obj, "identificatie", bestand.kenmerk, bestand.bron)
    _el(obj, "naam", bestand.naam)
    _el(obj, "omvang", str(bestand.omvang))
    _begrip(obj, "bestandsformaat", bestand.formaat)
    group = _el(obj, "checksum")
    _begrip(group, "checksumAlgoritme", SHA256)
    _el(group, "checksumWaarde", bestand.sha256)
    _el(group, "checksumDatum", bestand.checksum_datum.isoformat(timespec="seconds"))
    _verwijzing(obj, "isRepresentatieVan", bestand.is_representatie_van)
    return _bytes(root)


# ---------------------------------------------------------------------- structure

# (element, minOccurs, maxOccurs, content) in schema order; content is a group below, or
# "text" (NietLegeWaarde / string), "int", "date", "datetime", "any".
SEQUENCES: dict[str, list[tuple[str, int, int, str]]] = {
    "informatieobject": [
        ("identificatie", 1, N, "identificatie"),
        ("naam", 1, 1, "text"),
        ("aggregatieniveau", 0, 1, "begrip"),
        ("classificatie", 0, N, "begrip"),
        ("trefwoord", 0, N, "text"),
        ("omschrijving", 0, N, "text"),
        ("raadpleeglocatie", 0, 1, "any"),
        ("dekkingInTijd", 0, N, "dekkingInTijd"),
        ("dekkingInRuimte", 0, N, "verwijzing"),
        ("taal", 0, N, "text"),
        ("event", 0, N, "event"),
        ("waardering", 1, 1, "begrip"),
        ("bewaartermijn", 0, 1, "termijn"),
        ("informatiecategorie", 0, 1, "begrip"),
        ("isOnderdeelVan", 0, N, "verwijzing"),
        ("bevatOnderdeel", 0, N, "verwijzing"),
        ("heeftRepresentatie", 0, N, "verwijzing"),
        ("aanvullendeMetagegevens", 0, N, "verwijzing"),
        ("gerelateerdInformatieobject", 0, N, "any"),
        ("archiefvormer", 1, N, "verwijzing"),
        ("betrokkene", 0, N, "any"),
        ("activiteit", 0, 1, "verwijzing"),
        ("beperkingGebruik", 1, N, "beperkingGebruik"),
    ],
    "bestand": [
        ("identificatie", 1, N, "identificatie"),
        ("naam", 1, 1, "text"),
        ("omvang", 1, 1, "int"),
        ("bestandsformaat", 1, 1, "begrip"),
        ("checksum", 1, N, "checksum"),
        ("URLBestand", 0, 1, "text"),
        ("isRepresentatieVan", 1, 1, "verwijzing"),
    ],
    "identificatie": [
        ("identificatieKenmerk", 1, 1, "text"),
        ("identificatieBron", 1, 1, "text"),
    ],
    "verwijzing": [
        ("verwijzingNaam", 1, 1, "text"),
        ("verwijzingIdentificatie", 0, 1, "identificatie"),
    ],
    "begrip": [
        ("begripLabel", 1, 1, "text"),
        ("begripCode", 0, 1, "any"),
        ("begripBegrippenlijst", 1, 1, "verwijzing"),
    ],
    "dekkingInTijd": [
        ("dekkingInTijdType", 1, 1, "begrip"),
        ("dekkingInTijdBegindatum", 1, 1, "date"),
        ("dekkingInTijdEinddatum", 0, 1, "date"),
    ],
    "event": [
        ("eventType", 1, 1, "begrip"),
        ("eventTijd", 0, 1, "datetime"),
        ("eventVerantwoordelijkeActor", 0, 1, "verwijzing"),
        ("eventResultaat", 0, 1, "any"),
    ],
    "termijn": [
        ("termijnTriggerStartLooptijd", 0, 1, "begrip"),
        ("termijnStartdatumLooptijd", 0, 1, "date"),
        ("termijnLooptijd", 0, 1, "text"),
        ("termijnEinddatum", 0, 1, "date"),
    ],
    "checksum": [
        ("checksumAlgoritme", 1, 1, "begrip"),
        ("checksumWaarde", 1, 1, "text"),
        ("checksumDatum", 1, 1, "datetime"),
    ],
    "beperkingGebruik": [
        ("beperkingGebruikType", 1, 1, "begrip"),
        ("beperkingGebruikNadereBeschrijving", 0, 1, "any"),
        ("beperkingGebruikDocumentatie", 0, N, "verwijzing"),
        ("beperkingGebruikTermijn", 0, 1, "termijn"),
    ],
}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$")


def validate(data: bytes) -> list[str]:
    """The ways an MDTO document breaks the schema's structure; empty when it follows it."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != f"{{{NS}}}MDTO":
        return [f"root element is {root.tag}, not MDTO"]
    children = list(root)
    if len(children) != 1 or _local(children[0]) not in ("informatieobject", "bestand"):
        return ["MDTO must hold exactly one informatieobject or bestand"]
    return _check(children[0], _local(children[0]), _local(children[0]))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _check(element: etree._Element, group: str, where: str) -> list[str]:
    problems: list[str] = []
    children = [c for c in element if isinstance(c.tag, str)]
    position = 0
    for name, low, high, content in SEQUENCES[group]:
        count = 0
        while position < len(children) and children[position].tag == f"{{{NS}}}{name}":
            problems += _check_content(children[position], content, f"{where}/{name}")
            position += 1
            count += 1
        if count < low:
            problems.append(f"{where}: {name} is required")
        if count > high:
            problems.append(f"{where}: {name} may occur at most {high} time(s)")
    if position < len(children):
        problems.append(f"{where}: unexpected {_local(children[position])} (or out of order)")
    return problems


def _check_content(element: etree._Element, content: str, where: str) -> list[str]:
    if content in SEQUENCES:
        return _check(element, content, where)
    text = (element.text or "").strip()
    if content == "text" and not text:
        return [f"{where}: must not be empty"]
    if content == "int" and not text.isdigit():
        return [f"{where}: must be a non-negative integer"]
    if content == "date" and not _DATE.match(text):
        return [f"{where}: must be a date"]
    if content == "datetime" and not _DATETIME.match(text):
        return [f"{where}: must be a date and time"]
    return []


def read(data: bytes) -> etree._Element:
    """The informatieobject or bestand element of an MDTO document."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    return root[0]


def text(element: etree._Element, path: str) -> str:
    """The text at ``path`` (slash-separated local names) below ``element``; "" when absent."""
    found = element.find("/".join(f"{{{NS}}}{part}" for part in path.split("/")))
    return (found.text or "").strip() if found is not None else ""


def texts(element: etree._Element, path: str) -> list[str]:
    found = element.findall("/".join(f"{{{NS}}}{part}" for part in path.split("/")))
    return [(f.text or "").strip() for f in found]

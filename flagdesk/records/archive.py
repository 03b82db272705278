# SPDX-License-Identifier: EUPL-1.2
"""The Archiefwet export of a closed election: a BagIt directory with MDTO metadata.

Layout (one directory per Informatieobject, its files next to their metadata)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/TK2023/TK2023.mdto.xml                                the election (Serie)
    data/TK2023/eindrapport-v1/eindrapport-v1.mdto.xml          a signed-off final report
    data/TK2023/eindrapport-v1/eindrapport-v1.pdf               ... and each of its formats,
    data/TK2023/eindrapport-v1/eindrapport-v1.pdf.bestand.mdto.xml    with a Bestand each
    data/TK2023/FD-2023-0001/FD-2023-0001.mdto.xml              a case (Zaak)
    data/TK2023/FD-2023-0001/FD-2023-0001.json                  the case, its URLs and events
    data/TK2023/FD-2023-0001/melding-12.{mdto.xml,json}         a signal (no contact details)
    data/TK2023/FD-2023-0001/melding-12-bijlage-3.png           its attachments
    data/TK2023/FD-2023-0001/beoordeling.{mdto.xml,json}        the checklist with reasons
    data/TK2023/FD-2023-0001/besluit-4.{mdto.xml,json}          each decision and its review
    data/TK2023/FD-2023-0001/kennisgeving-7.eml                 each notice as sent (frozen)
    data/TK2023/FD-2023-0001/kennisgeving-7.json                its delivery and attempts
    data/TK2023/FD-2023-0001/kennisgeving-7-bevestiging.png     a portal's confirmation
    data/TK2023/FD-2023-0001/mail-31.eml                        each archived reply, raw

Every JSON file carries the audit events of its object exactly as hashed, so each event's
hash can be recomputed without FlagDesk; the MDTO ``event`` elements list them too.

The package keeps personal data (it is for the Nationaal Archief, not for publication):
every Informatieobject carries ``beperkingGebruik`` Woo 5.1.2e. The signallers' contact
details (name, e-mail, phone) are left out: the partner organisation is the signaller of
record, and the people behind it are not needed to account for the decisions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation

from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.core.private import open_private
from flagdesk.core.uploads import sniff
from flagdesk.elections.models import Election
from flagdesk.records import archive_mdto as mdto
from flagdesk.records.archive_mdto import Begrip, Bestand, Event, Informatieobject, Verwijzing

Progress = Callable[[str, int, int], None]

BRON = "FlagDesk"
WAARDERING = Begrip("Blijvend te bewaren", "Begrippenlijst Waarderingen MDTO", "B")
BEPERKING = Begrip(
    "Woo 5.1.2e Eerbiediging van de persoonlijke levenssfeer",
    "Wet open overheid, artikel 5.1",
    "5.1.2e",
)
BEPERKING_TEKST = (
    "Bevat persoonsgegevens (medewerkers van de archiefvormer, van partnerorganisaties en van "
    "platforms) zonder lakking. Niet openbaar zonder beoordeling per document."
)
LEVEL = "Begrippenlijst Aggregatieniveaus MDTO"
FLAGDESK_LIST = "Begrippenlijst FlagDesk"
AUDIT_LIST = "FlagDesk audit-acties"

# PRONOM identifiers by what FlagDesk wrote (not identified with DROID or siegfried).
PRONOM = "PRONOM-register"
FORMATS: dict[str, Begrip] = {
    "json": Begrip("JSON Data Interchange Format", PRONOM, "fmt/817"),
    "eml": Begrip("MIME Email", PRONOM, "fmt/950"),
    "pdf": Begrip("Acrobat PDF/A - Portable Document Format 3u", PRONOM, "fmt/481"),
    "docx": Begrip("Microsoft Word for Windows 2007 onwards", PRONOM, "fmt/412"),
    "html": Begrip("Hypertext Markup Language 5", PRONOM, "fmt/471"),
    "md": Begrip("Markdown", PRONOM, "fmt/1149"),
    "png": Begrip("Portable Network Graphics 1.2", PRONOM, "fmt/13"),
    "jpg": Begrip("JPEG File Interchange Format 1.01", PRONOM, "fmt/43"),
    "gif": Begrip("Graphics Interchange Format 89a", PRONOM, "fmt/4"),
    "webp": Begrip("WebP", PRONOM, "fmt/567"),
    "attachment-pdf": Begrip("Acrobat PDF - Portable Document Format", PRONOM, "fmt/276"),
    "txt": Begrip("Plain Text File", PRONOM, "x-fmt/111"),
}
ATTACHMENT_SUFFIX = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/plain": "txt",
}
# Fields never exported: the signaller's contact details.
CONTACT_FIELDS = {"contact_name", "contact_email", "contact_phone"}
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")


class ArchiveError(Exception):
    """Shown to the user."""


@dataclass
class ExportResult:
    path: Path
    objects: int
    files: int
    bytes: int
    manifest_sha256: str
    skipped: list[str] = field(default_factory=list)


def is_closed(election: Election, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) > election.attention_end


def export(
    election: Election,
    out: Path,
    *,
    actor: Any,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the archival package of ``election`` to the directory ``out`` (which must not
    exist or be empty) and log ``archive_exported`` with the manifest's hash.

    Refuses an election whose attention window has not ended unless ``force``; a forced
    export says so in its audit event.
    """
    closed = is_closed(election)
    if not closed and not force:
        raise ArchiveError(
            f"{election.code}: the attention window runs until {election.attention_end}; "
            "export a closed election, or use --force"
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ArchiveError(f"{out} exists and is not empty")
    partial = out.with_name(f".{out.name}.partial")
    if partial.exists():
        shutil.rmtree(partial)
    package = _Package(partial / "data", timezone.now())
    with translation.override("nl"):  # the archive's names and labels are Dutch
        _Exporter(election, package, progress or (lambda *_: None)).run()
    manifest_sha = package.finish(partial, election)
    if out.exists():
        out.rmdir()
    os.replace(partial, out)
    audit.log(
        "archive_exported",
        election,
        actor=actor,
        after={
            "path": str(out.resolve()),
            "manifest_sha256": manifest_sha,
            "objects": package.objects,
            "files": len(package.payload),
            "forced": force and not closed,
            "attention_end": election.attention_end.isoformat(),
        },
    )
    size = sum(size for _sha, size in package.payload.values())
    return ExportResult(
        out, package.objects, len(package.payload), size, manifest_sha, package.skipped
    )


# ------------------------------------------------------------------------ package


def _write_private(path: Path, content: bytes) -> None:
    """The package holds signals and notices unredacted: files 0600 in directories 0700 from
    the first byte on, whatever the umask (like a backup, flagdesk/core/backup.py)."""
    _make_private_dirs(path.parent)
    with open_private(path) as handle:
        handle.write(content)


def _make_private_dirs(directory: Path) -> None:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)


class _Package:
    """Writes files under ``data/`` and remembers the hash and size of each."""

    def __init__(self, data: Path, now: dt.datetime) -> None:
        self.data = data
        self.now = now
        self.payload: dict[str, tuple[str, int]] = {}
        self.objects = 0
        self.skipped: list[str] = []

    def write(self, relative: str, content: bytes) -> None:
        path = self.data / relative
        _write_private(path, content)
        self.payload[f"data/{relative}"] = (hashlib.sha256(content).hexdigest(), len(content))

    def add_object(self, folder: str, slug: str, io: Informatieobject) -> None:
        self.write(f"{folder}/{slug}.mdto.xml", mdto.informatieobject_xml(io))
        self.objects += 1

    def add_file(
        self, folder: str, name: str, content: bytes, formaat: Begrip, owner: Informatieobject
    ) -> None:
        """A file as a representation of ``owner`` (call before ``add_object(owner)``)."""
        self.write(f"{folder}/{name}", content)
        bestand = Bestand(
            kenmerk=f"{owner.kenmerk}/{name}",
            bron=BRON,
            naam=name,
            omvang=len(content),
            formaat=formaat,
            sha256=hashlib.sha256(content).hexdigest(),
            checksum_datum=self.now,
            is_representatie_van=owner.ref(),
        )
        self.write(f"{folder}/{name}.bestand.mdto.xml", mdto.bestand_xml(bestand))
        owner.heeft_representatie.append(bestand.ref())

    def finish(self, root: Path, election: Election) -> str:
        """Write the BagIt tag files; returns the SHA-256 of the payload manifest."""
        manifest = "".join(
            f"{sha}  {name}\n" for name, (sha, _size) in sorted(self.payload.items())
        )
        octets = sum(size for _sha, size in self.payload.values())
        tags = {
            "bagit.txt": "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            "bag-info.txt": (
                f"Source-Organization: {settings.ORGANISATION_NAME}\n"
                f"Bagging-Date: {self.now.date().isoformat()}\n"
                f"External-Identifier: {election.code}\n"
                f"External-Description: Archiefwet export of {election.name} (FlagDesk), "
                "MDTO-XML 1.0.1 metadata\n"
                f"Payload-Oxum: {octets}.{len(self.payload)}\n"
            ),
            "manifest-sha256.txt": manifest,
        }
        for name, text in tags.items():
            _write_private(root / name, text.encode())
        _write_private(
            root / "tagmanifest-sha256.txt",
            "".join(
                f"{_sha256((root / name).read_bytes())}  {name}\n" for name in TAG_FILES
            ).encode(),
        )
        return _sha256(manifest.encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------ content


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)).encode()


def _row(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete fields of a row, people by their user name, binary data left out."""
    skip = set(exclude)
    row: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in skip or isinstance(model_field, models.BinaryField):
            continue
        if model_field.is_relation:
            related = getattr(obj, model_field.name)
            if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
                row[model_field.name] = related.get_username()
            else:
                row[model_field.name] = getattr(obj, model_field.attname)
            continue
        value = model_field.value_from_object(obj)
        if isinstance(model_field, models.FileField):
            value = value.name if value else ""
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        row[model_field.name] = value
    return row


def _event_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    # The payload exactly as hashed, so the hash can be recomputed (see docs/operations.md).
    return [{"payload": event.payload(), "hash": event.hash} for event in events]


def _mdto_events(events: list[AuditEvent]) -> list[Event]:
    return [
        Event(
            Begrip(event.action, AUDIT_LIST),
            event.at.isoformat(timespec="seconds"),
            event.actor_label,
            f"audit #{event.seq} sha256 {event.hash}",
        )
        for event in events
    ]


class _Exporter:
    def __init__(self, election: Election, package: _Package, progress: Progress) -> None:
        self.election = election
        self.package = package
        self.progress = progress
        self.archiefvormer = Verwijzing(settings.ORGANISATION_NAME)
        self.serie = self._object(
            election.code,
            election.name,
            "Serie",
            omschrijving=(
                f"Inzet van de trusted-flaggerstatus bij de verkiezing {election.name} "
                f"(verkiezingsdag {election.election_day.isoformat()}): signalen, "
                "beoordelingen, besluiten, kennisgevingen aan platforms, correspondentie en de "
                "rapportage."
            ),
            dekking=(
                "Aandachtsperiode verkiezing",
                election.attention_start,
                election.attention_end,
            ),
            events=self._events([("elections.election", election.pk)]),
        )
        self.serie.bewaartermijn = (
            Begrip("Einde aandachtsperiode verkiezing", FLAGDESK_LIST),
            election.attention_end,
        )

    def _object(
        self,
        kenmerk: str,
        naam: str,
        level: str,
        *,
        omschrijving: str = "",
        dekking: tuple[str, dt.date, dt.date] | None = None,
        events: list[AuditEvent] | None = None,
        parent: Informatieobject | None = None,
        taal: str = "",
    ) -> Informatieobject:
        return Informatieobject(
            kenmerk=kenmerk,
            bron=BRON,
            naam=naam,
            aggregatieniveau=Begrip(level, LEVEL),
            waardering=WAARDERING,
            archiefvormer=self.archiefvormer,
            beperking=BEPERKING,
            beperking_beschrijving=BEPERKING_TEKST,
            omschrijving=omschrijving,
            dekking=(Begrip(dekking[0], FLAGDESK_LIST), dekking[1], dekking[2])
            if dekking
            else None,
            taal=taal,
            events=_mdto_events(events or []),
            is_onderdeel_van=parent.ref() if parent else None,
        )

    def _events(self, refs: list[tuple[str, Any]]) -> list[AuditEvent]:
        return audit.timeline(refs) if refs else []

    def _piece(
        self,
        folder: str,
        slug: str,
        naam: str,
        parent: Informatieobject,
        record: dict[str, Any],
        events: list[AuditEvent],
        *,
        files: Iterable[tuple[str, bytes, Begrip]] = (),
        taal: str = "",
        dekking: tuple[str, dt.date, dt.date] | None = None,
    ) -> None:
        """An Archiefstuk: its JSON record (with its audit events) and other files."""
        io = self._object(
            f"{parent.kenmerk}/{slug}",
            naam,
            "Archiefstuk",
            events=events,
            parent=parent,
            taal=taal,
            dekking=dekking,
        )
        for name, content, formaat in files:
            self.package.add_file(folder, name, content, formaat, io)
        record = {**record, "audit_events": _event_rows(events)}
        self.package.add_file(folder, f"{slug}.json", _json(record), FORMATS["json"], io)
        self.package.add_object(folder, slug, io)
        parent.bevat_onderdeel.append(io.ref())

    def run(self) -> None:
        from flagdesk.intake.models import Case

        folder = self.election.code
        self._reports(folder)
        cases = list(
            Case.objects.filter(election=self.election)
            .order_by("reference")
            .select_related("platform")
        )
        for number, case in enumerate(cases):
            self.progress("cases", number, len(cases))
            self._case(folder, case)
        self.progress("cases", len(cases), len(cases))
        self.package.add_object(folder, self.election.code, self.serie)

    def _reports(self, folder: str) -> None:
        from flagdesk.reports import service as reports

        for final in sorted(reports.finals(self.election), key=lambda f: f.version):
            slug = f"eindrapport-v{final.version}"
            files = [
                (f"{slug}.{fmt}", reports.final_file(final, fmt), FORMATS[fmt])
                for fmt in sorted(final.files)
            ]
            record = _row(final) | {"election": self.election.code}
            events = self._events([("reports.finalreport", final.pk)])
            self._piece(
                f"{folder}/{slug}",
                slug,
                f"Rapportage {self.election.name}, versie {final.version}",
                self.serie,
                record,
                events,
                files=files,
            )

    def _case(self, folder: str, case: Any) -> None:
        from flagdesk.assessments.models import Assessment

        case_folder = f"{folder}/{case.reference}"
        events = self._events([("intake.case", case.pk)])
        first_day = timezone.localdate(case.created_at)
        last_day = timezone.localdate(events[-1].at) if events else first_day
        zaak = self._object(
            case.reference,
            f"Zaak {case.reference} ({case.platform.name}, {case.get_category_display()})",
            "Zaak",
            dekking=("Looptijd zaak", first_day, max(first_day, last_day)),
            events=events,
            parent=self.serie,
        )
        record = _row(case) | {
            "platform": case.platform.name,
            "urls": [_row(url, exclude=("case", "election")) for url in case.urls.all()],
            "narratives": [
                {"narrative": link.narrative.title, "status": link.status}
                for link in case.narrative_links.select_related("narrative")
            ],
            "audit_events": _event_rows(events),
        }
        self.package.add_file(
            case_folder, f"{case.reference}.json", _json(record), FORMATS["json"], zaak
        )
        for signal in case.signals.order_by("received_at", "pk"):
            self._signal(case_folder, zaak, signal)
        assessment = Assessment.objects.filter(case=case).first()
        if assessment is not None:
            self._piece(
                case_folder,
                "beoordeling",
                f"Beoordeling {case.reference}",
                zaak,
                _row(assessment, exclude=("case",)),
                # The checklist's changes are logged against the case.
                self._events([("assessments.assessment", assessment.pk)])
                + [e for e in events if e.action.startswith("assessment_")],
            )
        for decision in case.decisions.order_by("decided_at", "pk"):
            self._piece(
                case_folder,
                f"besluit-{decision.pk}",
                f"Besluit {case.reference}: {decision.get_outcome_display()} "
                f"({decision.get_status_display()})",
                zaak,
                _row(decision, exclude=("case",)),
                self._events([("assessments.decision", decision.pk)]),
            )
        for notice in case.notices.order_by("created_at", "pk"):
            self._notice(case_folder, zaak, notice)
        self._mail(case_folder, zaak, case)
        self.package.add_object(case_folder, case.reference, zaak)
        self.serie.bevat_onderdeel.append(zaak.ref())

    def _signal(self, folder: str, zaak: Informatieobject, signal: Any) -> None:
        from django.core.files.storage import default_storage

        files = []
        attachments = []
        for attachment in signal.attachments.order_by("pk"):
            suffix = ATTACHMENT_SUFFIX.get(attachment.content_type, "bin")
            name = f"melding-{signal.pk}-bijlage-{attachment.pk}.{suffix}"
            with default_storage.open(attachment.file.name, "rb") as handle:
                content = handle.read()
            if _sha256(content) != attachment.sha256:
                raise ArchiveError(f"attachment {attachment.pk} does not match its stored hash")
            formaat = FORMATS["attachment-pdf" if suffix == "pdf" else suffix]
            files.append((name, content, formaat))
            attachments.append(_row(attachment, exclude=("signal", "file")) | {"file": name})
        record = _row(signal, exclude=CONTACT_FIELDS | {"case"}) | {
            "urls": [url.url for url in signal.urls.all()],
            "attachments": attachments,
        }
        self._piece(
            folder,
            f"melding-{signal.pk}",
            f"Signaal van {signal.source_organisation_name or signal.get_source_type_display()}"
            f" ({timezone.localdate(signal.received_at).isoformat()})",
            zaak,
            record,
            self._events([("intake.signal", signal.pk)]),
            files=files,
        )

    def _notice(self, folder: str, zaak: Informatieobject, notice: Any) -> None:
        from flagdesk.notices.models import Attempt, Delivery

        if notice.raw is None:
            self.package.skipped.append(f"notice {notice.pk}: never sent (draft)")
            return
        raw = bytes(notice.raw)
        if _sha256(raw) != notice.raw_sha256:
            raise ArchiveError(f"notice {notice.pk}: its frozen bytes do not match their hash")
        slug = f"kennisgeving-{notice.pk}"
        delivery = Delivery.objects.filter(notice=notice).first()
        files = [(f"{slug}.eml", raw, FORMATS["eml"])]
        confirmation = self._portal_confirmation(slug, notice)
        if confirmation is not None:
            files.append(confirmation)
        record = _row(notice, exclude=("case", "body", "portal_confirmation")) | {
            "portal_confirmation": confirmation[0] if confirmation else None,
            "platform": notice.platform.name,
            "delivery": _row(delivery, exclude=("notice",)) if delivery else None,
            "attempts": [
                _row(attempt, exclude=("delivery",))
                for attempt in Attempt.objects.filter(delivery__notice=notice).order_by("number")
            ],
        }
        refs: list[tuple[str, Any]] = [("notices.notice", notice.pk)]
        if delivery is not None:
            refs.append(("notices.delivery", delivery.pk))
        self._piece(
            folder,
            slug,
            f"Kennisgeving aan {notice.platform.name}: {notice.subject}",
            zaak,
            record,
            self._events(refs),
            files=files,
            taal=notice.language,
        )

    def _portal_confirmation(self, slug: str, notice: Any) -> tuple[str, bytes, Begrip] | None:
        """The portal's confirmation the operator uploaded, checked against its hash."""
        from django.core.files.storage import default_storage

        if not notice.portal_confirmation:
            return None  # none uploaded, or removed by retention
        with default_storage.open(notice.portal_confirmation.name, "rb") as handle:
            content = handle.read()
        recorded = notice.portal_confirmation_sha256
        if recorded and _sha256(content) != recorded:
            raise ArchiveError(
                f"notice {notice.pk}: its portal confirmation does not match its hash"
            )
        # Only these kinds pass the upload check (core/uploads.py); a saved page is text.
        suffix = ATTACHMENT_SUFFIX.get(sniff(content[:2048]) or "", "txt")
        formaat = FORMATS["attachment-pdf" if suffix == "pdf" else suffix]
        return f"{slug}-bevestiging.{suffix}", content, formaat

    def _mail(self, folder: str, zaak: Informatieobject, case: Any) -> None:
        from flagdesk.mailarchive import service as mailarchive
        from flagdesk.mailarchive.models import MailMessage

        messages = MailMessage.objects.filter(
            models.Q(case=case) | models.Q(notice__case=case)
        ).order_by("archived_at", "pk")
        for message in messages.distinct():
            if mailarchive.raw_removed(message):
                self.package.skipped.append(f"mail {message.pk}: original removed by retention")
                continue
            raw = mailarchive.read_raw(message)
            if _sha256(raw) != message.sha256:
                raise ArchiveError(f"mail {message.pk}: the stored file does not match its hash")
            slug = f"mail-{message.pk}"
            record = _row(message, exclude=("case", "text", "html", "raw_path"))
            self._piece(
                folder,
                slug,
                f"{message.get_kind_display()}: {message.subject or '(geen onderwerp)'}"[:300],
                zaak,
                record,
                self._events([("mailarchive.mailmessage", message.pk)]),
                files=[(f"{slug}.eml", raw, FORMATS["eml"])],
            )


# -------------------------------------------------------------------------- verify


def verify(root: Path) -> list[str]:
    """Check a package without the database: BagIt manifests, every Bestand's checksum and
    size, the MDTO structure, every file referenced, every audit event's hash."""
    problems: list[str] = []
    manifest = _read_manifest(root / "manifest-sha256.txt", problems)
    tags = _read_manifest(root / "tagmanifest-sha256.txt", problems)
    for name, sha in tags.items():
        _check_hash(root, name, sha, problems)
    on_disk = {
        path.relative_to(root).as_posix() for path in (root / "data").rglob("*") if path.is_file()
    }
    for name in sorted(set(manifest) - on_disk):
        problems.append(f"{name}: in the manifest but missing")
    for name in sorted(on_disk - set(manifest)):
        problems.append(f"{name}: not in the manifest")
    for name, sha in sorted(manifest.items()):
        if name in on_disk:
            _check_hash(root, name, sha, problems)
    represented: set[str] = set()
    for name in sorted(on_disk):
        if name.endswith(".mdto.xml"):
            _check_metadata(root, name, represented, problems)
        elif name.endswith(".json"):
            _check_events(root / name, name, problems)
    for name in sorted(on_disk):
        if not name.endswith(".mdto.xml") and name not in represented:
            problems.append(f"{name}: no Bestand describes it")
    return problems


def _read_manifest(path: Path, problems: list[str]) -> dict[str, str]:
    if not path.is_file():
        problems.append(f"{path.name}: missing")
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        sha, _, name = line.partition("  ")
        entries[name] = sha
    return entries


def _check_hash(root: Path, name: str, sha: str, problems: list[str]) -> None:
    path = root / name
    if not path.is_file():
        problems.append(f"{name}: missing")
    elif _sha256(path.read_bytes()) != sha:
        problems.append(f"{name}: checksum does not match the manifest")


def _check_metadata(root: Path, name: str, represented: set[str], problems: list[str]) -> None:
    data = (root / name).read_bytes()
    problems.extend(f"{name}: {problem}" for problem in mdto.validate(data))
    element = mdto.read(data)
    if not name.endswith(".bestand.mdto.xml"):
        for representation in mdto.texts(element, "heeftRepresentatie/verwijzingNaam"):
            if not (root / name).with_name(f"{representation}.bestand.mdto.xml").is_file():
                problems.append(f"{name}: representation {representation} has no Bestand")
        return
    file_name = mdto.text(element, "naam")
    target = (root / name).with_name(file_name)
    relative = target.relative_to(root).as_posix()
    if f"{relative}.bestand.mdto.xml" != name or not target.is_file():
        problems.append(f"{name}: describes {file_name}, which is not next to it")
        return
    represented.add(relative)
    content = target.read_bytes()
    if mdto.text(element, "checksum/checksumWaarde") != _sha256(content):
        problems.append(f"{relative}: checksum does not match its Bestand")
    if mdto.text(element, "omvang") != str(len(content)):
        problems.append(f"{relative}: size does not match its Bestand")


def _check_events(path: Path, name: str, problems: list[str]) -> None:
    try:
        record = json.loads(path.read_bytes())
    except ValueError:
        problems.append(f"{name}: not valid JSON")
        return
    for event in record.get("audit_events", []) if isinstance(record, dict) else []:
        canonical = json.dumps(
            event["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        if _sha256(canonical.encode()) != event["hash"]:
            problems.append(f"{name}: audit event {event['payload'].get('seq')} changed")

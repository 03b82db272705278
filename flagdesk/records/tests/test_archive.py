# SPDX-License-Identifier: EUPL-1.2
"""The Archiefwet export: a closed election's package verifies offline (sha256sum, our own
verify, the MDTO structure) and holds the records as they were; damage is named."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.intake.models import Attachment
from flagdesk.mailarchive import service as mailarchive
from flagdesk.mailarchive.models import MailMessage
from flagdesk.notices.models import Notice
from flagdesk.records import archive, archive_mdto
from flagdesk.reports import service as reports
from tests_support.dataset import CONTACT, PNG, closed_election_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def tk2023() -> Election:
    return closed_election_with_everything()


def _export(election: str, out: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("archive", "export", election, "--out", str(out), *args, stdout=stdout)
    return stdout.getvalue()


def _verify(path: Path) -> tuple[int, str]:
    stderr = io.StringIO()
    try:
        call_command("archive", "verify", str(path), stdout=io.StringIO(), stderr=stderr)
    except SystemExit as exc:
        return int(exc.code or 0), stderr.getvalue()
    return 0, stderr.getvalue()


@pytest.fixture
def package(tk2023: Election, tmp_path: Path) -> Path:
    out = tmp_path / "archief-TK2023"
    _export("TK2023", out)
    return out


def test_it_writes_a_package_that_verifies_offline(package: Path) -> None:
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        checked = subprocess.run(
            ["sha256sum", "--strict", "-c", manifest],
            cwd=package,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _verify(package) == (0, "")
    metadata = sorted(package.rglob("*.mdto.xml"))
    assert metadata
    for path in metadata:
        assert archive_mdto.validate(path.read_bytes()) == [], path


def test_the_package_is_readable_by_its_owner_only(tk2023: Election, tmp_path: Path) -> None:
    """It holds signals and notices unredacted: 0600 files in 0700 directories, whatever
    the umask."""
    before = os.umask(0o022)
    try:
        out = tmp_path / "archief-TK2023"
        _export("TK2023", out)
    finally:
        os.umask(before)
    paths = [out, *out.rglob("*")]
    assert len(paths) > 10
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_it_keeps_the_records_as_they_were(tk2023: Election, package: Path) -> None:
    case = package / "data" / "TK2023" / "FD-2023-0001"
    notice = Notice.objects.get(case__reference="FD-2023-0001")
    assert (case / f"kennisgeving-{notice.pk}.eml").read_bytes() == bytes(notice.raw)
    reply = MailMessage.objects.get(notice=notice, kind="acknowledgment")
    assert (case / f"mail-{reply.pk}.eml").read_bytes() == mailarchive.read_raw(reply)
    final = reports.latest_final(tk2023)
    assert final is not None
    report = package / "data" / "TK2023" / "eindrapport-v1"
    for fmt in reports.FORMATS:
        assert (report / f"eindrapport-v1.{fmt}").read_bytes() == reports.final_file(final, fmt)
    decision = json.loads(next(case.glob("besluit-*.json")).read_text())
    assert decision["outcome"] == "deploy" and decision["reviewed_by"] == "demo-approver"
    assert [e["payload"]["action"] for e in decision["audit_events"]] == [
        "decision_proposed",
        "decision_approved",
    ]
    assessment = json.loads((case / "beoordeling.json").read_text())
    assert assessment["misleading_reasoning"].startswith("Wie twee vakjes")
    attachment = Attachment.objects.get()
    other = package / "data" / "TK2023" / attachment.signal.case.reference
    stored = other / f"melding-{attachment.signal_id}-bijlage-{attachment.pk}.png"
    assert stored.read_bytes() == PNG


def _with_portal_confirmation(content: bytes, recorded: bytes | None = None) -> Notice:
    notice = Notice.objects.get(case__reference="FD-2023-0001")
    notice.portal_confirmation.save("confirmation.png", ContentFile(content), save=False)
    notice.portal_confirmation_sha256 = hashlib.sha256(recorded or content).hexdigest()
    notice.save()
    return notice


def test_it_keeps_a_portal_confirmation_next_to_its_notice(
    tk2023: Election, tmp_path: Path
) -> None:
    notice = _with_portal_confirmation(PNG)
    out = tmp_path / "archief"
    _export("TK2023", out)
    case = out / "data" / "TK2023" / "FD-2023-0001"
    name = f"kennisgeving-{notice.pk}-bevestiging.png"
    assert (case / name).read_bytes() == PNG
    assert (case / f"{name}.bestand.mdto.xml").is_file()
    record = json.loads((case / f"kennisgeving-{notice.pk}.json").read_text())
    assert record["portal_confirmation"] == name
    assert _verify(out) == (0, "")


def test_it_refuses_a_portal_confirmation_that_no_longer_matches_its_hash(
    tk2023: Election, tmp_path: Path
) -> None:
    _with_portal_confirmation(PNG, recorded=PNG + b"as uploaded")
    with pytest.raises(CommandError, match="portal confirmation does not match its hash"):
        _export("TK2023", tmp_path / "archief")


def test_it_leaves_out_contact_details_and_marks_the_privacy_restriction(package: Path) -> None:
    for path in (package / "data").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for detail in CONTACT:
                assert detail.encode() not in data, f"{detail} in {path.name}"
    serie = archive_mdto.read((package / "data" / "TK2023" / "TK2023.mdto.xml").read_bytes())
    assert archive_mdto.text(serie, "beperkingGebruik/beperkingGebruikType/begripCode") == (
        "5.1.2e"
    )
    assert archive_mdto.text(serie, "aggregatieniveau/begripLabel") == "Serie"
    assert archive_mdto.text(serie, "waardering/begripCode") == "B"
    parts = archive_mdto.texts(serie, "bevatOnderdeel/verwijzingIdentificatie/identificatieKenmerk")
    assert "FD-2023-0001" in parts and "TK2023/eindrapport-v1" in parts


def test_it_logs_the_export_with_the_manifest_hash(package: Path) -> None:
    event = AuditEvent.objects.get(action="archive_exported")
    manifest = (package / "manifest-sha256.txt").read_bytes()
    assert event.after["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert event.after["forced"] is False
    assert event.object_type == "elections.election"


def test_it_refuses_an_open_election_unless_forced(db: Any, tmp_path: Path) -> None:
    today = timezone.localdate()
    Election.objects.create(
        code="GR2099",
        type="GR",
        name="Gemeenteraad 2099",
        election_day=today + dt.timedelta(days=2),
        attention_start=today - dt.timedelta(days=5),
        attention_end=today + dt.timedelta(days=9),
    )
    with pytest.raises(CommandError, match="attention window"):
        _export("GR2099", tmp_path / "open")
    assert not (tmp_path / "open").exists()
    _export("GR2099", tmp_path / "open", "--force")
    assert AuditEvent.objects.get(action="archive_exported").after["forced"] is True
    assert _verify(tmp_path / "open")[0] == 0


def test_it_refuses_a_directory_that_is_not_empty(tk2023: Election, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        _export("TK2023", tmp_path / "full")


def _writable(path: Path) -> Path:
    os.chmod(path, 0o644)
    return path


def test_verify_names_a_changed_file(package: Path) -> None:
    eml = next((package / "data").rglob("kennisgeving-*.eml"))
    data = bytearray(eml.read_bytes())
    data[10] ^= 1
    _writable(eml).write_bytes(bytes(data))
    code, errors = _verify(package)
    assert code == 1
    assert f"{eml.name}: checksum does not match the manifest" in errors
    assert f"{eml.name}: checksum does not match its Bestand" in errors


def test_verify_names_a_missing_and_an_unreferenced_file(package: Path) -> None:
    pdf = package / "data" / "TK2023" / "eindrapport-v1" / "eindrapport-v1.pdf"
    pdf.unlink()
    (package / "data" / "TK2023" / "extra.txt").write_text("not described")
    code, errors = _verify(package)
    assert code == 1
    assert "eindrapport-v1.pdf: in the manifest but missing" in errors
    assert "extra.txt: not in the manifest" in errors
    assert "extra.txt: no Bestand describes it" in errors


def test_verify_recomputes_the_audit_events(package: Path) -> None:
    # A consistent forgery: the JSON changed and every checksum recomputed to match.
    record = package / "data" / "TK2023" / "FD-2023-0001" / "beoordeling.json"
    content = json.loads(record.read_text())
    content["audit_events"][0]["payload"]["actor_label"] = "someone-else"
    new = json.dumps(content).encode()
    _writable(record).write_bytes(new)
    _rehash(package, record, new)
    code, errors = _verify(package)
    assert code == 1
    assert errors.count("changed") == 1 and "beoordeling.json: audit event" in errors


def _rehash(package: Path, path: Path, data: bytes) -> None:
    name = path.relative_to(package).as_posix()
    digest = hashlib.sha256(data).hexdigest()
    bestand = path.with_name(f"{path.name}.bestand.mdto.xml")
    xml = bestand.read_text()
    element = archive_mdto.read(xml.encode())
    xml = xml.replace(archive_mdto.text(element, "checksum/checksumWaarde"), digest)
    xml = xml.replace(f"<omvang>{archive_mdto.text(element, 'omvang')}<", f"<omvang>{len(data)}<")
    _writable(bestand).write_text(xml)
    lines = []
    for line in (package / "manifest-sha256.txt").read_text().splitlines():
        sha, _, member = line.partition("  ")
        if member == name:
            sha = digest
        elif member == bestand.relative_to(package).as_posix():
            sha = hashlib.sha256(xml.encode()).hexdigest()
        lines.append(f"{sha}  {member}\n")
    (package / "manifest-sha256.txt").write_text("".join(lines))
    tags = [
        f"{hashlib.sha256((package / t).read_bytes()).hexdigest()}  {t}\n"
        for t in archive.TAG_FILES
    ]
    (package / "tagmanifest-sha256.txt").write_text("".join(tags))


def test_the_structure_check_finds_what_the_schema_would_refuse() -> None:
    good = archive_mdto.bestand_xml(
        archive_mdto.Bestand(
            kenmerk="k",
            bron="FlagDesk",
            naam="a.json",
            omvang=3,
            formaat=archive.FORMATS["json"],
            sha256="0" * 64,
            checksum_datum=timezone.now(),
            is_representatie_van=archive_mdto.Verwijzing("x"),
        )
    )
    assert archive_mdto.validate(good) == []
    text = good.decode()
    swapped = text.replace(
        "<naam>a.json</naam>\n    <omvang>3</omvang>", "<omvang>3</omvang>\n    <naam>a.json</naam>"
    )
    assert any(
        "out of order" in p or "required" in p for p in archive_mdto.validate(swapped.encode())
    )
    no_checksum = text.split("<checksum>")[0] + text.split("</checksum>")[1]
    assert "bestand: checksum is required" in archive_mdto.validate(no_checksum.encode())
    empty_name = text.replace("<naam>a.json</naam>", "<naam> </naam>")
    assert "bestand/naam: must not be empty" in archive_mdto.validate(empty_name.encode())
    negative = text.replace("<omvang>3</omvang>", "<omvang>-3</omvang>")
    assert "bestand/omvang: must be a non-negative integer" in archive_mdto.validate(
        negative.encode()
    )

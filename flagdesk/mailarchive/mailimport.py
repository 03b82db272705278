# SPDX-License-Identifier: EUPL-1.2
"""Bring an earlier archive in (``flagdesk import-mail``): every message archived raw and
hashed like live mail, our own sent notices recorded as notices, the rest matched.

Two passes, in order of the Date header: first the mail we sent (From one of our own domains)
so that the notices exist, then everything else, so that answers thread to them. Matching is
the live archive's (``service.import_raw``), limited to the election imported; the trust
rules are the same too, so weakly linked mail waits for a person as it would live.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from flagdesk.elections.models import Election
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.models import Case
from flagdesk.mailarchive import service, sources, trust
from flagdesk.mailarchive.matching import case_references
from flagdesk.mailarchive.models import MailMessage, MatchMethod
from flagdesk.mailarchive.parsing import ParsedMail, parse_message
from flagdesk.notices import service as notices

logger = logging.getLogger("flagdesk.mailarchive")

ACTOR = "flagdesk import-mail"
BATCH_SIZE = 50
Progress = Callable[[str, int, int], None]


@dataclass
class Summary:
    imported: int = 0
    same_bytes: int = 0
    same_message_id: int = 0
    linked: int = 0
    notices_created: int = 0
    unmatched: int = 0
    bad: list[str] = field(default_factory=list)
    not_a_notice: Counter[str] = field(default_factory=Counter)
    """Mail we sent that was not made a notice, by reason."""

    @property
    def already_present(self) -> int:
        return self.same_bytes + self.same_message_id

    def lines(self) -> list[str]:
        found = [
            f"imported: {self.imported}",
            f"already present: {self.already_present} (same SHA-256 of the bytes: "
            f"{self.same_bytes}, same Message-ID and headers: {self.same_message_id})",
            f"linked to a case of the election: {self.linked}",
            f"notices created: {self.notices_created}",
            f"unmatched (on Mail to check): {self.unmatched}",
            f"bad (skipped): {len(self.bad)}",
        ]
        found += [
            f"sent by us, no notice made ({why}): {n}"
            for why, n in sorted(self.not_a_notice.items())
        ]
        return found


@dataclass(frozen=True)
class _Entry:
    location: sources.Location
    date: dt.datetime | None
    ours: bool


def import_archive(
    root: Path, election: Election, *, max_bytes: int, progress: Progress | None = None
) -> Summary:
    """Import every message under ``root`` for ``election``; see the module's docstring."""
    summary = Summary()
    report = progress or (lambda _stage, _done, _total: None)
    entries = _scan(root, summary, max_bytes, report)
    ours = sorted((e for e in entries if e.ours), key=_by_date)
    rest = sorted((e for e in entries if not e.ours), key=_by_date)
    mailbox = f"{service.IMPORTED_MAILBOX}{election.code}: {sources.printable(str(root))}"[:300]
    importer = _Importer(election, summary, max_bytes, mailbox)
    for stage, stage_entries in (("sent", ours), ("received", rest)):
        for start in range(0, len(stage_entries), BATCH_SIZE):
            importer.batch(stage_entries[start : start + BATCH_SIZE])
            report(stage, min(start + BATCH_SIZE, len(stage_entries)), len(stage_entries))
    return importer.summary


def _by_date(entry: _Entry) -> tuple[bool, dt.datetime]:
    # Undated mail last: it cannot be the first answer to anything.
    return entry.date is None, entry.date or dt.datetime.max.replace(tzinfo=dt.UTC)


def _scan(root: Path, summary: Summary, max_bytes: int, report: Progress) -> list[_Entry]:
    found = list(sources.find(root))
    entries: list[_Entry] = []
    for done, item in enumerate(found, start=1):
        if isinstance(item, sources.BadFile):
            summary.bad.append(str(item))
        else:
            head = _read(item, summary, max_bytes, head_only=True)
            if head is not None:
                parsed = parse_message(head, max_part_bytes=0)
                entries.append(_Entry(item, parsed.date, _sent_by_us(parsed)))
        report("scan", done, len(found))
    return entries


def _read(
    location: sources.Location, summary: Summary, max_bytes: int, *, head_only: bool = False
) -> bytes | None:
    try:
        raw = sources.read(location, max_bytes)
    except sources.TooLarge as exc:
        summary.bad.append(f"{location}: {exc}")
        return None
    except OSError as exc:
        summary.bad.append(f"{location}: cannot be read ({exc.strerror or exc})")
        return None
    return _header_block(raw) if head_only else raw


def _header_block(raw: bytes) -> bytes:
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return raw[: min(ends)] + b"\n\n" if ends else raw[:65536]


def _sent_by_us(parsed: ParsedMail) -> bool:
    address = parsed.from_address.lower()
    own = {d.lower() for d in service.own_domains()}
    return bool(address) and (
        address == settings.FROM_EMAIL.lower() or trust.domain_of(address) in own
    )


class _Importer:
    def __init__(self, election: Election, summary: Summary, max_bytes: int, mailbox: str):
        self.election = election
        self.summary = summary
        self.max_bytes = max_bytes
        self.mailbox = mailbox

    def batch(self, entries: list[_Entry]) -> None:
        """One transaction, one disk sync and one audit append for the batch, as the mailbox
        watcher does (an fsync per message makes a large archive take hours). A message that
        fails fails its batch; then the batch is imported again one message at a time."""
        before = copy.deepcopy(self.summary)
        try:
            with service.import_batch():
                for entry in entries:
                    self._import(entry)
        except Exception as exc:
            logger.warning("import-mail: a batch failed (%r); one message at a time", exc)
            self.summary = before
            for entry in entries:
                self.one(entry)

    def _import(self, entry: _Entry) -> None:
        raw = _read(entry.location, self.summary, self.max_bytes)
        if raw is None or self._already_present(raw):
            return
        if entry.ours:
            self._notice_of(raw)
        self._count(service.import_raw(raw, mailbox=self.mailbox, election_id=self.election.pk))

    def one(self, entry: _Entry) -> None:
        raw = _read(entry.location, self.summary, self.max_bytes)
        if raw is None or self._already_present(raw):
            return
        try:
            with transaction.atomic():
                if entry.ours:
                    self._notice_of(raw)
                message = service.import_raw(
                    raw, mailbox=self.mailbox, election_id=self.election.pk
                )
        except Exception as exc:  # one hostile message must not stop the rest
            logger.warning("import-mail: %s failed: %r", entry.location, exc)
            message = service.archive_unparsed(raw, mailbox=self.mailbox, why=repr(exc)[:200])
            self.summary.bad.append(f"{entry.location}: archived unparsed ({type(exc).__name__})")
        self._count(message)

    def _already_present(self, raw: bytes) -> bool:
        digest = hashlib.sha256(raw).hexdigest()
        if MailMessage.objects.filter(sha256=digest).exists():
            self.summary.same_bytes += 1
            return True
        parsed = parse_message(_header_block(raw), max_part_bytes=0)
        if _same_message_archived(parsed):
            self.summary.same_message_id += 1
            return True
        return False

    def _count(self, message: MailMessage) -> None:
        self.summary.imported += 1
        if message.match_method == MatchMethod.UNMATCHED:
            self.summary.unmatched += 1
        else:
            self.summary.linked += 1

    def _notice_of(self, raw: bytes) -> None:
        """Record the mail we sent as a notice, when it went to the platform of a case of
        this election that has an approved decision; else say why not."""
        parsed = parse_message(raw, max_part_bytes=settings.MAIL_MAX_PART_MB * 1024 * 1024)
        case, why = self._case_of(parsed)
        if case is None:
            if why:
                self.summary.not_a_notice[why] += 1
            return
        why = _not_a_notice(parsed, case) or _not_ours(raw, parsed)
        if why:
            self.summary.not_a_notice[why] += 1
            return
        try:
            notices.record_historical_notice(case, _historical(raw, parsed, case), source=ACTOR)
        except notices.NoticeError:
            self.summary.not_a_notice["no approved decision to deploy"] += 1
            return
        self.summary.notices_created += 1

    def _case_of(self, parsed: ParsedMail) -> tuple[Case | None, str]:
        for text in (parsed.subject, parsed.text[:20_000]):
            for reference in case_references(text):
                case = case_reads.case_by_reference(reference)
                if case is None:
                    continue
                if case.election_id != self.election.pk:
                    return None, "case of another election"
                return case, ""
        return None, ""


def _same_message_archived(parsed: ParsedMail) -> bool:
    """The same message in another copy (an mbox and a Maildir of one mailbox differ in a
    Status or X-UID header): same Message-ID, sender, subject and date. A different message
    that reuses a Message-ID is not the same, and is archived."""
    if not parsed.message_id:
        return False
    return MailMessage.objects.filter(
        message_id=parsed.message_id[:998],
        from_address=parsed.from_address[:320],
        subject=parsed.subject,
        date=parsed.date,
    ).exists()


def _not_a_notice(parsed: ParsedMail, case: Case) -> str:
    if not _to_platform(parsed, case):
        return "not to the case's platform"
    if parsed.date is None or parsed.date > timezone.now():
        return "no plausible Date"
    if not parsed.message_id or len(parsed.message_id) > 250:
        return "no usable Message-ID"
    if notices.by_message_ids([parsed.message_id]):
        return "already a notice"
    return ""


def _not_ours(raw: bytes, parsed: ParsedMail) -> str:
    if service.written_by_us(raw, parsed.from_address):
        return ""
    return "our address in From, but received from outside unauthenticated"


def _to_platform(parsed: ParsedMail, case: Case) -> bool:
    return any(_to_platform_address(a, case) for a in _recipients(parsed))


def _recipients(parsed: ParsedMail) -> Iterable[str]:
    return [*parsed.to, *parsed.cc]


def _historical(raw: bytes, parsed: ParsedMail, case: Case) -> notices.HistoricalMail:
    assert parsed.date is not None
    recipients = [a for a in _recipients(parsed) if _to_platform_address(a, case)]
    return notices.HistoricalMail(
        raw=raw,
        message_id=parsed.message_id,
        sender_name=parsed.from_name or parsed.from_address,
        sender_email=parsed.from_address,
        recipient=", ".join(recipients),
        subject=parsed.subject,
        body=parsed.text,
        sent_at=parsed.date,
    )


def _to_platform_address(address: str, case: Case) -> bool:
    platform = case.platform
    return address.lower() == platform.channel_address.strip().lower() or (
        trust.domain_of(address) in set(platform.mail_domain_list())
    )

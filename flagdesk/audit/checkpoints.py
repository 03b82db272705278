# SPDX-License-Identifier: EUPL-1.2
"""Checkpoints: the audit chain anchored outside the database.

The hash chain shows any change inside the log, but not the removal of its newest events by
someone who also rewrites the one-row chain head. A checkpoint is the newest event's ``seq``
and hash, with the time, signed with HMAC-SHA256 under a key from a file the database never
holds (``FLAGDESK_AUDIT_KEY_FILE``). The worker writes one every
``FLAGDESK_AUDIT_CHECKPOINT_SECONDS`` (when the chain moved), ``flagdesk audit checkpoint``
writes one at once, and each goes to every target in ``FLAGDESK_AUDIT_CHECKPOINT_TARGETS``:
an append-only file of JSON lines, syslog, or a target a plugin adds (:func:`register_target`).

``flagdesk audit verify`` reads the checkpoints back from the file targets (and from files
given with ``--checkpoints``) and judges each with :func:`judge`: a checkpoint beyond the last
event, or whose event has another hash, proves that events were removed or replaced; one
whose MAC is wrong was forged. Checkpoints of events pruned under retention are covered by
the ``audit_pruned`` anchor. What no checkpoint can prove: that events newer than the newest
checkpoint (at most one interval) were not removed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import secrets
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from flagdesk.audit.models import AuditEvent, CheckpointSchedule

logger = logging.getLogger("flagdesk.audit")

FORMAT = 1
#: Put before the JSON in a syslog message, so the checkpoints can be found among other lines.
MARKER = "flagdesk-audit-checkpoint"
MIN_KEY_CHARS = 32
ENTRY_POINT_GROUP = "flagdesk.audit_checkpoint_targets"


class CheckpointError(Exception):
    """Shown to the operator: no key, an unreadable key, a target that failed."""


class DamagedCheckpoint(ValueError):
    """A line that should be a checkpoint but can't be read as one."""


# ----------------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes = field(repr=False)


def key_id(secret: bytes) -> str:
    """A short name for a key, safe to publish: it reveals nothing of the key itself."""
    return hmac.new(secret, b"flagdesk audit checkpoint key id", hashlib.sha256).hexdigest()[:16]


def parse_keys(text: str) -> list[Key]:
    """One key per line (``#`` comments allowed); the first signs, the others still verify,
    so a key can be replaced by putting the new one on top."""
    keys = []
    for line in text.splitlines():
        secret = line.strip()
        if not secret or secret.startswith("#"):
            continue
        if len(secret) < MIN_KEY_CHARS:
            raise CheckpointError(f"a key in the key file is shorter than {MIN_KEY_CHARS} chars")
        keys.append(Key(key_id(secret.encode()), secret.encode()))
    if not keys:
        raise CheckpointError("the key file holds no key")
    return keys


DEFAULT_KEY_NAME = "audit-checkpoint.key"


def key_path() -> Path:
    """FLAGDESK_AUDIT_KEY_FILE, or by default a key file in the data directory.

    The default is outside the database and outside the backup (which packs only the
    uploads and the mail archive); production keeps it elsewhere (docs/operations.md).
    """
    configured = getattr(settings, "AUDIT_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / DEFAULT_KEY_NAME


def configured_keys() -> list[Key] | None:
    """The keys from the key file; ``None`` when the default key was never made yet."""
    path = key_path()
    if not getattr(settings, "AUDIT_KEY_FILE", "") and not path.exists():
        return None
    try:
        stat = path.stat()
        return _read_keys(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        raise CheckpointError(f"cannot read the audit key file {path}: {exc.strerror}") from exc


@functools.lru_cache(maxsize=4)
def _read_keys(path: str, mtime_ns: int, size: int) -> list[Key]:
    # Cached by the file's identity: anchoring every commit must not reread it each time.
    return parse_keys(Path(path).read_text(encoding="utf-8"))


def signing_key() -> Key:
    """The key that signs new checkpoints; the default key file is made on first use."""
    keys = configured_keys()
    if keys is not None:
        return keys[0]
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return generate_key_file(path)
    except FileExistsError:  # another process made it first
        keys = configured_keys()
        assert keys is not None
        return keys[0]


def generate_key_file(path: Path) -> Key:
    """Write a new random key to ``path`` (mode 600); an existing file is never overwritten."""
    secret = secrets.token_hex(32)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(secret + "\n")
    return Key(key_id(secret.encode()), secret.encode())


# ----------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str = ""

    def _fields(self) -> dict[str, object]:
        return {
            "v": FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "key_id": self.key_id,
        }

    def signed_part(self) -> bytes:
        """What the MAC covers: every field but the MAC, in one canonical form."""
        return json.dumps(self._fields(), sort_keys=True, separators=(",", ":")).encode()

    def to_line(self) -> str:
        return json.dumps(self._fields() | {"mac": self.mac}, separators=(",", ":"))


def _mac(key: Key, checkpoint: Checkpoint) -> str:
    return hmac.new(key.secret, checkpoint.signed_part(), hashlib.sha256).hexdigest()


def sign(seq: int, event_hash: str, at: dt.datetime, key: Key) -> Checkpoint:
    unsigned = Checkpoint(seq, event_hash, at.astimezone(dt.UTC).isoformat(), key.key_id)
    return Checkpoint(unsigned.seq, unsigned.hash, unsigned.at, key.key_id, _mac(key, unsigned))


def parse_line(line: str) -> Checkpoint | None:
    """A checkpoint from a line of a file target, or of a syslog file (after the marker);
    ``None`` for a line that is no checkpoint. Raises DamagedCheckpoint for a damaged one."""
    text = line.strip().strip("\x00").strip()
    if not text:
        return None
    if not text.startswith("{"):
        if MARKER not in text:
            return None  # another program's syslog line
        text = text[text.index(MARKER) + len(MARKER) :].strip()
    try:
        data, _end = json.JSONDecoder().raw_decode(text)  # a syslog relay may add to the end
    except ValueError as exc:
        raise DamagedCheckpoint("not JSON") from exc
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        raise DamagedCheckpoint("not a checkpoint of a known format")
    seq, event_hash = data.get("seq"), data.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(event_hash, str):
        raise DamagedCheckpoint("a checkpoint needs an integer seq and a hash")
    return Checkpoint(
        seq, event_hash, str(data.get("at")), str(data.get("key_id")), str(data.get("mac"))
    )


# --------------------------------------------------------------------------------- targets


class Target(Protocol):
    """Where checkpoints go. ``read`` gives back the lines written, or ``None`` when the
    target can't be read from here (syslog): verify then can't use it."""

    url: str

    def write(self, line: str) -> None: ...

    def read(self) -> list[str] | None: ...


class FileTarget:
    """An append-only file of JSON lines, one checkpoint per line (``file:///path``)."""

    def __init__(self, url: str, path: Path) -> None:
        self.url = url
        self.path = path

    @classmethod
    def from_url(cls, url: str) -> FileTarget:
        path = urlsplit(url).path
        if not path.startswith("/"):
            raise CheckpointError(f"{url}: a file target needs an absolute path (file:///...)")
        return cls(url, Path(path))

    def write(self, line: str, *, sync: bool = True) -> None:
        # O_APPEND: each line goes at the end, even with several writers; fsync so that a
        # checkpoint reported written survives a crash of the host. The anchor of every
        # commit skips the fsync: losing the newest few to a power cut leaves older ones.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[str] | None:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []


class SyslogTarget:
    """Syslog: ``syslog`` (the local /dev/log), ``syslog:///path/to/socket``,
    ``syslog://host:514`` (UDP) or ``syslog+tcp://host:514``; ``?facility=local0``."""

    def __init__(self, url: str, address: str | tuple[str, int], socktype: int, facility: str):
        self.url = url
        self.address = address
        self.socktype = socktype
        self.facility = facility

    @classmethod
    def from_url(cls, url: str) -> SyslogTarget:
        parts = urlsplit(url)
        facility = parse_qs(parts.query).get("facility", ["user"])[0]
        if facility not in logging.handlers.SysLogHandler.facility_names:
            raise CheckpointError(f"{url}: unknown syslog facility {facility!r}")
        tcp = parts.scheme == "syslog+tcp"
        socktype = socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM
        if parts.hostname:
            return cls(url, (parts.hostname, parts.port or 514), socktype, facility)
        return cls(url, parts.path or "/dev/log", socktype, facility)

    def write(self, line: str) -> None:
        # The anchor after every commit comes here too: reuse this process's connection
        # rather than connect per transaction; a broken one is replaced once and tried again.
        record = logging.LogRecord(MARKER, logging.INFO, __file__, 0, "%s", (line,), None)
        try:
            self._handler().emit(record)
        except OSError:
            self._forget_handler()
            self._handler().emit(record)

    def _handler(self) -> _StrictSysLogHandler:
        key = (self.url, os.getpid())  # a forked child makes its own connection
        handler = _SYSLOG_HANDLERS.get(key)
        if handler is None:
            handler = _StrictSysLogHandler(
                address=self.address,
                facility=logging.handlers.SysLogHandler.facility_names[self.facility],
                socktype=self.socktype,  # type: ignore[arg-type]
            )
            handler.setFormatter(logging.Formatter(f"flagdesk: {MARKER} %(message)s"))
            _SYSLOG_HANDLERS[key] = handler
        return handler

    def _forget_handler(self) -> None:
        handler = _SYSLOG_HANDLERS.pop((self.url, os.getpid()), None)
        if handler is not None:
            handler.close()

    def read(self) -> list[str] | None:
        return None


class _StrictSysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        # A logging handler swallows its errors; a checkpoint that did not go out must not.
        raise  # re-raises what emit() caught: this runs inside its except block


# One open syslog connection per target and process (SyslogTarget._handler).
_SYSLOG_HANDLERS: dict[tuple[str, int], _StrictSysLogHandler] = {}

TargetFactory = Callable[[str], Target]
_FACTORIES: dict[str, TargetFactory] = {
    "file": FileTarget.from_url,
    "syslog": SyslogTarget.from_url,
    "syslog+tcp": SyslogTarget.from_url,
}


def register_target(scheme: str, factory: TargetFactory) -> None:
    """Add a kind of target, e.g. an object store with retention lock (WORM). A package can
    also declare it as an entry point in the group ``flagdesk.audit_checkpoint_targets``
    (name: the scheme, value: the factory), which is loaded when the scheme is first used."""
    _FACTORIES[scheme] = factory


def make_target(url: str) -> Target:
    scheme = "syslog" if url == "syslog" else urlsplit(url).scheme
    if scheme not in _FACTORIES:
        for entry in entry_points(group=ENTRY_POINT_GROUP, name=scheme):
            register_target(scheme, entry.load())
    if scheme not in _FACTORIES:
        raise CheckpointError(f"unknown checkpoint target {url!r} (known: {sorted(_FACTORIES)})")
    return _FACTORIES[scheme](url)


def default_target_url() -> str:
    return f"file://{Path(settings.DATA_DIR).resolve() / 'audit-checkpoints.jsonl'}"


def configured_targets() -> list[Target]:
    urls = list(getattr(settings, "AUDIT_CHECKPOINT_TARGETS", []) or [default_target_url()])
    return [make_target(url) for url in urls]


# --------------------------------------------------------------------------------- writing


def _newest() -> tuple[int, str] | None:
    # The newest committed event, read without the chain head's lock: log() never waits.
    return AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()


def write_checkpoint(now: dt.datetime | None = None) -> Checkpoint | None:
    """Anchor the newest event now, in every target; ``None`` when the log is empty.

    Raises CheckpointError without a key, or when a target failed (after trying the others).
    """
    key = signing_key()
    newest = _newest()
    if newest is None:
        return None
    now = now or timezone.now()
    checkpoint = sign(newest[0], newest[1], now, key)
    _emit(checkpoint)
    _schedule_row()
    CheckpointSchedule.objects.filter(id=1).update(written_at=now, seq=checkpoint.seq)
    return checkpoint


def _emit(checkpoint: Checkpoint, *, durable: bool = True) -> None:
    failed = []
    for target in configured_targets():
        try:
            if durable or not isinstance(target, FileTarget):
                target.write(checkpoint.to_line())
            else:
                target.write(checkpoint.to_line(), sync=False)
        except OSError as exc:
            logger.error("audit checkpoint #%s: %s failed: %s", checkpoint.seq, target.url, exc)
            failed.append(f"{target.url}: {exc}")
    if failed:
        raise CheckpointError("writing the checkpoint failed: " + "; ".join(failed))
    # The anchor after every commit would double the log's lines; the interval's is news.
    logger.log(
        logging.INFO if durable else logging.DEBUG, "audit checkpoint #%s written", checkpoint.seq
    )


class _Anchor:
    """The on-commit callback that anchors the newest event its transaction logged."""

    def __init__(self, seq: int, event_hash: str) -> None:
        self.seq, self.event_hash = seq, event_hash

    def __call__(self) -> None:
        # The commit has happened: a failure is logged, never raised into the request.
        try:
            checkpoint = sign(self.seq, self.event_hash, timezone.now(), signing_key())
            _emit(checkpoint, durable=False)
        except (CheckpointError, OSError) as exc:
            logger.error("audit checkpoint #%s after its commit failed: %s", self.seq, exc)


def anchor_at_commit(seq: int, event_hash: str) -> None:
    """Anchor event ``seq`` once the current transaction, which logged it, commits.

    So that removing the newest events together with the chain head is caught whatever the
    worker's interval (FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT). Call it inside the transaction.
    One anchor per transaction and savepoint level: a pending anchor registered at the same
    savepoint level is moved on to this newer event, since a rollback would discard both
    together; inside a new savepoint another one is registered, which Django discards with
    the savepoint, so an event that was rolled back is never anchored.
    """
    if not getattr(settings, "AUDIT_ANCHOR_EVERY_COMMIT", True):
        return
    connection = transaction.get_connection()
    level = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Anchor) and savepoints == level:
            callback.seq, callback.event_hash = seq, event_hash
            return
    transaction.on_commit(_Anchor(seq, event_hash))


def _schedule_row() -> None:
    CheckpointSchedule.objects.get_or_create(id=1)


def write_due(now: dt.datetime | None = None) -> Checkpoint | None:
    """From the worker's upkeep: a checkpoint when the interval has passed since the last
    one and the chain has moved since; of several workers, one claims it.

    Nothing happens without a key or with FLAGDESK_AUDIT_CHECKPOINT_SECONDS at 0.
    """
    interval = int(getattr(settings, "AUDIT_CHECKPOINT_SECONDS", 0))
    if interval <= 0:
        return None
    newest = _newest()
    if newest is None:
        return None
    now = now or timezone.now()
    if not _claim(now, interval, newest[0]):
        return None
    try:
        checkpoint = sign(newest[0], newest[1], now, signing_key())
        _emit(checkpoint)
    except CheckpointError:
        # Give the claim back, so the next upkeep round tries again instead of an interval on.
        CheckpointSchedule.objects.filter(id=1, written_at=now).update(written_at=None, seq=0)
        raise
    return checkpoint


def _claim(now: dt.datetime, interval: int, seq: int) -> bool:
    _schedule_row()
    with transaction.atomic():
        due = Q(written_at__isnull=True) | Q(written_at__lte=now - dt.timedelta(seconds=interval))
        claimed = (
            CheckpointSchedule.objects.filter(due, id=1)
            .exclude(seq=seq)
            .update(written_at=now, seq=seq)
        )
    return bool(claimed)


# ------------------------------------------------------------------------------- verifying

# Reason codes of :func:`judge` and :func:`verify`.
EVENTS_MISSING_AFTER = "events_missing_after"  # checkpoint beyond the last event
EVENT_MISSING = "event_missing"  # checkpoint's event gone from the middle of the log
HASH_DIFFERS = "hash_differs"  # the event at the checkpoint's seq is another one
FORGED = "forged"  # the MAC does not match
UNKNOWN_KEY = "unknown_key"  # signed with a key the key file does not hold
PRUNED = "pruned"  # the event went under retention: the prune anchor covers it
MATCHES = "matches"
DAMAGED_LINE = "damaged_line"
NO_CHECKPOINTS = "no_checkpoints"
NOT_ANCHORED = "not_anchored"
NOT_READABLE = "not_readable"
KEY_UNREADABLE = "key_unreadable"

FAILING = {
    EVENTS_MISSING_AFTER,
    EVENT_MISSING,
    HASH_DIFFERS,
    FORGED,
    UNKNOWN_KEY,
    DAMAGED_LINE,
    NO_CHECKPOINTS,
    KEY_UNREADABLE,
}


@dataclass(frozen=True)
class Chain:
    """What :func:`judge` needs to know of the log in the database."""

    last_seq: int  # 0: empty
    pruned_through: int  # 0: nothing pruned
    prune_anchors: Mapping[int, str]  # to_seq -> hash of that pruned event
    hashes: Mapping[int, str]  # seq -> hash, for the seqs of the checkpoints judged


def judge(checkpoint: Checkpoint, keys: Iterable[Key], chain: Chain) -> str:
    """The reason code for one checkpoint against the log: MATCHES, PRUNED or a failure."""
    key = next((k for k in keys if k.key_id == checkpoint.key_id), None)
    if key is None:
        return UNKNOWN_KEY
    if not hmac.compare_digest(_mac(key, checkpoint), checkpoint.mac):
        return FORGED
    if checkpoint.seq <= chain.pruned_through:
        anchor = chain.prune_anchors.get(checkpoint.seq)
        return HASH_DIFFERS if anchor is not None and anchor != checkpoint.hash else PRUNED
    if checkpoint.seq > chain.last_seq:
        return EVENTS_MISSING_AFTER
    stored = chain.hashes.get(checkpoint.seq)
    if stored is None:
        return EVENT_MISSING
    return MATCHES if stored == checkpoint.hash else HASH_DIFFERS


@dataclass(frozen=True)
class Finding:
    reason: str
    message: str

    @property
    def fails(self) -> bool:
        return self.reason in FAILING


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)

    @property
    def fails(self) -> bool:
        return any(finding.fails for finding in self.findings)


def _message(reason: str, cp: Checkpoint, where: str, last_seq: int) -> str:
    said = f"checkpoint at #{cp.seq} with hash {cp.hash} ({cp.at}, {where})"
    return {
        EVENTS_MISSING_AFTER: f"events after #{last_seq} missing: {said} is not in the log",
        EVENT_MISSING: f"event #{cp.seq} missing: {said} is not in the log",
        HASH_DIFFERS: f"event #{cp.seq} has a different hash than its checkpoint: {said}; "
        "the event, or the events up to it, were replaced",
        FORGED: f"checkpoint at #{cp.seq}: forged, its MAC does not match key {cp.key_id} "
        f"({where})",
        UNKNOWN_KEY: f"checkpoint at #{cp.seq}: signed with key {cp.key_id}, which is not in "
        f"FLAGDESK_AUDIT_KEY_FILE ({where})",
    }[reason]


def verify(extra_files: Iterable[Path] = ()) -> Report:
    """Judge every checkpoint in every readable source against the log."""
    try:
        keys = configured_keys()
    except CheckpointError as exc:
        return Report([Finding(KEY_UNREADABLE, f"{exc}: the checkpoints can't be checked")])
    sources = _sources(extra_files)
    if keys is None:
        if any(lines for _, lines in sources):
            # Checkpoints were written, so a key was made: it has gone since.
            return Report(
                [
                    Finding(
                        KEY_UNREADABLE,
                        f"the key file {key_path()} is missing, "
                        "but checkpoints exist: they can't be checked",
                    )
                ]
            )
        return Report(
            [
                Finding(
                    NOT_ANCHORED,
                    "audit log not anchored: no checkpoint was written yet (no key in "
                    f"{key_path()}), so removing the newest events together with the chain "
                    "head would go unnoticed",
                )
            ]
        )
    report = Report()
    if not sources:
        report.findings.append(
            Finding(
                NOT_READABLE,
                "no checkpoint target can be read back here (add a file:// target or give "
                "--checkpoints FILE): the newest events are not proven complete",
            )
        )
        return report
    for name, lines in sources:
        _verify_source(name, lines, keys, report)
    return report


def _sources(extra_files: Iterable[Path]) -> list[tuple[str, list[str]]]:
    sources = []
    for target in configured_targets():
        lines = target.read()
        if lines is not None:
            sources.append((target.url, lines))
    for path in extra_files:
        try:
            sources.append((str(path), path.read_text(encoding="utf-8").splitlines()))
        except FileNotFoundError:
            sources.append((str(path), []))
    return sources


def _verify_source(name: str, lines: list[str], keys: list[Key], report: Report) -> None:
    checkpoints: list[Checkpoint] = []
    for number, line in enumerate(lines, start=1):
        try:
            checkpoint = parse_line(line)
        except DamagedCheckpoint:
            report.findings.append(Finding(DAMAGED_LINE, f"{name} line {number}: damaged"))
            continue
        if checkpoint is not None:
            checkpoints.append(checkpoint)
    chain = _chain([cp.seq for cp in checkpoints])
    if not checkpoints:
        if chain.last_seq:
            report.findings.append(
                Finding(
                    NO_CHECKPOINTS,
                    f"no checkpoints in {name}: nothing proves that the newest events were "
                    "not removed (a missing or emptied file; `flagdesk audit checkpoint` "
                    "starts a new one)",
                )
            )
        return
    good: list[Checkpoint] = []
    for checkpoint in checkpoints:
        reason = judge(checkpoint, keys, chain)
        if reason in (MATCHES, PRUNED):
            good.append(checkpoint)
        else:
            report.findings.append(
                Finding(reason, _message(reason, checkpoint, name, chain.last_seq))
            )
    report.summaries.append(_summary(name, good, len(checkpoints), chain))


def _summary(name: str, good: list[Checkpoint], total: int, chain: Chain) -> str:
    if not good:
        return f"{name}: none of {total} checkpoint(s) holds"
    newest = max(good, key=lambda cp: cp.seq)
    after = chain.last_seq - newest.seq
    tail = (
        f"; the {after} event(s) after it are newer than the newest checkpoint and covered "
        "by the chain head only"
        if after
        else ""
    )
    return (
        f"audit log anchored: {len(good)} of {total} checkpoint(s) in {name} hold; the "
        f"newest ({newest.at}) proves events up to #{newest.seq} complete{tail}"
    )


def _chain(seqs: list[int]) -> Chain:
    from flagdesk.audit import service

    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    hashes: dict[int, str] = {}
    wanted = sorted(set(seqs))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        hashes.update(AuditEvent.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    return Chain(last, service.pruned_through(), service.prune_anchors(), hashes)

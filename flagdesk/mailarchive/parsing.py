# SPDX-License-Identifier: EUPL-1.2
"""Turn a raw inbound e-mail into plain, immutable data: no Django, no database.

``parse_message`` never raises on hostile input. What it could not read is listed in
``ParsedMail.defects`` instead, so the archive always gets a record (the raw bytes are
stored next to it by the caller and stay the evidence; this is only a reading of them).

How it stays safe:

- The MIME tree is walked iteratively with caps on depth and number of parts. The stdlib
  parser itself recurses, so a message nested deeper than Python's stack allows is read
  headers-only.
- Parts larger than ``max_part_bytes`` are never decoded: their size is estimated from
  the encoded text and they are kept as ``Attachment(truncated=True, payload=None)``.
- Headers are decoded here, not by the email policy's header classes, which can raise on
  malformed input: raw UTF-8 (SMTPUTF8) is accepted, RFC 2047 words with unknown charsets
  fall back to latin-1, and control characters (CR/LF, NUL) are removed so a decoded value
  can never smuggle in a header line or break a PostgreSQL text column.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy as email_policy
from email.feedparser import BytesFeedParser
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.policy import Policy
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from enum import StrEnum
from types import MappingProxyType

from flagdesk.mailarchive.sanitize import html_to_text, sanitise_html

__all__ = [
    "CLASSIFICATION_HEADERS",
    "Attachment",
    "Defect",
    "EmbeddedMessage",
    "ParsedMail",
    "decode_header_value",
    "normalise_message_id",
    "parse_message",
    "sanitise_filename",
]

MIB = 1024 * 1024
DEFAULT_MAX_PART_BYTES = 10 * MIB
DEFAULT_MAX_PARTS = 200
# Real mail nests three or four levels deep; forwarded-of-forwarded rarely passes ten.
MAX_DEPTH = 32
MAX_HEADER_CHARS = 2000
MAX_ID_HEADER_CHARS = 100_000
MAX_REFERENCES = 100
MAX_ADDRESSES = 100
MAX_REPORT_BLOCKS = 100
MAX_FILENAME_CHARS = 180
MAX_HEADER_BLOCK = MIB
_FEED_CHUNK = 64 * 1024

# Headers the classifier looks at, kept decoded under their lower-case names.
CLASSIFICATION_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "list-help",
    "x-campaign",
    "x-campaignid",
    "x-mailchimp-campaign",
    "x-mailgun-tag",
    "x-spam-flag",
    "x-auto-response-suppress",
    "return-path",
    "x-failed-recipients",
    "content-type",
)

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,500})>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_FILENAME_FORBIDDEN = re.compile(r'[<>:"|?*]')


class Defect(StrEnum):
    """Our own defect codes; the stdlib's appear by class name (``StartBoundaryNotFoundDefect``)."""

    PARSER_FALLBACK = "parser_fallback"
    HEADERS_ONLY = "body_not_parsed"
    NESTING_TOO_DEEP = "nesting_too_deep"
    TOO_MANY_PARTS = "too_many_parts"
    PART_TOO_LARGE = "part_too_large"
    UNKNOWN_CHARSET = "unknown_charset"
    UNDECODABLE_TEXT = "undecodable_text"
    HEADER_NOT_UTF8 = "header_not_utf8"
    HEADER_TRUNCATED = "header_truncated"
    DUPLICATE_HEADER = "duplicate_header"
    BAD_DATE = "unparseable_date"
    BAD_PAYLOAD = "undecodable_payload"
    BAD_ENCODED_WORD = "bad_encoded_word"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    """Decoded size in bytes; an estimate from the encoded text when ``truncated``."""
    sha256: str
    """Hex digest of ``payload``; empty when ``truncated``."""
    payload: bytes | None
    truncated: bool = False
    content_id: str = ""
    disposition: str = ""
    """``attachment``, ``inline`` or empty when the part did not say."""


@dataclass(frozen=True)
class EmbeddedMessage:
    """Headers of a message carried inside this one: the original of a bounce or a forward."""

    message_id: str
    subject: str
    from_address: str
    to_addresses: tuple[str, ...]


@dataclass(frozen=True)
class ParsedMail:
    sha256: str
    size: int
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    subject: str
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: dt.datetime | None
    content_type: str
    report_type: str
    headers: Mapping[str, str]
    """Decoded ``CLASSIFICATION_HEADERS`` present in the message (first occurrence)."""
    text: str
    html: str
    """Sanitised HTML (see ``sanitize.sanitise_html``), or empty."""
    attachments: tuple[Attachment, ...]
    embedded_messages: tuple[EmbeddedMessage, ...]
    delivery_status: tuple[Mapping[str, str], ...]
    """Field blocks of a ``message/delivery-status`` part: per-message first, then per recipient."""
    disposition_notification: Mapping[str, str]
    """Fields of a ``message/disposition-notification`` part (MDN), lower-case names."""
    defects: tuple[str, ...]

    @property
    def report_original_ids(self) -> tuple[str, ...]:
        """Message-IDs of the message(s) a bounce or read receipt is about, as it states them.

        The MDN's ``Original-Message-ID`` first, then the attached originals' Message-IDs.
        """
        mdn = normalise_message_id(self.disposition_notification.get("original-message-id", ""))
        embedded = (m.message_id for m in self.embedded_messages if m.message_id)
        return tuple(dict.fromkeys(i for i in (mdn, *embedded) if i))


@dataclass
class _Limits:
    max_part_bytes: int
    max_parts: int


@dataclass
class _Walk:
    """What the walk over the MIME tree collects; turned into a ParsedMail at the end."""

    limits: _Limits
    defects: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    embedded: list[EmbeddedMessage] = field(default_factory=list)
    delivery_status: list[Mapping[str, str]] = field(default_factory=list)
    disposition: dict[str, str] = field(default_factory=dict)
    parts_seen: int = 0

    def defect(self, code: str) -> None:
        _add(self.defects, code)


# --- entry point -------------------------------------------------------------------------


def parse_message(
    raw: bytes,
    *,
    max_part_bytes: int = DEFAULT_MAX_PART_BYTES,
    max_parts: int = DEFAULT_MAX_PARTS,
) -> ParsedMail:
    """Read ``raw`` (an RFC 5322 message as received) into a ``ParsedMail``; never raises."""
    limits = _Limits(max_part_bytes=max_part_bytes, max_parts=max_parts)
    digest = hashlib.sha256(raw).hexdigest()
    earlier: list[str] = []
    for policy in (email_policy.compat32, email_policy.default):
        walk = _Walk(limits=limits, defects=list(earlier))
        try:
            message = _parse_bytes(raw, policy)
            _walk_tree(message, walk)
            return _build(message, walk, digest, len(raw))
        except RecursionError:
            _add(earlier, Defect.NESTING_TOO_DEEP)
            break
        except Exception:
            # compat32 goes first: it keeps headers as plain strings (we decode them
            # ourselves) and is several times faster than the modern policy's header
            # classes, which also raise on some malformed input. The modern one is the
            # fallback.
            _add(earlier, Defect.PARSER_FALLBACK)
    return _headers_only(raw, digest, earlier)


def _parse_bytes(raw: bytes, policy: Policy) -> Message:
    # Fed in chunks, as the feed parser is designed for: parsebytes() would first make a
    # str and a list of lines of the whole message, tripling peak memory on huge mail.
    parser = BytesFeedParser(policy=policy)
    view = memoryview(raw)
    for start in range(0, len(raw), _FEED_CHUNK):
        parser.feed(bytes(view[start : start + _FEED_CHUNK]))
    return parser.close()


def _headers_only(raw: bytes, digest: str, defects: list[str]) -> ParsedMail:
    walk = _Walk(limits=_Limits(0, 0), defects=[*defects, str(Defect.HEADERS_ONLY)])
    header_end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=-1)
    head = raw[: header_end if header_end >= 0 else MAX_HEADER_BLOCK]
    try:
        message = BytesParser(policy=email_policy.compat32).parsebytes(
            head[:MAX_HEADER_BLOCK], headersonly=True
        )
    except Exception:
        message = Message()
    try:
        return _build(message, walk, digest, len(raw))
    except Exception:
        return _build(Message(), walk, digest, len(raw))


def _build(message: Message, walk: _Walk, digest: str, size: int) -> ParsedMail:
    headers = _HeaderReader(message, walk)
    from_name, from_address = headers.first_address("from")
    html = "\n".join(walk.htmls)
    text = "\n".join(walk.texts).strip() or (html_to_text(html) if html else "")
    return ParsedMail(
        sha256=digest,
        size=size,
        message_id=normalise_message_id(headers.get("message-id")),
        in_reply_to=normalise_message_id(headers.get("in-reply-to")),
        references=_message_ids(headers.ids("references")),
        subject=headers.get("subject"),
        from_address=from_address,
        from_name=from_name,
        to=headers.addresses("to"),
        cc=headers.addresses("cc"),
        date=headers.date(),
        content_type=_content_type(message),
        report_type=_param(message, "report-type").lower(),
        headers=MappingProxyType(headers.classification_headers()),
        text=_clean_text(text),
        html=_clean_text(sanitise_html(html)).strip() if html else "",
        attachments=tuple(walk.attachments),
        embedded_messages=tuple(walk.embedded),
        delivery_status=tuple(walk.delivery_status),
        disposition_notification=MappingProxyType(walk.disposition),
        defects=tuple(walk.defects),
    )


# --- headers -----------------------------------------------------------------------------


class _HeaderReader:
    """Reads decoded header values from a parsed message without the policy's header classes."""

    def __init__(self, message: Message, walk: _Walk) -> None:
        self._walk = walk
        self._raw: dict[str, list[str]] = {}
        for name, value in _raw_items(message):
            self._raw.setdefault(name.lower(), []).append(value)
        for name in ("from", "subject", "message-id", "date", "to"):
            if len(self._raw.get(name, [])) > 1:
                walk.defect(f"{Defect.DUPLICATE_HEADER}:{name}")

    def get(self, name: str) -> str:
        values = self._raw.get(name)
        if not values:
            return ""
        return decode_header_value(values[0], self._walk.defects)

    def ids(self, name: str) -> str:
        """The value of a Message-ID list header, unfolded but not cut at MAX_HEADER_CHARS."""
        values = self._raw.get(name)
        if not values:
            return ""
        return _unfold(_unsurrogate(values[0], self._walk.defects))[:MAX_ID_HEADER_CHARS]

    def addresses(self, name: str) -> tuple[str, ...]:
        found: list[str] = []
        for _name, address in self._pairs(name):
            if address not in found:
                found.append(address)
        return tuple(found[:MAX_ADDRESSES])

    def first_address(self, name: str) -> tuple[str, str]:
        pairs = self._pairs(name)
        return pairs[0] if pairs else ("", "")

    def date(self) -> dt.datetime | None:
        value = self.get("date")
        parsed = parse_date(value)
        if value and parsed is None:
            self._walk.defect(Defect.BAD_DATE)
        return parsed

    def classification_headers(self) -> dict[str, str]:
        return {name: self.get(name) for name in CLASSIFICATION_HEADERS if name in self._raw}

    def _pairs(self, name: str) -> list[tuple[str, str]]:
        values = [_unfold(_unsurrogate(v, self._walk.defects)) for v in self._raw.get(name, [])]
        try:
            pairs = getaddresses(values)
        except Exception:
            return []
        result = []
        for display, address in pairs[: MAX_ADDRESSES * 2]:
            clean_address = _normalise_address(address)
            if clean_address:
                result.append((decode_header_value(display, self._walk.defects), clean_address))
        return result


def _raw_items(message: Message) -> list[tuple[str, str]]:
    # raw_items() gives the values as received, before any policy parsing; compat32
    # messages built by hand may hold Header objects, hence str().
    try:
        return [(str(name), str(value)) for name, value in message.raw_items()]
    except Exception:
        return []


def decode_header_value(value: str, defects: list[str] | None = None) -> str:
    """Decode a raw header value to one clean line of text (RFC 2047, raw UTF-8, no controls)."""
    sink: list[str] = [] if defects is None else defects
    text = _decode_encoded_words(_unfold(_unsurrogate(value, sink)), sink)
    return _single_line(text, sink)


def _unsurrogate(value: str, defects: list[str]) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes; read them as UTF-8, else latin-1."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _add(defects, Defect.HEADER_NOT_UTF8)
        return data.decode("latin-1")


def _unfold(value: str) -> str:
    return _FOLD.sub("", value)


def _decode_encoded_words(value: str, defects: list[str]) -> str:
    """RFC 2047: decode ``=?charset?B|Q?...?=`` words, joining adjacent ones of one charset.

    Adjacent words are joined as bytes before decoding because senders split multi-byte
    characters across words; the whitespace between two encoded words is dropped.
    """
    pieces: list[tuple[str, bytes | str]] = []  # (charset or "", bytes or plain text)
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0]):
            pieces.append(("", between))
        charset = match.group(1).lower()
        data = _decode_word(match.group(2), match.group(3), defects)
        if pieces and pieces[-1][0] == charset:
            previous = pieces[-1][1]
            assert isinstance(previous, bytes)
            pieces[-1] = (charset, previous + data)
        else:
            pieces.append((charset, data))
        position = match.end()
    pieces.append(("", value[position:]))
    return "".join(
        piece if isinstance(piece, str) else decode_bytes(piece, charset, defects)
        for charset, piece in pieces
    )


def _decode_word(encoding: str, text: str, defects: list[str]) -> bytes:
    try:
        if encoding in "bB":
            return binascii.a2b_base64(text + "=" * (-len(text) % 4))
        return binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        _add(defects, Defect.BAD_ENCODED_WORD)
        return text.encode("ascii", "replace")


def decode_bytes(data: bytes, charset: str | None, defects: list[str]) -> str:
    """Decode with the declared charset; unknown charsets fall back to UTF-8, then latin-1."""
    name = (charset or "").strip().strip("\"'").lower()
    if name in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "unknown"):
        # Undeclared or "ASCII" 8-bit text is nearly always UTF-8 in practice.
        return _utf8_or_latin1(data)
    try:
        return data.decode(name)
    except UnicodeError:
        _add(defects, f"{Defect.UNDECODABLE_TEXT}:{name[:40]}")
    except Exception:
        # LookupError for unknown names; non-text codecs (hex, zlib) are refused the same way.
        _add(defects, f"{Defect.UNKNOWN_CHARSET}:{name[:40]}")
        return _utf8_or_latin1(data)
    try:
        return data.decode(name, "replace")
    except Exception:
        return _utf8_or_latin1(data)


def _utf8_or_latin1(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _single_line(text: str, defects: list[str]) -> str:
    text = _SPACES.sub(" ", _CONTROL.sub(" ", _clean_text(text))).strip()
    if len(text) > MAX_HEADER_CHARS:
        _add(defects, Defect.HEADER_TRUNCATED)
        text = text[:MAX_HEADER_CHARS]
    return text


def _clean_text(text: str) -> str:
    """No NUL (PostgreSQL refuses it) and no lone surrogates (UTF-8 cannot encode them)."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _add(defects: list[str], code: str) -> None:
    code = str(code)  # a Defect member becomes its plain value
    if code not in defects:
        defects.append(code)


def _normalise_address(address: str) -> str:
    address = _single_line(address, []).strip("<>")
    if "@" not in address or " " in address or len(address) > 320:
        return ""
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}" if local and domain else ""


def normalise_message_id(value: str) -> str:
    """The first ``<id>`` in ``value``; a bare ``id@host`` gets its brackets; else ``""``."""
    value = _single_line(value, [])
    match = _MESSAGE_ID.search(value)
    if match:
        return f"<{match.group(1)}>"
    token = value.split()[0] if value.split() else ""
    token = token.strip("<>")
    if "@" in token and "<" not in token and ">" not in token and len(token) <= 500:
        return f"<{token}>"
    return ""


def _message_ids(value: str) -> tuple[str, ...]:
    found = list(dict.fromkeys(f"<{m}>" for m in _MESSAGE_ID.findall(value)))
    if len(found) > MAX_REFERENCES:
        # Keep the thread's root (first) and its most recent ancestors (last).
        found = [found[0], *found[-(MAX_REFERENCES - 1) :]]
    return tuple(found)


def parse_date(value: str) -> dt.datetime | None:
    """An aware datetime, or None for a missing or unreadable Date (``-0000`` means UTC)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


# --- MIME tree ---------------------------------------------------------------------------


def _walk_tree(message: Message, walk: _Walk) -> None:
    for defect in message.defects:
        walk.defect(type(defect).__name__)
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        walk.parts_seen += 1
        if walk.parts_seen > walk.limits.max_parts:
            walk.defect(Defect.TOO_MANY_PARTS)
            return
        if depth > MAX_DEPTH:
            walk.defect(Defect.NESTING_TOO_DEEP)
            continue
        if part is not message:
            for defect in part.defects:
                walk.defect(type(defect).__name__)
        children = _visit(part, walk)
        stack.extend((child, depth + 1) for child in reversed(children))


def _visit(part: Message, walk: _Walk) -> list[Message]:
    """Handle one part; return the children still to walk."""
    content_type = _content_type(part)
    if content_type in ("message/delivery-status", "message/global-delivery-status"):
        walk.delivery_status.extend(_report_blocks(part, walk))
        return []
    if content_type in (
        "message/disposition-notification",
        "message/global-disposition-notification",
    ):
        blocks = _report_blocks(part, walk)
        if blocks and not walk.disposition:
            walk.disposition.update(blocks[0])
        return []
    if part.is_multipart():
        # Only now ask for the payload: for a leaf, get_payload() may copy a huge body.
        payload = part.get_payload()
        children = (
            [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
        )
        if content_type.startswith("message/"):
            _embedded_message(part, children, walk)
            return []
        return children
    _leaf(part, content_type, walk)
    return []


def _leaf(part: Message, content_type: str, walk: _Walk) -> None:
    if content_type.startswith("multipart/"):
        # A multipart without a usable boundary: the stdlib leaves its body as one string.
        content_type = "text/plain"
    filename = _filename(part, walk)
    disposition = _disposition(part)
    is_body = (
        content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename
    )
    if content_type == "text/rfc822-headers":
        _embedded_headers(part, walk)
    if is_body and _estimated_size(part) <= walk.limits.max_part_bytes:
        _body_text(part, content_type, walk)
        return
    _attachment(part, content_type, filename, disposition, walk)


def _body_text(part: Message, content_type: str, walk: _Walk) -> None:
    data = _payload_bytes(part, walk)
    text = decode_bytes(data, _content_charset(part), walk.defects)
    (walk.htmls if content_type == "text/html" else walk.texts).append(text)


def _attachment(
    part: Message, content_type: str, filename: str, disposition: str, walk: _Walk
) -> None:
    name = filename or _fallback_filename(content_type, len(walk.attachments) + 1)
    content_id = normalise_message_id(_header(part, "content-id"))
    estimate = _estimated_size(part)
    if estimate > walk.limits.max_part_bytes:
        walk.defect(Defect.PART_TOO_LARGE)
        walk.attachments.append(
            Attachment(name, content_type, estimate, "", None, True, content_id, disposition)
        )
        return
    data = _payload_bytes(part, walk)
    walk.attachments.append(_stored_attachment(name, content_type, data, content_id, disposition))


def _stored_attachment(
    name: str, content_type: str, data: bytes, content_id: str = "", disposition: str = ""
) -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    return Attachment(name, content_type, len(data), digest, data, False, content_id, disposition)


def _embedded_message(part: Message, children: Sequence[Message], walk: _Walk) -> None:
    if not children:
        return
    inner = children[0]
    walk.embedded.append(_embedded_from(inner, walk))
    name = _filename(part, walk) or "attached-message.eml"
    data = _message_bytes(inner)
    if data is None:
        walk.defect(Defect.BAD_PAYLOAD)
    elif len(data) > walk.limits.max_part_bytes:
        walk.defect(Defect.PART_TOO_LARGE)
        walk.attachments.append(Attachment(name, "message/rfc822", len(data), "", None, True))
    else:
        walk.attachments.append(_stored_attachment(name, "message/rfc822", data))


def _embedded_headers(part: Message, walk: _Walk) -> None:
    if _estimated_size(part) > walk.limits.max_part_bytes:
        return
    text = decode_bytes(_payload_bytes(part, walk), _content_charset(part), walk.defects)
    inner = HeaderParser(policy=email_policy.compat32).parsestr(text)
    walk.embedded.append(_embedded_from(inner, walk))


def _embedded_from(inner: Message, walk: _Walk) -> EmbeddedMessage:
    headers = _HeaderReader(inner, _Walk(limits=walk.limits))
    return EmbeddedMessage(
        message_id=normalise_message_id(headers.get("message-id")),
        subject=headers.get("subject"),
        from_address=headers.first_address("from")[1],
        to_addresses=headers.addresses("to"),
    )


def _message_bytes(inner: Message) -> bytes | None:
    for policy in (inner.policy, email_policy.compat32):
        try:
            return inner.as_bytes(policy=policy)
        except Exception:  # noqa: S112 - try the next, more lenient policy
            continue
    return None


def _report_blocks(part: Message, walk: _Walk) -> list[Mapping[str, str]]:
    """Field groups of a DSN/MDN part, whether the stdlib parsed them or left a string."""
    payload = part.get_payload()
    items: list[Iterable[tuple[str, str]]] = []
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                items.append(_raw_items(block))
                rest = block.get_payload()
                if isinstance(rest, str) and rest.strip():
                    items.extend(_text_blocks(rest))
    elif isinstance(payload, str) and _estimated_size(part) <= walk.limits.max_part_bytes:
        text = decode_bytes(_payload_bytes(part, walk), _content_charset(part), walk.defects)
        items.extend(_text_blocks(text))
    blocks = [_fields(pairs, walk) for pairs in items[:MAX_REPORT_BLOCKS]]
    return [block for block in blocks if block]


def _text_blocks(text: str) -> list[list[tuple[str, str]]]:
    parser = HeaderParser(policy=email_policy.compat32)
    return [_raw_items(parser.parsestr(chunk.strip() + "\n")) for chunk in _BLANK_LINE.split(text)]


def _fields(pairs: Iterable[tuple[str, str]], walk: _Walk) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name.lower().strip(), decode_header_value(value, walk.defects))
    return fields


# --- part helpers ------------------------------------------------------------------------


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "text/plain"


def _param(part: Message, name: str, header: str = "content-type") -> str:
    try:
        value = part.get_param(name, header=header)
    except Exception:
        return ""
    if value is None:
        return ""
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return _single_line(str(value), [])


def _header(part: Message, name: str) -> str:
    for header_name, value in _raw_items(part):
        if header_name.lower() == name:
            return decode_header_value(value)
    return ""


def _disposition(part: Message) -> str:
    value = _header(part, "content-disposition").split(";", 1)[0].strip().lower()
    return value if value in ("attachment", "inline") else ""


def _content_charset(part: Message) -> str | None:
    return _param(part, "charset") or None


def _filename(part: Message, walk: _Walk) -> str:
    raw = _param(part, "filename", "content-disposition") or _param(part, "name")
    if not raw:
        return ""
    return sanitise_filename(decode_header_value(raw, walk.defects))


def _transfer_encoding(part: Message) -> str:
    return _header(part, "content-transfer-encoding").lower()


def _estimated_size(part: Message) -> int:
    """Decoded size guessed from the encoded text, without decoding it."""
    # The parser keeps the undecoded body in _payload; get_payload() could copy or
    # re-decode it, which is exactly what we avoid for huge parts.
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, str):
        return 0
    if _transfer_encoding(part) == "base64":
        line_breaks = payload.count("\n") + payload.count("\r")
        return (len(payload) - line_breaks) * 3 // 4
    return len(payload)


def _payload_bytes(part: Message, walk: _Walk) -> bytes:
    before = len(part.defects)
    try:
        data = part.get_payload(decode=True)
    except Exception:
        walk.defect(Defect.BAD_PAYLOAD)
        return b""
    for defect in part.defects[before:]:
        walk.defect(type(defect).__name__)
    return data if isinstance(data, bytes) else b""


def sanitise_filename(name: str) -> str:
    """A file name safe to show and to store: no path, no control or bidi characters."""
    name = _clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _FILENAME_FORBIDDEN.sub("_", name).strip(" .")
    if _WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: MAX_FILENAME_CHARS - len(extension) - 1]}.{extension}"
        else:
            name = name[:MAX_FILENAME_CHARS]
    return name


def _fallback_filename(content_type: str, number: int) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False)
    if extension is None:
        extension = ".txt" if content_type.startswith("text/") else ".bin"
    return f"part-{number}{extension}"

# SPDX-License-Identifier: EUPL-1.2
"""Decide what kind of answer an inbound mail is: pure, on a ``ParsedMail``.

The rules, first match wins; every decision carries named ``Reason`` codes.

1. **read_receipt**: a ``multipart/report; report-type=disposition-notification`` or a
   ``message/disposition-notification`` part (RFC 8098). The original Message-ID comes from
   its ``Original-Message-ID`` field, else from an attached copy of the headers, else from
   In-Reply-To/References.
2. **bounce**: a ``report-type=delivery-status`` report (RFC 3464). Any recipient with
   ``Action: failed`` or a ``5.x.x`` status makes it ``PERMANENT``; otherwise ``delayed`` or
   ``4.x.x`` make it ``TEMPORARY``. A DSN in which every recipient was ``delivered``,
   ``relayed`` or ``expanded`` is no bounce but a **delivery_report**. Non-RFC bounces are
   recognised when the sender is a mailer daemon, the Return-Path is null or there is an
   ``X-Failed-Recipients`` header, *and* there is further evidence: bounce wording in the
   subject, an attached original, an enhanced status code in the text or that header.
3. **auto_reply** (out of office, vacation): out-of-office wording in the mail's own text
   (quoted history cut off), or in the subject ("Automatic reply:", "Automatisch
   antwoord:", "Out of office", "Afwezig", ...) unless the mail also reads as an
   acknowledgment. Body wording alone counts only for mail marked as automated
   (``Auto-Submitted``, ``X-Autoreply``, ...): a person may mention their leave in a real
   answer. An auto-reply is never an acknowledgment of receipt.
4. **acknowledgment**: receipt wording ("we have received your report", "thank you for
   contacting", "request received", "bevestiging van ontvangst", "wij hebben uw melding
   ontvangen", ...) in a mail that is automated, or that arrives while no acknowledgment is
   recorded for the notice yet.
5. A mail marked ``Auto-Submitted: auto-replied`` or ``X-Autoreply``/``X-Autorespond`` but
   without recognisable wording is taken as an **auto_reply**: calling an unknown
   automatic answer an acknowledgment would claim a confirmation of receipt we cannot
   show.
6. Mailing-list or bulk mail (``List-Id``, ``Precedence: bulk|list|junk``) is a **reply**,
   never an acknowledgment.
7. Otherwise, **the first answer is the acknowledgment**: while ``ack_already_recorded``
   is false, any other answer confirms receipt (DSA art. 16(4) asks the platform to
   confirm receipt; in practice X's confirmation was a one-line human answer). Once an
   acknowledgment is recorded, further answers are **reply**.

Whether the mail belongs to a notice at all is for the caller (``matching``); this
module only says what kind of mail it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flagdesk.mailarchive.parsing import ParsedMail

__all__ = ["BounceType", "Classification", "MailKind", "Reason", "classify"]


class MailKind(StrEnum):
    BOUNCE = "bounce"
    DELIVERY_REPORT = "delivery_report"
    READ_RECEIPT = "read_receipt"
    AUTO_REPLY = "auto_reply"
    ACKNOWLEDGMENT = "acknowledgment"
    REPLY = "reply"


class BounceType(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"


class Reason(StrEnum):
    # read receipts
    MDN_REPORT = "mdn_report"
    # bounces and delivery reports
    DSN_REPORT = "dsn_report"
    DSN_FAILED = "dsn_failed"
    DSN_DELAYED = "dsn_delayed"
    DSN_DELIVERED = "dsn_delivered"
    DSN_UNREADABLE = "dsn_unreadable"
    DAEMON_SENDER = "daemon_sender"
    NULL_RETURN_PATH = "null_return_path"
    FAILED_RECIPIENTS_HEADER = "failed_recipients_header"
    BOUNCE_SUBJECT = "bounce_subject"
    DELAY_SUBJECT = "delay_subject"
    ORIGINAL_ATTACHED = "original_attached"
    STATUS_CODE_IN_TEXT = "status_code_in_text"
    # automation markers
    AUTO_SUBMITTED = "auto_submitted_header"
    AUTOREPLY_HEADER = "x_autoreply_header"
    PRECEDENCE = "precedence_header"
    AUTO_RESPONSE_SUPPRESS = "x_auto_response_suppress_header"
    # wording
    OUT_OF_OFFICE_SUBJECT = "out_of_office_subject"
    OUT_OF_OFFICE_BODY = "out_of_office_body"
    ACK_SUBJECT = "ack_subject"
    ACK_BODY = "ack_body"
    # fall-through decisions
    AUTO_REPLY_WITHOUT_WORDING = "auto_reply_without_wording"
    BULK_OR_LIST = "bulk_or_list"
    FIRST_ANSWER = "first_answer"
    ANSWER_AFTER_ACK = "answer_after_ack"


@dataclass(frozen=True)
class Classification:
    kind: MailKind
    reasons: tuple[Reason, ...]
    original_message_ids: tuple[str, ...] = ()
    """For bounces, delivery reports and read receipts: the Message-ID(s) they are about."""
    bounce_type: BounceType | None = None
    failed_recipients: tuple[str, ...] = ()
    mdn_disposition: str = ""
    """For read receipts: ``displayed``, ``deleted``, ... (the MDN's disposition type)."""
    automated: bool = False

    @property
    def permanent(self) -> bool:
        """A bounce that will not resolve by itself (5.x.x / failed)."""
        return self.kind == MailKind.BOUNCE and self.bounce_type == BounceType.PERMANENT


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Wording lists are examples from real mail; extend them when a platform's mail is missed.
OUT_OF_OFFICE_SUBJECT = _any(
    r"\bout[- ]of[- ](?:the[- ])?office\b",
    r"\bauto(?:matic)?[- ]?(?:reply|response|antwort)\b",
    r"\bautomatisch(?:e)? (?:antwoord|beantwoording|reactie|antwort)\b",
    r"\bafwezig(?:heid)?\b",
    r"\bniet aanwezig\b",
    r"\bbuiten kantoor\b",
    r"\bvacation\b",
    r"\bvakantie\b",
    r"\bon (?:annual |parental )?leave\b",
    r"\babwesen(?:d|heit)\b",
    r"\bréponse automatique\b",
    r"\babsent\b",
)
OUT_OF_OFFICE_BODY = _any(
    r"\bout[- ]of[- ](?:the[- ])?office\b",
    r"\bI(?: am|'m|’m) (?:currently |now )?(?:away|out of|on (?:annual |parental |sick )?leave|on vacation|on holiday|not in the office|travell?ing)\b",
    r"\bon (?:annual |parental )?leave\b",
    r"\b(?:on|my) (?:vacation|holiday)\b",
    r"\blimited access to (?:my )?e-?mail\b",
    r"\bback in the office\b",
    r"\bafwezig\b",
    r"\bniet aanwezig\b",
    r"\bbuiten kantoor\b",
    r"\b(?:met|op) vakantie\b",
    r"\bmet verlof\b",
    r"\bweer aanwezig\b",
    r"\b(?:niet|beperkt) bereikbaar\b",
    r"\bnicht im büro\b",
    r"\bim urlaub\b",
)
ACK_WORDING = _any(
    r"\bwe(?:'ve| have|’ve)? (?:successfully )?received your (?:report|request|notice|notification|message|e-?mail|ticket|submission|complaint|escalation|case)",
    r"\b(?:your|this) (?:report|request|notice|notification|ticket|case|submission|message|escalation) (?:has been|was|is) (?:successfully )?(?:received|created|logged|submitted)\b",
    r"\b(?:request|report|ticket|notice|case) (?:received|created)\b",
    r"\bthank(?:s| you) for (?:contacting|reaching out|your report|reporting|submitting|your (?:notice|notification|request|submission|escalation))",
    r"\b(?:confirmation|acknowledge?ment) of receipt\b",
    r"\breceipt confirmation\b",
    r"\bbevestiging van ontvangst\b",
    r"\bontvangstbevestiging\b",
    r"\b(?:wij|we) hebben (?:je|jouw|uw) (?:melding|bericht|verzoek|e-?mail|mail|aanvraag|klacht|verzending)(?: in goede orde)? ontvangen",
    r"\b(?:je|jouw|uw) (?:melding|bericht|verzoek|e-?mail|mail|aanvraag) is(?: in goede orde)? ontvangen",
    r"\b(?:bedankt|dank) voor (?:je|jouw|uw) melding\b",
)
BOUNCE_SUBJECT = _any(
    r"\bundeliver(?:able|ed)\b",
    r"\bdelivery status notification \(failure\)",
    r"\b(?:mail )?delivery (?:has )?failed\b",
    r"\bdelivery failure\b",
    r"\breturned mail\b",
    r"\bfailure notice\b",
    r"\bcould not be delivered\b",
    r"\bonbestelbaar\b",
    r"\bniet (?:bezorgd|afgeleverd|bezorgbaar)\b",
    r"\bunzustellbar\b",
    r"\bnon remis\b",
)
DELAY_SUBJECT = _any(
    r"\bdelivery status notification \(delay\)",
    r"\bdelivery delayed\b",
    r"\bdelayed mail\b",
    r"\bmessage .{0,80}\bdelayed\b",
    r"\bvertraagd\b",
)
DAEMON_LOCAL_PARTS = {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"}
DAEMON_NAME = _any(r"\bmail delivery (?:sub)?system\b", r"\bmailer[- ]daemon\b")
# RFC 3463 enhanced status codes of failures (4.x.x, 5.x.x); 2.x.x is success.
_STATUS_CODE = re.compile(r"\b([45])\.\d{1,3}\.\d{1,3}\b")
_MESSAGE_ID_LINE = re.compile(r"^\s*message-id:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
# Where the quoted history of a reply starts; wording below it is the notice, not the answer.
_QUOTE_START = re.compile(
    r"^\s*>"
    r"|^\s*On\s[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote:"
    r"|^\s*Op\s[^\n]{0,200}(?:\n[^\n]{0,200})?\bschreef\b"
    r"|^\s*-{2,}\s*(?:original message|oorspronkelijk bericht|forwarded message)"
    r"|^\s*(?:from|van):\s[^\n]*\n\s*(?:sent|verzonden|date|datum|to|aan):",
    re.IGNORECASE | re.MULTILINE,
)
OWN_TEXT_CHARS = 4000
_AUTOMATED_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_SUCCESS_ACTIONS = {"delivered", "relayed", "expanded"}


def classify(parsed: ParsedMail, *, ack_already_recorded: bool = False) -> Classification:
    """The kind of ``parsed`` with the reasons; see the module docstring for the rules."""
    return (
        _read_receipt(parsed)
        or _rfc_bounce(parsed)
        or _other_bounce(parsed)
        or _answer(parsed, ack_already_recorded)
    )


# --- read receipts and bounces ----------------------------------------------------------


def _read_receipt(parsed: ParsedMail) -> Classification | None:
    fields = parsed.disposition_notification
    if parsed.report_type != "disposition-notification" and not fields:
        return None
    disposition = fields.get("disposition", "").rpartition(";")[2].strip().lower()
    return Classification(
        kind=MailKind.READ_RECEIPT,
        reasons=(Reason.MDN_REPORT,),
        original_message_ids=_originals(parsed),
        mdn_disposition=disposition.split("/")[0].strip(),
        automated=True,
    )


def _rfc_bounce(parsed: ParsedMail) -> Classification | None:
    if parsed.report_type != "delivery-status" and not parsed.delivery_status:
        return None
    recipients = [b for b in parsed.delivery_status if {"action", "status"} & b.keys()]
    actions = {_first_word(b.get("action", "")) for b in recipients}
    statuses = [_status_class(b.get("status", "")) for b in recipients]
    reasons = [Reason.DSN_REPORT]
    if "failed" in actions or "5" in statuses:
        bounce_type, reason = BounceType.PERMANENT, Reason.DSN_FAILED
    elif "delayed" in actions or "4" in statuses:
        bounce_type, reason = BounceType.TEMPORARY, Reason.DSN_DELAYED
    elif recipients and actions <= _SUCCESS_ACTIONS:
        return _delivery_report(parsed)
    else:
        bounce_type, reason = _bounce_type_from_wording(parsed), Reason.DSN_UNREADABLE
    reasons.append(reason)
    failed = tuple(
        _recipient_address(b)
        for b in recipients
        if _first_word(b.get("action", "")) in ("failed", "delayed")
        or _status_class(b.get("status", "")) in ("4", "5")
    )
    return Classification(
        kind=MailKind.BOUNCE,
        reasons=tuple(reasons),
        original_message_ids=_originals(parsed),
        bounce_type=bounce_type,
        failed_recipients=tuple(a for a in failed if a) or _failed_header(parsed),
        automated=True,
    )


def _delivery_report(parsed: ParsedMail) -> Classification:
    return Classification(
        kind=MailKind.DELIVERY_REPORT,
        reasons=(Reason.DSN_REPORT, Reason.DSN_DELIVERED),
        original_message_ids=_originals(parsed),
        automated=True,
    )


def _other_bounce(parsed: ParsedMail) -> Classification | None:
    senders = _bounce_sender_reasons(parsed)
    if not senders:
        return None
    evidence = []
    if BOUNCE_SUBJECT.search(parsed.subject):
        evidence.append(Reason.BOUNCE_SUBJECT)
    if DELAY_SUBJECT.search(parsed.subject):
        evidence.append(Reason.DELAY_SUBJECT)
    if parsed.embedded_messages:
        evidence.append(Reason.ORIGINAL_ATTACHED)
    if Reason.DAEMON_SENDER in senders and _STATUS_CODE.search(parsed.text):
        # Only from a daemon: elsewhere "4.2.1" is as likely a version number.
        evidence.append(Reason.STATUS_CODE_IN_TEXT)
    if not evidence and Reason.FAILED_RECIPIENTS_HEADER not in senders:
        return None
    return Classification(
        kind=MailKind.BOUNCE,
        reasons=(*senders, *evidence),
        original_message_ids=_originals(parsed),
        bounce_type=_bounce_type_from_wording(parsed),
        failed_recipients=_failed_header(parsed),
        automated=True,
    )


def _bounce_sender_reasons(parsed: ParsedMail) -> list[Reason]:
    reasons = []
    local_part = parsed.from_address.rpartition("@")[0].lower()
    if local_part in DAEMON_LOCAL_PARTS or DAEMON_NAME.search(parsed.from_name):
        reasons.append(Reason.DAEMON_SENDER)
    if parsed.headers.get("return-path", "x").strip() in ("<>", ""):
        reasons.append(Reason.NULL_RETURN_PATH)
    if parsed.headers.get("x-failed-recipients"):
        reasons.append(Reason.FAILED_RECIPIENTS_HEADER)
    return reasons


def _bounce_type_from_wording(parsed: ParsedMail) -> BounceType:
    codes = {match.group(1) for match in _STATUS_CODE.finditer(parsed.text)}
    if "5" in codes:
        return BounceType.PERMANENT
    if "4" in codes or DELAY_SUBJECT.search(parsed.subject):
        return BounceType.TEMPORARY
    return BounceType.PERMANENT


def _originals(parsed: ParsedMail) -> tuple[str, ...]:
    """Message-IDs the report is about: as stated, else quoted headers, else the thread."""
    found = list(parsed.report_original_ids)
    if not found:
        found = _MESSAGE_ID_LINE.findall(parsed.text)
    if not found:
        found = [parsed.in_reply_to] if parsed.in_reply_to else list(parsed.references[-1:])
    return tuple(dict.fromkeys(found))


def _failed_header(parsed: ParsedMail) -> tuple[str, ...]:
    value = parsed.headers.get("x-failed-recipients", "")
    return tuple(a.strip() for a in value.split(",") if "@" in a)


def _recipient_address(block: Mapping[str, str]) -> str:
    value = block.get("final-recipient") or block.get("original-recipient") or ""
    return value.rpartition(";")[2].strip().strip("<>")


def _first_word(value: str) -> str:
    return value.strip().split(" ", 1)[0].strip("();").lower()


def _status_class(value: str) -> str:
    return value.strip()[:1]


# --- answers ---------------------------------------------------------------------------


def _answer(parsed: ParsedMail, ack_already_recorded: bool) -> Classification:
    markers = _automation_reasons(parsed)
    automated = bool(markers)
    own_text = own_text_of(parsed.text)
    ooo_subject = bool(OUT_OF_OFFICE_SUBJECT.search(parsed.subject))
    ooo_body = bool(OUT_OF_OFFICE_BODY.search(own_text))
    ack = _ack_reasons(parsed.subject, own_text)

    def result(kind: MailKind, *reasons: Reason) -> Classification:
        return Classification(kind, (*markers, *reasons), automated=automated)

    if ooo_body and (automated or ooo_subject):
        subject_reason = (Reason.OUT_OF_OFFICE_SUBJECT,) if ooo_subject else ()
        return result(MailKind.AUTO_REPLY, *subject_reason, Reason.OUT_OF_OFFICE_BODY)
    if ooo_subject and not ack:
        return result(MailKind.AUTO_REPLY, Reason.OUT_OF_OFFICE_SUBJECT)
    if ack and (automated or not ack_already_recorded):
        return result(MailKind.ACKNOWLEDGMENT, *ack)
    if _is_rfc3834_auto_reply(parsed):
        return result(MailKind.AUTO_REPLY, Reason.AUTO_REPLY_WITHOUT_WORDING)
    if _is_bulk_or_list(parsed):
        return result(MailKind.REPLY, Reason.BULK_OR_LIST)
    if not ack_already_recorded:
        return result(MailKind.ACKNOWLEDGMENT, Reason.FIRST_ANSWER)
    return result(MailKind.REPLY, Reason.ANSWER_AFTER_ACK)


def own_text_of(text: str) -> str:
    """The start of a mail's text up to where quoted history begins."""
    head = text[:OWN_TEXT_CHARS]
    match = _QUOTE_START.search(head)
    return head[: match.start()] if match else head


def _ack_reasons(subject: str, own_text: str) -> tuple[Reason, ...]:
    reasons = []
    if ACK_WORDING.search(subject):
        reasons.append(Reason.ACK_SUBJECT)
    if ACK_WORDING.search(own_text):
        reasons.append(Reason.ACK_BODY)
    return tuple(reasons)


def _automation_reasons(parsed: ParsedMail) -> tuple[Reason, ...]:
    headers = parsed.headers
    reasons = []
    if headers.get("auto-submitted", "no").strip().lower() not in ("", "no"):
        reasons.append(Reason.AUTO_SUBMITTED)
    if "x-autoreply" in headers or "x-autorespond" in headers:
        reasons.append(Reason.AUTOREPLY_HEADER)
    if headers.get("precedence", "").strip().lower() in _AUTOMATED_PRECEDENCE:
        reasons.append(Reason.PRECEDENCE)
    if "x-auto-response-suppress" in headers:
        reasons.append(Reason.AUTO_RESPONSE_SUPPRESS)
    return tuple(reasons)


def _is_rfc3834_auto_reply(parsed: ParsedMail) -> bool:
    headers = parsed.headers
    auto_submitted = _first_word(headers.get("auto-submitted", ""))
    return (
        auto_submitted == "auto-replied"
        or "x-autoreply" in headers
        or "x-autorespond" in headers
        or headers.get("precedence", "").strip().lower() == "auto_reply"
    )


def _is_bulk_or_list(parsed: ParsedMail) -> bool:
    precedence = parsed.headers.get("precedence", "").strip().lower()
    return "list-id" in parsed.headers or precedence in ("bulk", "list", "junk")

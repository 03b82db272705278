# SPDX-License-Identifier: EUPL-1.2
"""Decide what kind of answer an inbound mail is: pure, on a ``ParsedMail``.

The rules, first match wins; every decision carries named ``Reason`` codes. The same
rules, as a table, are in docs/operations.md ("Mail kinds"); a test keeps the two in step.

1. **read_receipt**: a ``multipart/report; report-type=disposition-notification`` or a
   ``message/disposition-notification`` part (RFC 8098). The original Message-ID comes from
   its ``Original-Message-ID`` field, else from an attached copy of the headers, else from
   In-Reply-To/References.
2. **bounce** / **delivery_report**: a ``report-type=delivery-status``
   report (RFC 3464), read per recipient; when it names several and some are the notice's
   recipients (``Context.our_recipients``), only those count. A recipient with
   ``Action: failed`` (or, without an Action, a 5.x.x status) makes a **bounce**: permanent
   unless every failed status is 4.x.x (transient cause). Otherwise ``Action: delayed`` (or a
   4.x.x status) makes a **delivery_report** with reason ``dsn_delayed``: still on its way,
   no bounce, and no proof of delivery either. ``delivered``, ``relayed`` or ``expanded``
   only: a **delivery_report** (``dsn_delivered``). Non-RFC bounces are recognised
   when the sender is a mailer daemon, the Return-Path is null or there is an
   ``X-Failed-Recipients`` header, *and* there is further evidence: bounce wording in the
   subject, an attached original, an enhanced status code in the text or that header; with
   only delay wording in the subject it is a delayed **delivery_report** (``delay_subject``).
3. **auto_reply** (out of office, vacation): out-of-office wording in the mail's own text
   (quoted history cut off), or in the subject ("Automatic reply:", "Automatisch
   antwoord:", "Out of office", "Afwezig", ...) unless the mail also reads as an
   acknowledgment. Body wording alone counts only for mail marked as automated
   (``Auto-Submitted``, ``X-Autoreply``, ...): a person may mention their leave in a real
   answer. An out-of-office text is never an acknowledgment of receipt, even when it says
   "your mail has been received": it is a person's absence note, not the platform's receipt.
4. **internal**: from one of our own domains (``Context.own_domains``; our own archive copy
   was recognised before, by its Message-ID): a colleague's forward or note. It may still be
   linked to a notice (by a forwarded original), but only a person can say what it is.
5. **unrelated**: not linked to any notice or case, no receipt wording, and list headers
   (``List-Id``, ``List-Unsubscribe``, ...), bulk marking (``Precedence: bulk|list|junk``,
   campaign headers), ``X-Spam-Flag: YES``, newsletter/marketing or spam/phishing wording.
6. **acknowledgment**: receipt wording ("we have received your report", "thank you for
   contacting", "bevestiging van ontvangst", ...) in a mail that is automated, or that
   arrives while no acknowledgment is recorded for the notice yet. Explicit confirmation of
   receipt ("we've received this", "Thanks – received", "Got it, ...", "Ontvangen, we kijken
   ernaar", "Wij hebben uw melding ontvangen") makes an acknowledgment also after an earlier
   one (a person's after the automated one), unless the answer also asks something or
   reports an outcome (then it is a reply). Wording is matched in the mail's own text only:
   a quoted "please acknowledge receipt" of ours counts for nothing.
7. A mail marked ``Auto-Submitted: auto-replied`` or ``X-Autoreply``/``X-Autorespond`` but
   without recognisable wording is taken as an **auto_reply**: calling an unknown
   automatic answer an acknowledgment would claim a confirmation of receipt we cannot
   show.
8. Linked mailing-list or bulk mail (``List-Id``, ``Precedence: bulk|list|junk``) is a
   **reply**, never an acknowledgment.
9. Otherwise, **the first answer is the acknowledgment**: while ``ack_already_recorded``
   is false, any other answer confirms receipt (DSA art. 16(4) asks the platform to
   confirm receipt; in practice X's confirmation was a one-line human answer). Once an
   acknowledgment is recorded, further answers are **reply**.

Whether the mail belongs to a notice at all is for the caller (``service.match_message``);
this module only says what kind of mail it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flagdesk.mailarchive.parsing import ParsedMail

__all__ = [
    "BounceType",
    "Classification",
    "Context",
    "MailKind",
    "Reason",
    "classify",
    "is_delay",
]


class MailKind(StrEnum):
    BOUNCE = "bounce"
    DELIVERY_REPORT = "delivery_report"
    READ_RECEIPT = "read_receipt"
    AUTO_REPLY = "auto_reply"
    ACKNOWLEDGMENT = "acknowledgment"
    REPLY = "reply"
    INTERNAL = "internal"
    UNRELATED = "unrelated"


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
    DSN_OUR_RECIPIENT = "dsn_decided_for_our_recipient"
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
    RECEIPT_BODY = "receipt_confirmed_in_text"
    # not an answer
    OWN_DOMAIN = "from_own_domain"
    LIST_HEADERS = "list_headers"
    BULK_MARKETING = "bulk_or_marketing_mail"
    SPAM_FLAG = "spam_flag"
    MARKETING_WORDING = "marketing_wording"
    NOT_LINKED = "not_linked_to_a_notice"
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
# Explicit confirmation of receipt, by a person or a system, in English and Dutch. Unlike
# ACK_WORDING ("thank you for your report" also opens a substantive answer) this makes a
# later answer an acknowledgment too, as long as it does not also ask or tell something.
RECEIPT_WORDING = _any(
    r"\b(?:we|i)(?:'ve|’ve| have)?\s+(?:now\s+|just\s+|successfully\s+|well\s+)?(?:received|recieved|got)\s+(?:this|it|that|your|the|our|ur)\b",
    r"\b(?:this|it|that|everything|all)\s+(?:has been|was|is|have been)\s+(?:well\s+|safely\s+|successfully\s+)?received\b",
    r"\b(?:thanks|thank you|thx|many thanks|bedankt|dank(?:je(?:wel)?|u(?:wel)?)?)\b[\s,.!:;–—-]{0,6}(?:well\s+|goed\s+|in goede orde\s+)?(?:received|ontvangen)\b",
    r"(?:^|\n)\s*(?:(?:well|safely|goed|in goede orde)\s+)?(?:received|ontvangen|got it|noted and received)\b\s*[,.!:;–—-]",
    r"\bgot it\s*[,.!;–—-]",
    r"\b(?:receipt|ontvangst)\s+(?:is\s+|hereby\s+|hierbij\s+|bij deze\s+)?(?:confirmed|acknowledged|bevestigd)\b",
    r"\b(?:we|i|wij|ik)\s+(?:hereby\s+|hierbij\s+)?(?:confirm|acknowledge|bevestig(?:en)?)\s+(?:hierbij\s+)?(?:the\s+|de\s+)?(?:receipt|ontvangst)\b",
    r"\b(?:hierbij\s+)?bevestig(?:en|t)?\s+(?:wij|we|ik)\s+(?:hierbij\s+|graag\s+)?de\s+ontvangst\b",
    r"\b(?:wij|we|ik)\s+(?:hebben|heb)\s+(?:[\w-]+\s+){0,4}?(?:goed\s+|in goede orde\s+)?ontvangen\b",
    r"\b(?:melding|bericht|verzoek|e-?mail|mail|aanvraag|notice|report)\s+(?:is\s+|werd\s+)?(?:goed\s+|in goede orde\s+)?(?:ontvangen|received)\b",
)
# An answer that also reports an outcome or asks for something is a reply, not (only) a
# confirmation of receipt.
MORE_THAN_RECEIPT = _any(
    r"\?",
    r"\b(?:removed|taken down|took down|restricted|labell?ed|geo-?blocked|actioned|no violation|(?:does|did) not (?:violate|break)|doesn'?t (?:violate|break)|not in violation|reviewed|decided|our decision)\b",
    r"\b(?:please (?:provide|send|share|clarify)|more information|additional information|further details)\b",
    r"\b(?:verwijderd|offline gehaald|beperkt|gelabeld|geen overtreding|beoordeeld|besloten|besluit)\b",
    r"\b(?:graag (?:meer|aanvullende)|meer informatie|aanvullende informatie)\b",
)
# Mail that is no answer at all: newsletters, campaigns, spam.
MARKETING_WORDING = _any(
    r"\bunsubscribe\b",
    r"\b(?:afmelden|uitschrijven)\b",
    r"\bview (?:this|the) (?:e-?mail|newsletter|message) in (?:your|a) browser\b",
    r"\bbekijk (?:deze|de) (?:e-?mail|nieuwsbrief|mail) in (?:je|uw|de) browser\b",
    r"\bnewsletter\b",
    r"\bnieuwsbrief\b",
    r"\b(?:limited[- ]time|special|exclusive) offer\b",
    r"\b\d{1,2}\s?% (?:off|korting)\b",
    r"\bregister (?:now|today) for (?:our|the) (?:webinar|event)\b",
    r"\bmeld je (?:nu )?aan voor (?:ons|onze|het|de) (?:webinar|evenement|event)\b",
    # spam and phishing
    r"\b(?:verify|confirm|update|validate) your (?:[\w-]+ ){0,3}(?:account|password|login|identity|credentials)\b",
    r"\b(?:bevestig|verifieer|controleer) (?:je|uw) (?:[\w-]+ ){0,3}(?:account|wachtwoord|inloggegevens|identiteit)\b",
    r"\bclaim your\b",
    r"\b(?:lottery|jackpot|inheritance|you(?:'ve| have) won)\b",
    r"\b(?:bitcoin|crypto(?:currency)?) (?:investment|opportunity|profit)",
    r"\bclick here\b",
    r"\bklik hier\b",
)
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "list-help")
_BULK_HEADERS = ("x-campaign", "x-campaignid", "x-mailchimp-campaign", "x-mailgun-tag")
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
    r"|^\s*-{2,}\s*(?:original message|oorspronkelijk bericht|(?:forwarded|doorgestuurd) bericht|forwarded message)"
    r"|^\s*(?:begin forwarded message|doorgestuurd bericht|forwarded message)\s*:"
    r"|^\s*(?:from|van):\s[^\n]*\n\s*(?:sent|verzonden|date|datum|to|aan):",
    re.IGNORECASE | re.MULTILINE,
)
OWN_TEXT_CHARS = 4000
_AUTOMATED_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_SUCCESS_ACTIONS = {"delivered", "relayed", "expanded"}


@dataclass(frozen=True)
class Context:
    """What the caller knows about the mail beyond its bytes (all optional)."""

    ack_already_recorded: bool = False
    linked: bool = False
    """Whether the mail was linked to one of our notices or cases (by any evidence)."""
    own_domains: tuple[str, ...] = ()
    """Our organisation's mail domains: mail from them is a colleague's (``internal``)."""
    our_recipients: tuple[str, ...] = ()
    """The addresses our notice went to: a DSN about several recipients is read for these."""


def classify(
    parsed: ParsedMail, *, ack_already_recorded: bool = False, context: Context | None = None
) -> Classification:
    """The kind of ``parsed`` with the reasons; see the module docstring for the rules."""
    context = context or Context(ack_already_recorded=ack_already_recorded)
    recipients = tuple(r.lower() for r in context.our_recipients)
    return (
        _read_receipt(parsed)
        or _rfc_bounce(parsed, recipients)
        or _other_bounce(parsed)
        or _answer(parsed, context)
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


def _rfc_bounce(parsed: ParsedMail, our_recipients: tuple[str, ...]) -> Classification | None:
    if parsed.report_type != "delivery-status" and not parsed.delivery_status:
        return None
    recipients = [b for b in parsed.delivery_status if {"action", "status"} & b.keys()]
    reasons = [Reason.DSN_REPORT]
    ours = [b for b in recipients if _recipient_address(b).lower() in our_recipients]
    if ours and len(ours) < len(recipients):
        # Mixed outcomes for several recipients: only ours say what became of the notice.
        recipients = ours
        reasons.append(Reason.DSN_OUR_RECIPIENT)
    failed = [b for b in recipients if _outcome(b) == "failed"]
    delayed = [b for b in recipients if _outcome(b) == "delayed"]
    if failed:
        statuses = {_status_class(b.get("status", "")) for b in failed}
        bounce_type = BounceType.TEMPORARY if statuses == {"4"} else BounceType.PERMANENT
        return _bounce(parsed, (*reasons, Reason.DSN_FAILED), bounce_type, failed)
    if delayed:
        return _delayed(parsed, (*reasons, Reason.DSN_DELAYED), delayed)
    if recipients:
        return _delivery_report(parsed)
    if DELAY_SUBJECT.search(parsed.subject):
        return _delayed(parsed, (*reasons, Reason.DSN_UNREADABLE, Reason.DELAY_SUBJECT), [])
    bounce_type = _bounce_type_from_wording(parsed)
    return _bounce(parsed, (*reasons, Reason.DSN_UNREADABLE), bounce_type, [])


def _outcome(block: Mapping[str, str]) -> str:
    """``failed``, ``delayed`` or ``delivered`` (also relayed, expanded) for one recipient:
    its Action, else its status class (5: failed, 4: delayed, 2: delivered)."""
    action = _first_word(block.get("action", ""))
    if action in ("failed", "delayed"):
        return action
    if action in _SUCCESS_ACTIONS:
        return "delivered"
    status = _status_class(block.get("status", ""))
    return {"5": "failed", "4": "delayed", "2": "delivered"}.get(status, "")


def _bounce(
    parsed: ParsedMail,
    reasons: tuple[Reason, ...],
    bounce_type: BounceType,
    blocks: list[Mapping[str, str]],
) -> Classification:
    addresses = tuple(a for a in (_recipient_address(b) for b in blocks) if a)
    return Classification(
        kind=MailKind.BOUNCE,
        reasons=reasons,
        original_message_ids=_originals(parsed),
        bounce_type=bounce_type,
        failed_recipients=addresses or _failed_header(parsed),
        automated=True,
    )


def _delayed(
    parsed: ParsedMail, reasons: tuple[Reason, ...], blocks: list[Mapping[str, str]]
) -> Classification:
    addresses = tuple(a for a in (_recipient_address(b) for b in blocks) if a)
    return Classification(
        kind=MailKind.DELIVERY_REPORT,
        reasons=reasons,
        original_message_ids=_originals(parsed),
        failed_recipients=addresses,
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
    reasons = (*senders, *evidence)
    if Reason.DELAY_SUBJECT in evidence and Reason.BOUNCE_SUBJECT not in evidence:
        return _delayed(parsed, reasons, [])
    return Classification(
        kind=MailKind.BOUNCE,
        reasons=reasons,
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


def _answer(parsed: ParsedMail, context: Context) -> Classification:
    markers = _automation_reasons(parsed)
    automated = bool(markers)
    own_text = own_text_of(parsed.text)
    ooo_subject = bool(OUT_OF_OFFICE_SUBJECT.search(parsed.subject))
    ooo_body = bool(OUT_OF_OFFICE_BODY.search(own_text))
    ack = _ack_reasons(parsed.subject, own_text)
    receipt = bool(RECEIPT_WORDING.search(own_text))
    not_an_answer = _not_an_answer_reasons(parsed, own_text)

    def result(kind: MailKind, *reasons: Reason) -> Classification:
        return Classification(kind, (*markers, *reasons), automated=automated)

    if ooo_body and (automated or ooo_subject):
        subject_reason = (Reason.OUT_OF_OFFICE_SUBJECT,) if ooo_subject else ()
        return result(MailKind.AUTO_REPLY, *subject_reason, Reason.OUT_OF_OFFICE_BODY)
    if ooo_subject and not (ack or receipt):
        return result(MailKind.AUTO_REPLY, Reason.OUT_OF_OFFICE_SUBJECT)
    if _from_own_domain(parsed, context.own_domains):
        return result(MailKind.INTERNAL, Reason.OWN_DOMAIN)
    if not_an_answer and not context.linked and not (ack or receipt):
        return result(MailKind.UNRELATED, *not_an_answer, Reason.NOT_LINKED)
    if ack and (automated or not context.ack_already_recorded):
        return result(MailKind.ACKNOWLEDGMENT, *ack)
    if receipt and not MORE_THAN_RECEIPT.search(own_text):
        return result(MailKind.ACKNOWLEDGMENT, Reason.RECEIPT_BODY)
    if _is_rfc3834_auto_reply(parsed):
        return result(MailKind.AUTO_REPLY, Reason.AUTO_REPLY_WITHOUT_WORDING)
    if _is_bulk_or_list(parsed):
        return result(MailKind.REPLY, Reason.BULK_OR_LIST)
    if not context.ack_already_recorded:
        return result(MailKind.ACKNOWLEDGMENT, Reason.FIRST_ANSWER)
    return result(MailKind.REPLY, Reason.ANSWER_AFTER_ACK)


def _from_own_domain(parsed: ParsedMail, own_domains: tuple[str, ...]) -> bool:
    domain = parsed.from_address.rpartition("@")[2].lower()
    return bool(domain) and any(
        domain == d.lower() or domain.endswith("." + d.lower()) for d in own_domains if d
    )


def _not_an_answer_reasons(parsed: ParsedMail, own_text: str) -> tuple[Reason, ...]:
    """Why the mail looks like list, bulk or spam mail rather than an answer to anyone."""
    headers = parsed.headers
    reasons = []
    if any(name in headers for name in _LIST_HEADERS):
        reasons.append(Reason.LIST_HEADERS)
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "list", "junk") or any(n in headers for n in _BULK_HEADERS):
        reasons.append(Reason.BULK_MARKETING)
    if headers.get("x-spam-flag", "").strip().lower().startswith("yes"):
        reasons.append(Reason.SPAM_FLAG)
    if MARKETING_WORDING.search(f"{parsed.subject}\n{parsed.text[:OWN_TEXT_CHARS]}"):
        reasons.append(Reason.MARKETING_WORDING)
    return tuple(reasons)


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


# Reasons that make a delivery report a delay: the notice is still on its way.
DELAY_REASONS = frozenset({Reason.DSN_DELAYED, Reason.DELAY_SUBJECT})


def is_delay(kind: str, reasons: list[str] | tuple[str, ...]) -> bool:
    """Whether a delivery report says "delayed" rather than "delivered"."""
    return kind == MailKind.DELIVERY_REPORT and bool(DELAY_REASONS & set(reasons))

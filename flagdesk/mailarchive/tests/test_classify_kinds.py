# SPDX-License-Identifier: EUPL-1.2
"""The kinds beyond answers: unrelated and internal mail, delayed DSNs read per recipient,
and acknowledgments recognised by their wording also after an earlier one."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from flagdesk.mailarchive.classify import (
    BounceType,
    Classification,
    Context,
    MailKind,
    Reason,
    classify,
)
from flagdesk.mailarchive.parsing import parse_message

NOTICE_ID = "<170066063912.4711.1234567890123456789.flagdesk@flagdesk.example>"
QUOTED_NOTICE = (
    "\n\nOn Tue, 2 Mar 2027 at 09:00, Trusted Flagger <tf@minbzk.example> wrote:\n"
    "> Please acknowledge receipt of this notification by replying to this e-mail.\n"
    "> We have received a signal about this post.\n"
)


def mail(
    body: str,
    *,
    sender: str = "Support <support@platform.example>",
    subject: str = "Re: [FD-2023-0001] Notification",
    context: Context | None = None,
    **headers: str,
) -> Classification:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "tf@minbzk.example"
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return classify(parse_message(bytes(message)), context=context or Context(linked=True))


AFTER_ACK = Context(ack_already_recorded=True, linked=True)
UNLINKED = Context(ack_already_recorded=True, linked=False)


# --- later acknowledgments ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We've received this and will come back to you.",
        "Thanks – received.",
        "Thanks, well received!",
        "Got it, we're looking into it.",
        "Received, thank you. Sam",
        "I have received your notice and forwarded it internally.",
        "Everything has been received on our side.",
        "We hereby acknowledge receipt of your notification.",
        "Receipt confirmed.",
        "Ontvangen, we kijken ernaar.",
        "Bedankt, goed ontvangen!",
        "Wij hebben uw melding ontvangen.",
        "We hebben het bericht in goede orde ontvangen.",
        "Ik heb je mail ontvangen en doorgezet.",
        "Hierbij bevestigen wij de ontvangst van uw melding.",
        "Uw melding is goed ontvangen.",
    ],
)
def test_a_persons_confirmation_of_receipt_after_the_automated_one_is_an_acknowledgment(
    text: str,
) -> None:
    result = mail(text + QUOTED_NOTICE, context=AFTER_ACK)
    assert result.kind == MailKind.ACKNOWLEDGMENT, text


@pytest.mark.parametrize(
    "text",
    [
        "We have received your report and removed the post.",
        "Got it. Could you send the other URLs as well?",
        "Ontvangen. Kunt u meer informatie sturen?",
        "We have not received the attachment.",
        "The post does not violate our rules.",
    ],
)
def test_an_answer_that_asks_or_tells_more_is_a_reply(text: str) -> None:
    assert mail(text, context=AFTER_ACK).kind == MailKind.REPLY, text


def test_a_reply_that_only_quotes_our_request_for_receipt_is_no_acknowledgment() -> None:
    result = mail("Forwarding this to our policy team." + QUOTED_NOTICE, context=AFTER_ACK)
    assert result.kind == MailKind.REPLY
    outlook = (
        "Passing this on.\n\nFrom: Trusted Flagger <tf@minbzk.example>\nSent: Tuesday\n"
        "To: team@platform.example\nSubject: notice\n\nPlease acknowledge receipt. "
        "We have received a signal."
    )
    assert mail(outlook, context=AFTER_ACK).kind == MailKind.REPLY
    dutch = (
        "Ter info.\n\nVan: Trusted Flagger <tf@minbzk.example>\nVerzonden: dinsdag\n"
        "Aan: team@platform.example\nOnderwerp: melding\n\nWij hebben uw melding ontvangen."
    )
    assert mail(dutch, context=AFTER_ACK).kind == MailKind.REPLY


# --- out of office -------------------------------------------------------------------------


def test_an_out_of_office_saying_received_is_still_an_auto_reply() -> None:
    result = mail(
        "Thank you for your message, which has been received. I am on annual leave.",
        subject="Out of Office: notice",
        X_Autoreply="yes",
    )
    assert result.kind == MailKind.AUTO_REPLY


def test_an_automatic_reply_subject_with_a_ticket_acknowledgment_is_an_acknowledgment() -> None:
    result = mail(
        "We have received your request. Ticket ID: 7a9c41e2.",
        subject="Automatic reply: your request",
        Auto_Submitted="auto-replied",
    )
    assert result.kind == MailKind.ACKNOWLEDGMENT


# --- unrelated and internal ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"List_Id": "<news.example>"}, Reason.LIST_HEADERS),
        ({"List_Unsubscribe": "<mailto:off@news.example>"}, Reason.LIST_HEADERS),
        ({"Precedence": "bulk"}, Reason.BULK_MARKETING),
        ({"X_Campaign": "march"}, Reason.BULK_MARKETING),
        ({"X_Spam_Flag": "YES"}, Reason.SPAM_FLAG),
        ({}, Reason.MARKETING_WORDING),
    ],
)
def test_unlinked_list_bulk_or_spam_mail_is_unrelated(
    headers: dict[str, str], reason: Reason
) -> None:
    result = mail(
        "Our monthly newsletter: unsubscribe below.",
        sender="news@ngo.example",
        subject="March",
        context=UNLINKED,
        **headers,
    )
    assert result.kind == MailKind.UNRELATED
    assert reason in result.reasons and Reason.NOT_LINKED in result.reasons


def test_linked_list_mail_stays_a_reply_and_an_unlinked_plain_mail_is_no_unrelated() -> None:
    linked = mail("Our monthly newsletter.", List_Id="<x.example>", context=AFTER_ACK)
    assert linked.kind == MailKind.REPLY
    plain = mail("We removed the post.", sender="someone@other.example", context=UNLINKED)
    assert plain.kind == MailKind.REPLY


def test_an_unlinked_platform_acknowledgment_with_list_headers_is_an_acknowledgment() -> None:
    result = mail(
        "We have received your report.", List_Unsubscribe="<https://x.example/u>", context=UNLINKED
    )
    assert result.kind == MailKind.ACKNOWLEDGMENT


def test_mail_from_our_own_domain_is_internal() -> None:
    context = Context(linked=True, own_domains=("minbzk.example",))
    forward = mail(
        "Zie hieronder.\n\nVan: X <noreply@x.com>\nVerzonden: dinsdag\nAan: mij\n"
        "Onderwerp: RE: melding\n\nWe have received your report.",
        sender="Collega <collega@minbzk.example>",
        context=context,
    )
    assert (forward.kind, forward.reasons) == (MailKind.INTERNAL, (Reason.OWN_DOMAIN,))
    sub = mail("Note", sender="c@team.minbzk.example", context=context)
    assert sub.kind == MailKind.INTERNAL
    lookalike = mail("Note", sender="c@notminbzk.example", context=context)
    assert lookalike.kind != MailKind.INTERNAL


def test_an_own_domain_mailer_daemon_is_still_a_bounce() -> None:
    result = mail(
        "Delivery failed: 5.1.1 user unknown",
        sender="MAILER-DAEMON@minbzk.example",
        subject="Undelivered Mail Returned to Sender",
        context=Context(own_domains=("minbzk.example",)),
    )
    assert result.kind == MailKind.BOUNCE


# --- delivery status per recipient -------------------------------------------------------------


def dsn(*blocks: tuple[str, str, str]) -> bytes:
    fields = "\r\n\r\n".join(
        f"Final-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}"
        for rcpt, action, status in blocks
    )
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@mx.example>\r\nSubject: DSN\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example\r\n\r\n{fields}\r\n\r\n--b--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("action", "status", "kind"),
    [
        ("delayed", "4.4.1", MailKind.DELIVERY_REPORT),
        ("relayed", "2.0.0", MailKind.DELIVERY_REPORT),
        ("delivered", "2.0.0", MailKind.DELIVERY_REPORT),
        ("expanded", "2.0.0", MailKind.DELIVERY_REPORT),
        ("failed", "5.1.1", MailKind.BOUNCE),
        ("failed", "4.4.7", MailKind.BOUNCE),
    ],
)
def test_only_a_failed_action_is_a_bounce(action: str, status: str, kind: MailKind) -> None:
    result = classify(parse_message(dsn(("a@p.example", action, status))))
    assert result.kind == kind


def test_a_failure_with_a_transient_status_is_a_temporary_bounce() -> None:
    transient = classify(parse_message(dsn(("a@p.example", "failed", "4.4.7"))))
    assert (transient.kind, transient.bounce_type) == (MailKind.BOUNCE, BounceType.TEMPORARY)
    permanent = classify(parse_message(dsn(("a@p.example", "failed", "5.2.2"))))
    assert (permanent.bounce_type, permanent.permanent) == (BounceType.PERMANENT, True)


def test_a_mixed_dsn_is_decided_for_our_recipient() -> None:
    raw = dsn(("ours@p.example", "delivered", "2.0.0"), ("other@p.example", "failed", "5.1.1"))
    ours = classify(parse_message(raw), context=Context(our_recipients=("Ours@P.example",)))
    assert ours.kind == MailKind.DELIVERY_REPORT
    theirs = classify(parse_message(raw), context=Context(our_recipients=("other@p.example",)))
    assert theirs.kind == MailKind.BOUNCE
    assert Reason.DSN_OUR_RECIPIENT in theirs.reasons
    assert theirs.failed_recipients == ("other@p.example",)
    # Not knowing the recipient: any failure bounces (better a false alarm than a lost notice).
    assert classify(parse_message(raw)).kind == MailKind.BOUNCE
    delayed = dsn(("ours@p.example", "delayed", "4.4.1"), ("other@p.example", "failed", "5.1.1"))
    result = classify(parse_message(delayed), context=Context(our_recipients=("ours@p.example",)))
    assert result.kind == MailKind.DELIVERY_REPORT


@pytest.mark.parametrize(
    "text",
    [
        "Your trusted flagger access ends today: verify your account at http://x.invalid.",
        "Bevestig uw account binnen 24 uur via de link.",
        "Congratulations, you have won! Claim your prize.",
    ],
)
def test_unlinked_phishing_and_spam_are_unrelated(text: str) -> None:
    result = mail(text, sender="support@x-safety-desk.example", subject="Notice", context=UNLINKED)
    assert result.kind == MailKind.UNRELATED

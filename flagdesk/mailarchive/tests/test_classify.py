# SPDX-License-Identifier: EUPL-1.2
"""classify() case by case: every kind and every reason code, on real-looking mail."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from flagdesk.mailarchive.classify import (
    BounceType,
    Classification,
    Context,
    MailKind,
    Reason,
    classify,
    is_delay,
    own_text_of,
)
from flagdesk.mailarchive.parsing import parse_message

SAMPLES = Path(__file__).parent / "samples"
NOTICE_ID = "<170066063912.4711.1234567890123456789.flagdesk@flagdesk.example>"


def classify_sample(name: str, *, ack_already_recorded: bool = False) -> Classification:
    parsed = parse_message((SAMPLES / name).read_bytes())
    return classify(parsed, ack_already_recorded=ack_already_recorded)


def classify_mail(
    body: str = "",
    *,
    subject: str = "Re: [FD-2023-0001] Notification",
    sender: str = "Support <support@platform.example>",
    ack_already_recorded: bool = False,
    **headers: str,
) -> Classification:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "flagger@flagdesk.example"
    mail["Subject"] = subject
    mail["In-Reply-To"] = NOTICE_ID
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    # It answers our notice (In-Reply-To): linked, as the archive would have found.
    context = Context(ack_already_recorded=ack_already_recorded, linked=True)
    return classify(parse_message(bytes(mail)), context=context)


# --- read receipts --------------------------------------------------------------------


def test_a_thunderbird_mdn_is_a_read_receipt() -> None:
    result = classify_sample("thunderbird_mdn.eml")
    assert result.kind == MailKind.READ_RECEIPT
    assert result.reasons == (Reason.MDN_REPORT,)
    assert result.original_message_ids == (NOTICE_ID,)
    assert result.mdn_disposition == "displayed"
    assert result.automated


def test_a_read_receipt_is_never_an_acknowledgment() -> None:
    result = classify_sample("thunderbird_mdn.eml", ack_already_recorded=False)
    assert result.kind == MailKind.READ_RECEIPT


def test_an_mdn_without_original_message_id_falls_back_to_the_thread() -> None:
    raw = (
        b"From: r@platform.example\r\nIn-Reply-To: <n1@flagdesk.example>\r\n"
        b"Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n"
        b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nread\r\n"
        b"--b\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Disposition: automatic-action/MDN-sent-automatically; deleted\r\n\r\n--b--\r\n"
    )
    result = classify(parse_message(raw))
    assert result.kind == MailKind.READ_RECEIPT
    assert result.original_message_ids == ("<n1@flagdesk.example>",)
    assert result.mdn_disposition == "deleted"


# --- bounces -----------------------------------------------------------------------


def test_a_postfix_dsn_is_a_permanent_bounce() -> None:
    result = classify_sample("postfix_dsn_failed.eml")
    assert result.kind == MailKind.BOUNCE
    assert result.reasons == (Reason.DSN_REPORT, Reason.DSN_FAILED)
    assert result.bounce_type == BounceType.PERMANENT
    assert result.permanent
    assert result.original_message_ids == (NOTICE_ID,)
    assert result.failed_recipients == ("escalations@platform.example",)


def test_a_delayed_dsn_is_no_bounce() -> None:
    result = classify_sample("postfix_dsn_delayed.eml")
    assert result.kind == MailKind.DELIVERY_REPORT
    assert result.reasons == (Reason.DSN_REPORT, Reason.DSN_DELAYED)
    assert result.bounce_type is None
    assert is_delay(result.kind, result.reasons)
    assert result.original_message_ids == ("<170066063999.4711.98765.flagdesk@flagdesk.example>",)
    assert result.failed_recipients == ("trust@platform.example",)


def dsn(*recipient_blocks: str, subject: str = "Delivery Status Notification") -> bytes:
    blocks = "\r\n\r\n".join(recipient_blocks)
    return (
        f"From: Mail Delivery Subsystem <mailer-daemon@mx.example>\r\nSubject: {subject}\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example\r\n\r\n{blocks}\r\n\r\n--b--\r\n"
    ).encode()


def test_a_status_of_5_makes_a_bounce_permanent_even_without_action() -> None:
    result = classify(parse_message(dsn("Final-Recipient: rfc822; a@p.example\r\nStatus: 5.7.1")))
    assert result.bounce_type == BounceType.PERMANENT
    assert result.failed_recipients == ("a@p.example",)


def test_one_failed_recipient_makes_the_bounce_permanent() -> None:
    raw = dsn(
        "Final-Recipient: rfc822; a@p.example\r\nAction: delayed\r\nStatus: 4.4.7",
        "Final-Recipient: rfc822; b@p.example\r\nAction: failed\r\nStatus: 5.2.2",
    )
    result = classify(parse_message(raw))
    assert result.kind == MailKind.BOUNCE
    assert result.bounce_type == BounceType.PERMANENT
    assert result.failed_recipients == ("b@p.example",)


def test_a_dsn_of_delivered_recipients_is_a_delivery_report() -> None:
    raw = dsn("Final-Recipient: rfc822; a@p.example\r\nAction: delivered\r\nStatus: 2.0.0")
    result = classify(parse_message(raw))
    assert result.kind == MailKind.DELIVERY_REPORT
    assert result.reasons == (Reason.DSN_REPORT, Reason.DSN_DELIVERED)
    assert result.bounce_type is None
    assert not result.permanent


def test_an_unreadable_dsn_is_judged_by_its_subject() -> None:
    raw = dsn("garbage without fields", subject="Delivery Status Notification (Delay)")
    result = classify(parse_message(raw))
    assert result.kind == MailKind.DELIVERY_REPORT
    assert Reason.DSN_UNREADABLE in result.reasons
    assert is_delay(result.kind, result.reasons)
    failed = classify(parse_message(dsn("garbage", subject="Undelivered Mail Returned")))
    assert failed.kind == MailKind.BOUNCE


def test_a_qmail_failure_notice_is_a_permanent_bounce() -> None:
    result = classify_sample("qmail_failure_notice.eml")
    assert result.kind == MailKind.BOUNCE
    assert result.reasons == (
        Reason.DAEMON_SENDER,
        Reason.NULL_RETURN_PATH,
        Reason.BOUNCE_SUBJECT,
        Reason.STATUS_CODE_IN_TEXT,
    )
    assert result.bounce_type == BounceType.PERMANENT
    assert result.original_message_ids == ("<170066063000.1.2.flagdesk@flagdesk.example>",)


def test_an_exchange_ndr_with_attached_original_is_a_bounce() -> None:
    original = EmailMessage()
    original["Message-ID"] = NOTICE_ID
    original["Subject"] = "[FD-2023-0001] Notification"
    original.set_content("please review")
    mail = EmailMessage()
    mail["From"] = "postmaster@platform.example"
    mail["Subject"] = "Onbestelbaar: [FD-2023-0001] Notification"
    mail.set_content("Uw bericht kon niet worden bezorgd.")
    mail.add_attachment(original)
    result = classify(parse_message(bytes(mail)))
    assert result.kind == MailKind.BOUNCE
    assert result.reasons == (Reason.DAEMON_SENDER, Reason.BOUNCE_SUBJECT, Reason.ORIGINAL_ATTACHED)
    assert result.original_message_ids == (NOTICE_ID,)


def test_an_x_failed_recipients_header_alone_is_a_bounce() -> None:
    result = classify_mail(
        "Sorry.", sender="mail@relay.example", X_Failed_Recipients="gone@platform.example"
    )
    assert result.kind == MailKind.BOUNCE
    assert result.reasons == (Reason.FAILED_RECIPIENTS_HEADER,)
    assert result.failed_recipients == ("gone@platform.example",)


def test_a_delay_warning_from_a_daemon_is_no_bounce() -> None:
    result = classify_mail(
        "Your message has not been delivered yet. It will be retried.",
        subject="Warning: message 4SZq1X0 delayed 4 hours",
        sender="Mail Delivery System <MAILER-DAEMON@mx.example>",
    )
    assert result.kind == MailKind.DELIVERY_REPORT
    assert result.reasons == (Reason.DAEMON_SENDER, Reason.DELAY_SUBJECT)
    assert is_delay(result.kind, result.reasons)


def test_a_daemon_mail_without_evidence_is_no_bounce() -> None:
    result = classify_mail("Your mailbox quota is fine.", subject="Weekly report",
                           sender="postmaster@platform.example")  # fmt: skip
    assert result.kind != MailKind.BOUNCE


def test_a_version_number_in_an_automatic_reply_is_no_status_code() -> None:
    result = classify_mail(
        "We have received your report. Our form 4.2.1 will be used.",
        Return_Path="<>",
        Auto_Submitted="auto-replied",
    )
    assert result.kind == MailKind.ACKNOWLEDGMENT


# --- auto replies -----------------------------------------------------------------------


def test_an_exchange_automatic_reply_is_an_auto_reply() -> None:
    result = classify_sample("exchange_automatic_reply.eml")
    assert result.kind == MailKind.AUTO_REPLY
    assert result.reasons == (
        Reason.AUTO_SUBMITTED,
        Reason.AUTO_RESPONSE_SUPPRESS,
        Reason.OUT_OF_OFFICE_SUBJECT,
        Reason.OUT_OF_OFFICE_BODY,
    )
    assert result.automated


def test_a_gmail_vacation_reply_is_an_auto_reply() -> None:
    result = classify_sample("gmail_vacation.eml")
    assert result.kind == MailKind.AUTO_REPLY
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.PRECEDENCE, Reason.OUT_OF_OFFICE_BODY)


def test_a_dutch_automatisch_antwoord_is_an_auto_reply() -> None:
    result = classify_sample("dutch_automatisch_antwoord.eml")
    assert result.kind == MailKind.AUTO_REPLY
    assert Reason.OUT_OF_OFFICE_SUBJECT in result.reasons
    assert Reason.OUT_OF_OFFICE_BODY in result.reasons


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: [FD-2023-0001] Notification",
        "Out-of-office reply",
        "Automatic reply: Notification",
        "Automatisch antwoord: Notification",
        "Afwezig: Notification",
        "Niet aanwezig tot 27 november",
        "Auto-reply: Notification",
        "Vacation reply",
    ],
)
def test_out_of_office_subjects_make_an_auto_reply(subject: str) -> None:
    result = classify_mail("Kind regards", subject=subject)
    assert result.kind == MailKind.AUTO_REPLY
    assert result.reasons == (Reason.OUT_OF_OFFICE_SUBJECT,)


@pytest.mark.parametrize(
    "body",
    [
        "I am currently out of the office.",
        "I'm on leave until Monday.",
        "I am away with limited access to email.",
        "Ik ben met vakantie en niet bereikbaar.",
        "Ik ben afwezig tot en met vrijdag.",
        "Ik ben tot maandag niet aanwezig.",
    ],
)
def test_out_of_office_wording_in_automated_mail_makes_an_auto_reply(body: str) -> None:
    result = classify_mail(body, Auto_Submitted="auto-replied")
    assert result.kind == MailKind.AUTO_REPLY
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.OUT_OF_OFFICE_BODY)


def test_a_person_mentioning_their_leave_is_not_an_auto_reply() -> None:
    result = classify_mail(
        "Sorry for the delay, I was on leave. We removed the post.", ack_already_recorded=True
    )
    assert result.kind == MailKind.REPLY


@pytest.mark.parametrize(
    "headers",
    [{"Auto_Submitted": "auto-replied"}, {"X_Autoreply": "yes"}, {"X_Autorespond": "1"}],
)
def test_an_rfc3834_auto_reply_without_wording_is_an_auto_reply(headers: dict[str, str]) -> None:
    result = classify_mail("Bedankt. Dit adres wordt gelezen op werkdagen.", **headers)
    assert result.kind == MailKind.AUTO_REPLY
    assert result.reasons[-1] == Reason.AUTO_REPLY_WITHOUT_WORDING


def test_an_auto_reply_is_not_an_acknowledgment_even_when_none_is_recorded() -> None:
    result = classify_sample("gmail_vacation.eml", ack_already_recorded=False)
    assert result.kind == MailKind.AUTO_REPLY


def test_an_out_of_office_that_thanks_for_the_email_stays_an_auto_reply() -> None:
    result = classify_mail(
        "Thank you for your email. I am out of the office until 27 November.",
        subject="Automatic reply: Notification",
    )
    assert result.kind == MailKind.AUTO_REPLY


# --- acknowledgments ---------------------------------------------------------------------


def test_an_x_ticket_acknowledgment_is_an_acknowledgment() -> None:
    result = classify_sample("x_ticket_acknowledgment.eml")
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.ACK_SUBJECT, Reason.ACK_BODY)


def test_an_automatic_acknowledgment_counts_even_after_an_earlier_one() -> None:
    result = classify_sample("x_ticket_acknowledgment.eml", ack_already_recorded=True)
    assert result.kind == MailKind.ACKNOWLEDGMENT


def test_a_dutch_bevestiging_van_ontvangst_is_an_acknowledgment() -> None:
    result = classify_sample("dutch_bevestiging.eml")
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.ACK_SUBJECT, Reason.ACK_BODY)


@pytest.mark.parametrize(
    "body",
    [
        "We have received your report and will review it.",
        "Your request has been received. Ticket #123.",
        "Thank you for contacting Platform Support.",
        "Thanks for your report, our team will look into it.",
        "This is a confirmation of receipt.",
        "Wij hebben uw melding in goede orde ontvangen.",
        "Uw verzoek is ontvangen.",
        "Bedankt voor uw melding.",
    ],
)
def test_acknowledgment_wording_in_automated_mail(body: str) -> None:
    result = classify_mail(body, Auto_Submitted="auto-generated", ack_already_recorded=True)
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.ACK_BODY)


def test_an_acknowledgment_subject_beats_an_automatic_reply_prefix() -> None:
    result = classify_mail("Reference 123", subject="Automatic reply: request received")
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.ACK_SUBJECT,)


def test_the_first_human_answer_is_the_acknowledgment() -> None:
    # The seed's case: X answered within three minutes with one human line.
    result = classify_sample("x_human_reply.eml", ack_already_recorded=False)
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.FIRST_ANSWER,)
    assert not result.automated


def test_a_human_answer_after_the_acknowledgment_is_a_reply() -> None:
    result = classify_sample("x_human_reply.eml", ack_already_recorded=True)
    assert result.kind == MailKind.REPLY
    assert result.reasons == (Reason.ANSWER_AFTER_ACK,)


def test_quoted_notice_text_does_not_make_an_acknowledgment() -> None:
    # The quoted notice asks for a "bevestiging van ontvangst"; that is our wording.
    result = classify_sample("x_human_reply.eml", ack_already_recorded=True)
    assert Reason.ACK_BODY not in result.reasons


def test_a_human_reply_with_receipt_wording_after_an_ack_is_a_reply() -> None:
    result = classify_mail(
        "We have received your report and removed the post.", ack_already_recorded=True
    )
    assert result.kind == MailKind.REPLY


def test_a_human_reply_with_receipt_wording_first_is_an_acknowledgment() -> None:
    result = classify_mail("We have received your report.", ack_already_recorded=False)
    assert result.kind == MailKind.ACKNOWLEDGMENT
    assert result.reasons == (Reason.ACK_BODY,)


# --- replies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"List_Id": "<news.platform.example>"}, {"Precedence": "bulk"}, {"Precedence": "list"}],
)
def test_list_or_bulk_mail_is_never_the_first_answer(headers: dict[str, str]) -> None:
    result = classify_mail("Our monthly newsletter.", ack_already_recorded=False, **headers)
    assert result.kind == MailKind.REPLY
    assert result.reasons[-1] == Reason.BULK_OR_LIST


def test_an_auto_generated_update_without_wording_is_an_answer() -> None:
    result = classify_mail(
        "The content you reported has been restricted.",
        Auto_Submitted="auto-generated",
        ack_already_recorded=True,
    )
    assert result.kind == MailKind.REPLY
    assert result.reasons == (Reason.AUTO_SUBMITTED, Reason.ANSWER_AFTER_ACK)


def test_auto_submitted_no_is_not_automation() -> None:
    result = classify_mail("We removed it.", Auto_Submitted="no", ack_already_recorded=True)
    assert result.reasons == (Reason.ANSWER_AFTER_ACK,)
    assert not result.automated


# --- quoted history ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "> quoted line",
        "On Wed 22 Nov 2023 at 14:43 Flagger <f@flagdesk.example> wrote:",
        "On Wed, 22 Nov 2023 at 14:43, A very long name of someone\n<f@flagdesk.example> wrote:",
        "Op wo 22 nov. 2023 om 14:43 schreef Flagger <f@flagdesk.example>:",
        "-----Original Message-----",
        "-----Oorspronkelijk bericht-----",
        "From: Flagger\nSent: Wednesday",
        "Van: Flagger\nAan: platform",
    ],
)
def test_own_text_stops_at_the_quoted_history(quote: str) -> None:
    assert own_text_of(f"Answer.\n\n{quote}\nold text").strip() == "Answer."

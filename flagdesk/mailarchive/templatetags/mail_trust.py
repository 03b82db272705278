# SPDX-License-Identifier: EUPL-1.2
"""The sender assessment of a message, as people read it: badges, warnings and reasons."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from flagdesk.mailarchive.models import MailMessage

register = template.Library()

# Reason codes (mailarchive/trust.py) in words; a code not listed is shown as is.
REASONS = {
    "platform_domain": _("sent from the platform's mail domain"),
    "other_platforms_domain": _("sent from another platform's domain"),
    "own_domain": _("sent from our own domain"),
    "mail_system_sender": _("sent by a mail system (MAILER-DAEMON, postmaster)"),
    "not_a_platform_domain": _("not sent from a platform's mail domain"),
    "no_sender_address": _("no sender address"),
    "lookalike_brand_token": _("the domain carries a platform's name but is not the platform's"),
    "lookalike_platform_domain_embedded": _("a platform's domain is hidden inside the domain"),
    "lookalike_edit_distance": _("the domain is a typo away from a platform's domain"),
    "lookalike_homoglyph": _("the domain uses look-alike characters"),
    "lookalike_return_path": _("the envelope sender is a lookalike"),
    "return_path_other_domain": _("the envelope sender has another domain"),
    "brand_in_display_name": _("the sender's name claims a platform"),
    "authenticated": _("authenticated by our mail server"),
    "authentication_failed": _("authentication failed"),
    "not_authenticated": _("not authenticated"),
    "authenticated_domain_not_aligned": _("signed for another domain than the sender's"),
    "foreign_authentication_results_ignored": _("authentication results of another server ignored"),
    "lower_authentication_results_ignored": _(
        "authentication results below the top ignored (may be forged)"
    ),
    "dkim_signature_unreadable": _("unreadable DKIM signature"),
    "our_own_copy": _("our own copy of the notice"),
    "our_message_id_from_stranger": _("carries our notice's Message-ID but is not our copy"),
    "our_message_id_in_thread": _("answers our notice (its Message-ID)"),
    "our_message_id_in_report": _("returns our notice (its Message-ID in the report)"),
    "platform_ticket_number": _("the platform's ticket number, learned from its mail"),
    "platform_ticket_number_unauthenticated": _(
        "a ticket number, but the mail is not authenticated as the platform's"
    ),
    "case_reference_in_subject": _("only the case reference in the subject"),
    "case_reference_in_text": _("only the case reference in the text"),
    "answers_mail_linked_earlier": _("answers an earlier message of this notice"),
    "our_message_id_in_text": _(
        "our notice's Message-ID written in the text (quoted or forwarded)"
    ),
    "evidence_for_several_cases": _("points at more than one case: link it by hand"),
    "attached_by_hand": _("linked to the case by hand"),
    "not_the_notices_platform": _("not from the platform the notice went to"),
    "report_without_our_original": _("a delivery report without our notice as its original"),
    "report_not_from_mail_system": _("a delivery report not sent by a mail system"),
    "no_notice": _("no notice sent on this case yet"),
    "imported_before_trust_check": _("archived before senders were checked"),
}

WARNINGS = {
    "lookalike": _("Lookalike of a platform's domain: probably not the platform."),
    "authentication_failed": _("The sender's authentication failed: possibly forged."),
    "not_authenticated": _("The sender is not authenticated."),
}


@register.filter
def trust_reason(code: str) -> str:
    return str(REASONS.get(code, code))


@register.filter
def trust_warning(code: str) -> str:
    return str(WARNINGS.get(code, code))


@register.inclusion_tag("mailarchive/_trust_badges.html")
def trust_badges(message: MailMessage) -> dict[str, object]:
    """The message's link and confirmation state, with a warning badge where due."""
    return {"m": message}

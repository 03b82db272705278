# SPDX-License-Identifier: EUPL-1.2
"""Mail archived before the sender check gets an assessment from what was stored.

Authentication can't be judged afterwards (``none``). Mail linked by our own Message-ID
(thread headers, a report's original, our archive copy) was linked by a secret: a strong
link. Mail linked only by a case reference or a platform ticket number may have been
forged: it needs an assessor's confirmation now (what it already changed stays in the
audit trail, and the confirmation queue shows it). Mail a person attached counts as
confirmed by that person.
"""

from django.conf import settings
from django.db import migrations

LEGACY = "imported_before_trust_check"
DAEMONS = {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster", "mdaemon"}
STRONG = {
    "own_message_id": "our_own_copy",
    "thread": "our_message_id_in_thread",
    "report": "our_message_id_in_report",
}
WEAK = {
    "case_reference": "case_reference_in_subject",
    "platform_reference": "platform_ticket_number_unauthenticated",
}


def _within(domain, parent):
    return domain == parent or domain.endswith("." + parent)


def _platform_domains(apps):
    Platform = apps.get_model("platforms", "Platform")
    found = {}
    for platform in Platform.objects.all():
        domains = [d.strip().lower() for d in platform.mail_domains.split(",") if d.strip()]
        if platform.channel_kind == "email" and "@" in platform.channel_address:
            domains.append(platform.channel_address.rpartition("@")[2].strip().lower())
        found[platform.slug] = domains
    return found


def _sender(address, platforms, own):
    local, _, domain = address.lower().rpartition("@")
    platform = next(
        (slug for slug, ds in platforms.items() if any(_within(domain, d) for d in ds)), ""
    )
    if local in DAEMONS:
        return domain, platform, "mail_system"
    if platform:
        return domain, platform, "platform"
    if domain and any(_within(domain, d) for d in own):
        return domain, "", "own"
    return domain, "", "other"


def assess(apps, schema_editor):
    MailMessage = apps.get_model("mailarchive", "MailMessage")
    platforms = _platform_domains(apps)
    own = {settings.FROM_EMAIL.rpartition("@")[2].lower(), *settings.ORGANISATION_DOMAINS}
    for message in MailMessage.objects.all().iterator():
        domain, platform, kind = _sender(message.from_address, platforms, own)
        method = message.match_method
        if method in STRONG:
            strength, confirmation, reason = "strong", "not_needed", STRONG[method]
        elif method in WEAK:
            strength, confirmation, reason = "weak", "pending", WEAK[method]
        elif method == "manual":
            strength, confirmation, reason = "weak", "confirmed", "attached_by_hand"
        else:
            strength, confirmation, reason = "none", "not_needed", ""
        message.sender_domain = domain[:253]
        message.sender_platform = platform
        message.sender_kind = kind
        message.auth_result = "none"
        message.link_strength = strength
        message.confirmation = confirmation
        message.trust_reasons = [r for r in (LEGACY, reason, "not_authenticated") if r]
        message.save(
            update_fields=[
                "sender_domain",
                "sender_platform",
                "sender_kind",
                "auth_result",
                "link_strength",
                "confirmation",
                "trust_reasons",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mailarchive", "0003_sender_trust"),
        ("platforms", "0004_seed_mail_domains"),
    ]
    operations = [migrations.RunPython(assess, migrations.RunPython.noop)]

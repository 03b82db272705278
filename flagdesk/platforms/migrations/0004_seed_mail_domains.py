# SPDX-License-Identifier: EUPL-1.2
"""The five platforms' mail domains (subdomains count): where their trust & safety and
support mail comes from. An administrator adjusts them on the platform's page."""

from django.db import migrations

MAIL_DOMAINS = {
    "meta": "facebook.com,facebookmail.com,meta.com,fb.com,instagram.com,support.facebook.com",
    "google": "google.com,youtube.com",
    "x": "x.com,twitter.com",
    "tiktok": "tiktok.com,bytedance.com",
    "snapchat": "snapchat.com,snap.com",
}


def seed(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    for slug, domains in MAIL_DOMAINS.items():
        # Only where an administrator has not filled them in already.
        Platform.objects.filter(slug=slug, mail_domains="").update(mail_domains=domains)


def unseed(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    for slug, domains in MAIL_DOMAINS.items():
        Platform.objects.filter(slug=slug, mail_domains=domains).update(mail_domains="")


class Migration(migrations.Migration):
    dependencies = [("platforms", "0003_platform_mail_domains")]
    operations = [migrations.RunPython(seed, unseed)]

# SPDX-License-Identifier: EUPL-1.2
"""The five platforms with which the ministry holds the status (domain.md §2, seed report).

Channel addresses are placeholders on the reserved .example domain: an administrator
replaces them with the address or portal URL the platform gave the organisation.
"""

from django.db import migrations

PLATFORMS = [
    {
        "slug": "meta", "name": "Meta", "services": "Facebook, Instagram, Threads",
        "programme": "Trusted Partner program", "status_since": 2019,
        "channel_kind": "email", "channel_address": "trusted-partner@meta.example",
        "policy_name": "Community Standards: voter and census interference",
        "policy_url": "https://transparency.meta.com/policies/community-standards/coordinating-harm-publicizing-crime/",
        "citizen_report_url": "https://www.facebook.com/help/181495968648557",
        "hosts": "facebook.com,fb.com,fb.watch,instagram.com,threads.net,threads.com",
        "aliases": ["facebook", "instagram", "threads", "fb", "ig", "whatsapp-channels"],
    },
    {
        "slug": "google", "name": "Google (YouTube)", "services": "YouTube",
        "programme": "YouTube Priority Flagger Program", "status_since": 2021,
        "channel_kind": "portal",
        "channel_address": "https://support.google.com/youtube/answer/7554338",
        "policy_name": "Elections misinformation policies",
        "policy_url": "https://support.google.com/youtube/answer/10835034",
        "citizen_report_url": "https://support.google.com/youtube/answer/2802027",
        "hosts": "youtube.com,youtu.be,youtube-nocookie.com",
        "aliases": ["youtube", "yt"],
    },
    {
        "slug": "x", "name": "X", "services": "X (formerly Twitter)",
        "programme": "Urgent Escalation Channel", "status_since": 2019,
        "channel_kind": "email", "channel_address": "urgent-escalation@x.example",
        "policy_name": "X's civic integrity policy",
        "policy_url": "https://help.x.com/en/rules-and-policies/election-integrity-policy",
        "citizen_report_url": "https://help.x.com/en/rules-and-policies/x-report-violation",
        "hosts": "x.com,twitter.com",
        "aliases": ["twitter", "x-twitter", "tweet"],
    },
    {
        "slug": "tiktok", "name": "TikTok", "services": "TikTok",
        "programme": "Community Partner Channel", "status_since": 2021,
        "channel_kind": "portal", "channel_address": "https://partners.tiktok.example/report",
        "policy_name": "Community Guidelines: Civic and Election Integrity",
        "policy_url": "https://www.tiktok.com/community-guidelines/en/integrity-authenticity",
        "citizen_report_url": "https://support.tiktok.com/en/safety-hc/report-a-problem",
        "hosts": "tiktok.com",
        "aliases": ["tik-tok", "bytedance"],
    },
    {
        "slug": "snapchat", "name": "Snapchat", "services": "Snapchat",
        "programme": "Trusted Flagger Programme", "status_since": 2021,
        "channel_kind": "email", "channel_address": "trusted-flagger@snap.example",
        "policy_name": "Community Guidelines: Harmful False or Deceptive Information",
        "policy_url": "https://values.snap.com/privacy/transparency/community-guidelines/harmful-false-information",
        "citizen_report_url": "https://help.snapchat.com/hc/en-us/articles/7012399221652",
        "hosts": "snapchat.com",
        "aliases": ["snap"],
    },
]


def seed(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    PlatformAlias = apps.get_model("platforms", "PlatformAlias")
    for data in PLATFORMS:
        data = dict(data)
        aliases = data.pop("aliases")
        platform, _ = Platform.objects.update_or_create(slug=data["slug"], defaults=data)
        for alias in aliases:
            PlatformAlias.objects.update_or_create(alias=alias, defaults={"platform": platform})


def unseed(apps, schema_editor):
    apps.get_model("platforms", "Platform").objects.filter(
        slug__in=[p["slug"] for p in PLATFORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

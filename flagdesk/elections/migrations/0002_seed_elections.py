# SPDX-License-Identifier: EUPL-1.2
"""The Dutch elections 2023–2027 (docs: ../shared/docs/domain.md §3).

The attention window runs from six weeks before election day (candidate lists are
final then) until two weeks after (results and appeals).
"""

import datetime as dt

from django.db import migrations

ELECTIONS = [
    ("PS2023", "PS", "Provinciale Staten 15 maart 2023", dt.date(2023, 3, 15)),
    ("WS2023", "WS", "Waterschappen 15 maart 2023", dt.date(2023, 3, 15)),
    ("TK2023", "TK", "Tweede Kamer 22 november 2023", dt.date(2023, 11, 22)),
    ("EP2024", "EP", "Europees Parlement 6 juni 2024", dt.date(2024, 6, 6)),
    ("TK2025", "TK", "Tweede Kamer 29 oktober 2025", dt.date(2025, 10, 29)),
    ("GR2026", "GR", "Gemeenteraden 18 maart 2026", dt.date(2026, 3, 18)),
    ("CN2027", "CN", "Eilandsraden en kiescolleges maart 2027 (datum onbevestigd)", dt.date(2027, 3, 17)),
    ("PS2027", "PS", "Provinciale Staten maart 2027 (datum onbevestigd)", dt.date(2027, 3, 17)),
    ("WS2027", "WS", "Waterschappen maart 2027 (datum onbevestigd)", dt.date(2027, 3, 17)),
    ("EK2027", "EK", "Eerste Kamer 2027 (datum onbevestigd)", dt.date(2027, 5, 25)),
]


def seed(apps, schema_editor):
    Election = apps.get_model("elections", "Election")
    for code, kind, name, day in ELECTIONS:
        Election.objects.update_or_create(code=code, defaults={
            "type": kind, "name": name, "election_day": day,
            "attention_start": day - dt.timedelta(weeks=6),
            "attention_end": day + dt.timedelta(weeks=2),
        })


def unseed(apps, schema_editor):
    apps.get_model("elections", "Election").objects.filter(code__in=[e[0] for e in ELECTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("elections", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

# SPDX-License-Identifier: EUPL-1.2
from django.db import migrations


def seed(apps, schema_editor):
    from flagdesk.narratives.seed import NARRATIVES

    Narrative = apps.get_model("narratives", "Narrative")
    for data in NARRATIVES:
        Narrative.objects.update_or_create(slug=data["slug"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("narratives", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

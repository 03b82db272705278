# SPDX-License-Identifier: EUPL-1.2
"""Make existing cases findable by their assessment's reasons and their decisions'
justifications (the services index new ones: assessments.service)."""

from django.db import migrations

REASONINGS = (
    "election_process_risk_reasoning",
    "misleading_reasoning",
    "harms_reasoning",
    "own_contact_attempts_reasoning",
    "own_means_exhausted_reasoning",
)


def index_texts(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Decision = apps.get_model("assessments", "Decision")
    SearchText = apps.get_model("intake", "SearchText")
    rows = [
        SearchText(
            case_id=a.case_id,
            source="assessment",
            body="\n".join(filter(None, (getattr(a, name) for name in REASONINGS))),
        )
        for a in Assessment.objects.order_by("pk").iterator()
    ]
    rows += [
        SearchText(
            case_id=d.case_id,
            source=f"decision:{d.pk}",
            body="\n".join(filter(None, (d.justification, d.override_justification))),
        )
        for d in Decision.objects.order_by("pk").iterator()
    ]
    SearchText.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_decision_withdraw_reassign"),
        ("intake", "0006_search_text"),
    ]

    operations = [migrations.RunPython(index_texts, migrations.RunPython.noop)]

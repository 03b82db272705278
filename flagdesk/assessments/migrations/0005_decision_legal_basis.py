# SPDX-License-Identifier: EUPL-1.2
"""The legal basis of a decision to deploy (issue 14).

Every decision to deploy taken before the basis was recorded was an escalation of a possible
breach of the platform's terms through its voluntary programme (the seed's practice: no
notice so far named a provision of law), so they get ``terms_escalation``. Decisions not to
deploy, or to refer, send no notice and keep no basis.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    Decision = apps.get_model("assessments", "Decision")
    Decision.objects.filter(outcome="deploy", legal_basis="").update(
        legal_basis="terms_escalation"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_assessment_kind_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="legal_basis",
            field=models.CharField(
                blank=True,
                choices=[
                    ("illegal_content", "Notice of illegal content (DSA Art. 16)"),
                    ("terms_escalation", "Escalation of a possible breach of the terms"),
                ],
                default="",
                max_length=20,
                verbose_name="legal basis",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="provisions",
            field=models.JSONField(blank=True, default=list, verbose_name="provisions"),
        ),
        migrations.AddField(
            model_name="decision",
            name="other_provision",
            field=models.CharField(blank=True, max_length=500, verbose_name="other provision"),
        ),
        migrations.AddField(
            model_name="decision",
            name="illegal_content_type",
            field=models.CharField(
                blank=True, max_length=40, verbose_name="type of alleged illegal content"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

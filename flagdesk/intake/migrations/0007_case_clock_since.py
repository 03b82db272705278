# SPDX-License-Identifier: EUPL-1.2
"""The decision clock's start kept on the case (``Case.clock_since``), with a partial index
over the open cases: the dashboard's "oldest open cases" becomes an index scan.

Existing cases get their first signal's receipt, or their creation when they have no signal
(what ``notices.clocks`` computed per case before), a receipt stated later than the signal
was recorded counting from its recording (as intake does from now on). One UPDATE with a
correlated subquery, the same SQL on SQLite and PostgreSQL.
"""

import django.utils.timezone
from django.db import migrations, models

FILL = """
UPDATE intake_case SET clock_since = COALESCE(
    (
        SELECT MIN(CASE WHEN s.received_at < s.created_at THEN s.received_at ELSE s.created_at END)
        FROM intake_signal s WHERE s.case_id = intake_case.id
    ),
    intake_case.created_at
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="clock_since",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="clock since"
            ),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("state__in", ["new", "assessing"])),
                fields=["clock_since", "id"],
                name="intake_case_open_clock",
            ),
        ),
    ]

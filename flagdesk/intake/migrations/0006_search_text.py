# SPDX-License-Identifier: EUPL-1.2
"""The search table and its full-text index, each database its own (intake/search.py).

PostgreSQL: a generated ``tsvector`` column (Dutch stemming and stop words) with a GIN index.
SQLite: an FTS5 table over the rows (external content), kept in step by triggers, so every
writer (the services, this backfill, a restore, a cascade delete) keeps it right without
knowing of it.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    "ALTER TABLE intake_searchtext ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, body)) STORED",
    "CREATE INDEX intake_searchtext_vector_idx ON intake_searchtext USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS intake_searchtext_vector_idx",
    "ALTER TABLE intake_searchtext DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE intake_searchtext_fts USING fts5(body, content='intake_searchtext',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER intake_searchtext_ai AFTER INSERT ON intake_searchtext BEGIN"
    " INSERT INTO intake_searchtext_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER intake_searchtext_ad AFTER DELETE ON intake_searchtext BEGIN"
    " INSERT INTO intake_searchtext_fts(intake_searchtext_fts, rowid, body)"
    " VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER intake_searchtext_au AFTER UPDATE ON intake_searchtext BEGIN"
    " INSERT INTO intake_searchtext_fts(intake_searchtext_fts, rowid, body)"
    " VALUES ('delete', old.id, old.body);"
    " INSERT INTO intake_searchtext_fts(rowid, body) VALUES (new.id, new.body); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intake_searchtext_ai",
    "DROP TRIGGER IF EXISTS intake_searchtext_ad",
    "DROP TRIGGER IF EXISTS intake_searchtext_au",
    "DROP TABLE IF EXISTS intake_searchtext_fts",
]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRES_FORWARD if vendor == "postgresql" else SQLITE_FORWARD)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD)


def index_signals(apps, schema_editor):
    # The same words as intake.service.signal_search_body, from the historical model.
    Signal = apps.get_model("intake", "Signal")
    SearchText = apps.get_model("intake", "SearchText")
    signals = Signal.objects.exclude(case=None).order_by("pk").iterator(chunk_size=2000)
    batch = []
    for signal in signals:
        parts = (
            signal.source_organisation_name,
            signal.platform_name,
            signal.explanation,
            signal.own_contact_result,
        )
        body = "\n".join(part for part in parts if part)
        batch.append(SearchText(case_id=signal.case_id, source=f"signal:{signal.pk}", body=body))
        if len(batch) >= 2000:
            SearchText.objects.bulk_create(batch)
            batch = []
    SearchText.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0003_election_english_name'),
        ('intake', '0005_signal_good_faith_not_assumed'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=40)),
                ('body', models.TextField()),
            ],
        ),
        migrations.AddIndex(
            model_name='caseurl',
            index=models.Index(fields=['url_hash'], name='intake_caseurl_hash_idx'),
        ),
        migrations.AddField(
            model_name='searchtext',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='intake.case'),
        ),
        migrations.AddConstraint(
            model_name='searchtext',
            constraint=models.UniqueConstraint(fields=('case', 'source'), name='one_search_text_per_source'),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_signals, migrations.RunPython.noop),
    ]

# SPDX-License-Identifier: EUPL-1.2
"""Record the URL set of every decision taken before sets were recorded.

A case URL counts as covered when a signal of the case that lists it was recorded at or before
the decision (``Signal.created_at`` ≤ ``Decision.decided_at``: the signal and the URL it
brought commit together). A URL that came only with later signals is left out: nobody
assessed it. A URL that no signal of the case lists (added by hand) cannot be dated and is
included, as before the upgrade. ``url_set_origin`` says which way each set was made.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations


def _digest(urls: set[str]) -> str:
    # The same as flagdesk.rules.urlset.url_set_sha256, frozen here with the migration.
    return hashlib.sha256("\n".join(sorted(urls)).encode("utf-8")).hexdigest()


def _first_listed(apps: Any, case_id: int) -> dict[str, Any]:
    """Normalised URL → when a signal of the case first listed it."""
    SignalUrl = apps.get_model("intake", "SignalUrl")
    first: dict[str, Any] = {}
    rows = SignalUrl.objects.filter(signal__case_id=case_id).values_list(
        "normalised_url", "signal__created_at"
    )
    for normalised, created_at in rows:
        if normalised not in first or created_at < first[normalised]:
            first[normalised] = created_at
    return first


def fill(apps: Any, schema_editor: Any) -> None:
    Decision = apps.get_model("assessments", "Decision")
    DecisionUrl = apps.get_model("assessments", "DecisionUrl")
    CaseUrl = apps.get_model("intake", "CaseUrl")
    for decision in Decision.objects.filter(url_set_sha256="").select_related("case"):
        listed = _first_listed(apps, decision.case_id)
        rows = list(CaseUrl.objects.filter(case_id=decision.case_id).order_by("pk"))
        dated = all(row.normalised_url in listed for row in rows)
        covered = [
            row
            for row in rows
            if row.normalised_url not in listed or listed[row.normalised_url] <= decision.decided_at
        ]
        DecisionUrl.objects.bulk_create(
            DecisionUrl(
                decision=decision,
                election_id=decision.case.election_id,
                url=row.url,
                normalised_url=row.normalised_url,
                url_hash=row.url_hash,
            )
            for row in covered
        )
        decision.url_set_sha256 = _digest({row.normalised_url for row in covered})
        decision.url_set_origin = "signals" if dated else "case"
        decision.save(update_fields=["url_set_sha256", "url_set_origin"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_decision_url_set"),
        ("intake", "0003_case_related_to"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

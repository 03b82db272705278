# SPDX-License-Identifier: EUPL-1.2
"""The narratives panel of the case page.

An inclusion tag, so that the assessments app shows narratives without importing this app:
``{% load narratives_tags %}{% narratives_panel case %}``.
"""

from __future__ import annotations

from typing import Any

from django import template

from flagdesk.accounts.permissions import Action, can
from flagdesk.intake.models import Case
from flagdesk.narratives import service
from flagdesk.narratives.models import LinkStatus

register = template.Library()


@register.inclusion_tag("narratives/_panel.html", takes_context=True)
def narratives_panel(context: template.Context, case: Case) -> dict[str, Any]:
    links = service.links_for(case)
    linked = {link.narrative_id for link in links}
    return {
        "case": case,
        "confirmed": [link for link in links if link.status == LinkStatus.CONFIRMED],
        "suggested": [link for link in links if link.status == LinkStatus.SUGGESTED],
        "similar": service.similar_for(case),
        "may_assess": can(context.get("user"), Action.ASSESS),
        # Only narratives not linked yet: linking one twice would change nothing.
        "linkable": [n for n in service.active_narratives() if n.pk not in linked],
    }


@register.inclusion_tag("narratives/_intake_hint.html")
def narratives_hint(case: Case) -> dict[str, Any]:
    """Right after intake: which known narratives the case looks like (read-only; the
    worker records the suggestions on the case a moment later)."""
    scored = service.scores(service.case_text(case), service.active_narratives())
    return {
        "case": case,
        "hints": [
            (narrative, score)
            for narrative, score in scored[: service.MAX_SUGGESTIONS]
            if score >= service.SUGGEST_MIN_SCORE
        ],
    }

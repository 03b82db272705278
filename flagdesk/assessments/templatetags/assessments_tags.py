# SPDX-License-Identifier: EUPL-1.2
"""The legal basis of a decision in the reader's language: ``{% legal_basis_of decision %}``."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import get_language

from flagdesk.assessments import service
from flagdesk.assessments.models import Decision
from flagdesk.rules import legal_basis as basis_rules

register = template.Library()


@dataclass(frozen=True)
class BasisView:
    provisions: list[str]
    content_type: str


@register.simple_tag
def legal_basis_of(decision: Decision) -> BasisView:
    """The cited provisions and the type of alleged illegal content, as the page shows them."""
    language = get_language() or "nl"
    basis = service.legal_basis_of(decision)
    content_type = (
        basis_rules.content_type_label(basis.content_type, language) if basis.content_type else ""
    )
    return BasisView(basis_rules.provision_texts(basis, language), content_type)

# SPDX-License-Identifier: EUPL-1.2
"""Administration forms: partner organisations and their API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flagdesk.accounts.constants import PARTNER_SOURCE_TYPES, SourceType
from flagdesk.accounts.models import PartnerOrganisation


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerOrganisation
        fields = ["name", "source_type", "legal_basis", "contact_email", "active"]
        widgets = {"source_type": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A required choice: no empty "---------" radio button to pick.
        source_type = self.fields["source_type"]
        assert isinstance(source_type, forms.ChoiceField)
        source_type.choices = [(t.value, t.label) for t in PARTNER_SOURCE_TYPES]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        legal_basis = (cleaned.get("legal_basis") or "").strip()
        if cleaned.get("source_type") == SourceType.GOVERNMENT_MONITORING and not legal_basis:
            self.add_error(
                "legal_basis",
                _(
                    "A government body that monitors social media needs a legal basis; "
                    "name the law and article."
                ),
            )
        return cleaned

    def partner_data(self) -> dict[str, Any]:
        return {
            field: self.cleaned_data[field] for field in self.Meta.fields if field in self.fields
        }


class NewPartnerForm(PartnerForm):
    """A new partner starts active; deactivating is an edit."""

    class Meta(PartnerForm.Meta):
        fields = ["name", "source_type", "legal_basis", "contact_email"]


class IssueTokenForm(forms.Form):
    # Prefixed: it shares a page with the partner form, which also has a "name" field.
    prefix = "token"

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_('What the token is for, e.g. "newsroom CMS", so it can be recognised later.'),
    )

# SPDX-License-Identifier: EUPL-1.2
"""Forms of the correspondence section: edit a draft, record a portal submission, settle an
unknown outcome.

They only turn HTML input into the plain values the service expects; every rule (states,
roles, what may be sent again) is the service's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flagdesk.core.uploads import check_upload

# What <input type="datetime-local"> sends and expects, in the user's local time.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DraftForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}))
    english_summary = forms.CharField(
        label=_("English summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Replaces the Dutch explanation in this English notice. “Compose with summary” "
            "writes the text again from the case; edits to the text are replaced."
        ),
    )

    def __init__(self, *args: Any, prefix_pk: int | None = None, **kwargs: Any) -> None:
        # One form per notice on the page: ids must be unique.
        kwargs["auto_id"] = f"id_notice{prefix_pk}_%s"
        super().__init__(*args, **kwargs)


class PortalSubmissionForm(forms.Form):
    submitted_at = forms.DateTimeField(
        label=_("Submitted at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    reference = forms.CharField(
        label=_("The platform's reference"),
        max_length=200,
        required=False,
        help_text=_("The case or ticket number the portal showed after submitting."),
    )
    confirmation = forms.FileField(
        label=_("Confirmation (optional)"),
        required=False,
        help_text=_("A screenshot or the confirmation page, saved as a file."),
    )

    def __init__(self, *args: Any, prefix_pk: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"submitted_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
        kwargs["auto_id"] = f"id_portal{prefix_pk}_%s"
        super().__init__(*args, **kwargs)

    def clean_confirmation(self) -> UploadedFile | None:
        # Like a signal's attachments: judged by its bytes and size, never by its name.
        upload: UploadedFile | None = self.cleaned_data.get("confirmation")
        if upload:
            check_upload(upload)
        return upload


class ResolveUnknownForm(forms.Form):
    ARRIVED, RESEND = "arrived", "resend"

    note = forms.CharField(
        label=_("What do you base this on?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the platform confirmed by phone that it has (or has not) got it."
        ),
    )

    def __init__(self, *args: Any, prefix_pk: int | None = None, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"id_unknown{prefix_pk}_%s"
        super().__init__(*args, **kwargs)


class TemplateVersionForm(forms.Form):
    """An administrator's new version of a notice template, and the case to preview it with."""

    text = forms.CharField(
        label=_("Template text"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono", "spellcheck": "false"}),
        strip=False,
        help_text=_(
            "Django template syntax with the notice's facts: {{ f.reference }}, {{ f.urls }}, "
            "{{ policy }}, {{ harms }} and so on. Only if, for, with, firstof and comment are "
            "allowed, and a few filters."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("What you changed and why. Required when you save."),
    )
    decision = forms.TypedChoiceField(
        label=_("Preview with case"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(
        self, *args: Any, cases: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("— choose a case —")), *(cases or [])]


class NewTemplateForm(forms.Form):
    filename = forms.RegexField(
        label=_("Template name"),
        regex=r"^notice(\.[a-z0-9_-]+){1,3}\.txt$",
        max_length=100,
        help_text=_("For example notice.x.en.txt for notices to X in English."),
    )

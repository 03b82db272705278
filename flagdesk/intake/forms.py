# SPDX-License-Identifier: EUPL-1.2
"""Forms for intake staff: a partner's signal, a citizen's call, the case list filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from flagdesk.accounts import selectors as accounts_reads
from flagdesk.accounts.constants import SourceType
from flagdesk.accounts.models import PartnerOrganisation
from flagdesk.accounts.permissions import Action
from flagdesk.core.widgets import PlainSelect
from flagdesk.elections import selectors as election_reads
from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.intake.models import CaseState, Category, ReceivedVia
from flagdesk.intake.selectors import OWNER_ME, OWNER_NONE
from flagdesk.intake.service import MAX_URLS_PER_SIGNAL, SignalInput
from flagdesk.intake.uploads import check_upload
from flagdesk.platforms import service as platforms
from flagdesk.rules.urls import is_valid_url

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_ATTACHMENTS = 10

StrOrPromise = str | Promise


class AccessibleForm(forms.Form):
    """Links each field's error message to its input, so screen readers announce it."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in list(self.errors):
            if name not in self.fields or self[name].use_fieldset:
                continue  # radio groups: the template puts aria-describedby on the fieldset
            ids = [f"{self[name].auto_id}_error"]
            if self.fields[name].help_text:
                ids.append(f"{self[name].auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


# Typed and shown day-month-year in both languages. A browser's own date widget follows the
# browser's locale, not the page's (an English Chromium shows mm/dd/yyyy), so these are text
# inputs with a hint; the ISO forms stay accepted for pasted values and older clients.
EUROPEAN_DATETIME = "%d-%m-%Y %H:%M"
EUROPEAN_DATE = "%d-%m-%Y"
DATETIME_INPUT_FORMATS = [EUROPEAN_DATETIME, "%d/%m/%Y %H:%M", DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
DATE_INPUT_FORMATS = [EUROPEAN_DATE, "%d/%m/%Y", "%Y-%m-%d"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self) -> None:
        attrs = {"placeholder": _("dd-mm-yyyy hh:mm"), "inputmode": "numeric"}
        super().__init__(format=EUROPEAN_DATETIME, attrs=attrs)


class LocalDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self) -> None:
        super().__init__(format=EUROPEAN_DATE, attrs={"placeholder": _("dd-mm-yyyy")})


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; always cleans to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def platform_choices() -> list[tuple[str, StrOrPromise]]:
    return [
        ("", _("— choose a platform —")),
        *((p.slug, p.name) for p in platforms.all_platforms()),
    ]


def _platform_name(cleaned: dict[str, Any]) -> str:
    return str(cleaned.get("platform_other") or cleaned.get("platform") or "").strip()


def _require_platform(form: forms.Form, cleaned: dict[str, Any]) -> None:
    if not _platform_name(cleaned) and "platform" not in form.errors:
        form.add_error("platform", _("Choose a platform, or type its name under “Other platform”."))


class PlatformFields(AccessibleForm):
    """A platform from the registry, or its name typed in when it is not listed."""

    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=platform_choices)
    platform_other = forms.CharField(
        label=_("Other platform"),
        required=False,
        max_length=100,
        help_text=_("Only if the platform is not in the list."),
    )


class ReadAtOnce(forms.models.ModelChoiceIterator):
    """The choices read in one query. Django's iterator streams them with ``iterator()``,
    which on PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three statements on
    every case list) for a few dozen rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        assert isinstance(self.field, ElectionChoiceField)
        for obj in self.field.read_once():
            yield self.choice(obj)


class ElectionChoiceField(forms.ModelChoiceField):
    """Each election with its kind and date: three may share a day and a similar name.

    The elections are read once per form: the check of the chosen one and the picker's
    choices use the same rows (Django reads them twice: a ``get`` to clean, the list to
    render — two queries on every case list)."""

    iterator = ReadAtOnce
    _read: tuple[Any, list[Any]] | None = None

    def read_once(self) -> list[Any]:
        # Kept with the queryset they came from: each form's copy of the field has a queryset
        # of its own (and a form may set another), which then reads anew.
        queryset = self.queryset
        assert queryset is not None  # every election field is made with one
        if self._read is None or self._read[0] is not queryset:
            self._read = (queryset, list(queryset.all()))
        return self._read[1]

    def to_python(self, value: Any) -> Any:
        """Django's ``ModelChoiceField.to_python``, looking among the rows read once."""
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        assert self.queryset is not None
        model = self.queryset.model
        key = self.to_field_name or "pk"
        if isinstance(value, model):
            value = getattr(value, key)
        model_field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        try:
            wanted = model_field.to_python(value)  # "05" is pk 5, as the database would say
        except (ValidationError, ValueError, TypeError):
            wanted = None
        found = next((row for row in self.read_once() if getattr(row, key) == wanted), None)
        if wanted is None or found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def label_from_instance(self, obj: Any) -> str:
        return elections.picker_label(obj)


class SignalForm(PlatformFields):
    """A signal a partner phoned or e-mailed in, typed in by an intake officer."""

    election = ElectionChoiceField(
        label=_("Election"), queryset=election_reads.elections(), empty_label=None
    )
    received_via = forms.ChoiceField(
        label=_("Received via"),
        widget=forms.RadioSelect,
        choices=[(v.value, v.label) for v in (ReceivedVia.PHONE, ReceivedVia.EMAIL)],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=LocalDateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=_("Day-month-year and time, e.g. 22-11-2023 14:20."),
    )
    source_organisation = forms.ModelChoiceField(
        label=_("Source organisation"),
        required=False,
        queryset=accounts_reads.active_partner_organisations(),
        empty_label=_("— not in the list —"),
        help_text=_("Choose a registered partner, or leave this empty and type the name below."),
    )
    source_organisation_name = forms.CharField(
        label=_("Organisation name (not in the list)"), required=False, max_length=200
    )
    source_type = forms.ChoiceField(
        label=_("Source type (not in the list)"),
        required=False,
        choices=[("", "—"), *SourceType.choices],
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    category = forms.ChoiceField(
        label=_("Category"), widget=forms.RadioSelect, choices=Category.choices
    )
    content_urls = forms.CharField(
        label=_("Content URLs"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("The exact address of each message, one per line (at most %(n)d).")
        % {"n": MAX_URLS_PER_SIGNAL},
    )
    explanation = forms.CharField(
        label=_("Explanation by the signaller"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the signaller thinks the content endangers the election process."),
    )
    own_contact_attempts = forms.IntegerField(
        label=_("Own contact attempts with the platform"),
        required=False,
        min_value=0,
        max_value=99,
        initial=0,
        help_text=_("How often the signaller tried to reach the platform itself."),
    )
    own_contact_last_at = forms.DateTimeField(
        label=_("Last own attempt"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=_("Day-month-year and time, e.g. 22-11-2023 14:20."),
    )
    own_contact_result = forms.CharField(
        label=_("Result of own attempts"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    good_faith = forms.BooleanField(
        label=_("The signaller confirms the signal is accurate and complete"),
        required=False,
        # Never ticked in advance: only the signaller's own confirmation may tick it.
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Screenshots, PDFs or saved e-mails (PNG, JPEG, GIF, WebP, PDF, text)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = elections.current_election()
        self.fields["election"].initial = current
        # Elections on the same day: say which one is preselected and why, never silently.
        self.fields["election"].help_text = elections.default_explained(current)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_content_urls(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["content_urls"].splitlines()]
        urls = [line for line in lines if line]
        if not urls:
            raise ValidationError(_("Enter at least one URL."), code="required")
        if len(urls) > MAX_URLS_PER_SIGNAL:
            raise ValidationError(_("At most %(n)d URLs per signal.") % {"n": MAX_URLS_PER_SIGNAL})
        bad = [url for url in urls if not is_valid_url(url)]
        if bad:
            raise ValidationError(
                [
                    ValidationError(
                        _("Not a valid content URL: %(url)s"),
                        params={"url": url[:200]},
                        code="invalid_url",
                    )
                    for url in bad
                ]
            )
        return urls

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS})
        problems: list[ValidationError] = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as exc:
                problems.append(exc)
        if problems:
            raise ValidationError(problems)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_platform(self, cleaned)
        if cleaned.get("source_organisation") is None:
            if not cleaned.get("source_organisation_name"):
                self.add_error(
                    "source_organisation_name",
                    _("Choose an organisation from the list or type its name."),
                )
            if not cleaned.get("source_type"):
                self.add_error("source_type", _("Give the source type of this organisation."))
        return cleaned

    def to_input(self) -> SignalInput:
        data = self.cleaned_data
        organisation: PartnerOrganisation | None = data["source_organisation"]
        return SignalInput(
            election=data["election"],
            source_type=organisation.source_type if organisation else data["source_type"],
            category=data["category"],
            platform_name=_platform_name(data),
            content_urls=data["content_urls"],
            explanation=data["explanation"],
            received_via=data["received_via"],
            source_organisation=organisation,
            source_organisation_name="" if organisation else data["source_organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            received_at=data["received_at"],
            own_contact_attempts=data["own_contact_attempts"] or 0,
            own_contact_last_at=data["own_contact_last_at"],
            own_contact_result=data["own_contact_result"],
            good_faith=data["good_faith"],
            attachments=data["attachments"],
        )


class CitizenForm(PlatformFields):
    """A citizen on the phone: only the platform (and perhaps a date); nothing personal."""

    day = forms.DateField(
        label=_("Date of the message (optional)"),
        required=False,
        widget=LocalDateInput(),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_(
            "Day-month-year, e.g. 22-11-2023. If the caller knows it; it decides which "
            "election the call is counted for."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_platform(self, cleaned)
        if not self.errors and self.election() is None:
            raise ValidationError(_("There is no election to count this call for."))
        return cleaned

    def election(self) -> Election | None:
        day: dt.date | None = self.cleaned_data.get("day")
        return elections.current_election(day)

    def to_input(self) -> SignalInput:
        election = self.election()
        assert election is not None  # checked in clean()
        return SignalInput(
            election=election,
            source_type=SourceType.CITIZEN,
            category=Category.OTHER,
            platform_name=_platform_name(self.cleaned_data),
            content_urls=[],
            explanation="",
            received_via=ReceivedVia.PHONE,
        )


def owner_candidates() -> list[Any]:
    """Who can own a case: the assign menus and the owner filter list them."""
    return accounts_reads.staff_who_may(Action.OWN_CASE)


class CaseFilterForm(AccessibleForm):
    """The case list's filter; every field is optional and an empty form lists everything."""

    election = ElectionChoiceField(
        label=_("Election"),
        required=False,
        queryset=election_reads.elections(),
        empty_label=_("All elections"),
        to_field_name="code",
        widget=PlainSelect,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *CaseState.choices],
        widget=PlainSelect,
    )
    platform = forms.ChoiceField(label=_("Platform"), required=False, widget=PlainSelect)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
        widget=PlainSelect,
    )
    # "me", "none" or a user's id (issue 15): ``?owner=me`` is the "mine" view.
    owner = forms.ChoiceField(label=_("Owner"), required=False, widget=PlainSelect)
    # No length limit: a pasted URL is searched, not refused (intake/search.py cuts the text).
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Reference, link (in any form), organisation or words from the case."),
        widget=forms.TextInput(attrs={"type": "search", "data-shortcut": "/"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        platform_field = self.fields["platform"]
        assert isinstance(platform_field, forms.ChoiceField)
        platform_field.choices = [
            ("", _("All platforms")),
            *((p.slug, p.name) for p in platforms.all_platforms()),
        ]
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [
            ("", _("Anyone or nobody")),
            (OWNER_ME, _("Mine")),
            (OWNER_NONE, _("Nobody (unowned)")),
            *((str(u.pk), u.get_username()) for u in owner_candidates()),
        ]

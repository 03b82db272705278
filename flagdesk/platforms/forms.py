# SPDX-License-Identifier: EUPL-1.2
"""The administrator's form for a platform's channel, policy and aliases."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.platforms import service
from flagdesk.platforms.models import ChannelKind, Platform

ALIAS_RE = re.compile(r"^[a-z0-9_-]{1,30}$")
# A DNS name of two or more labels, ASCII (an IDN in its xn-- form).
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    # Links to policies are https; say so now rather than rely on Django's changing default.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlatformForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        help_text=_(
            "Other names signallers use, separated by commas, e.g. twitter, tweet. "
            "Lower-case letters, digits, hyphens and underscores only."
        ),
    )

    class Meta:
        model = Platform
        fields = list(service.EDITABLE_FIELDS)
        widgets = {"channel_kind": forms.RadioSelect}
        formfield_callback = _formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = ", ".join(
                self.instance.aliases.values_list("alias", flat=True)
            )

    def clean_aliases(self) -> list[str]:
        raw = self.cleaned_data.get("aliases") or ""
        aliases = sorted({a.strip().lower() for a in raw.split(",") if a.strip()})
        bad = [a for a in aliases if not ALIAS_RE.match(a)]
        if bad:
            raise ValidationError(
                _(
                    "Not a valid alias: %(aliases)s. Use lower-case letters, digits, hyphens "
                    "and underscores (at most 30)."
                ),
                params={"aliases": ", ".join(bad)},
            )
        own = [a for a in aliases if a == self.instance.slug]
        if own:
            raise ValidationError(
                _("The platform's own key is not an alias: %(key)s."), params={"key": own[0]}
            )
        taken = service.alias_conflicts(aliases, self.instance)
        if taken:
            raise ValidationError(
                _("Already used by another platform: %(aliases)s."),
                params={"aliases": ", ".join(taken)},
            )
        return aliases

    def clean_mail_domains(self) -> str:
        return _domains(self.cleaned_data.get("mail_domains") or "")

    def clean_hosts(self) -> str:
        # Host names only: a line break, a wildcard or a scheme has no business in the list
        # the case's URLs are matched against.
        return _domains(self.cleaned_data.get("hosts") or "")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        address = (cleaned.get("channel_address") or "").strip()
        kind = cleaned.get("channel_kind")
        if address and kind:
            cleaned["channel_address"] = address
            self._check_address(kind, address)
        return cleaned

    def _check_address(self, kind: str, address: str) -> None:
        try:
            if kind == ChannelKind.EMAIL:
                validate_email(address)
            else:
                URLValidator(schemes=["https"])(address)
        except ValidationError:
            message = (
                _("Enter an e-mail address for an e-mail channel.")
                if kind == ChannelKind.EMAIL
                else _("Enter an https:// URL for a web portal.")
            )
            self.add_error("channel_address", message)

    def platform_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in service.EDITABLE_FIELDS}


def _domains(raw: str) -> str:
    domains = list(
        dict.fromkeys(d.strip().lower().rstrip(".") for d in raw.split(",") if d.strip())
    )
    bad = [d for d in domains if not DOMAIN_RE.match(d)]
    if bad:
        raise ValidationError(
            _("Not a valid domain: %(domains)s. Write e.g. x.com, twitter.com."),
            params={"domains": ", ".join(bad)},
        )
    return ",".join(domains)


def change_platform(platform: Platform, changes: Mapping[str, Any], actor: Any) -> Platform:
    """Change some of a platform's fields with the platform page's own validation.

    The API's PATCH and ``flagdesk platform set`` send only what changes; the page's form is
    filled with the stored values and the changes on top, so every rule of the page (an
    https portal, a valid address for the channel kind, domains without wildcards, aliases
    no other platform uses) applies to them too, and the same service saves and audits.
    Raises ValidationError with the form's errors per field.
    """
    unknown = set(changes) - {*service.EDITABLE_FIELDS, "aliases"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    data: dict[str, Any] = forms.model_to_dict(platform, fields=service.EDITABLE_FIELDS)
    data["aliases"] = ", ".join(platform.aliases.values_list("alias", flat=True))
    data.update(changes)
    # None is "not set" for the optional numbers; the form reads it from the data as empty.
    data = {key: "" if value is None else value for key, value in data.items()}
    form = PlatformForm(data, instance=Platform.objects.get(pk=platform.pk))
    if not form.is_valid():
        raise ValidationError(
            {field: [str(e) for e in errors] for field, errors in form.errors.items()}
        )
    try:
        return service.update_platform(
            platform, form.platform_data(), form.cleaned_data["aliases"], actor
        )
    except ValidationError as exc:
        # Another administrator took an alias between the check and the save.
        raise ValidationError({"aliases": exc.messages}) from exc

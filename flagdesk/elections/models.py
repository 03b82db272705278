# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flagdesk.rules import election_names


class ElectionType(models.TextChoices):
    TK = "TK", _("Tweede Kamer")
    EP = "EP", _("European Parliament")
    PS = "PS", _("Provinciale Staten")
    WS = "WS", _("Waterschappen")
    GR = "GR", _("Gemeenteraad")
    EK = "EK", _("Eerste Kamer")
    CARIBBEAN = "CN", _("Caribbean Netherlands (island councils, electoral colleges)")


class Election(models.Model):
    code = models.SlugField(
        _("code"), max_length=20, unique=True, help_text=_("Short identifier, e.g. TK2023.")
    )
    type = models.CharField(_("type"), max_length=2, choices=ElectionType.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Used in notices in English. Empty: derived from the type, e.g. “House of "
            "Representatives (Tweede Kamer) election 2025”."
        ),
    )
    election_day = models.DateField(_("election day"))
    attention_start = models.DateField(_("attention window from"))
    attention_end = models.DateField(_("attention window until"))

    class Meta:
        ordering = ["-election_day", "code"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attention_start__lte=models.F("election_day"))
                & models.Q(attention_end__gte=models.F("election_day")),
                name="election_day_inside_attention_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def english_name(self) -> str:
        return election_names.english_name(self.type, self.election_day, self.name_en)

    @property
    def english_day(self) -> str:
        """Election day in English with its year; only the month while it is unconfirmed."""
        confirmed = election_names.day_is_confirmed(self.name)
        return election_names.english_day(self.election_day, confirmed=confirmed)

    def in_attention_window(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.attention_start <= day <= self.attention_end

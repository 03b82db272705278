# SPDX-License-Identifier: EUPL-1.2
"""Recurring false narratives about the election process, and the cases that repeat them.

Where a narrative was seen and notified follows from its confirmed links to cases (their
elections, platforms and sent notices), so it cannot drift from what really happened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.intake.models import Case


class Narrative(models.Model):
    slug = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    claim_nl = models.TextField(_("false claim (Dutch)"))
    claim_en = models.TextField(_("false claim (English)"))
    correct_rule = models.TextField(_("the correct rule"))
    rule_source = models.CharField(_("source of the rule"), max_length=300)
    rule_source_url = models.URLField(_("source URL"), blank=True)
    examples = models.TextField(
        _("examples"), blank=True, help_text=_("Typical wordings, one per line; used for matching.")
    )
    retired = models.BooleanField(_("retired"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")

    def __str__(self) -> str:
        return self.title

    def match_text(self) -> str:
        return "\n".join([self.title, self.claim_nl, self.claim_en, self.examples])


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Suggestion(models.Model):
    """What a suggestion has: suggested by the matcher, then confirmed or dismissed by whom."""

    status = models.CharField(
        max_length=10, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class NarrativeLink(Suggestion):
    """A case that (the matcher suggests, or an assessor confirmed) repeats a narrative."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="narrative_links")
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["narrative", "case"], name="one_link_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.narrative_id} ({self.status})"


class SimilarCase(Suggestion):
    """An earlier case (any election) whose signals say much the same as this case's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="similar_links")
    earlier = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["case", "earlier"], name="one_similarity_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.earlier_id} ({self.score:.0f})"


class MatchingWanted(models.Model):
    """A case that wants (re)matching: one row per case however many signals arrived, so a
    surge queues cases, not signals. Queue bookkeeping like a task row, not an audited
    state: the suggestions that matching makes are audited.

    ``generation`` grows with each new signal; the batch that matched the case removes the
    row only when no signal came meanwhile. ``claimed_by`` is the worker matching it now;
    a dead worker's claims are taken again (``core.workers.is_alive``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="+")
    wanted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    generation = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"case {self.case_id} wants matching"


class MatchingSchedule(models.Model):
    """One row, locked while deciding whether a matching batch task must be enqueued, so two
    transactions can't both enqueue one (at most one batch task waits at a time)."""

    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "matching schedule"

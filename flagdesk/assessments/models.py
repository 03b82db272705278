# SPDX-License-Identifier: EUPL-1.2
"""The assessor's checklist and the four-eyes decision on a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.elections.models import Election
from flagdesk.intake.models import Case


class Assessment(models.Model):
    """The checklist: each answer with the assessor's reasoning, and what the rules made of it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    election_process_risk = models.BooleanField(
        _("risk to the organisation, execution or integrity of the election process"),
        null=True,
        blank=True,
    )
    election_process_risk_reasoning = models.TextField(blank=True)
    misleading = models.BooleanField(_("false or misleading"), null=True, blank=True)
    misleading_reasoning = models.TextField(blank=True)
    harms = models.JSONField(_("effect on the vote"), null=True, blank=True)
    harms_reasoning = models.TextField(blank=True)
    own_contact_attempts = models.PositiveSmallIntegerField(
        _("co-government's own contact attempts"), null=True, blank=True
    )
    own_contact_attempts_reasoning = models.TextField(blank=True)
    own_means_exhausted = models.BooleanField(_("own means exhausted"), null=True, blank=True)
    own_means_exhausted_reasoning = models.TextField(blank=True)
    # What the notice of this kind of case says beyond the checklist (the hacked account and
    # its ID, the blocked advert, the claim): names and required ones in rules/notice_kinds.py.
    kind_facts = models.JSONField(_("facts for the notice"), default=dict, blank=True)
    eligible = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=20)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"assessment of {self.case}"


class Outcome(models.TextChoices):
    DEPLOY = "deploy", _("Deploy the trusted-flagger status")
    NO_DEPLOY = "no_deploy", _("Do not deploy")
    REFER = "refer", _("Refer elsewhere")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")
    # By its proposer, before review (issue 15): the case is open again, nothing is frozen.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UrlSetOrigin(models.TextChoices):
    DECISION = "decision", _("Recorded at the decision")
    # Filled in by the upgrade for decisions taken before sets were recorded (migration 0003).
    SIGNALS_BEFORE_DECISION = "signals", _("Reconstructed from the signals before the decision")
    ALL_CASE_URLS = "case", _("Reconstructed: all of the case's URLs")


class LegalBasisKind(models.TextChoices):
    """What kind of notice a decision to deploy sends (rules/legal_basis.py)."""

    ILLEGAL_CONTENT = "illegal_content", _("Notice of illegal content (DSA Art. 16)")
    TERMS_ESCALATION = "terms_escalation", _("Escalation of a possible breach of the terms")


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    justification = models.TextField(_("justification"))
    is_override = models.BooleanField(_("deploys against the rules' reasons"), default=False)
    override_justification = models.TextField(_("override justification"), blank=True)
    engine_eligible = models.BooleanField()
    engine_reasons = models.JSONField(default=list)
    rules_version = models.CharField(max_length=20)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    status = models.CharField(
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PROPOSED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    # The approver an administrator named to review it (issue 15); null: any other approver.
    review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Ids of who proposed it before an administrator handed it over: they wrote it, so
    # they may not approve it either (four eyes through a reassignment).
    earlier_proposers = models.JSONField(default=list, blank=True)
    # SHA-256 over the sorted normalised URLs the decision covers (rules/urlset.py);
    # also in the decision_* audit events, so a changed set row is caught by the chain.
    url_set_sha256 = models.CharField(_("URL set (SHA-256)"), max_length=64, blank=True)
    url_set_origin = models.CharField(
        max_length=10, choices=UrlSetOrigin.choices, default=UrlSetOrigin.DECISION
    )
    # The legal basis of the notice a decision to deploy sends; empty for the other outcomes.
    # Decisions from before it was recorded were all terms escalations (migration 0005).
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasisKind.choices, blank=True, default=""
    )
    # Codes of rules.legal_basis.PROVISIONS, in that list's order.
    provisions = models.JSONField(_("provisions"), default=list, blank=True)
    other_provision = models.CharField(_("other provision"), max_length=500, blank=True)
    illegal_content_type = models.CharField(
        _("type of alleged illegal content"), max_length=40, blank=True
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            # Four eyes, enforced by the database too: nobody reviews their own decision.
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("decided_by")),
                name="decision_reviewed_by_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(review_by__isnull=True)
                | ~models.Q(review_by=models.F("decided_by")),
                name="decision_review_named_for_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(is_override=False) | ~models.Q(override_justification=""),
                name="override_needs_justification",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="proposed"),
                name="one_open_decision_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.case})"


class DecisionUrl(models.Model):
    """One normalised URL of the exact set a decision covers, frozen when it is proposed."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="url_set")
    # The election again, so "in an approved set of this election" is one indexed lookup.
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    url = models.CharField(max_length=4200, help_text=_("As the case holds it."))
    normalised_url = models.CharField(max_length=4200)
    url_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "url_hash"], name="decision_url_once"),
        ]
        indexes = [models.Index(fields=["election", "url_hash"])]

    def __str__(self) -> str:
        return self.url

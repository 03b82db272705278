# SPDX-License-Identifier: EUPL-1.2
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE = "intake_officer", _("Intake officer")
    ASSESSOR = "assessor", _("Assessor")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")
    PARTNER = "partner", _("Partner organisation (API)")


STAFF_ROLES = (Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN)


class SourceType(models.TextChoices):
    """Who a signal comes from. Only the first four are accepted (see assessments.rules)."""

    MEDIA = "media", _("Media")
    FACTCHECKER = "factchecker", _("Independent fact-checker")
    GOVERNMENT_MONITORING = (
        "government_monitoring",
        _("Government body with a legal basis for monitoring"),
    )
    CO_GOVERNMENT = "co_government", _("Co-government (municipality, province, water board)")
    CITIZEN = "citizen", _("Citizen")
    ANONYMOUS = "anonymous", _("Anonymous")
    OWN_MONITORING = "own_monitoring", _("Own monitoring")


PARTNER_SOURCE_TYPES = (
    SourceType.MEDIA,
    SourceType.FACTCHECKER,
    SourceType.GOVERNMENT_MONITORING,
    SourceType.CO_GOVERNMENT,
)

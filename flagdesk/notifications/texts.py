# SPDX-License-Identifier: EUPL-1.2
"""What each kind of notification says, in the reader's language (rendered when shown)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SENTENCES: dict[str, Promise] = {
    "approval_requested": gettext_lazy("Decision on case %(case)s awaits your approval"),
    "decision_approved": gettext_lazy("Your decision on case %(case)s was approved"),
    "decision_rejected": gettext_lazy("Your decision on case %(case)s was rejected"),
    "decision_sent_back": gettext_lazy("Your decision on case %(case)s was sent back"),
    "decision_withdrawn": gettext_lazy("The decision on case %(case)s was withdrawn"),
    "acknowledged": gettext_lazy("The platform acknowledged the notice on case %(case)s"),
    "reply": gettext_lazy("A reply arrived on case %(case)s"),
    "bounced": gettext_lazy("The notice on case %(case)s bounced"),
    "delivery_failed": gettext_lazy("Delivery of the notice on case %(case)s failed"),
    "delivery_unknown": gettext_lazy("Delivery of the notice on case %(case)s is uncertain"),
    "reminder": gettext_lazy("Reminder: case %(case)s is waiting"),
    "case_assigned": gettext_lazy("Case %(case)s was assigned to you"),
    "decision_reassigned": gettext_lazy("The decision on case %(case)s was handed to you"),
}


def sentence(kind: str, case_reference: str) -> str:
    template = SENTENCES.get(kind)
    if template is None:
        return _("Something changed on case %(case)s") % {"case": case_reference}
    return str(template) % {"case": case_reference}

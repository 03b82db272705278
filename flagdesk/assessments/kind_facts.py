# SPDX-License-Identifier: EUPL-1.2
"""Labels and help for the facts a notice of each kind needs (the names and which are required
are the pure rules' in ``rules/notice_kinds.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a name of django-stubs only
    from django.utils.functional import _StrPromise

LABELS: dict[str, _StrPromise] = {
    "claim": _("What the content claims"),
    "account_name": _("The account (name or handle)"),
    "account_id": _("The account's ID on the platform"),
    "incident": _("What happened"),
    "incident_since": _("Since when"),
    "intruder_posts": _("What the intruder posted"),
    "co_government_contact": _("Contact at the co-government (name, e-mail or phone)"),
    "ad_reference": _("The advert's ID or ad-library link"),
    "platform_decision": _("The platform's decision being questioned"),
    "why_election_information": _(
        "Why this is the co-government's election information, not a political ad"
    ),
    "urgency": _("Why it is urgent"),
}
HELP: dict[str, _StrPromise] = {
    "claim": _("In a sentence or two; why it is false goes in the reasoning above."),
    "account_id": _("The numeric ID, e.g. from the profile's page source or the platform."),
    "incident_since": _("A date and time, e.g. 2 March 2027 18:00."),
    "intruder_posts": _("The platform is asked to remove these posts."),
    "ad_reference": _("The advert's ID, or the link to it in the platform's ad library."),
}


def label(name: str) -> str:
    return str(LABELS.get(name, name))
